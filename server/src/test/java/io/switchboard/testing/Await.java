package io.switchboard.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for a condition by reading it again and again until it holds or a deadline passes: the first
 * reads follow each other closely (10 ms, then twice as long each time up to 250 ms between reads), so
 * a test waits about as long as the thing it waits for takes, and a slow machine only costs polls.
 * A test that waits for something names it; when the time is up it fails with an
 * {@link AssertionError} that says what it waited for and the last value it read (or what the last
 * read threw).
 *
 * <pre>{@code
 * private static final Await WAIT = Await.atMost(Duration.ofSeconds(60));
 * JsonNode status = WAIT.until("RUNNING", () -> status("c"), s -> s.path("state").asText().equals("RUNNING"));
 * }</pre>
 *
 * Where the time is the point, that something does not happen within a window (no answer while the
 * processor is held, no topic made while a feed waits), {@link #holds} reads the condition throughout
 * the window and names it, rather than a sleep followed by one check. A fixed sleep stays right only for
 * a client that is slow on purpose, or to let time pass that nothing in the test can observe.
 */
public final class Await {
    static final Duration FIRST_PAUSE = Duration.ofMillis(10);
    static final Duration LONGEST_PAUSE = Duration.ofMillis(250);

    /** A read of what is awaited; it may throw while that cannot be read yet (a server still starting). */
    @FunctionalInterface
    public interface Probe<T> {
        T read() throws Exception;
    }

    /** Time as the waits see it; the unit test gives its own, so that it waits for nothing. */
    interface Clock {
        long nanoTime();

        void sleep(Duration pause) throws InterruptedException;
    }

    private static final Clock SYSTEM = new Clock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleep(Duration pause) throws InterruptedException {
            TimeUnit.NANOSECONDS.sleep(pause.toNanos());
        }
    };

    private final Duration timeout;
    private final Clock clock;

    private Await(Duration timeout, Clock clock) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("a wait needs a positive timeout, not " + timeout);
        }
        this.timeout = timeout;
        this.clock = Objects.requireNonNull(clock);
    }

    /** Waits of at most {@code timeout} each. */
    public static Await atMost(Duration timeout) {
        return new Await(timeout, SYSTEM);
    }

    static Await atMost(Duration timeout, Clock clock) {
        return new Await(timeout, clock);
    }

    /**
     * Reads {@code probe} until {@code done} holds for what it read, and answers that value. A read (or
     * its test) that throws an exception counts as "not yet" (the exception is kept as the last thing
     * seen, and is the failure's cause if the time runs out); an {@link Error}, such as a failed
     * assertion inside the probe, ends the wait at once.
     *
     * @param what what is awaited, as the failure should name it ("RUNNING", "the file read to its end")
     * @throws AssertionError when {@code done} never held within the timeout, or the wait was interrupted
     */
    public <T> T until(String what, Probe<? extends T> probe, Predicate<? super T> done) {
        Reads<T> reads;
        try {
            reads = read(probe, done, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while waiting for " + what, e);
        }
        if (reads.held()) {
            return reads.last();
        }
        String seen = reads.failed() != null ? "the last read threw " + reads.failed() : "last seen: " + reads.last();
        throw new AssertionError("Timed out after " + seconds(timeout) + " waiting for " + what + " (" + reads.count()
                + " reads); " + seen, reads.failed());
    }

    /** Reads {@code condition} until it is true; fails as {@link #until(String, Probe, Predicate)} does. */
    public void until(String what, Probe<Boolean> condition) {
        until(what, condition, Boolean.TRUE::equals);
    }

    /**
     * Reads {@code probe} until {@code done} holds for what it read, and answers that value, or, when the
     * time is up (or the wait is interrupted), the last value read: for a caller that judges the answer
     * itself (a read tried again while it is answered 503, a comparison that reports a late target
     * rather than failing). Exceptions from the probe are not caught.
     */
    public <T> T poll(Supplier<? extends T> probe, Predicate<? super T> done) {
        AtomicReference<T> last = new AtomicReference<>();
        try {
            return read(() -> {
                last.set(probe.get());
                return last.get();
            }, done, false).last();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return last.get();
        }
    }

    /**
     * Reads {@code probe} throughout {@code period} and fails as soon as {@code ok} does not hold for what
     * it read: for a test whose point is that something does not happen within a time. It reads at once,
     * then as {@link #until} does (10 ms apart, backing off to 250 ms), and once more when the period is
     * over, so it checks at least as late as a sleep of {@code period} followed by one check would, and
     * also every time in between. Answers the last value read.
     *
     * @param what what must go on holding, as the failure should name it ("no answer before the decision")
     * @throws AssertionError when {@code ok} did not hold for a read, a read threw an exception (its cause),
     *                        or the wait was interrupted
     */
    public static <T> T holds(String what, Duration period, Probe<? extends T> probe, Predicate<? super T> ok) {
        return holds(what, period, probe, ok, SYSTEM);
    }

    /** Reads {@code condition} throughout {@code period}; fails as {@link #holds(String, Duration, Probe, Predicate)} does. */
    public static void holds(String what, Duration period, Probe<Boolean> condition) {
        holds(what, period, condition, Boolean.TRUE::equals, SYSTEM);
    }

    static <T> T holds(String what, Duration period, Probe<? extends T> probe, Predicate<? super T> ok, Clock clock) {
        Await window = new Await(period, clock);
        long start = clock.nanoTime();
        Probe<T> failing = () -> {
            try {
                return probe.read();
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                long after = clock.nanoTime() - start;
                throw new AssertionError("Expected " + what + " for " + seconds(period) + "; after " + millis(after)
                        + " a read threw " + e, e);
            }
        };
        Reads<T> reads;
        try {
            reads = window.read(failing, value -> !ok.test(value), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while checking " + what, e);
        }
        if (reads.held()) {
            throw new AssertionError("Expected " + what + " for " + seconds(period) + "; it no longer held after "
                    + millis(clock.nanoTime() - start) + " (" + reads.count() + (reads.count() == 1 ? " read" : " reads") + "); last seen: "
                    + reads.last());
        }
        return reads.last();
    }

    /** What a wait read: the last value (or the exception the last read threw), whether done held, how many reads. */
    private record Reads<T>(T last, Exception failed, boolean held, int count) {
    }

    private <T> Reads<T> read(Probe<? extends T> probe, Predicate<? super T> done, boolean notYetOnException)
            throws InterruptedException {
        long deadline = clock.nanoTime() + timeout.toNanos();
        Duration pause = FIRST_PAUSE;
        T last = null;
        Exception failed;
        for (int count = 1; ; count++) {
            failed = null;
            try {
                last = probe.read();
                if (done.test(last)) {
                    return new Reads<>(last, null, true, count);
                }
            } catch (InterruptedException e) {
                throw e;
            } catch (RuntimeException e) {
                if (!notYetOnException) {
                    throw e;
                }
                failed = e;
            } catch (Exception e) {
                if (!notYetOnException) {
                    throw new IllegalStateException(e);
                }
                failed = e;
            }
            long left = deadline - clock.nanoTime();
            if (left <= 0) {
                return new Reads<>(last, failed, false, count);
            }
            clock.sleep(Duration.ofNanos(Math.min(pause.toNanos(), left)));
            pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
        }
    }

    private static String millis(long nanos) {
        return nanos / 1_000_000 + " ms";
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }
}
