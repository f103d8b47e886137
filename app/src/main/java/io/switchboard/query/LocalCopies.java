package io.switchboard.query;

import io.switchboard.core.StoreUnavailableException;
import io.switchboard.processor.HistoryLayout;
import io.switchboard.processor.StoreNames;
import io.switchboard.schemas.ConnectorHistory;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * This replica's own copies of the stores' partitions, active and standby, and how far behind the
 * standbys are: what {@link CopyPolicy} lets answer before it asks another replica. Never trusted
 * while the {@link PauseFence} says this JVM may have lost its partitions unawares.
 *
 * <p>The one place the application queries Kafka Streams' stores: a copy that cannot be read now
 * (Kafka Streams' {@link InvalidStateStoreException}, whichever kind, or a processor not running)
 * is the core's {@link StoreUnavailableException} from here on, so that nothing above it, the HTTP
 * server least of all, knows Kafka Streams.
 */
final class LocalCopies {
    private final KafkaStreams streams;
    private final StoreLags lags;
    private final boolean keepsHistory;
    /** Whether this JVM's copies may answer now. */
    private final PauseFence fence;
    /** Whether the topology keeps incident timelines (set once, before reads begin). */
    private volatile boolean keepsTimelines;
    /** Null until {@link #checkCoverage} is called: then a standby's lag alone does not make it current. */
    private volatile CommandCoverage coverage;

    LocalCopies(KafkaStreams streams, boolean keepsHistory, PauseFence fence) {
        this.streams = streams;
        this.fence = fence;
        this.lags = new StoreLags(streams);
        this.keepsHistory = keepsHistory;
    }

    void keepsTimelines() {
        this.keepsTimelines = true;
    }

    void checkCoverage(CommandCoverage coverage) {
        this.coverage = coverage;
    }

    /**
     * Whether a store holds what the processor decides (connectors, their histories), as against
     * what the data plane reports (statuses, incidents), which no client's write is waiting for.
     */
    static boolean holdsDecisions(String store) {
        return StoreNames.CONNECTORS.equals(store) || StoreNames.HISTORY.equals(store) || StoreNames.SETS.equals(store)
                || StoreNames.ROLLOUTS.equals(store);
    }

    /** One key of this replica's copy of a partition (a history assembled whole); null when absent. */
    @SuppressWarnings("unchecked")
    <V> V get(String store, String key, int partition, boolean stale) {
        try {
            ReadOnlyKeyValueStore<String, V> copy = this.localStore(store, partition, stale);
            if (StoreNames.HISTORY.equals(store)) {
                // A history is a head and a record per entry; it leaves this replica whole.
                return (V) HistoryLayout.read((ReadOnlyKeyValueStore<String, ConnectorHistory>) copy, key);
            }
            return copy.get(key);
        } catch (InvalidStateStoreException e) {
            throw unavailable(partition, e);
        }
    }

    /** The values (or keys) under a prefix in this replica's copy of a partition; empty when it cannot serve it now. */
    <V> Optional<List<V>> scan(String store, String prefix, boolean keys, int partition, boolean stale, long arrived) {
        if (stale && !isActiveHere(partition) && !currentEnough(store, partition, arrived, LAG_READING_WAIT_MS)) {
            return Optional.empty();
        }
        return scanCopy(store, prefix, keys, partition, stale);
    }

    /** The values (or keys) under a prefix in whichever copy of a partition is here, as it is; empty when none is. */
    <V> Optional<List<V>> scanAsIs(String store, String prefix, boolean keys, int partition) {
        return scanCopy(store, prefix, keys, partition, true);
    }

    @SuppressWarnings("unchecked")
    private <V> Optional<List<V>> scanCopy(String store, String prefix, boolean keys, int partition, boolean stale) {
        List<V> values = new ArrayList<>();
        try (KeyValueIterator<String, V> it = this.<V>localStore(store, partition, stale).prefixScan(prefix, new StringSerializer())) {
            while (it.hasNext()) {
                KeyValue<String, V> next = it.next();
                values.add(keys ? (V) next.key : next.value);
            }
            return Optional.of(values);
        } catch (StoreUnavailableException | InvalidStateStoreException e) {
            return Optional.empty();
        }
    }

    private <V> ReadOnlyKeyValueStore<String, V> localStore(String name, int partition, boolean stale) {
        if (!StoreNames.CONNECTORS.equals(name) && !StoreNames.STATUSES.equals(name) && !StoreNames.SETS.equals(name)
                && !StoreNames.ROLLOUTS.equals(name)
                && !(StoreNames.HISTORY.equals(name) && keepsHistory) && !(StoreNames.TIMELINE.equals(name) && keepsTimelines)) {
            throw new IllegalArgumentException("No store " + name);
        }
        if (!fence.trusted()) {
            throw new StoreUnavailableException("This replica has just resumed after a pause long enough to have lost its"
                    + " partitions; its copies are not trusted until its group membership is confirmed; retry shortly.", null);
        }
        StoreQueryParameters<ReadOnlyKeyValueStore<String, V>> parameters =
                StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()).withPartition(partition);
        if (stale) {
            parameters = parameters.enableStaleStores();
        }
        try {
            return streams.store(parameters);
        } catch (RuntimeException notHere) {
            // An InvalidStateStoreException (moved, restoring, not started), or the processor not running at all.
            throw unavailable(partition, notHere);
        }
    }

    /** Whether this replica runs the partition actively right now (its copy is then the current one). */
    boolean isActiveHere(int partition) {
        try {
            this.localStore(StoreNames.CONNECTORS, partition, false).approximateNumEntries();
            return true;
        } catch (StoreUnavailableException | InvalidStateStoreException e) {
            return false;
        }
    }

    /** How long a read waits for a new reading of the lags. */
    static final long LAG_READING_WAIT_MS = 2_000;

    /**
     * Whether this replica's standby copy of a partition holds everything a read that arrived at
     * {@code arrived} ({@link System#nanoTime}) must see: for a store of decisions, every command in
     * the partition then is committed ({@link CommandCoverage#allCommitted}); and, in a reading of
     * the lags begun after that, the copy is at most {@link ConnectorQueries#MAX_STANDBY_LAG} behind
     * its changelog. Waits at most {@code waitMs} for each reading.
     */
    boolean currentEnough(String store, int partition, long arrived, long waitMs) {
        CommandCoverage check = coverage;
        if (check != null && holdsDecisions(store) && !check.allCommitted(partition, arrived, waitMs)) {
            return false;
        }
        return lags.current(store, partition, ConnectorQueries.MAX_STANDBY_LAG, waitMs);
    }

    /** Stops the thread that reads the lags: the replica is stopping. */
    void close() {
        lags.close();
    }

    private StoreUnavailableException unavailable(int partition, RuntimeException e) {
        return new StoreUnavailableException("Partition " + partition + " of the connector store is not available on this replica right now ("
                + streams.state() + "); retry shortly.", e);
    }
}
