package io.switchboard.testing;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared wait, on a clock of the test's own: nothing here sleeps. */
class AwaitTest {
    /** Time that moves only when a wait pauses; it remembers each pause. */
    private static final class FakeClock implements Await.Clock {
        long now = 1_000_000_000L;
        final List<Long> pausesMillis = new ArrayList<>();

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleep(Duration pause) {
            pausesMillis.add(pause.toMillis());
            now += pause.toNanos();
        }
    }

    private final FakeClock clock = new FakeClock();

    @Test
    void answersTheFirstValueThatHoldsPausingBrieflyFirstAndLongerUpToTheCap() {
        AtomicInteger reads = new AtomicInteger();
        int value = Await.atMost(Duration.ofSeconds(60), clock).until("the ninth read", reads::incrementAndGet, n -> n == 9);
        assertEquals(9, value);
        assertEquals(List.of(10L, 20L, 40L, 80L, 160L, 250L, 250L, 250L), clock.pausesMillis);
    }

    @Test
    void aValueThatHoldsAtOnceIsAnsweredWithoutAPause() {
        assertEquals("ready", Await.atMost(Duration.ofSeconds(1), clock).until("ready", () -> "ready", "ready"::equals));
        assertEquals(List.of(), clock.pausesMillis);
    }

    @Test
    void pastTheDeadlineItFailsNamingWhatItAwaitedAndTheLastValueSeen() {
        AtomicInteger reads = new AtomicInteger();
        AssertionError failed = assertThrows(AssertionError.class, () -> Await.atMost(Duration.ofSeconds(2), clock)
                .until("RUNNING", () -> "{\"state\":\"PAUSED\",\"read\":" + reads.incrementAndGet() + "}", s -> s.contains("RUNNING")));
        assertEquals("Timed out after 2 s waiting for RUNNING (" + reads.get() + " reads); last seen: {\"state\":\"PAUSED\",\"read\":"
                + reads.get() + "}", failed.getMessage());
        assertNull(failed.getCause());
        long waited = clock.pausesMillis.stream().mapToLong(Long::longValue).sum();
        assertEquals(2_000, waited, "the last pause ends at the deadline, not after it: " + clock.pausesMillis);
        assertTrue(clock.pausesMillis.stream().allMatch(pause -> pause <= 250), clock.pausesMillis.toString());
    }

    @Test
    void aReadThatThrowsIsNotYetAndTheLastExceptionIsTheFailuresCause() {
        AtomicInteger reads = new AtomicInteger();
        String value = Await.atMost(Duration.ofSeconds(5), clock).until("listening", () -> {
            if (reads.incrementAndGet() < 3) {
                throw new IOException("Connection refused");
            }
            return "up";
        }, "up"::equals);
        assertEquals("up", value);

        IOException refused = new IOException("Connection refused");
        AssertionError failed = assertThrows(AssertionError.class, () -> Await.atMost(Duration.ofMillis(500), clock)
                .until("listening", () -> {
                    throw refused;
                }, "up"::equals));
        assertTrue(failed.getMessage().startsWith("Timed out after 500 ms waiting for listening ("), failed.getMessage());
        assertTrue(failed.getMessage().endsWith("reads); the last read threw java.io.IOException: Connection refused"), failed.getMessage());
        assertSame(refused, failed.getCause());
    }

    @Test
    void anErrorInTheProbeEndsTheWaitAtOnce() {
        AtomicInteger reads = new AtomicInteger();
        AssertionError inProbe = new AssertionError("answered 500");
        AssertionError thrown = assertThrows(AssertionError.class, () -> Await.atMost(Duration.ofSeconds(60), clock)
                .until("a 200", () -> {
                    reads.incrementAndGet();
                    throw inProbe;
                }, x -> true));
        assertSame(inProbe, thrown);
        assertEquals(1, reads.get());
        assertEquals(List.of(), clock.pausesMillis);
    }

    @Test
    void aConditionIsReadUntilTrue() {
        AtomicInteger reads = new AtomicInteger();
        Await.atMost(Duration.ofSeconds(1), clock).until("the third read", () -> reads.incrementAndGet() == 3);
        assertEquals(3, reads.get());
        AssertionError failed = assertThrows(AssertionError.class,
                () -> Await.atMost(Duration.ofSeconds(1), clock).until("never", () -> false));
        assertTrue(failed.getMessage().endsWith("reads); last seen: false"), failed.getMessage());
    }

