package io.switchboard.query;

import io.switchboard.rules.ConnectorKey;
import io.switchboard.processor.StoreNames;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where the copies of each store partition are, from Kafka Streams' metadata: the replica running
 * it (the active copy) and the replicas keeping standby copies. Both stores are partitioned like the
 * command topic (one task per partition), so a key's partition and owners are the same in both.
 */
public final class ReplicaRouter {
    private final KafkaStreams streams;
    private final HostInfo self;

    /** The copies of one partition: the active host (null while none is known) and the standby hosts. */
    public record Placement(HostInfo active, Set<HostInfo> standbys) {
    }

    public ReplicaRouter(KafkaStreams streams, HostInfo self) {
        this.streams = streams;
        this.self = self;
    }

    public HostInfo self() {
        return self;
    }

    public boolean isSelf(HostInfo host) {
        return self.equals(host);
    }

    /** A host that can be asked: known and with a real port. */
    public static boolean usable(HostInfo host) {
        return host != null && host.port() > 0 && host.host() != null && !host.host().isEmpty();
    }

    /** The key's partition with its active and standby hosts; empty while Kafka Streams does not know. */
    public Optional<KeyQueryMetadata> locate(ConnectorKey key) {
        try {
            KeyQueryMetadata metadata = streams.queryMetadataForKey(StoreNames.CONNECTORS, key.toString(), new StringSerializer());
            if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE) || metadata.partition() < 0) {
                return Optional.empty();
            }
            return Optional.of(metadata);
        } catch (RuntimeException notRunning) {
            // Not started, shutting down or in error: nothing is known about placement.
            return Optional.empty();
        }
    }

    /** The copies of every store partition Kafka Streams currently knows of, by partition. */
    public Map<Integer, Placement> placements() {
        Map<Integer, HostInfo> active = new HashMap<>();
        Map<Integer, Set<HostInfo>> standbys = new HashMap<>();
        try {
            for (StreamsMetadata metadata : streams.streamsMetadataForStore(StoreNames.CONNECTORS)) {
                HostInfo host = metadata.hostInfo();
                for (TopicPartition tp : metadata.topicPartitions()) {
                    active.put(tp.partition(), host);
                }
                for (TopicPartition tp : metadata.standbyTopicPartitions()) {
                    standbys.computeIfAbsent(tp.partition(), p -> new LinkedHashSet<>()).add(host);
                }
            }
        } catch (RuntimeException notRunning) {
            return Map.of();
        }
        Map<Integer, Placement> placements = new HashMap<>();
        Set<Integer> partitions = new LinkedHashSet<>(active.keySet());
        partitions.addAll(standbys.keySet());
        for (int partition : partitions) {
            placements.put(partition, new Placement(active.get(partition), standbys.getOrDefault(partition, Set.of())));
        }
        return placements;
    }

    /**
     * Where to read a partition when its active copy did not answer as running: first the active
     * owner's own copy (its thread may only be rebalancing, and its copy is the newest), then the
     * standby copies, this replica's first (no hop). Each answers only if its copy is current enough.
     */
    public List<HostInfo> fallbacks(HostInfo active, Set<HostInfo> standbys) {
        List<HostInfo> ordered = new ArrayList<>();
        if (usable(active)) {
            ordered.add(active);
        }
        if (standbys.contains(self) && !self.equals(active)) {
            ordered.add(self);
        }
        standbys.stream().filter(h -> !h.equals(self) && !h.equals(active) && usable(h)).forEach(ordered::add);
        return ordered;
    }
}
