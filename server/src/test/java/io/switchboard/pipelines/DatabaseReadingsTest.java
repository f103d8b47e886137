package io.switchboard.pipelines;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads of pipelines never wait on a database, and many at once start one reading (security
 * review N13: pipeline reads opened JDBC connections on request threads, with no single flight).
 */
class DatabaseReadingsTest {
    @Test
    void manyReadsOfASlowDatabaseAnswerAtOnceAndStartOneReading() throws Exception {
        DatabaseReadings readings = new DatabaseReadings(Clock.systemUTC());
        AtomicInteger started = new AtomicInteger();
        Callable<Long> read = () -> readings.kept("slot sb_p1", () -> {
            started.incrementAndGet();
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
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
            assertTrue(tookMs < 1000, "32 reads of a database answering in 1.5 s took " + tookMs + " ms");
            long deadline = System.currentTimeMillis() + 10_000;
            Long value = null;
            while (value == null && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
                value = read.call();
            }
            assertEquals(42L, value);
            assertEquals(1, started.get(), "one reading for 33 reads");
        } finally {
            requests.shutdownNow();
        }
    }
}
