package io.switchboard.query;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.LagInfo;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * How far behind this replica's copies of the stores are, read off the request threads: finding
 * out asks Kafka for end offsets, so one reading at a time is made, on one daemon thread, shared by
 * every caller. A caller uses only a reading begun after it asked: every write acknowledged before
 * a read arrived is committed below the end offsets such a reading finds, so a copy within the lag
 * allowed of those ends holds it (a reading begun earlier could miss a write acknowledged since,
 * and a read answered from it be stale). A caller waits for such a reading at most as long as it
 * says, and without one no copy is known to be current.
 */
final class StoreLags implements AutoCloseable {
    private final KafkaStreams streams;
    private final ExecutorService fetcher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "switchboard-store-lags");
        t.setDaemon(true);
        return t;
    });
    private CompletableFuture<Reading> inFlight;

    StoreLags(KafkaStreams streams) {
        this.streams = streams;
    }

    /** The lags of the local copies, in a reading begun at {@code startedAt} ({@link System#nanoTime()}). */
    private record Reading(Map<String, Map<Integer, LagInfo>> lags, long startedAt) {
        static final Reading NONE = new Reading(Map.of(), 0);
    }

    /** Whether the local copy of a store's partition is at most {@code maxLag} records behind, in a reading begun now or later. */
    boolean current(String store, int partition, long maxLag, long waitMs) {
        LagInfo lag = reading(System.nanoTime(), waitMs).lags().getOrDefault(store, Map.of()).get(partition);
        return lag != null && lag.offsetLag() <= maxLag;
    }

    private Reading reading(long asked, long waitMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Reading.NONE;
                }
                Reading read = refresh().get(left, TimeUnit.NANOSECONDS);
                if (read.startedAt() - asked >= 0) {
                    return read;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Reading.NONE;
        } catch (Exception unknown) {
            return Reading.NONE;
        }
    }

    /** Stops the readings' thread: the replica is stopping; a caller then finds no copy current. */
    @Override
    public void close() {
        fetcher.shutdownNow();
    }

    /** The reading under way, begun now if none is. */
    private synchronized CompletableFuture<Reading> refresh() {
        if (inFlight == null || inFlight.isDone()) {
            inFlight = CompletableFuture.supplyAsync(() -> {
                long started = System.nanoTime();
                return new Reading(streams.allLocalStorePartitionLags(), started);
            }, fetcher);
        }
        return inFlight;
    }
}
