package io.switchboard.processor;

import io.switchboard.kafkaio.CommandRecords;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorDeleted;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.DeleteConnector;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.TargetState;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A signed command is decided once, in its key's partition, near the time it was issued: a copy of
 * one (the same bytes and headers, as anyone who can write the topic could take them from it) is never
 * decided again, whenever and wherever it is put.
 */
class ReplayedCommandsTopologyTest {
    private static final Map<String, String> CONFIG = Map.of(
            "connector.class", "FileStreamSource", "file", "/tmp/in.txt", "topic", "lines", "name", "orders");
    private static final String KEY = "default/orders";
    /** When the test's first command is issued. */
    private static final long T0 = 1_800_000_000_000L;

    private TopologyFixture fixture = TopologyFixture.withoutHistory();

    @AfterEach
    void close() {
        fixture.close();
    }

    private static ConnectorCommand command(String id, String principal, long issuedAt, Object action) {
        return ConnectorCommand.newBuilder().setCommandId(id).setCluster("default").setConnector("orders")
                .setPrincipal(principal).setRequestId("req-" + id).setIssuedAt(issuedAt).setAction(action).build();
    }

    private static ConnectorCommand create(String id, String principal, long issuedAt) {
        return command(id, principal, issuedAt, new CreateConnector(CONFIG, TargetState.RUNNING, null));
    }

    private ConnectorState stored() {
        return fixture.<ConnectorState>store(StoreNames.CONNECTORS).get(KEY);
    }

    /** The command, issued and appended at {@code at}, and its one decision. */
    private CommandDecision send(ConnectorCommand command, long at) {
        fixture.commands().pipeIssued(KEY, command, at, at);
        List<CommandDecision> decided = fixture.decisions().readValuesToList();
        assertEquals(1, decided.size(), "one decision for " + command.getCommandId());
        return decided.get(0);
    }

    /** The record was refused undecided for {@code reason}: no decision, no event, no store changed, in the dead letters. */
    private void assertRefused(String reason) {
        assertTrue(fixture.decisions().isEmpty(), "no decision");
        assertTrue(fixture.lifecycle().isEmpty(), "no lifecycle event");
        List<TestRecord<byte[], byte[]>> letters = fixture.deadLetters().readRecordsToList();
        assertEquals(1, letters.size(), "the copy is in the dead-letter topic");
        assertEquals(reason, new String(letters.get(0).headers().lastHeader(CommandVerifier.REASON_HEADER).value(), StandardCharsets.UTF_8));
        assertEquals(1, fixture.refusals.count(reason), "counted under " + reason);
    }

    /** The review's recipe: erin deletes c1, c1 is made again, and erin's captured delete is written again. */
    @Test
    void aCapturedDeleteWrittenAgainAfterTheConnectorIsMadeAgainIsNotDecided() {
        assertEquals(Outcome.CREATED, send(create("create-1", "alice", T0), T0).getOutcome());
        TestRecord<byte[], byte[]> delete = fixture.commands().signed(KEY, command("delete-1", "erin", T0 + 1_000, new DeleteConnector()),
                T0 + 1_000);
        fixture.commands().pipeRecord(delete, T0 + 1_000);
        assertEquals(Outcome.DELETED, fixture.decisions().readValue().getOutcome());
        assertNull(stored());
        fixture.lifecycle().readValuesToList();
        assertEquals(Outcome.CREATED, send(create("create-2", "alice", T0 + 10_000), T0 + 10_000).getOutcome());
        fixture.lifecycle().readValuesToList();

        // Within the window: its id was decided in this partition.
        fixture.commands().pipeRecord(delete, T0 + 20_000);
        assertRefused("replayed");
        assertNotNull(stored(), "the connector made again is still there");
        assertEquals("create-2", stored().getLastCommandId());

        // Later: stale, whatever the store remembers.
        fixture.commands().pipeRecord(delete, T0 + Duration.ofHours(3).toMillis());
        assertRefused("stale");
        assertNotNull(stored());
        assertEquals("create-2", stored().getLastCommandId());
    }

    @Test
    void aCommandIssuedLongBeforeKafkaAppendedItIsStale() {
        long appended = T0 + CommandAdmission.LATE.toMillis() + 1;
        fixture.commands().pipeIssued(KEY, create("late-1", "alice", T0), T0, appended);
        assertRefused("stale");
        assertNull(stored());

        // Issued a moment before it was appended: decided.
        fixture.commands().pipeIssued(KEY, create("on-time-1", "alice", appended - 5_000), appended - 5_000, appended);
        assertEquals(Outcome.CREATED, fixture.decisions().readValue().getOutcome());
    }

    @Test
    void aCommandIssuedFarAfterKafkaAppendedItIsStale() {
        fixture.commands().pipeIssued(KEY, create("early-1", "alice", T0), T0, T0 - CommandAdmission.EARLY.toMillis() - 1);
        assertRefused("stale");
        assertNull(stored());
    }

    @Test
    void aSignedCommandWithoutAnIssueTimeIsStale() {
        ConnectorCommand command = create("unstamped-1", "alice", T0);
        byte[] value = fixture.serdes.commands().serializer().serialize(TopologyFixture.TOPICS.commands(), new RecordHeaders(), command);
        RecordHeaders headers = new RecordHeaders();
        TopologyFixture.SIGNATURES.sign(TopologyFixture.TOPICS.commands(), KEY.getBytes(StandardCharsets.UTF_8), value, headers);
        fixture.commands().pipeRecord(new TestRecord<>(KEY.getBytes(StandardCharsets.UTF_8), value, headers, (java.time.Instant) null), T0);
        assertRefused("stale");
        assertNull(stored());
    }

