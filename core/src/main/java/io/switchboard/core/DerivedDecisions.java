package io.switchboard.core;

import io.switchboard.processor.ConnectorKey;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.SetChange;
import io.switchboard.schemas.SetItem;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Waits until the connectors' commands of an accepted set change are decided: each connector it
 * creates or changes holds the config and target state it asks, decided by one of the change's
 * commands ({@code <change>/<n>}), and each it deletes is gone. Bounded: two threads, 64 waits queued, 30 s each; past either, the
 * answer does not wait (the commands are in Kafka already and are decided all the same).
 */
final class DerivedDecisions {
    static final Duration WAIT = Duration.ofSeconds(30);
    private static final long PAUSE_MS = 20;
    private static final ThreadPoolExecutor WAITERS = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(64), runnable -> {
                Thread thread = new Thread(runnable, "set-change-waiter");
                thread.setDaemon(true);
                return thread;
            });

    private DerivedDecisions() {
    }

    static CompletableFuture<Void> await(ConnectorStore store, String cluster, String changeId, List<SetItem> items) {
        try {
            return CompletableFuture.runAsync(() -> waitFor(store, cluster, changeId, items), WAITERS);
        } catch (RejectedExecutionException busy) {
            return CompletableFuture.completedFuture(null);
        }
    }

    /**
     * As {@link #await}, for a change whose items are known once the set's state holds it (a
     * revert: the processor worked out what it restores).
     */
    static CompletableFuture<Void> awaitChange(ConnectorStore store, ConnectorKey set, String changeId) {
        try {
            return CompletableFuture.runAsync(() -> {
                long deadline = System.nanoTime() + WAIT.toNanos();
                Optional<SetChange> change = Optional.empty();
                while (change.isEmpty() && System.nanoTime() < deadline && pause()) {
                    change = kept(store, set, changeId);
                }
                change.ifPresent(c -> waitFor(store, set.cluster(), changeId, c.getItems(), deadline));
            }, WAITERS);
        } catch (RejectedExecutionException busy) {
            return CompletableFuture.completedFuture(null);
        }
    }

    private static Optional<SetChange> kept(ConnectorStore store, ConnectorKey set, String changeId) {
        try {
            return store.set(set).flatMap(s -> s.getChanges().stream().filter(c -> c.getChangeId().equals(changeId)).findFirst());
        } catch (StoreUnavailableException e) {
            return Optional.empty();
        }
    }

    private static boolean pause() {
        try {
            Thread.sleep(PAUSE_MS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void waitFor(ConnectorStore store, String cluster, String changeId, List<SetItem> items) {
        waitFor(store, cluster, changeId, items, System.nanoTime() + WAIT.toNanos());
    }

    private static void waitFor(ConnectorStore store, String cluster, String changeId, List<SetItem> items, long deadline) {
        for (SetItem item : items) {
            if (item.getAdopt()) {
                continue;
            }
            ConnectorKey key = new ConnectorKey(cluster, item.getConnector());
            while (!decided(store, key, item, changeId) && System.nanoTime() < deadline) {
                if (!pause()) {
                    return;
                }
            }
        }
    }

    private static boolean decided(ConnectorStore store, ConnectorKey key, SetItem item, String changeId) {
        try {
            Optional<ConnectorState> now = store.connector(key);
            return item.getConfig() == null ? now.isEmpty()
                    : now.isPresent() && now.get().getLastCommandId().startsWith(changeId + "/")
                    && now.get().getConfig().equals(item.getConfig())
                    && (item.getTargetState() == null || now.get().getTargetState() == item.getTargetState());
        } catch (StoreUnavailableException e) {
            return false;
        }
    }
}
