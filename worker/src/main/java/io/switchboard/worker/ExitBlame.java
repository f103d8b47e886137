package io.switchboard.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;

/**
 * Names the connector that made the worker's process exit, for the replica's quarantine
 * ({@code io.switchboard.dataplane.WorkerQuarantine}): when the process exits other than by its own
 * stop, a shutdown hook looks for the thread that asked the JVM to exit, and when that is one of
 * Kafka Connect's threads of a connector ({@value #CONNECTOR_THREAD}NAME) or of a task
 * ({@value #TASK_THREAD}NAME-N), writes NAME to {@value #FILE} in the worker's directory.
 *
 * <p>What it cannot name: an exit from a thread the plugin started itself, a {@code Runtime.halt},
 * a crash of the JVM. Those leave no file, and the worker is started again as after any exit. A
 * plugin runs in this process with the worker's rights, so what it writes here is no more trusted
 * than what it could do to the worker's other connectors anyway.
 */
public final class ExitBlame {
    /** The file, in the worker's directory, that names the connector. */
    public static final String FILE = "exited-by";
    static final String CONNECTOR_THREAD = "connector-thread-";
    static final String TASK_THREAD = "task-thread-";
    /** The longest name written. */
    public static final int MAX_NAME = 1024;
    private static volatile boolean stopping;

    private ExitBlame() {
    }

    /** From here on, an exit the worker did not ask for names its connector in {@code directory}. */
    static void install(Path directory) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (stopping) {
                return;
            }
            culprit(Thread.getAllStackTraces(), Thread.currentThread()).ifPresent(name -> write(directory, name));
        }, "exit-blame"));
    }

    /** The worker stops of its own accord (its replica asked): no connector is to blame. */
    static void stopping() {
        stopping = true;
    }

    /** The connector whose thread is in the middle of exiting the JVM, among {@code stacks}. */
    static Optional<String> culprit(Map<Thread, StackTraceElement[]> stacks, Thread hook) {
        for (Map.Entry<Thread, StackTraceElement[]> thread : stacks.entrySet()) {
            if (thread.getKey() != hook && exiting(thread.getValue())) {
                return connectorOf(thread.getKey().getName());
            }
        }
        return Optional.empty();
    }

    private static boolean exiting(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            if ((frame.getClassName().equals("java.lang.Shutdown") || frame.getClassName().equals("java.lang.Runtime"))
                    && frame.getMethodName().equals("exit")) {
                return true;
            }
        }
        return false;
    }

    /** The connector a Kafka Connect thread works for, by the name Connect gives the thread. */
    static Optional<String> connectorOf(String threadName) {
        if (threadName.startsWith(CONNECTOR_THREAD)) {
            return named(threadName.substring(CONNECTOR_THREAD.length()));
        }
        if (threadName.startsWith(TASK_THREAD)) {
            String task = threadName.substring(TASK_THREAD.length());
            int dash = task.lastIndexOf('-');
            if (dash > 0 && task.substring(dash + 1).chars().allMatch(Character::isDigit) && dash + 1 < task.length()) {
                return named(task.substring(0, dash));
            }
        }
        return Optional.empty();
    }

    private static Optional<String> named(String name) {
        return name.isEmpty() || name.length() > MAX_NAME ? Optional.empty() : Optional.of(name);
    }

    private static void write(Path directory, String name) {
        try {
            Path partial = Files.createTempFile(directory, FILE, ".partial");
            Files.writeString(partial, name, StandardCharsets.UTF_8);
            Files.move(partial, directory.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            System.err.println("ERROR [exit-blame] ExitBlame - the worker exits at the request of connector " + name);
        } catch (IOException | RuntimeException e) {
            System.err.println("WARN  [exit-blame] ExitBlame - cannot name the connector the worker exits for: " + e.getMessage());
        }
    }
}
