package io.switchboard.faults;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One part of the fault run as a JVM of its own (the broker, the worker, a replica), which the
 * nemesis can kill with SIGKILL, freeze with SIGSTOP and thaw with SIGCONT, and start again with
 * the same command (the same port and data). Its output is appended to one log file across
 * restarts. Every process still alive when the harness exits is killed.
 */
final class JavaProcess {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "fault-process-reaper"));
    }

    private final String name;
    private final List<String> command;
    private final Path log;
    private volatile Process process;
    private volatile boolean frozen;
    /** Given to every start: a library preloaded into the process, say. */
    private volatile Map<String, String> environment = Map.of();

    JavaProcess(String name, List<String> jvmOptions, String mainClass, List<String> args, Path logDir) {
        this.name = name;
        this.log = logDir.resolve(name + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(args);
        this.command = List.copyOf(command);
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    long pid() {
        return process.pid();
    }

    synchronized JavaProcess start() {
        return start(Map.of());
    }

    /** Every start from now on runs with this environment too. */
    JavaProcess withEnvironment(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
        return this;
    }

    /**
     * Started with its wall clock {@code offset} away from the machine's ("+300s", "-2m"), through
     * libfaketime (Debian's {@code faketime}); monotonic clocks are left alone, as a skewed host's
     * are. Fails if the library is not installed.
     */
    synchronized JavaProcess startSkewed(String offset) {
        Path library = Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");
        if (!Files.isRegularFile(library)) {
            throw new IllegalStateException("libfaketime is not installed (apt-get install faketime): cannot skew a clock");
        }
        return start(Map.of("LD_PRELOAD", library.toString(), "FAKETIME", offset, "FAKETIME_DONT_FAKE_MONOTONIC", "1"));
    }

    private JavaProcess start(Map<String, String> environment) {
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().keySet().removeIf(k -> k.startsWith("SWITCHBOARD_"));
            builder.environment().putAll(this.environment);
            environment.forEach((key, value) -> builder.environment().merge(key, value,
                    // Preloaded libraries add up: a skewed clock on a replica whose disk can fill.
                    (mine, given) -> key.equals("LD_PRELOAD") ? mine + ":" + given : given));
            process = builder.start();
            LIVE.add(process);
            frozen = false;
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean isAlive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** SIGKILL: no shutdown hook, nothing flushed, no group left. */
    synchronized void kill() {
        if (process != null) {
            if (frozen) {
                signal("CONT");
            }
            process.destroyForcibly();
            await(30);
        }
    }

    /** SIGTERM, then SIGKILL if it has not exited in time. */
    synchronized void stop() {
        if (process != null) {
            if (frozen) {
                signal("CONT");
            }
            process.destroy();
            if (!await(60)) {
                kill();
            }
        }
    }

    /** SIGSTOP: the process stays, its sockets stay open, and it answers nothing. */
    synchronized void freeze() {
        signal("STOP");
        frozen = true;
    }

    /** SIGCONT. */
    synchronized void thaw() {
        signal("CONT");
        frozen = false;
    }

    /** Waits for a line starting with {@code prefix} in the log, written after {@code fromLine}. */
    String awaitLine(String prefix, int fromLine, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            if (!isAlive()) {
                throw new IllegalStateException(name + " exited; see " + log);
            }
            List<String> lines = lines();
            for (int i = fromLine; i < lines.size(); i++) {
                if (lines.get(i).startsWith(prefix)) {
                    return lines.get(i).substring(prefix.length()).trim();
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(name + " wrote no line starting " + prefix + " in " + timeoutMillis + " ms; see " + log);
    }

    List<String> lines() {
        try {
            return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.ISO_8859_1) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    String text() {
        return String.join("\n", lines());
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start();
            kill.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean await(int seconds) {
        try {
            boolean exited = process.waitFor(seconds, TimeUnit.SECONDS);
            if (exited) {
                LIVE.remove(process);
            }
            return exited;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The ports {@link #freePort} handed out in this process: the OS may offer a closed one again. */
    private static final Set<Integer> PORTS_GIVEN = ConcurrentHashMap.newKeySet();

    /** A port free now and not handed out before by this process (two of a broker's listeners must differ). */
    static int freePort() {
        for (int attempt = 0; ; attempt++) {
            try (ServerSocket socket = new ServerSocket(0)) {
                int port = socket.getLocalPort();
                if (PORTS_GIVEN.add(port) || attempt >= 100) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The class path as a list of entries, for a child JVM started from this one. */
    static String classPath() {
        return String.join(File.pathSeparator, System.getProperty("java.class.path").split(File.pathSeparator));
    }
}
