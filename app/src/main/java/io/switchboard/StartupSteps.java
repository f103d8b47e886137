package io.switchboard;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * How long each step of a replica's start took, so that a restart's time is accounted for in its
 * log: one INFO line per step ({@code start-up: <step> took N ms}), a fixed number of them per
 * start, and a last one ({@code start-up: ready after N ms since the JVM started ...}) once the
 * replica serves reads and writes. Steps run on other threads are timed on them
 * ({@link #async}); a step's time is its own, so concurrent steps' times overlap.
 */
final class StartupSteps {
    private static final Logger log = LoggerFactory.getLogger(StartupSteps.class);
    /** When {@code main} began (epoch ms); -1 when the replica was started otherwise (in a test's JVM). */
    private static volatile long mainAt = -1;

    private final long started = System.nanoTime();
    /** The steps started on threads of their own, a fixed few per start. */
    private final List<CompletableFuture<?>> running = new CopyOnWriteArrayList<>();

    /**
     * Called first thing in {@code main}, to tell how long the JVM took to get there (its own start,
     * loading the main class); only the clock is read here, so that nothing else is loaded first.
     */
    static void mainReached() {
        mainAt = System.currentTimeMillis();
    }

    /** Runs a step and logs how long it took. */
    <T> T time(String step, Supplier<T> work) {
        long from = System.nanoTime();
        T result = work.get();
        log.info("start-up: {} took {} ms (ended {} ms into the start)", step, millisSince(from), millisSince(started));
        return result;
    }

    void time(String step, Runnable work) {
        time(step, () -> {
            work.run();
            return null;
        });
    }

    /** Runs a step on a thread of its own (it waits on Kafka), timed there; {@link #join} takes its result. */
    <T> CompletableFuture<T> async(String step, Supplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(time(step, work));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "switchboard-start-" + step.replace(' ', '-'));
        thread.setDaemon(true);
        running.add(result);
        thread.start();
        return result;
    }

    /**
     * Waits until every step started on a thread of its own has ended, however it ended: a start
     * that failed closes what they opened only after that. Each step's own waits are bounded.
     */
    void settle() {
        for (CompletableFuture<?> step : running) {
            try {
                step.join();
            } catch (RuntimeException ended) {
                // It ended; its failure, if it is the start's, is reported by whoever joined it.
            }
        }
    }

    /** A step's result; its failure as it was thrown (a keyring mismatch stays one). */
    static <T> T join(CompletableFuture<T> step) {
        try {
            return step.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** The last line: the replica serves reads and writes. */
    void ready() {
        long sinceStart = millisSince(started);
        long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
        long main = mainAt < 0 ? -1 : Math.max(0, mainAt - ManagementFactory.getRuntimeMXBean().getStartTime());
        if (main < 0) {
            log.info("start-up: ready after {} ms (the replica's start; JVM up {} ms)", sinceStart, uptime);
        } else {
            log.info("start-up: ready after {} ms since the JVM started (JVM start to main {} ms, main to the replica's start {} ms,"
                    + " the replica's start {} ms)", uptime, main, Math.max(0, uptime - main - sinceStart), sinceStart);
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
