package io.switchboard.dataplane;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The details reader waits for a quiet worker, but each connector only so long from its request. */
class DetailsReaderTest {

    @Test
    void aBusyWorkerDelaysEachReadAtMostTheWaitFromItsRequestNotFromItsTurn() throws Exception {
        long waitMs = 1_000;
        Map<String, Long> readAt = new ConcurrentHashMap<>();
        CountDownLatch all = new CountDownLatch(4);
        try (DetailsReader reader = new DetailsReader("test", name -> {
            readAt.put(name, System.nanoTime());
            all.countDown();
        }, () -> true, waitMs)) {
            long asked = System.nanoTime();
            for (String name : List.of("a", "b", "c", "d")) {
                reader.request(name);
            }
            reader.request("a");
            assertTrue(all.await(10, TimeUnit.SECONDS), "every connector read while the worker stays busy");
            readAt.values().forEach(at -> assertTrue(TimeUnit.NANOSECONDS.toMillis(at - asked) < 2 * waitMs,
                    "read " + TimeUnit.NANOSECONDS.toMillis(at - asked) + " ms after the request; four turns of the full wait "
                            + "would be " + 4 * waitMs));
            assertEquals(4, readAt.size(), "a repeated request is one read");
        }
    }

    @Test
    void aQuietWorkerIsReadAtOnce() throws Exception {
        CountDownLatch read = new CountDownLatch(1);
        try (DetailsReader reader = new DetailsReader("test", name -> read.countDown(), () -> false, 60_000)) {
            reader.request("a");
            assertTrue(read.await(5, TimeUnit.SECONDS));
        }
    }
}
