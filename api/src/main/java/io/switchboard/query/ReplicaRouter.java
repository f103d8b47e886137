package io.switchboard.query;

import io.switchboard.processor.ConnectorKey;
import io.switchboard.processor.StoreNames;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

import java.util.List;
import java.util.Optional;

/**
 * Which replica owns a connector's partition, from Kafka Streams' metadata. Both stores are
 * partitioned like the command topic, so the owner of a key in one owns it in the other.
 */
public final class ReplicaRouter {
    private final KafkaStreams streams;
    private final HostInfo self;

    public ReplicaRouter(KafkaStreams streams, HostInfo self) {
        this.streams = streams;
        this.self = self;
    }

    public HostInfo self() {
        return self;
    }

    /** The owner of the key when it is another replica; empty when it is this one or not known yet. */
    public Optional<HostInfo> remoteOwner(ConnectorKey key) {
        KeyQueryMetadata metadata = streams.queryMetadataForKey(StoreNames.CONNECTORS, key.toString(), new StringSerializer());
        if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE) || metadata.activeHost() == null
                || metadata.activeHost().equals(self) || metadata.activeHost().port() <= 0) {
            return Optional.empty();
        }
        return Optional.of(metadata.activeHost());
    }

    /** Every other replica that hosts active partitions of the connectors store. */
    public List<HostInfo> others() {
        return streams.streamsMetadataForStore(StoreNames.CONNECTORS).stream()
                .map(StreamsMetadata::hostInfo)
                .filter(host -> !host.equals(self) && host.port() > 0)
                .distinct()
                .toList();
    }
}
