package io.switchboard.pipelines;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads of pipelines wait on a database at most briefly, many at once start one reading (security
 * review N13: pipeline reads opened JDBC connections on request threads, with no single flight),
 * and none shows a reading from long ago as if it were now.
 */
class DatabaseReadingsTest {
    @Test
    void manyReadsOfASlowDatabaseAnswerAtOnceAndStartOneReading() throws Exception {
        DatabaseReadings readings = new DatabaseReadings(Clock.systemUTC());
        AtomicInteger started = new AtomicInteger();
        CountDownLatch databaseAnswers = new CountDownLatch(1);
        Callable<Long> read = () -> readings.kept("slot sb_p1", () -> {
            started.incrementAndGet();
            awaitQuietly(databaseAnswers);
            return 42L;
        });
        ExecutorService requests = Executors.newFixedThreadPool(32);
        try {
            long t0 = System.nanoTime();
            List<Future<Long>> answers = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                answers.add(requests.submit(read));
            }
            for (Future<Long> answer : answers) {
                assertNull(answer.get(), "no reading yet");
            }
            long tookMs = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(tookMs < 1000, "32 reads of a database that has not answered took " + tookMs + " ms");
            assertTrue(tookMs >= DatabaseReadings.WAIT_FOR.toMillis() - 50, "each read waited for the reading under way: " + tookMs + " ms");
            databaseAnswers.countDown();
            long deadline = System.currentTimeMillis() + 10_000;
            Long value = null;
            while (value == null && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
                value = read.call();
            }
            assertEquals(42L, value);
            assertEquals(1, started.get(), "one reading for 33 reads");
        } finally {
            databaseAnswers.countDown();
            requests.shutdownNow();
        }
    }

    /** A database that answers when the test lets it (a held latch stands for one slower than any read waits). */
    private static void awaitQuietly(CountDownLatch answers) {
        try {
            answers.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * After a quiet spell, a read gets a reading made now, not the one kept from before: answering
     * what was kept while refreshing it behind showed a slot's lag from minutes ago as current.
     */
    @Test
    void aReadAfterAQuietSpellAnswersAReadingMadeNowNotTheOneKept() {
        AtomicLong millis = new AtomicLong(1_000_000);
        Clock clock = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(millis.get());
            }
        };
        DatabaseReadings readings = new DatabaseReadings(clock);
        AtomicLong lag = new AtomicLong(100);
        assertEquals(100L, readings.kept("slot sb_p2", lag::get), "the first read waits for its reading");
        lag.set(13_000_000);
        millis.addAndGet(1_000);
        assertEquals(100L, readings.kept("slot sb_p2", lag::get), "kept while fresh");
        millis.addAndGet(60_000);
        assertEquals(13_000_000L, readings.kept("slot sb_p2", lag::get), "read again once stale");

        // A database slower than a read waits: a recent reading is answered, an old one never.
        CountDownLatch databaseAnswers = new CountDownLatch(1);
        Supplier<Long> slow = () -> {
            awaitQuietly(databaseAnswers);
            return 7L;
        };
        try {
            millis.addAndGet(3_000);
            assertEquals(13_000_000L, readings.kept("slot sb_p2", slow), "3 s old: still answered while the refresh runs");
            millis.addAndGet(60_000);
            assertEquals(null, readings.kept("slot sb_p3", slow), "nothing kept");
        } finally {
            databaseAnswers.countDown();
        }
    }
}
