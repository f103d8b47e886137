package io.switchboard.commands;

import io.switchboard.kafkaio.CommandRecords;
import io.switchboard.kafkaio.RecordRefusals;
import io.switchboard.kafkaio.RecordSignatures;
import io.switchboard.kafkaio.TopicRecord;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.SignedStates;
import io.switchboard.schemas.TargetState;
import io.switchboard.schemas.wire.AvroSerde;
import io.switchboard.schemas.wire.InMemorySchemaRegistryClient;
import io.switchboard.secrets.Keyring;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The decisions consumer acts on a decision record only when a replica's processor signed it, lately,
 * and it was not read before; on a changelog state only when the processor signed it for its key and
 * partition and it comes after every state read before from that partition.
 */
class DecisionChecksTest {
    private static final Keyring KEYRING = Keyring.parse(Keyring.newKeyLine());
    private static final String DECISIONS = "switchboard.decisions";
    private static final String CHANGELOG = "switchboard-connectors-changelog";
    private static final RecordSignatures RECORDS = CommandSignatures.records(KEYRING);
    private static final SignedStates STATES = CommandSignatures.states(KEYRING, CHANGELOG);
    private static final AvroSerde<ConnectorState> SERDE = new AvroSerde<>(new InMemorySchemaRegistryClient(), ConnectorState.class, false);
    private static final long NOW = 1_800_000_000_000L;

    private final AtomicLong clock = new AtomicLong(NOW);
    private final RecordRefusals refusals = new RecordRefusals();
    private final DecisionChecks checks = new DecisionChecks(DECISIONS, RECORDS, STATES, refusals, clock::get);
    private long offset;

    private TopicRecord<byte[], byte[]> decision(RecordSignatures by, long stampedAt) {
        byte[] key = "default/orders".getBytes(StandardCharsets.UTF_8);
        byte[] value = ("decision " + offset).getBytes(StandardCharsets.UTF_8);
        Headers headers = new RecordHeaders();
        if (by != null) {
            CommandRecords.stampAndSign(by, DECISIONS, key, value, headers, stampedAt);
        }
        return new TopicRecord<>(DECISIONS, 0, offset++, stampedAt, headers, key, value);
    }

    private TopicRecord<byte[], byte[]> state(int partition, ConnectorState state) {
        return new TopicRecord<>(CHANGELOG, partition, offset++, NOW, new RecordHeaders(), "default/orders".getBytes(StandardCharsets.UTF_8),
                SERDE.serializer().serialize(CHANGELOG, state));
    }

    private static ConnectorState orders(long sequence) {
        return STATES.sign("default/orders", 0, sequence, ConnectorState.newBuilder().setCluster("default").setName("orders")
                .setConfig(Map.of("connector.class", "X")).setTargetState(TargetState.RUNNING).setVersion(1).setCreatedAt(1)
                .setUpdatedAt(1).setLastCommandId("c-" + sequence).build());
    }

    @Test
    void aDecisionIsActedOnOnlyWhenAReplicaSignedItLatelyAndOnce() {
        TopicRecord<byte[], byte[]> signed = decision(RECORDS, NOW - 1_000);
        assertTrue(checks.decision(signed));
        assertFalse(checks.decision(signed), "the same record again");
        assertEquals(1, refusals.count(RecordRefusals.DECISIONS, RecordRefusals.REPLAYED));
        assertFalse(checks.decision(decision(null, NOW)));
        assertEquals(1, refusals.count(RecordRefusals.DECISIONS, "unsigned"));
        assertFalse(checks.decision(decision(CommandSignatures.records(Keyring.parse(Keyring.newKeyLine())), NOW)));
        assertEquals(1, refusals.count(RecordRefusals.DECISIONS, "unknown_key"));
        assertFalse(checks.decision(decision(CommandSignatures.of(KEYRING), NOW)), "signed with the commands' keys");
        assertEquals(1, refusals.count(RecordRefusals.DECISIONS, "bad_signature"));
        assertFalse(checks.decision(decision(RECORDS, NOW - DecisionChecks.LATE.toMillis() - 1)), "written too long ago");
        assertFalse(checks.decision(decision(RECORDS, NOW + DecisionChecks.EARLY.toMillis() + 1)), "written in the future");
        assertEquals(2, refusals.count(RecordRefusals.DECISIONS, RecordRefusals.STALE));
        assertTrue(checks.decision(decision(RECORDS, NOW)));
        // Once a copy would be stale anyway, what was remembered of it is forgotten.
        clock.addAndGet(DecisionChecks.LATE.toMillis() + 2_000);
        assertTrue(checks.decision(decision(RECORDS, clock.get())));
        assertFalse(checks.decision(signed), "stale now");
        assertEquals(3, refusals.count(RecordRefusals.DECISIONS, RecordRefusals.STALE));
    }

    @Test
    void aStateIsActedOnOnlyWhenSignedForItsPartitionAndAfterTheLatestOfIt() {
        ConnectorState first = orders(5);
        assertNotNull(checks.state(state(0, first), SERDE.deserializer()));
        ConnectorState later = orders(9);
        assertNotNull(checks.state(state(0, later), SERDE.deserializer()));
        assertNull(checks.state(state(0, first), SERDE.deserializer()), "an earlier state copied back");
        assertNull(checks.state(state(0, later), SERDE.deserializer()), "the latest copied again");
        assertEquals(2, refusals.count(RecordRefusals.CONNECTORS_CHANGELOG, RecordRefusals.REPLAYED));
        assertNull(checks.state(state(1, orders(20)), SERDE.deserializer()), "in another partition");
        assertNull(checks.state(state(0, ConnectorState.newBuilder(orders(21)).setSignature(null).build()), SERDE.deserializer()));
        assertEquals(1, refusals.count(RecordRefusals.CONNECTORS_CHANGELOG, "bad_signature"));
        assertEquals(1, refusals.count(RecordRefusals.CONNECTORS_CHANGELOG, "unsigned"));
        assertNotNull(checks.state(state(0, orders(22)), SERDE.deserializer()));
    }
}
