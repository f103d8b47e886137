package io.switchboard.processor;

import io.switchboard.rules.CommandDecider;
import io.switchboard.rules.DecisionReasons;
import io.switchboard.rules.PipelineOwnership;
import io.switchboard.schemas.ChangeTargetState;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorConfigChanged;
import io.switchboard.schemas.ConnectorCreated;
import io.switchboard.schemas.ConnectorDeleted;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.DeleteConnector;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.PatchConnectorConfig;
import io.switchboard.schemas.PutConnectorConfig;
import io.switchboard.schemas.TargetState;
import io.switchboard.schemas.TargetStateChanged;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every command decision, through the real topology in a TopologyTestDriver. */
class CommandTopologyTest {
    private static final Map<String, String> CONFIG = Map.of(
            "connector.class", "FileStreamSource", "file", "/tmp/in.txt", "topic", "lines", "name", "orders");

    private TopologyFixture fixture;
    private TopologyTestDriver driver;
    private CommandInput commands;
    private Announced decisions;
    private TestOutputTopic<String, LifecycleEvent> lifecycle;
    private KeyValueStore<String, ConnectorState> store;
    private KeyValueStore<String, ConnectorObservation> statuses;
    private TestInputTopic<String, ConnectorObservation> observations;
    private int sequence;

