package io.switchboard.core;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Runs asynchronous tasks one at a time per key, in the order they arrive: a task starts when the
 * one before it for the same key has finished, whatever its outcome.
 *
 * <p>Used for the patches of one connector that reach this replica: each is validated against the
 * config the previous one left, so none is validated against a version that is gone by the time it
 * is decided (patches through other replicas can still come between; the decider refuses those and
 * the patch is validated again). Bounded: at most {@code maxPerKey} tasks wait or run per key, and
 * queued tasks start on the given (bounded) executor; beyond either bound a task is refused with
 * {@link ServiceException.Busy}. A task that finds its key idle runs at once on the caller's
 * thread. Thread-safe: the queue of each key is changed under this object's lock.
 */
final class OneAtATime<K> {
    private final Map<K, Queue> queues = new HashMap<>();
    private final int maxPerKey;
    private final Executor executor;

    /** The last task of a key and how many of its tasks are waiting or running. */
    private record Queue(CompletableFuture<Void> last, int size) {
    }

    OneAtATime(int maxPerKey, Executor executor) {
        this.maxPerKey = maxPerKey;
        this.executor = executor;
    }

    <T> CompletableFuture<T> run(K key, String busyMessage, Supplier<CompletableFuture<T>> task) {
        CompletableFuture<T> result;
        CompletableFuture<Void> finished;
        synchronized (this) {
            Queue queue = queues.get(key);
            if (queue != null && queue.size() >= maxPerKey) {
                throw new ServiceException.Busy(busyMessage);
            }
            if (queue == null) {
                result = start(task);
            } else {
                result = queue.last().thenComposeAsync(ignored -> start(task), executor)
                        .exceptionallyCompose(e -> CompletableFuture.failedFuture(busyIfRejected(e, busyMessage)));
            }
            finished = result.handle((value, error) -> null);
            queues.put(key, new Queue(finished, queue == null ? 1 : queue.size() + 1));
        }
        finished.thenRun(() -> finished(key, finished));
        return result;
    }

    /** How many keys have tasks waiting or running (for tests: finished keys are forgotten). */
    synchronized int keys() {
        return queues.size();
    }

    private synchronized void finished(K key, CompletableFuture<Void> done) {
        Queue queue = queues.get(key);
        if (queue == null) {
            return;
        }
        if (queue.last() == done) {
            queues.remove(key);
        } else {
            queues.put(key, new Queue(queue.last(), queue.size() - 1));
        }
    }

    private static <T> CompletableFuture<T> start(Supplier<CompletableFuture<T>> task) {
        try {
            return task.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static Throwable busyIfRejected(Throwable e, String busyMessage) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        return cause instanceof RejectedExecutionException ? new ServiceException.Busy(busyMessage) : cause;
    }
}
