package io.switchboard.query;

import io.switchboard.core.ServiceException;
import io.switchboard.core.StatusWatch;
import io.switchboard.core.StoreUnavailableException;
import io.switchboard.rules.ConnectorKey;
import io.switchboard.schemas.ConnectorObservation;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Waits, for a bounded time, until the data plane reports something about a connector: for
 * example the worker's answer to an offsets change. One poller thread serves every waiting request:
 * every {@code interval} it reads the statuses store (without waiting, so that no read holds it) for
 * each of them. At most {@code maxWaiting} requests wait at once; {@link #requireRoom} turns away
 * more with a 503 and Retry-After before they change anything.
 */
public final class ObservationWatcher implements StatusWatch, AutoCloseable {
    /** How many requests may wait for an observation at once, by default. */
    public static final int MAX_WAITING = 256;

    private final Function<ConnectorKey, Optional<ConnectorObservation>> statuses;
    private final Duration wait;
    private final Duration interval;
    private final int maxWaiting;
    private final Set<Waiter<?>> waiting = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "observation-watcher");
        thread.setDaemon(true);
        return thread;
    });

    /** @param statuses reads a connector's last observation; should not wait when it cannot answer */
    public ObservationWatcher(Function<ConnectorKey, Optional<ConnectorObservation>> statuses, Duration wait,
                              Duration interval) {
        this(statuses, wait, interval, MAX_WAITING);
    }

    public ObservationWatcher(Function<ConnectorKey, Optional<ConnectorObservation>> statuses, Duration wait,
                              Duration interval, int maxWaiting) {
        this.statuses = statuses;
        this.wait = wait;
        this.interval = interval;
        this.maxWaiting = maxWaiting;
        poller.scheduleWithFixedDelay(this::pollAll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Refuses a request (503 with Retry-After) when {@code maxWaiting} are waiting already; called
     * before the request changes anything, so that a refused one can simply be sent again.
     */
    @Override
    public void requireRoom() {
        if (waiting.size() >= maxWaiting) {
            throw new ServiceException.Unavailable(maxWaiting + " requests are already waiting for the Kafka Connect "
                    + "worker's answer on this replica; retry shortly.");
        }
    }

    /** The first non-null value {@code extract} finds in the connector's observations, or empty after the wait. */
    @Override
    public <T> CompletableFuture<Optional<T>> await(ConnectorKey key, Function<ConnectorObservation, T> extract) {
        Waiter<T> waiter = new Waiter<>(key, extract, System.nanoTime() + wait.toNanos());
        waiting.add(waiter);
        waiter.result.whenComplete((value, error) -> waiting.remove(waiter));
        if (poller.isShutdown()) {
            waiter.result.complete(Optional.empty());
        }
        return waiter.result;
    }

    /** How many requests are waiting now. */
    public int waiting() {
        return waiting.size();
    }

    private void pollAll() {
        for (Waiter<?> waiter : waiting) {
            try {
                waiter.poll();
            } catch (RuntimeException e) {
                waiter.result.completeExceptionally(e);
            }
        }
    }

    private final class Waiter<T> {
        final ConnectorKey key;
        final Function<ConnectorObservation, T> extract;
        final long deadline;
        final CompletableFuture<Optional<T>> result = new CompletableFuture<>();

        Waiter(ConnectorKey key, Function<ConnectorObservation, T> extract, long deadline) {
            this.key = key;
            this.extract = extract;
            this.deadline = deadline;
        }

        void poll() {
            try {
                Optional<T> found = statuses.apply(key).map(extract);
                if (found.isPresent()) {
                    result.complete(found);
                    return;
                }
            } catch (StoreUnavailableException e) {
                // Moving between replicas; ask again.
            }
            if (System.nanoTime() > deadline) {
                result.complete(Optional.empty());
            }
        }
    }

    /** Stops polling; whoever still waits is answered as if the wait had passed. */
    @Override
    public void close() {
        poller.shutdownNow();
        waiting.forEach(waiter -> waiter.result.complete(Optional.empty()));
    }
}
