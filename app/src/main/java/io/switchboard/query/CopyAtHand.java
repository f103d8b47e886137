package io.switchboard.query;

import io.switchboard.core.ConnectorStore;
import io.switchboard.processor.StoreNames;
import io.switchboard.rules.ConnectorKey;
import io.switchboard.schemas.ConnectorState;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The connectors this replica has at hand ({@link ConnectorStore.AtHand}): a key is looked up only
 * in its partition's active copy, and only when Kafka Streams' metadata places that copy on this
 * replica ({@link KafkaStreams#queryMetadataForKey}) and Kafka Streams runs it here as active. That
 * copy is written by the processor in this JVM before it commits any decision, so it holds every
 * decision already answered. Never a standby copy: however small its lag, it can miss a delete
 * decided and answered a moment ago, and an early answer from one once acknowledged a change of a
 * connector that no longer existed (a lost write under real-time order). Never another replica:
 * asking it would cost more than waiting for the decision. Never a copy the {@link PauseFence}
 * distrusts: a replica thawed after a long pause may still call active a partition its group gave
 * away, and an early refusal from it would refuse a write the decider accepts. Whatever cannot be
 * read now is empty: the caller then waits for the decision.
 *
 * <p>The pre-flight's early owner check asks this on every config write, so it reads the one
 * store partition directly, without the read machinery that finds and waits for a copy that may
 * answer ({@link ConnectorQueries}). Like the other local reads it uses IQv1 ({@code get}), which
 * takes no position lock (KAFKA-19629).
 */
final class CopyAtHand implements ConnectorStore.AtHand {
    private static final Serializer<String> KEYS = new StringSerializer();

    private final KafkaStreams streams;
    private final HostInfo self;
    /** Whether this JVM's copies may answer now: the {@link PauseFence}'s word. */
    private final BooleanSupplier trusted;

    /** @param self this replica's address, as Kafka Streams' metadata names it ({@code application.server}) */
    CopyAtHand(KafkaStreams streams, HostInfo self, PauseFence fence) {
        this(streams, self, fence::trusted);
    }

    CopyAtHand(KafkaStreams streams, HostInfo self, BooleanSupplier trusted) {
        this.streams = streams;
        this.self = self;
        this.trusted = trusted;
    }

    @Override
    public Optional<ConnectorState> connector(ConnectorKey key) {
        String id = key.toString();
        try {
            KeyQueryMetadata where = streams.queryMetadataForKey(StoreNames.CONNECTORS, id, KEYS);
            if (where == null || where.partition() < 0 || !self.equals(where.activeHost())) {
                return Optional.empty();
            }
            // Without stale stores enabled, only a copy this replica runs as active answers.
            ReadOnlyKeyValueStore<String, ConnectorState> active = streams.store(StoreQueryParameters.fromNameAndType(
                    StoreNames.CONNECTORS, QueryableStoreTypes.<String, ConnectorState>keyValueStore()).withPartition(where.partition()));
            ConnectorState held = active.get(id);
            // The fence matters only to an answer: a connector the copy does not hold is empty either way.
            return held == null || !trusted.getAsBoolean() ? Optional.empty() : Optional.of(held);
        } catch (RuntimeException unavailable) {
            // Not started, rebalancing, the partition moved, shutting down or in error: nothing at hand.
            return Optional.empty();
        }
    }
}
