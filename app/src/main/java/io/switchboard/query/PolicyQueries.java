package io.switchboard.query;

import io.switchboard.core.PolicyStore;
import io.switchboard.core.StoreUnavailableException;
import io.switchboard.processor.StoreNames;
import io.switchboard.rules.ConnectorKey;
import io.switchboard.schemas.ConnectorPolicy;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The user policies as this replica's global stores hold them: every replica holds them all, so no read goes elsewhere. */
public final class PolicyQueries implements PolicyStore {
    private final KafkaStreams streams;

    public PolicyQueries(KafkaStreams streams) {
        this.streams = streams;
    }

    @Override
    public List<ConnectorPolicy> policies(String cluster) {
        return scan(StoreNames.POLICIES, ConnectorKey.clusterPrefix(cluster));
    }

    @Override
    public Optional<ConnectorPolicy> policy(String cluster, String name) {
        return Optional.ofNullable(store(StoreNames.POLICIES).get(ConnectorKey.clusterPrefix(cluster) + name));
    }

    @Override
    public List<ConnectorPolicy> versions(String cluster, String name) {
        return scan(StoreNames.POLICY_VERSIONS, ConnectorKey.clusterPrefix(cluster) + name + ConnectorKey.SEPARATOR);
    }

    private List<ConnectorPolicy> scan(String storeName, String prefix) {
        List<ConnectorPolicy> found = new ArrayList<>();
        try (KeyValueIterator<String, ConnectorPolicy> all = store(storeName).prefixScan(prefix, new StringSerializer())) {
            all.forEachRemaining(entry -> found.add(entry.value));
        }
        return found;
    }

    private ReadOnlyKeyValueStore<String, ConnectorPolicy> store(String name) {
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, ConnectorPolicy>keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw new StoreUnavailableException("the policies are not readable yet", e);
        }
    }
}