    @Test
    void aCommandInAnotherPartitionThanItsKeysIsNotDecided() {
        fixture.close();
        // The driver's records are in partition 0; on a topic of two, find a key that names partition 1, and one that names 0.
        fixture = TopologyFixture.withPartitions(2);
        String elsewhere = null;
        String here = null;
        for (int i = 0; elsewhere == null || here == null; i++) {
            String key = "default/c" + i;
            if (CommandRecords.partition(key.getBytes(StandardCharsets.UTF_8), 2) == 1) {
                elsewhere = elsewhere == null ? key : elsewhere;
            } else {
                here = here == null ? key : here;
            }
        }
        fixture.commands().pipeIssued(elsewhere, named(elsewhere, "moved-1"), T0, T0);
        assertRefused("wrong_partition");
        assertNull(fixture.<ConnectorState>store(StoreNames.CONNECTORS).get(elsewhere));

        fixture.commands().pipeIssued(here, named(here, "placed-1"), T0, T0);
        assertEquals(Outcome.CREATED, fixture.decisions().readValue().getOutcome());
    }

    private static ConnectorCommand named(String key, String id) {
        String name = key.substring("default/".length());
        Map<String, String> config = Map.of("connector.class", "FileStreamSource", "file", "/tmp/in.txt", "topic", "lines", "name", name);
        return ConnectorCommand.newBuilder().setCommandId(id).setCluster("default").setConnector(name)
                .setPrincipal("alice").setRequestId("req-" + id).setIssuedAt(T0)
                .setAction(new CreateConnector(config, TargetState.RUNNING, null)).build();
    }

    /** A header is signed with the rest: one added to a signed record breaks it; the trace context alone rides on. */
    @Test
    void headersAreSignedAndOnlyTheTraceContextRidesIntoEvents() {
        ConnectorCommand command = create("traced-1", "alice", T0);
        byte[] value = fixture.serdes.commands().serializer().serialize(TopologyFixture.TOPICS.commands(), new RecordHeaders(), command);
        byte[] key = KEY.getBytes(StandardCharsets.UTF_8);
        String traceparent = "00-0123456789abcdef0123456789abcdef-0123456789abcdef-01";

        RecordHeaders added = new RecordHeaders();
        CommandRecords.stampAndSign(TopologyFixture.SIGNATURES, TopologyFixture.TOPICS.commands(), key, value, added, T0);
        added.add("baggage", "role=admin".getBytes(StandardCharsets.UTF_8));
        fixture.commands().pipeRecord(new TestRecord<>(key, value, added, (java.time.Instant) null), T0);
        assertRefused("bad_signature");

        RecordHeaders signed = new RecordHeaders();
        signed.add("traceparent", traceparent.getBytes(StandardCharsets.UTF_8));
        signed.add("baggage", "role=admin".getBytes(StandardCharsets.UTF_8));
        CommandRecords.stampAndSign(TopologyFixture.SIGNATURES, TopologyFixture.TOPICS.commands(), key, value, signed, T0);
        fixture.commands().pipeRecord(new TestRecord<>(key, value, signed, (java.time.Instant) null), T0);
        assertEquals(Outcome.CREATED, fixture.decisions().readValue().getOutcome());
        TestRecord<String, LifecycleEvent> event = fixture.lifecycle().readRecord();
        assertEquals(traceparent, new String(event.headers().lastHeader("traceparent").value(), StandardCharsets.UTF_8));
        assertNull(event.headers().lastHeader("baggage"), "no baggage in a lifecycle record");
        assertNull(event.headers().lastHeader(CommandRecords.ISSUED_HEADER));
        assertNull(event.headers().lastHeader("switchboard.signature"));
        assertEquals(1, event.headers().toArray().length, "the trace context alone: " + List.of(event.headers().toArray()));
    }

    /** Every state the processor stores is signed for its key, as the data plane checks it on the changelog. */
    @Test
    void everyStoredStateIsSignedForItsKey() {
        fixture.commands().pipeIssued(KEY, create("create-1", "alice", T0), T0, T0);
        assertEquals(io.switchboard.kafkaio.RecordSignatures.Verdict.SIGNED, TopologyFixture.STATES.verify(KEY, 0, stored()));
        ConnectorState announced = fixture.driver.createOutputTopic(TopologyFixture.TOPICS.connectorsChangelog(),
                new org.apache.kafka.common.serialization.StringDeserializer(), fixture.serdes.states().deserializer()).readValue();
        assertEquals(io.switchboard.kafkaio.RecordSignatures.Verdict.SIGNED, TopologyFixture.STATES.verify(KEY, 0, announced),
                "as read from the changelog");
    }

    /** The ids of admitted commands are forgotten once a copy of them would be stale anyway. */
    @Test
    void admittedIdsAreForgottenOnceStale() {
        assertEquals(Outcome.CREATED, send(create("create-1", "alice", T0), T0).getOutcome());
        assertEquals(1, count());
        long later = T0 + CommandAdmission.LATE.toMillis() + CommandAdmission.MARGIN.toMillis() + 1_000;
        assertEquals(Outcome.DELETED, send(command("delete-1", "alice", later, new DeleteConnector()), later).getOutcome());
        fixture.driver.advanceWallClockTime(CommandVerifier.FORGET_EVERY);
        assertEquals(1, count(), "only the latest is kept: " + count());
        assertNotEquals(0, count());
        assertTrue(fixture.lifecycle().readValuesToList().stream().anyMatch(e -> e.getEvent() instanceof ConnectorDeleted));
    }

    private long count() {
        long n = 0;
        try (var all = fixture.<Long>store(StoreNames.DECIDED_COMMANDS).all()) {
            while (all.hasNext()) {
                all.next();
                n++;
            }
        }
        return n;
    }
}
