package io.switchboard.query;

import io.switchboard.processor.ConnectorKey;
import io.switchboard.processor.StoreNames;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
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
 * Reads the connectors store with interactive queries. It uses IQv1 ({@code store().get}), which
 * does not take the store's position lock, because IQv2 queries that race the stream thread's
 * writes can deadlock it in Kafka Streams 4.3.1 (KAFKA-19629).
 */
public final class ConnectorQueries {
    private final KafkaStreams streams;

    public ConnectorQueries(KafkaStreams streams) {
        this.streams = streams;
    }

    public Optional<ConnectorState> connector(ConnectorKey key) {
        return Optional.ofNullable(store().get(key.toString()));
    }

    /** The last status the data plane reported for a connector, if any. */
    public Optional<ConnectorObservation> status(ConnectorKey key) {
        ReadOnlyKeyValueStore<String, ConnectorObservation> statuses = store(StoreNames.STATUSES);
        return Optional.ofNullable(statuses.get(key.toString()));
    }

    /** Every connector of a cluster, ordered by name. */
    public List<ConnectorState> connectors(String cluster) {
        List<ConnectorState> all = new ArrayList<>();
        try (KeyValueIterator<String, ConnectorState> it =
                     store().prefixScan(ConnectorKey.clusterPrefix(cluster), new StringSerializer())) {
            while (it.hasNext()) {
                KeyValue<String, ConnectorState> next = it.next();
                all.add(next.value);
            }
        }
        all.sort((a, b) -> a.getName().compareTo(b.getName()));
        return all;
    }

    private ReadOnlyKeyValueStore<String, ConnectorState> store() {
        return store(StoreNames.CONNECTORS);
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(String name) {
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw new StoreUnavailableException("The connector store is not available on this replica right now ("
                    + streams.state() + "); retry shortly.", e);
        }
    }
}
