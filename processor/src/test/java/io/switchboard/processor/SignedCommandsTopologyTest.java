package io.switchboard.processor;

import io.switchboard.kafkaio.RecordSignatures;
import io.switchboard.kafkaio.RecordSignatures.Verdict;
import io.switchboard.rules.SetDecider;
import io.switchboard.schemas.ApplySetChange;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.SetItem;
import io.switchboard.schemas.TargetState;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Only commands a replica signed are decided; any other record of the command topic changes nothing. */
class SignedCommandsTopologyTest {
    private static final Map<String, String> CONFIG = Map.of(
            "connector.class", "FileStreamSource", "file", "/tmp/in.txt", "topic", "lines", "name", "forged");
    private static final io.switchboard.kafkaio.KeyPurpose PURPOSE = io.switchboard.kafkaio.KeyPurpose.COMMANDS;

    private final List<CommandDecision> observed = new ArrayList<>();
    private final List<Long> processed = new ArrayList<>();
    private final TopologyFixture fixture = TopologyFixture.observedBy(new DecisionObserver() {
        @Override
        public void decided(CommandDecision decision) {
            observed.add(decision);
        }

        @Override
        public void processed(int partition, long offset) {
            processed.add(offset);
        }
    });

    @AfterEach
    void close() {
        fixture.close();
    }

    private static ConnectorCommand create(String id, String principal) {
        return ConnectorCommand.newBuilder().setCommandId(id).setCluster("default").setConnector("forged")
                .setPrincipal(principal).setRequestId("req-" + id).setIssuedAt(1_000L)
                .setAction(new CreateConnector(CONFIG, TargetState.RUNNING, null)).build();
    }

    private ConnectorState stored() {
        return fixture.<ConnectorState>store(StoreNames.CONNECTORS).get("default/forged");
    }

    /** Nothing of the record reached the decider: no store entry, no decision, no event, no waiting request answered. */
    private void assertNothingDecided() {
        assertNull(stored(), "no store entry");
        assertTrue(fixture.decisions().isEmpty(), "no decision");
        assertTrue(fixture.lifecycle().isEmpty(), "no lifecycle event");
        assertTrue(observed.isEmpty(), "no waiting request answered");
    }

    private void assertDeadLetter(String reason, byte[] value) {
        List<TestRecord<byte[], byte[]>> letters = fixture.deadLetters().readRecordsToList();
        assertEquals(1, letters.size(), "the refused record is in the dead-letter topic");
        assertArrayEquals(value, letters.get(0).value(), "as it was written");
        assertEquals(reason, new String(letters.get(0).headers().lastHeader(CommandVerifier.REASON_HEADER).value(), StandardCharsets.UTF_8));
        assertEquals(1, fixture.refusals.count(reason), "counted under " + reason);
    }

    @Test
    void anUnsignedWellFormedCreateIsNeverDecided() {
        ConnectorCommand forged = create("forged-1", "admin");
        byte[] value = fixture.serdes.commands().serializer().serialize(TopologyFixture.TOPICS.commands(), new RecordHeaders(), forged);
        fixture.commands().pipeBytes("default/forged", value, null);

        assertNothingDecided();
        assertDeadLetter("unsigned", value);
        assertEquals(0, fixture.refusals.count("bad_signature") + fixture.refusals.count("unknown_key"));
        assertEquals(List.of(0L), processed, "the partition counts as processed past it, so reads do not wait on it");

        // The same command, signed by a replica, is decided.
        fixture.commands().pipeInput("default/forged", create("signed-1", "alice"));
        assertEquals(Outcome.CREATED, fixture.decisions().readValue().getOutcome());
        assertEquals("alice", fixture.lifecycle().readValue().getPrincipal());
        assertEquals(List.of("signed-1"), observed.stream().map(CommandDecision::getCommandId).toList());
        assertTrue(fixture.deadLetters().isEmpty());
    }

    @Test
    void aCommandSignedWithAKeyIdNoLongerInTheKeyringIsRefused() {
        // k0 was the replicas' key once; the keyring no longer holds it.
        RecordSignatures removed = RecordSignatures.derived(TopologyFixture.keys("k0", 0), PURPOSE);
        ConnectorCommand command = create("old-key-1", "alice");
        fixture.commands().pipeInput("default/forged", command, removed);

        assertNothingDecided();
        assertDeadLetter("unknown_key", fixture.serdes.commands().serializer().serialize(TopologyFixture.TOPICS.commands(), new RecordHeaders(), command));
    }

