package io.switchboard.pipelines;

import io.switchboard.core.ServiceException;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a write asks of a pipeline's databases before its connectors are told (the heartbeat table
 * made in the source, the target schema in the sink), done on threads of its own so that no request
 * thread waits on a database (as {@link DatabaseReadings} for reads). Bounded: {@value #THREADS}
 * threads and {@value #QUEUED} waiting; past that a write is refused as unavailable for now (503),
 * to be tried again.
 */
final class DatabaseWork {
    static final int THREADS = 2;
    static final int QUEUED = 32;
    private final ThreadPoolExecutor threads;

    DatabaseWork() {
        AtomicInteger n = new AtomicInteger();
        this.threads = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUED), r -> {
            Thread t = new Thread(r, "pipeline-database-work-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        threads.allowCoreThreadTimeOut(true);
    }

    /** Runs the work on one of its threads, with what it answers; a refusal it throws (a 400 naming the grant) is the future's. */
    <T> CompletableFuture<T> supply(java.util.function.Supplier<T> work) {
        try {
            return CompletableFuture.supplyAsync(work, threads);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new ServiceException.Unavailable(
                    "too many pipeline changes are waiting on their databases; try again shortly", 1));
        }
    }
}
