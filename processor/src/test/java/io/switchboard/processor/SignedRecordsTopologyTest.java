package io.switchboard.processor;

import io.switchboard.kafkaio.RecordRefusals;
import io.switchboard.kafkaio.RecordSignatures;
import io.switchboard.kafkaio.RecordSignatures.Verdict;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorPolicy;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.DeleteConnector;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.PolicyAction;
import io.switchboard.schemas.PolicySpec;
import io.switchboard.schemas.PolicyValidation;
import io.switchboard.schemas.PutPolicy;
import io.switchboard.schemas.SignedStates;
import io.switchboard.schemas.TargetState;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the processor writes for others to act on is signed (decisions, the policies and their
 * versions), and what it acts on from others is taken only signed (the data plane's observations,
 * the policies its global stores hold): a record someone else wrote changes nothing. The states it
 * stores carry the offset of their command, which grows across a delete.
 */
class SignedRecordsTopologyTest {
    private static final Map<String, String> CONFIG = Map.of(
            "connector.class", "FileStreamSource", "file", "/tmp/in.txt", "topic", "lines", "name", "orders");
    private static final RecordSignatures STRANGER = RecordSignatures.derived(TopologyFixture.keys("k2", 9),
            io.switchboard.kafkaio.KeyPurpose.RECORDS);

    private final TopologyFixture fixture = TopologyFixture.withoutHistory();

    @AfterEach
    void close() {
        fixture.close();
    }

    private static ConnectorObservation observation(String state, String trace) {
        return ConnectorObservation.newBuilder().setCluster("default").setConnector("orders").setObservedAt(1_000)
                .setState(state).setTrace(trace).setTasks(List.of()).build();
    }

    private void send(String id, String name, Object action) {
        fixture.commands().pipeInput("default/" + name, ConnectorCommand.newBuilder().setCommandId(id).setCluster("default")
                .setConnector(name).setRequestId("r-" + id).setPrincipal("alice").setIssuedAt(1_000L).setAction(action).build());
    }

    @Test
    void decisionsAndPoliciesOnTheirTopicsAreSignedByTheProcessor() {
        // Sent as they come, so that this test reads the topics rather than the fixture.
        send("c-1", "orders", new CreateConnector(CONFIG, TargetState.RUNNING, null));
        send("c-2", "orders", new CreateConnector(CONFIG, TargetState.RUNNING, null));
        send("c-3", "{policy}tasks", new PutPolicy(PolicySpec.newBuilder().setAction(PolicyAction.WARN)
                .setValidations(List.of(new PolicyValidation("true", "m"))).build()));
        for (String topic : List.of(TopologyFixture.TOPICS.decisions(), TopologyFixture.TOPICS.policies(),
                TopologyFixture.TOPICS.policyVersions())) {
            List<TestRecord<byte[], byte[]>> records = fixture.driver.createOutputTopic(topic, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer()).readRecordsToList();
            assertFalse(records.isEmpty(), topic);
            for (TestRecord<byte[], byte[]> record : records) {
                assertEquals(Verdict.SIGNED, TopologyFixture.RECORDS.verify(topic, record.key(), record.value(), record.headers()), topic);
                assertTrue(record.headers().lastHeader("switchboard.issued") != null, "stamped: " + topic);
                assertEquals(Verdict.BAD_SIGNATURE, TopologyFixture.RECORDS.verify(topic + "x", record.key(), record.value(),
                        record.headers()), "for its topic only");
            }
        }
        assertEquals(0, fixture.refused.count(RecordRefusals.POLICIES, "unsigned"), "the processor's own policies verify");
    }

    @Test
    void anObservationNoReplicaSignedIsNotTaken() {
        fixture.decide("orders", new CreateConnector(CONFIG, TargetState.RUNNING, null), null);
        fixture.lifecycle().readValuesToList();
        fixture.unsignedObservations().pipeInput("default/orders", observation("FAILED", "forged-unsigned"));
        fixture.observations(STRANGER).pipeInput("default/orders", observation("FAILED", "forged-stranger"));
        assertNull(fixture.<ConnectorObservation>store(StoreNames.STATUSES).get("default/orders"), "no status taken");
        assertTrue(fixture.lifecycle().isEmpty(), "no event");
        assertEquals(1, fixture.refused.count(RecordRefusals.OBSERVATIONS, "unsigned"));
        assertEquals(1, fixture.refused.count(RecordRefusals.OBSERVATIONS, "bad_signature"));

        fixture.observations().pipeInput("default/orders", observation("RUNNING", null));
        assertEquals("RUNNING", fixture.<ConnectorObservation>store(StoreNames.STATUSES).get("default/orders").getState(),
                "the data plane's own observation is taken");
        assertTrue(fixture.lifecycle().readRecordsToList().stream().allMatch(event -> event.headers().toArray().length == 0),
                "nothing of the observation's headers rides on");
    }

