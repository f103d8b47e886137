package io.switchboard.query;

import io.switchboard.processor.ConnectorKey;
import io.switchboard.schemas.ConnectorObservation;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Waits, for a bounded time, until the data plane reports something about a connector: for
 * example the worker's answer to an offsets change. Reads the statuses store every
 * {@code interval}; a read that cannot be served right now (a rebalance) is tried again.
 */
public final class ObservationWatcher implements AutoCloseable {
    private final Function<ConnectorKey, Optional<ConnectorObservation>> statuses;
    private final Duration wait;
    private final Duration interval;
    private final ExecutorService waiters = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "observation-watcher");
        thread.setDaemon(true);
        return thread;
    });

    public ObservationWatcher(Function<ConnectorKey, Optional<ConnectorObservation>> statuses, Duration wait,
                              Duration interval) {
        this.statuses = statuses;
        this.wait = wait;
        this.interval = interval;
    }

    /** The first non-null value {@code extract} finds in the connector's observations, or empty after the wait. */
    public <T> CompletableFuture<Optional<T>> await(ConnectorKey key, Function<ConnectorObservation, T> extract) {
        return CompletableFuture.supplyAsync(() -> {
            long deadline = System.nanoTime() + wait.toNanos();
            while (true) {
                try {
                    Optional<T> found = statuses.apply(key).map(extract);
                    if (found.isPresent()) {
                        return found;
                    }
                } catch (StoreUnavailableException | org.apache.kafka.streams.errors.InvalidStateStoreException e) {
                    // Moving between replicas; ask again.
                }
                if (System.nanoTime() > deadline) {
                    return Optional.empty();
                }
                try {
                    Thread.sleep(interval.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
            }
        }, waiters);
    }

    @Override
    public void close() {
        waiters.shutdownNow();
    }
}
