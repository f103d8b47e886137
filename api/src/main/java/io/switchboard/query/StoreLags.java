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
 * every caller and kept {@link #CACHE_NANOS}; a caller waits for a new one at most as long as it
 * says, and without an answer no copy is known to be current.
 */
final class StoreLags {
    static final long CACHE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final KafkaStreams streams;
    private final ExecutorService fetcher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "switchboard-store-lags");
        t.setDaemon(true);
        return t;
    });
    private volatile Reading last = Reading.NONE;
    private CompletableFuture<Reading> inFlight;

    StoreLags(KafkaStreams streams) {
        this.streams = streams;
    }

    /** The lags of the local copies as read at one moment ({@link System#nanoTime()}). */
    private record Reading(Map<String, Map<Integer, LagInfo>> lags, long readAt) {
        static final Reading NONE = new Reading(Map.of(), 0);

        boolean fresh() {
            return this != NONE && System.nanoTime() - readAt < CACHE_NANOS;
        }
    }

    /** Whether the local copy of a store's partition is at most {@code maxLag} records behind. */
    boolean current(String store, int partition, long maxLag, long waitMs) {
        LagInfo lag = reading(waitMs).lags().getOrDefault(store, Map.of()).get(partition);
        return lag != null && lag.offsetLag() <= maxLag;
    }

    private Reading reading(long waitMs) {
        Reading known = last;
        if (known.fresh()) {
            return known;
        }
        try {
            return refresh().get(waitMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Reading.NONE;
        } catch (Exception unknown) {
            return Reading.NONE;
        }
    }

    /** The reading under way, begun now if none is; it keeps what it reads. */
    private synchronized CompletableFuture<Reading> refresh() {
        if (inFlight == null || inFlight.isDone()) {
            inFlight = CompletableFuture.supplyAsync(() -> new Reading(streams.allLocalStorePartitionLags(), System.nanoTime()), fetcher)
                    .thenApply(read -> {
                        last = read;
                        return read;
                    });
        }
        return inFlight;
    }
}