    @Test
    void aPolicyNoReplicaSignedOrAnEarlierVersionWrittenAgainIsNotHeld() {
        PutPolicy v1 = new PutPolicy(PolicySpec.newBuilder().setAction(PolicyAction.WARN)
                .setValidations(List.of(new PolicyValidation("true", "v1"))).build());
        PutPolicy v2 = new PutPolicy(PolicySpec.newBuilder().setAction(PolicyAction.WARN)
                .setValidations(List.of(new PolicyValidation("true", "v2"))).build());
        fixture.decide("{policy}tasks", v1, null);
        String policies = TopologyFixture.TOPICS.policies();
        TestRecord<byte[], byte[]> first = fixture.driver.createOutputTopic(policies, new ByteArrayDeserializer(),
                new ByteArrayDeserializer()).readRecord();
        fixture.decide("{policy}tasks", v2, null);
        TestInputTopic<byte[], byte[]> topic = fixture.driver.createInputTopic(policies, new ByteArraySerializer(), new ByteArraySerializer());

        ConnectorPolicy forged = ConnectorPolicy.newBuilder(fixture.<ConnectorPolicy>store(StoreNames.POLICIES).get("default/tasks"))
                .setVersion(99).setSpec(PolicySpec.newBuilder().setAction(PolicyAction.DENY)
                        .setValidations(List.of(new PolicyValidation("false", "forged"))).build()).build();
        byte[] key = "default/tasks".getBytes(StandardCharsets.UTF_8);
        topic.pipeInput(new TestRecord<>(key, fixture.serdes.policies().serializer().serialize(policies, forged)));
        topic.pipeInput(new TestRecord<>(key, null));
        topic.pipeInput(new TestRecord<>(first.key(), first.value(), new RecordHeaders(first.headers().toArray())));

        ConnectorPolicy held = fixture.<ConnectorPolicy>store(StoreNames.POLICIES).get("default/tasks");
        assertEquals(2L, held.getVersion(), "the version in force is the processor's latest");
        assertEquals("v2", held.getSpec().getValidations().get(0).getMessage());
        assertEquals(2, fixture.refused.count(RecordRefusals.POLICIES, "unsigned"), "the forged value and the tombstone");
        assertEquals(1, fixture.refused.count(RecordRefusals.POLICIES, RecordRefusals.REPLAYED), "the copy of version 1");
    }

    @Test
    void aStateCarriesItsCommandsOffsetWhichGrowsAcrossADelete() {
        fixture.decide("orders", new CreateConnector(CONFIG, TargetState.RUNNING, null), null);
        ConnectorState first = fixture.<ConnectorState>store(StoreNames.CONNECTORS).get("default/orders");
        assertEquals(Outcome.DELETED, fixture.decide("orders", new DeleteConnector(), null).getOutcome());
        fixture.decide("orders", new CreateConnector(CONFIG, TargetState.RUNNING, null), null);
        ConnectorState again = fixture.<ConnectorState>store(StoreNames.CONNECTORS).get("default/orders");
        assertEquals(0, first.getSequence(), "the first command's offset");
        assertEquals(2, again.getSequence(), "the third command's offset");
        assertEquals(Verdict.SIGNED, TopologyFixture.STATES.verify("default/orders", 0, again));
        assertEquals(Verdict.BAD_SIGNATURE, TopologyFixture.STATES.verify("default/orders", 1, again), "in another partition");
        SignedStates.Order order = new SignedStates.Order();
        assertTrue(order.advances(0, again));
        assertFalse(order.advances(0, first), "the deleted connector's first state, copied back, comes before");
    }
}