    @Test
    void pollAnswersTheLastValueWhenTheTimeIsUpWithoutFailing() {
        AtomicInteger reads = new AtomicInteger();
        int last = Await.atMost(Duration.ofSeconds(1), clock).poll(reads::incrementAndGet, n -> n > 1_000);
        assertEquals(reads.get(), last);
        assertEquals(1_000, clock.pausesMillis.stream().mapToLong(Long::longValue).sum());
        int held = Await.atMost(Duration.ofSeconds(1), clock).poll(() -> 7, n -> n == 7);
        assertEquals(7, held);
        IllegalStateException thrown = new IllegalStateException("bad request");
        assertSame(thrown, assertThrows(IllegalStateException.class, () -> Await.atMost(Duration.ofSeconds(1), clock).poll(() -> {
            throw thrown;
        }, n -> true)));
    }

    @Test
    void anInterruptedWaitFailsAndKeepsTheThreadsInterruptedStatus() {
        Await.Clock interrupted = new Await.Clock() {
            @Override
            public long nanoTime() {
                return 0;
            }

            @Override
            public void sleep(Duration pause) throws InterruptedException {
                throw new InterruptedException();
            }
        };
        try {
            AssertionError failed = assertThrows(AssertionError.class,
                    () -> Await.atMost(Duration.ofSeconds(1), interrupted).until("RUNNING", () -> "PAUSED", "RUNNING"::equals));
            assertEquals("Interrupted while waiting for RUNNING", failed.getMessage());
            assertInstanceOf(InterruptedException.class, failed.getCause());
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
        try {
            assertEquals("PAUSED", Await.atMost(Duration.ofSeconds(1), interrupted).poll(() -> "PAUSED", "RUNNING"::equals));
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void onTheSystemClockAConditionMetSoonIsSeenSoon() {
        long start = System.nanoTime();
        long readyAt = start + Duration.ofMillis(30).toNanos();
        long seenAt = Await.atMost(Duration.ofSeconds(10)).until("30 ms to pass", System::nanoTime, now -> now >= readyAt);
        long lateMillis = (seenAt - readyAt) / 1_000_000;
        assertTrue(lateMillis < 200, "seen " + lateMillis + " ms after it held");
    }

    @Test
    void holdsReadsThroughoutThePeriodAndOnceMoreAtItsEnd() {
        AtomicInteger reads = new AtomicInteger();
        long start = clock.now;
        List<Long> readAt = new ArrayList<>();
        int last = Await.holds("no answer", Duration.ofSeconds(1), () -> {
            readAt.add((clock.now - start) / 1_000_000);
            return reads.incrementAndGet();
        }, n -> true, clock);
        assertEquals(reads.get(), last);
        assertEquals(0L, readAt.get(0), "the first read at once");
        assertEquals(1_000L, readAt.get(readAt.size() - 1), "the last read when the period is over: " + readAt);
        assertEquals(List.of(10L, 20L, 40L, 80L, 160L, 250L, 250L, 190L), clock.pausesMillis);
    }

    @Test
    void holdsFailsAtTheFirstReadThatDoesNotHoldNamingWhatAndWhen() {
        AtomicInteger reads = new AtomicInteger();
        AssertionError failed = assertThrows(AssertionError.class, () -> Await.holds("no answer before the decision",
                Duration.ofSeconds(3), () -> reads.incrementAndGet() < 4 ? "waiting" : "answered 200", "waiting"::equals, clock));
        assertEquals("Expected no answer before the decision for 3 s; it no longer held after 70 ms (4 reads); last seen: answered 200",
                failed.getMessage());
        assertEquals(4, reads.get(), "no read after the one that did not hold");
        AssertionError never = assertThrows(AssertionError.class,
                () -> Await.holds("the topic absent", Duration.ofMillis(500), () -> false, Boolean.TRUE::equals, clock));
        assertTrue(never.getMessage().endsWith("after 0 ms (1 read); last seen: false"), never.getMessage());
    }

    @Test
    void holdsFailsWhenAReadThrowsWithTheExceptionAsItsCause() {
        IOException refused = new IOException("Connection refused");
        AtomicInteger reads = new AtomicInteger();
        AssertionError failed = assertThrows(AssertionError.class, () -> Await.holds("the partitions kept", Duration.ofSeconds(3), () -> {
            if (reads.incrementAndGet() == 2) {
                throw refused;
            }
            return true;
        }, Boolean.TRUE::equals, clock));
        assertEquals("Expected the partitions kept for 3 s; after 10 ms a read threw java.io.IOException: Connection refused",
                failed.getMessage());
        assertSame(refused, failed.getCause());
    }

    @Test
    void onTheSystemClockHoldsLastsItsPeriod() {
        long start = System.nanoTime();
        Await.holds("true", Duration.ofMillis(100), () -> true);
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMillis >= 100, "took " + tookMillis + " ms");
    }

    @Test
    void aTimeoutMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> Await.atMost(Duration.ZERO));
    }
}
