package io.switchboard.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OneAtATimeTest {
    /** Tasks handed to the executor: a queued task starts only there, or on the caller's thread when its key is idle. */
    private final AtomicInteger handedOn = new AtomicInteger();
    private final Executor pool = Executors.newFixedThreadPool(2);
    private final OneAtATime<String> queue = new OneAtATime<>(3, task -> {
        handedOn.incrementAndGet();
        pool.execute(task);
    });

    @Test
    void tasksOfOneKeyRunInOrderEachAfterThePreviousEnds() throws Exception {
        CompletableFuture<String> first = new CompletableFuture<>();
        List<String> started = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<String> a = queue.run("k", "busy", () -> {
            started.add("a");
            return first;
        });
        CompletableFuture<String> b = queue.run("k", "busy", () -> {
            started.add("b");
            return CompletableFuture.completedFuture("b");
        });
        CompletableFuture<String> other = queue.run("other", "busy", () -> CompletableFuture.completedFuture("other"));
        assertEquals("other", other.get(5, TimeUnit.SECONDS), "another key does not wait");
        // While a runs, b is neither started on the caller's thread nor handed to the executor, so
        // nothing can start it before a ends.
        assertEquals(List.of("a"), started, "b waits for a");
        assertEquals(0, handedOn.get(), "tasks handed to the executor while a runs");
        assertFalse(b.isDone());

        first.completeExceptionally(new IllegalStateException("a failed"));
        assertEquals("b", b.get(5, TimeUnit.SECONDS), "a failure ends a task as well as a result");
        assertThrows(ExecutionException.class, a::get);
        assertEquals(List.of("a", "b"), started);
        assertEquals(0, queue.keys(), "keys with nothing to do are forgotten");
    }

    @Test
    void beyondTheBoundATaskIsRefusedAsBusy() {
        CompletableFuture<String> never = new CompletableFuture<>();
        for (int i = 0; i < 3; i++) {
            queue.run("k", "busy", () -> never);
        }
        ServiceException.Busy busy = assertThrows(ServiceException.Busy.class,
                () -> queue.run("k", "k has 3 waiting", () -> CompletableFuture.completedFuture("x")));
        assertEquals("k has 3 waiting", busy.getMessage());
        never.complete("done");
        // The waiting ones run on the executor once the first ends.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (queue.keys() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(0, queue.keys());
    }

    @Test
    void aTaskThatThrowsFailsItsFutureAndFreesTheKey() {
        CompletableFuture<String> failed = queue.run("k", "busy", () -> {
            throw new ServiceException.InvalidRequest("bad");
        });
        ExecutionException e = assertThrows(ExecutionException.class, failed::get);
        assertInstanceOf(ServiceException.InvalidRequest.class, e.getCause());
        assertTrue(queue.run("k", "busy", () -> CompletableFuture.completedFuture("next")).join().equals("next"));
        assertEquals(0, queue.keys());
    }
}