    @Test
    void aCommandSignedWithAnotherKeyUnderAKnownIdIsRefused() {
        RecordSignatures impostor = RecordSignatures.derived(TopologyFixture.keys("k2", 7), PURPOSE);
        ConnectorCommand command = create("impostor-1", "admin");
        fixture.commands().pipeInput("default/forged", command, impostor);

        assertNothingDecided();
        assertDeadLetter("bad_signature", fixture.serdes.commands().serializer().serialize(TopologyFixture.TOPICS.commands(), new RecordHeaders(), command));
    }

    @Test
    void aSignedCommandWhoseBytesWereChangedIsRefused() {
        // A replica's signed record, its principal then rewritten: the signature no longer matches.
        byte[] alice = fixture.serdes.commands().serializer().serialize(TopologyFixture.TOPICS.commands(), new RecordHeaders(), create("c-1", "alice"));
        byte[] admin = fixture.serdes.commands().serializer().serialize(TopologyFixture.TOPICS.commands(), new RecordHeaders(), create("c-1", "admin"));
        RecordHeaders headers = new RecordHeaders();
        TopologyFixture.SIGNATURES.sign(TopologyFixture.TOPICS.commands(), "default/forged".getBytes(StandardCharsets.UTF_8), alice, headers);
        fixture.driver.createInputTopic(TopologyFixture.TOPICS.commands(),
                        new ByteArraySerializer(), new ByteArraySerializer())
                .pipeInput(new TestRecord<>("default/forged".getBytes(StandardCharsets.UTF_8), admin, headers, (Instant) null));

        assertNothingDecided();
        assertDeadLetter("bad_signature", admin);
    }

    @Test
    void aSetsPerConnectorCommandsAreSignedAndDecided() {
        SetItem item = SetItem.newBuilder().setConnector("forged").setLabels(Map.of()).setConfig(CONFIG)
                .setTargetState(TargetState.PAUSED).setAdopt(false).build();
        ConnectorCommand change = ConnectorCommand.newBuilder().setCommandId("change-1").setCluster("default")
                .setConnector(SetDecider.PREFIX + "orders").setPrincipal("ci-bot").setIssuedAt(1_000L)
                .setAction(new ApplySetChange(0L, Map.of(), List.of(item))).build();
        fixture.commands().pipeInput("default/" + SetDecider.PREFIX + "orders", change);

        List<CommandDecision> decisions = fixture.decisions().readValuesToList();
        assertEquals(2, decisions.size(), "the set's decision and its connector's: " + decisions);
        assertEquals(Outcome.CREATED, decisions.get(1).getOutcome());
        assertEquals(TargetState.PAUSED, stored().getTargetState());
        assertTrue(fixture.deadLetters().isEmpty(), "nothing refused");
        // What the processor wrote back to the command topic carries a replica's signature.
        List<TestRecord<byte[], byte[]>> written = fixture.driver.createOutputTopic(TopologyFixture.TOPICS.commands(),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList();
        assertEquals(1, written.size());
        assertEquals(Verdict.SIGNED, TopologyFixture.SIGNATURES.verify(TopologyFixture.TOPICS.commands(),
                written.get(0).key(), written.get(0).value(), written.get(0).headers()));
    }

    @Test
    void decisionsAndEventsCarryNoneOfTheCommandsSignature() {
        fixture.commands().pipeInput("default/forged", create("signed-1", "alice"));
        // Accepted: announced by the state's changelog record; then refused: a decision record.
        fixture.commands().pipeInput("default/forged", create("signed-2", "alice"));
        assertNull(fixture.driver.createOutputTopic(TopologyFixture.TOPICS.connectorsChangelog(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer()).readRecord().headers().lastHeader(RecordSignatures.HEADER));
        // The decision record carries the processor's own signature of it, for the decisions topic.
        TestRecord<byte[], byte[]> decision = fixture.driver.createOutputTopic(TopologyFixture.TOPICS.decisions(),
                new ByteArrayDeserializer(), new ByteArrayDeserializer()).readRecord();
        assertEquals(Verdict.SIGNED, TopologyFixture.RECORDS.verify(TopologyFixture.TOPICS.decisions(), decision.key(), decision.value(),
                decision.headers()));
        assertNotEquals(Verdict.SIGNED, TopologyFixture.SIGNATURES.verify(TopologyFixture.TOPICS.decisions(), decision.key(),
                decision.value(), decision.headers()), "not with the commands' keys");
        assertNull(fixture.lifecycle().readRecord().headers().lastHeader(RecordSignatures.HEADER));
    }
}
