package io.switchboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs the threads of Switchboard's replicas whose names match a pattern at a lower CPU priority
 * (Linux nice {@link #NICE}) for as long as they live, to see how soon answers come when the work
 * they set off in the same process waits for a free core. Not a setting of the product: a probe of
 * where the time goes. Names are as Linux shows them, the first 15 characters of the Java name
 * (the processor's threads show as the start of its application id, {@code bench-switchboa}).
 * Threads started later are found on the next look, once a second.
 */
final class LowerPriority implements AutoCloseable {
    static final int NICE = 10;
    private static final long LOOK_EVERY_MS = 1_000;

    private final Pattern names;
    private final List<Long> pids = new ArrayList<>();
    /** Threads already lowered, as pid/tid. */
    private final Set<String> lowered = new HashSet<>();
    /** Matching threads that {@code renice} failed to lower, as pid/tid: tried once each, not again. */
    private final Set<String> failed = new HashSet<>();
    private String lastFailure;
    private final Thread thread;
    private volatile boolean closed;

    LowerPriority(String pattern) {
        this.names = Pattern.compile(pattern);
        this.thread = new Thread(this::run, "bench-lower-priority");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    synchronized void watch(ChildProcess process) {
        pids.add(process.pid());
        lookNow();
    }

    /** Lowers the matching threads there are now; answers how many were lowered since the start. */
    synchronized int lowerNow() {
        lookNow();
        return lowered.size();
    }

    /** Why the last matching thread could not be lowered, or null if none failed. */
    synchronized String lastFailure() {
        return lastFailure;
    }

    private void run() {
        while (!closed) {
            try {
                Thread.sleep(LOOK_EVERY_MS);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                lookNow();
            }
        }
    }

    private void lookNow() {
        for (long pid : pids) {
            Path tasks = Path.of("/proc", String.valueOf(pid), "task");
            List<Path> threads;
            try (Stream<Path> list = Files.list(tasks)) {
                threads = list.toList();
            } catch (IOException e) {
                continue; // the process has ended
            }
            for (Path task : threads) {
                String key = pid + "/" + task.getFileName();
                if (lowered.contains(key) || failed.contains(key)) {
                    continue;
                }
                try {
                    String name = Files.readString(task.resolve("comm")).strip();
                    if (names.matcher(name).find()) {
                        String failure = renice(task.getFileName().toString());
                        if (failure == null) {
                            lowered.add(key);
                        } else {
                            failed.add(key);
                            lastFailure = "renice of thread " + name + " failed: " + failure;
                        }
                    }
                } catch (IOException e) {
                    // The thread has ended.
                }
            }
        }
    }

    /** Lowers one thread; answers null, or why it could not. */
    private static String renice(String tid) {
        try {
            Process renice = new ProcessBuilder("renice", "-n", String.valueOf(NICE), "-p", tid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!renice.waitFor(5, TimeUnit.SECONDS)) {
                renice.destroyForcibly();
                return "no answer in 5 s";
            }
            return renice.exitValue() == 0 ? null : "exit status " + renice.exitValue();
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