    @BeforeEach
    void setUp() {
        fixture = TopologyFixture.withoutHistory();
        driver = fixture.driver;
        commands = fixture.commands();
        decisions = fixture.decisions();
        lifecycle = fixture.lifecycle();
        store = driver.getKeyValueStore(StoreNames.CONNECTORS);
        statuses = driver.getKeyValueStore(StoreNames.STATUSES);
        observations = fixture.observations();
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private CommandDecision send(String name, Object action) {
        return send(name, action, null);
    }

    /** @param pipeline the pipeline the command is issued for, or null when it comes from elsewhere */
    private CommandDecision send(String name, Object action, String pipeline) {
        return fixture.decide(name, action, pipeline);
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> copy = new HashMap<>(base);
        copy.put(key, value);
        return copy;
    }

    @Test
    void createStoresTheConnectorAndPublishesConnectorCreated() {
        CommandDecision d = send("orders", new CreateConnector(CONFIG, TargetState.PAUSED, null));
        assertEquals(Outcome.CREATED, d.getOutcome());
        assertEquals(CONFIG, d.getState().getConfig());
        assertEquals(TargetState.PAUSED, d.getState().getTargetState());
        assertEquals(1L, d.getState().getVersion());

        ConnectorState stored = store.get("default/orders");
        assertEquals(CONFIG, stored.getConfig());
        assertEquals(1_000L, stored.getCreatedAt());

        var published = lifecycle.readKeyValue();
        assertEquals("default/orders", published.key, "events are keyed by connector");
        LifecycleEvent event = published.value;
        assertInstanceOf(ConnectorCreated.class, event.getEvent());
        assertEquals("alice", event.getPrincipal());
        assertEquals("req-1", event.getRequestId());
        assertEquals("cmd-1", event.getCommandId());
        assertEquals(1L, event.getVersion());
        assertTrue(lifecycle.isEmpty());
    }

    @Test
    void secondCreateOfTheSameNameConflictsAndChangesNothing() {
        send("orders", new CreateConnector(CONFIG, TargetState.RUNNING, null));
        lifecycle.readValuesToList();
        CommandDecision d = send("orders", new CreateConnector(with(CONFIG, "topic", "other"), TargetState.RUNNING, null));
        assertEquals(Outcome.CONFLICT, d.getOutcome());
        assertEquals(DecisionReasons.ALREADY_EXISTS, d.getReason());
        assertEquals("lines", store.get("default/orders").getConfig().get("topic"));
        assertTrue(lifecycle.isEmpty(), "a refused command publishes no event");
    }

    @Test
    void putConfigCreatesThenUpdatesThenIgnoresANoOp() {
        CommandDecision created = send("orders", new PutConnectorConfig(CONFIG));
        assertEquals(Outcome.CREATED, created.getOutcome());
        assertEquals(TargetState.RUNNING, created.getState().getTargetState());

        Map<String, String> changed = with(CONFIG, "topic", "lines-v2");
        changed.put("tasks.max", "2");
        changed.remove("file");
        CommandDecision updated = send("orders", new PutConnectorConfig(changed));
        assertEquals(Outcome.UPDATED, updated.getOutcome());
        assertEquals(2L, updated.getState().getVersion());

        List<LifecycleEvent> events = lifecycle.readValuesToList();
        assertEquals(2, events.size());
        ConnectorConfigChanged diff = assertInstanceOf(ConnectorConfigChanged.class, events.get(1).getEvent());
        assertEquals(List.of("tasks.max"), diff.getAdded());
        assertEquals(List.of("file"), diff.getRemoved());
        assertEquals(List.of("topic"), diff.getChanged());

        CommandDecision same = send("orders", new PutConnectorConfig(changed));
        assertEquals(Outcome.UNCHANGED, same.getOutcome());
        assertEquals(2L, store.get("default/orders").getVersion());
        assertTrue(lifecycle.isEmpty(), "a no-op records nothing");
    }

    @Test
    void patchMergesAndRemovesKeysAndRefusesUnknownConnectors() {
        CommandDecision missing = send("orders", new PatchConnectorConfig(Map.of("topic", "x"), null));
        assertEquals(Outcome.NOT_FOUND, missing.getOutcome());
        assertEquals(DecisionReasons.NOT_FOUND, missing.getReason());
        assertNull(store.get("default/orders"));

        send("orders", new CreateConnector(CONFIG, TargetState.RUNNING, null));
        Map<String, String> patch = new HashMap<>();
        patch.put("topic", "patched");
        patch.put("file", null);
        CommandDecision d = send("orders", new PatchConnectorConfig(patch, null));
        assertEquals(Outcome.UPDATED, d.getOutcome());
        Map<String, String> config = store.get("default/orders").getConfig();
        assertEquals("patched", config.get("topic"));
        assertTrue(!config.containsKey("file"), "a null in a patch removes the key");
        assertEquals("FileStreamSource", config.get("connector.class"));
    }

    @Test
    void aPatchValidatedAgainstAnOlderVersionIsRefusedAndStoresNothing() {
        send("orders", new CreateConnector(CONFIG, TargetState.RUNNING, null));
        lifecycle.readValuesToList();
        CommandDecision first = send("orders", new PatchConnectorConfig(Map.of("topic", "a"), 1L));
        assertEquals(Outcome.UPDATED, first.getOutcome());
        assertEquals(2L, first.getState().getVersion());
        assertEquals(1, lifecycle.readValuesToList().size());

        // Decided against version 1 too, but version 2 is current: storing it would store what no one validated.
        long t = System.currentTimeMillis();
        CommandDecision late = sendWithKey("orders", new PatchConnectorConfig(Map.of("file", "/tmp/b"), 1L), "k", t);
        assertEquals(Outcome.CONFLICT, late.getOutcome());
        assertEquals(DecisionReasons.CHANGED_MEANWHILE, late.getReason());
        assertEquals(2L, late.getState().getVersion(), "the refusal carries the current state to validate against again");
        assertEquals("/tmp/in.txt", store.get("default/orders").getConfig().get("file"));
        assertTrue(lifecycle.isEmpty(), "a refused patch records nothing");

        // Sent again against the state the refusal carried, under the same Idempotency-Key: decided, not replayed.
        CommandDecision again = sendWithKey("orders", new PatchConnectorConfig(Map.of("file", "/tmp/b"), 2L), "k", t + 1);
        assertEquals(Outcome.UPDATED, again.getOutcome());
        assertEquals(3L, store.get("default/orders").getVersion());
        CommandDecision replayed = sendWithKey("orders", new PatchConnectorConfig(Map.of("file", "/tmp/b"), 3L), "k", t + 2);
        assertTrue(replayed.getReplayed(), "a retry of the accepted patch is its first answer again");
        assertEquals(3L, store.get("default/orders").getVersion());
    }

    @Test
    void noConfigWithoutAConnectorClassAndNoUnaddressableNameIsStored() {
        Map<String, String> noClass = new HashMap<>(CONFIG);
        noClass.remove("connector.class");
        CommandDecision create = send("orders", new CreateConnector(noClass, TargetState.RUNNING, null));
        assertEquals(Outcome.REJECTED, create.getOutcome());
        assertEquals(DecisionReasons.NO_CONNECTOR_CLASS, create.getReason());
        assertEquals(DecisionReasons.NO_CONNECTOR_CLASS, send("orders", new PutConnectorConfig(noClass)).getReason());
        assertNull(store.get("default/orders"));

        for (String name : List.of("a/b", "..", "x%2f", "${env:X}", "a\u0000b")) {
            CommandDecision refused = send(name, new CreateConnector(CONFIG, TargetState.RUNNING, null));
            assertEquals(Outcome.REJECTED, refused.getOutcome(), name);
            assertEquals(DecisionReasons.INVALID_NAME, refused.getReason(), name);
            assertEquals(DecisionReasons.INVALID_NAME, send(name, new PutConnectorConfig(CONFIG)).getReason(), name);
            assertNull(store.get("default/" + name));
        }

        send("orders", new CreateConnector(CONFIG, TargetState.RUNNING, null));
        Map<String, String> removeClass = new HashMap<>();
        removeClass.put("connector.class", null);
        CommandDecision patched = send("orders", new PatchConnectorConfig(removeClass, null));
        assertEquals(Outcome.REJECTED, patched.getOutcome());
        assertEquals(DecisionReasons.NO_CONNECTOR_CLASS, patched.getReason());
        assertEquals(DecisionReasons.NO_CONNECTOR_CLASS, send("orders", new PutConnectorConfig(noClass)).getReason());
        assertEquals("FileStreamSource", store.get("default/orders").getConfig().get("connector.class"));
        assertEquals(1L, store.get("default/orders").getVersion());
    }

    @Test
    void targetStateChangesArePublishedAndRepeatsAreNoOps() {
        CommandDecision unknown = send("orders", new ChangeTargetState(TargetState.PAUSED));
        assertEquals(Outcome.NOT_FOUND, unknown.getOutcome());
        assertEquals(DecisionReasons.NOT_FOUND, unknown.getReason());

        send("orders", new CreateConnector(CONFIG, TargetState.RUNNING, null));
        lifecycle.readValuesToList();
        assertEquals(Outcome.UPDATED, send("orders", new ChangeTargetState(TargetState.PAUSED)).getOutcome());
        assertEquals(Outcome.UNCHANGED, send("orders", new ChangeTargetState(TargetState.PAUSED)).getOutcome());
        assertEquals(Outcome.UPDATED, send("orders", new ChangeTargetState(TargetState.STOPPED)).getOutcome());
        assertEquals(TargetState.STOPPED, store.get("default/orders").getTargetState());

        List<LifecycleEvent> events = lifecycle.readValuesToList();
        assertEquals(2, events.size());
        TargetStateChanged last = assertInstanceOf(TargetStateChanged.class, events.get(1).getEvent());
        assertEquals(TargetState.PAUSED, last.getPrevious());
        assertEquals(TargetState.STOPPED, last.getCurrent());
        assertEquals(3L, events.get(1).getVersion());
    }

    @Test
    void deleteRemovesTheConnectorAndAllowsReCreation() {
        assertEquals(Outcome.NOT_FOUND, send("orders", new DeleteConnector()).getOutcome());
        send("orders", new CreateConnector(CONFIG, TargetState.RUNNING, null));
        lifecycle.readValuesToList();

        CommandDecision deleted = send("orders", new DeleteConnector());
        assertEquals(Outcome.DELETED, deleted.getOutcome());
        assertNull(deleted.getState());
        assertNull(store.get("default/orders"));
        LifecycleEvent event = lifecycle.readValue();
        assertInstanceOf(ConnectorDeleted.class, event.getEvent());
        assertEquals(2L, event.getVersion());

        assertEquals(Outcome.NOT_FOUND, send("orders", new DeleteConnector()).getOutcome());
        assertEquals(Outcome.CREATED, send("orders", new CreateConnector(CONFIG, TargetState.RUNNING, null)).getOutcome());
    }

    @Test
    void aPipelinesConnectorIsChangedOnlyByThatPipeline() {
        Map<String, String> owned = with(CONFIG, PipelineOwnership.PIPELINE_ID, "p1");
        assertEquals(Outcome.CREATED, send("pipeline-p1-sink", new PutConnectorConfig(owned), "p1").getOutcome());
        lifecycle.readValuesToList();

        CommandDecision deleted = send("pipeline-p1-sink", new DeleteConnector());
        assertEquals(Outcome.CONFLICT, deleted.getOutcome());
        assertEquals(DecisionReasons.OWNED_BY_PIPELINE, deleted.getReason());
        CommandDecision paused = send("pipeline-p1-sink", new ChangeTargetState(TargetState.PAUSED));
        assertEquals(DecisionReasons.OWNED_BY_PIPELINE, paused.getReason());
        assertEquals(1L, store.get("default/pipeline-p1-sink").getVersion(), "nothing changed");
        assertTrue(lifecycle.readValuesToList().isEmpty(), "no event for a refusal");

        CommandDecision claimed = send("squatter", new CreateConnector(owned, TargetState.RUNNING, null));
        assertEquals(Outcome.REJECTED, claimed.getOutcome());
        assertEquals(DecisionReasons.PIPELINE_ID_RESERVED, claimed.getReason());
        assertNull(store.get("default/squatter"));

        assertEquals(Outcome.DELETED, send("pipeline-p1-sink", new DeleteConnector(), "p1").getOutcome());
    }

    @Test
    void connectorsOfDifferentClustersAreIndependent() {
        send("orders", new CreateConnector(CONFIG, TargetState.RUNNING, null));
        ConnectorCommand other = ConnectorCommand.newBuilder()
                .setCommandId("other-1").setCluster("eu").setConnector("orders").setIssuedAt(5L)
                .setAction(new CreateConnector(CONFIG, TargetState.RUNNING, null)).build();
        commands.pipeInput("eu/orders", other);
        assertEquals(Outcome.CREATED, decisions.readValue().getOutcome());
        assertEquals(2, countStore());
    }

    @Test
    void recordsThatAreNotCommandsAreSkippedAndProcessingGoesOn() {
        // Signed, and still no command.
        commands.pipeBytes("default/orders", "not avro at all".getBytes(StandardCharsets.UTF_8), TopologyFixture.SIGNATURES);
        ConnectorCommand mismatched = ConnectorCommand.newBuilder()
                .setCommandId("bad-key").setCluster("default").setConnector("orders").setIssuedAt(1L)
                .setAction(new CreateConnector(CONFIG, TargetState.RUNNING, null)).build();
        commands.pipeInput("default/someone-else", mismatched);
        assertTrue(decisions.isEmpty(), "invalid records get no decision");
        assertNull(store.get("default/orders"));

        assertEquals(Outcome.CREATED, send("orders", new CreateConnector(CONFIG, TargetState.RUNNING, null)).getOutcome());
    }

    @Test
    void decisionsAreAPureFunctionOfStateAndCommand() {
        ConnectorCommand command = ConnectorCommand.newBuilder()
                .setCommandId("c").setCluster("default").setConnector("orders").setIssuedAt(42L)
                .setAction(new PutConnectorConfig(CONFIG)).build();
        ConnectorState state = ConnectorState.newBuilder().setCluster("default").setName("orders")
                .setConfig(with(CONFIG, "topic", "old")).setTargetState(TargetState.RUNNING)
                .setVersion(3L).setCreatedAt(1L).setUpdatedAt(2L).setLastCommandId("b").build();
        assertEquals(CommandDecider.decide(ControlPlanes.of(TopologyFixture.TOPICS), state, command), CommandDecider.decide(ControlPlanes.of(TopologyFixture.TOPICS), state, command));
        assertEquals(4L, CommandDecider.decide(ControlPlanes.of(TopologyFixture.TOPICS), state, command).next().getVersion());
        assertEquals(42L, CommandDecider.decide(ControlPlanes.of(TopologyFixture.TOPICS), state, command).next().getUpdatedAt());
    }

    private int countStore() {
        int n = 0;
        try (var it = store.all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    private CommandDecision sendWithKey(String name, Object action, String idempotencyKey, long issuedAt) {
        ConnectorCommand command = ConnectorCommand.newBuilder()
                .setCommandId("keyed-cmd-" + (++sequence))
                .setCluster("default")
                .setConnector(name)
                .setIssuedAt(issuedAt)
                .setIdempotencyKey(idempotencyKey)
                .setAction(action)
                .build();
        commands.pipeInput("default/" + name, command, issuedAt);
        List<CommandDecision> out = decisions.readValuesToList();
        assertEquals(1, out.size(), "exactly one decision per command");
        assertEquals(command.getCommandId(), out.get(0).getCommandId(), "the retry's own request is answered");
        return out.get(0);
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyGetsTheFirstAnswerAndChangesNothing() {
        // Commands carry the time they were issued, as their records do; the other helpers' records are stamped now.
        long t = System.currentTimeMillis();
        CommandDecision first = sendWithKey("orders", new CreateConnector(CONFIG, TargetState.RUNNING, null), "key-1", t + 1_000L);
        assertEquals(Outcome.CREATED, first.getOutcome());
        lifecycle.readValuesToList();

        CommandDecision retry = sendWithKey("orders", new CreateConnector(new TreeMap<>(CONFIG), TargetState.RUNNING, null), "key-1", t + 2_000L);
        assertEquals(Outcome.CREATED, retry.getOutcome(), "answered as the first create was, not 409");
        assertEquals(first.getState(), retry.getState());
        assertTrue(retry.getReplayed());
        assertTrue(lifecycle.isEmpty(), "a retry publishes nothing");

        assertEquals(Outcome.CONFLICT, send("orders", new CreateConnector(CONFIG, TargetState.RUNNING, null)).getOutcome(),
                "without the key it is a second create");
        CommandDecision misuse = sendWithKey("orders", new CreateConnector(with(CONFIG, "topic", "x"), TargetState.RUNNING, null), "key-1", t + 3_000L);
        assertEquals(Outcome.IDEMPOTENCY_CONFLICT, misuse.getOutcome());
        assertEquals(Outcome.CREATED, sendWithKey("other", new CreateConnector(CONFIG, TargetState.RUNNING, null), "key-1", t + 3_000L).getOutcome(),
                "keys are per connector");

        assertEquals(Outcome.DELETED, sendWithKey("orders", new DeleteConnector(), "key-2", t + 4_000L).getOutcome());
        assertEquals(Outcome.DELETED, sendWithKey("orders", new DeleteConnector(), "key-2", t + 5_000L).getOutcome(),
                "a retried delete is answered as the first, not 404");
        assertNull(store.get("default/orders"));

        // A day and more of stream time later the key is forgotten and decided anew.
        long later = t + 5_000L + Duration.ofHours(25).toMillis();
        send("filler", new CreateConnector(CONFIG, TargetState.RUNNING, null));
        commands.pipeInput("default/filler", ConnectorCommand.newBuilder().setCommandId("tick").setCluster("default")
                .setConnector("filler").setIssuedAt(later).setAction(new DeleteConnector()).build(), later);
        decisions.readValuesToList();
        assertEquals(Outcome.NOT_FOUND, sendWithKey("orders", new DeleteConnector(), "key-2", later + 1).getOutcome());
    }
}
