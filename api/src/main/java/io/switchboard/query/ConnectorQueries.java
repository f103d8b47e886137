package io.switchboard.query;

import io.switchboard.processor.ConnectorKey;
import io.switchboard.processor.StoreNames;
import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the connectors and statuses stores with interactive queries, on this replica or, for a
 * key another replica owns, on that one (lists gather from every replica). Local reads use IQv1
 * ({@code store().get}), which does not take the store's position lock, because IQv2 queries that
 * race the stream thread's writes can deadlock it in Kafka Streams 4.3.1 (KAFKA-19629).
 */
public final class ConnectorQueries {
    private static final String TRANSFER_TOPIC = "switchboard.internal-reads";
    /**
     * The subjects of the other stores' values between replicas: one subject per record type, since
     * the registry keeps a subject's schemas compatible with each other. Readers go by the schema id
     * in each value, so the subject only matters to the writer.
     */
    private static final String STATUS_TRANSFER_TOPIC = TRANSFER_TOPIC + ".statuses";
    private static final String HISTORY_TRANSFER_TOPIC = TRANSFER_TOPIC + ".history";

    private final KafkaStreams streams;
    private final ReplicaRouter router;
    private final RemoteStores remote;
    private final Serde<ConnectorState> states;
    private final Serde<ConnectorObservation> observations;
    private final Serde<ConnectorHistory> histories;

    public ConnectorQueries(KafkaStreams streams, ReplicaRouter router, RemoteStores remote,
                            Serde<ConnectorState> states, Serde<ConnectorObservation> observations) {
        this(streams, router, remote, states, observations, null);
    }

    /** @param histories serde of the history store; null when the topology keeps no history */
    public ConnectorQueries(KafkaStreams streams, ReplicaRouter router, RemoteStores remote,
                            Serde<ConnectorState> states, Serde<ConnectorObservation> observations,
                            Serde<ConnectorHistory> histories) {
        this.streams = streams;
        this.router = router;
        this.remote = remote;
        this.states = states;
        this.observations = observations;
        this.histories = histories;
    }

    public Optional<ConnectorState> connector(ConnectorKey key) {
        Optional<HostInfo> owner = router.remoteOwner(key);
        if (owner.isPresent()) {
            return remote.get(owner.get(), StoreNames.CONNECTORS, key.toString())
                    .map(bytes -> states.deserializer().deserialize(TRANSFER_TOPIC, bytes));
        }
        return Optional.ofNullable(this.<ConnectorState>localStore(StoreNames.CONNECTORS).get(key.toString()));
    }

    /** The last status the data plane reported for a connector, if any. */
    public Optional<ConnectorObservation> status(ConnectorKey key) {
        Optional<HostInfo> owner = router.remoteOwner(key);
        if (owner.isPresent()) {
            return remote.get(owner.get(), StoreNames.STATUSES, key.toString())
                    .map(bytes -> observations.deserializer().deserialize(STATUS_TRANSFER_TOPIC, bytes));
        }
        return Optional.ofNullable(this.<ConnectorObservation>localStore(StoreNames.STATUSES).get(key.toString()));
    }

    /**
     * Every version of a connector, also after it was deleted; empty for a connector that never
     * existed. The history store is in the same task as the connectors store, so the same replica
     * owns both.
     */
    public Optional<ConnectorHistory> history(ConnectorKey key) {
        if (histories == null) {
            throw new IllegalStateException("This replica keeps no connector history");
        }
        Optional<HostInfo> owner = router.remoteOwner(key);
        if (owner.isPresent()) {
            return remote.get(owner.get(), StoreNames.HISTORY, key.toString())
                    .map(bytes -> histories.deserializer().deserialize(HISTORY_TRANSFER_TOPIC, bytes));
        }
        return Optional.ofNullable(this.<ConnectorHistory>localStore(StoreNames.HISTORY).get(key.toString()));
    }

    /** Every connector of a cluster, from every replica, ordered by name. */
    public List<ConnectorState> connectors(String cluster) {
        String prefix = ConnectorKey.clusterPrefix(cluster);
        List<ConnectorState> all = new ArrayList<>(this.<ConnectorState>localScan(StoreNames.CONNECTORS, prefix));
        for (HostInfo host : router.others()) {
            for (byte[] bytes : remote.scan(host, StoreNames.CONNECTORS, prefix)) {
                all.add(states.deserializer().deserialize(TRANSFER_TOPIC, bytes));
            }
        }
        all.sort((a, b) -> a.getName().compareTo(b.getName()));
        return all;
    }

    /** One value of a local store, encoded for another replica; empty when absent. */
    public Optional<byte[]> localEncoded(String store, String key) {
        Object value = localStore(store).get(key);
        return Optional.ofNullable(value).map(v -> encode(store, v));
    }

    /** The values of a local store under a key prefix, encoded for another replica. */
    public List<byte[]> localEncodedScan(String store, String prefix) {
        return localScan(store, prefix).stream().map(v -> encode(store, v)).toList();
    }

    @SuppressWarnings("unchecked")
    private byte[] encode(String store, Object value) {
        if (StoreNames.HISTORY.equals(store)) {
            return histories.serializer().serialize(HISTORY_TRANSFER_TOPIC, (ConnectorHistory) value);
        }
        return StoreNames.STATUSES.equals(store)
                ? observations.serializer().serialize(STATUS_TRANSFER_TOPIC, (ConnectorObservation) value)
                : states.serializer().serialize(TRANSFER_TOPIC, (ConnectorState) value);
    }

    private <V> List<V> localScan(String store, String prefix) {
        List<V> values = new ArrayList<>();
        try (KeyValueIterator<String, V> it = this.<V>localStore(store).prefixScan(prefix, new StringSerializer())) {
            while (it.hasNext()) {
                KeyValue<String, V> next = it.next();
                values.add(next.value);
            }
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
        return values;
    }

    private <V> ReadOnlyKeyValueStore<String, V> localStore(String name) {
        if (!StoreNames.CONNECTORS.equals(name) && !StoreNames.STATUSES.equals(name)
                && !(StoreNames.HISTORY.equals(name) && histories != null)) {
            throw new IllegalArgumentException("No store " + name);
        }
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
    }

    private StoreUnavailableException unavailable(InvalidStateStoreException e) {
        return new StoreUnavailableException("The connector store is not available on this replica right now ("
                + streams.state() + "); retry shortly.", e);
    }
}
