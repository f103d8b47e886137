package io.switchboard.core;

import io.switchboard.core.Views.Written;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pre-flight never waits on the caller's thread: a write whose worker validation hangs is
 * handed back at once, still pending; past the bounded queue a write is refused at once as
 * Unavailable (every dialect's 503), and nothing was sent.
 */
class WritePreflightTest {
    private static final Scope SCOPE = new Scope(ClusterDirectory.DEFAULT_CLUSTER);
    private static final RequestContext REQUEST = new RequestContext("r-1", "alice");

    private static Map<String, String> config() {
        return Map.of("connector.class", "org.example.Sink", "topics", "orders");
    }

    @Test
    void aWriteWhoseValidationHangsReturnsAtOnceAndAFullQueueIsRefused() throws Exception {
        UnitCore core = new UnitCore(1, 1);
        core.service.create(SCOPE, "warm", config(), null, REQUEST).get(30, TimeUnit.SECONDS); // classes loaded
        core.worker.hang();
        try {
            long started = System.nanoTime();
            CompletableFuture<Written> first = core.service.create(SCOPE, "a", config(), null, REQUEST);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            // The one validating thread takes the first before the second is queued: until it has, the
            // first itself fills the queue of one (a loaded machine showed it).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (core.worker.validating() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertEquals(1, core.worker.validating(), "the first write's validation under way");
            started = System.nanoTime();
            CompletableFuture<Written> second = core.service.putConfig(SCOPE, "b", config(), REQUEST);
            CompletableFuture<Written> third = core.service.create(SCOPE, "c", config(), null, REQUEST);
            tookMs += TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            // A write that waited for the worker would take its 60 s; handed back, it takes microseconds (5 s: a loaded machine).
            assertTrue(tookMs < 5_000, "three writes handed back in " + tookMs + " ms while the worker hangs");
            assertFalse(first.isDone());
            assertFalse(second.isDone());
            ExecutionException full = assertThrows(ExecutionException.class,
                    () -> third.get(1, TimeUnit.SECONDS));
            ServiceException.Unavailable unavailable = assertInstanceOf(ServiceException.Unavailable.class, full.getCause());
            assertEquals(1, unavailable.retryAfterSeconds());
            assertEquals(1, core.kafka.sent().size(), "nothing sent while validating but the warm-up: " + core.kafka.sent());
        } finally {
            core.worker.release();
        }
    }

    @Test
    void onceTheWorkerAnswersTheWaitingWritesAreSentAndDecided() throws Exception {
        UnitCore core = new UnitCore(1, 4);
        core.worker.hang();
        CompletableFuture<Written> first = core.service.create(SCOPE, "a", config(), null, REQUEST);
        CompletableFuture<Written> second = core.service.create(SCOPE, "b", config(), null, REQUEST);
        core.worker.release();
        assertTrue(first.get(5, TimeUnit.SECONDS).created());
        assertTrue(second.get(5, TimeUnit.SECONDS).created());
        assertEquals(2, core.kafka.sent().size());
    }
}
