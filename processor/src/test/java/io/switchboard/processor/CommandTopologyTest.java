package io.switchboard.processor;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every command decision, through the real topology in a TopologyTestDriver. */
class CommandTopologyTest {
    private static final Topics TOPICS = Topics.DEFAULT;
    private static final Map<String, String> CONFIG = Map.of(
            "connector.class", "FileStreamSource", "file", "/tmp/in.txt", "topic", "lines", "name", "orders");

    private TopologyFixture fixture;
    private TopologyTestDriver driver;
    private TestInputTopic<String, ConnectorCommand> commands;
    private TestInputTopic<String, byte[]> rawCommands;
    private TestOutputTopic<String, CommandDecision> decisions;
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
        rawCommands = fixture.rawCommands();
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
        ConnectorCommand command = ConnectorCommand.newBuilder()
                .setPipeline(pipeline)
                .setCommandId("cmd-" + (++sequence))
                .setCluster("default")
                .setConnector(name)
                .setRequestId("req-" + sequence)
                .setPrincipal("alice")
                .setIssuedAt(1_000L * sequence)
                .setAction(action)
                .build();
        commands.pipeInput("default/" + name, command);
        List<CommandDecision> out = decisions.readValuesToList();
        assertEquals(1, out.size(), "exactly one decision per command");
        assertEquals(command.getCommandId(), out.get(0).getCommandId());
        return out.get(0);
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
        rawCommands.pipeInput("default/orders", "not avro at all".getBytes(StandardCharsets.UTF_8));
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
        assertEquals(CommandDecider.decide(state, command), CommandDecider.decide(state, command));
        assertEquals(4L, CommandDecider.decide(state, command).next().getVersion());
        assertEquals(42L, CommandDecider.decide(state, command).next().getUpdatedAt());
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

    private static ConnectorObservation observation(String name, String state, long at, String... taskStates) {
        List<io.switchboard.schemas.TaskObservation> tasks = new java.util.ArrayList<>();
        List<Map<String, String>> configs = new java.util.ArrayList<>();
        for (int i = 0; i < taskStates.length; i++) {
            tasks.add(new io.switchboard.schemas.TaskObservation(i, taskStates[i], "127.0.0.1:8083", null, "4.3.1"));
            configs.add(Map.of("task.number", String.valueOf(i)));
        }
        return ConnectorObservation.newBuilder().setCluster("default").setConnector(name).setObservedAt(at)
                .setState(state).setWorkerId("127.0.0.1:8083").setType("source").setTasks(tasks).setTaskConfigs(configs).build();
    }

    @Test
    void observationsAreStoredAndStateChangesPublished() {
        send("orders", new CreateConnector(CONFIG, TargetState.RUNNING, null));
        lifecycle.readValuesToList();

        observations.pipeInput("default/orders", observation("orders", "UNASSIGNED", 10L));
        observations.pipeInput("default/orders", observation("orders", "RUNNING", 20L, "RUNNING"));
        observations.pipeInput("default/orders", observation("orders", "RUNNING", 30L, "RUNNING"));
        observations.pipeInput("default/orders", observation("orders", "RUNNING", 40L, "FAILED"));

        assertEquals("RUNNING", statuses.get("default/orders").getState());
        assertEquals(40L, statuses.get("default/orders").getObservedAt());
        List<LifecycleEvent> events = lifecycle.readValuesToList();
        assertEquals(3, events.size(), "an unchanged observation publishes nothing");
        io.switchboard.schemas.ConnectorStatusChanged last =
                assertInstanceOf(io.switchboard.schemas.ConnectorStatusChanged.class, events.get(2).getEvent());
        assertEquals(Map.of("0", "FAILED"), last.getTaskStates());
        assertEquals(1L, events.get(2).getVersion());
    }

    @Test
    void observationsOfUnknownOrDeletedConnectorsAreDropped() {
        observations.pipeInput("default/ghost", observation("ghost", "RUNNING", 10L));
        assertNull(statuses.get("default/ghost"));
        assertTrue(lifecycle.isEmpty());

        send("orders", new CreateConnector(CONFIG, TargetState.RUNNING, null));
        observations.pipeInput("default/orders", observation("orders", "RUNNING", 20L));
        send("orders", new DeleteConnector());
        assertNull(statuses.get("default/orders"), "deleting a connector forgets its status");
        observations.pipeInput("default/orders", observation("orders", "RUNNING", 30L));
        assertNull(statuses.get("default/orders"), "a late observation does not bring it back");
    }

    @Test
    void restartsAreRecordedForTheDataPlaneAndSurviveLaterChanges() {
        CommandDecision unknown = send("orders", new io.switchboard.schemas.RestartConnector(true, false, null));
        assertEquals(Outcome.NOT_FOUND, unknown.getOutcome());
        assertEquals(DecisionReasons.NOT_FOUND, unknown.getReason());

        send("orders", new CreateConnector(CONFIG, TargetState.RUNNING, null));
        lifecycle.readValuesToList();
        CommandDecision restarted = send("orders", new io.switchboard.schemas.RestartConnector(true, true, null));
        assertEquals(Outcome.UPDATED, restarted.getOutcome());
        io.switchboard.schemas.RestartRequest pending = store.get("default/orders").getPendingRestart();
        assertEquals(restarted.getCommandId(), pending.getId());
        assertTrue(pending.getIncludeTasks());
        assertTrue(pending.getOnlyFailed());
        assertInstanceOf(io.switchboard.schemas.RestartRequested.class, lifecycle.readValue().getEvent());

        send("orders", new ChangeTargetState(TargetState.PAUSED));
        assertEquals(pending, store.get("default/orders").getPendingRestart(), "other changes keep the pending restart");
    }

    @Test
    void offsetsChangeOnlyForAStoppedConnectorAndTheWorkersAnswerIsAnEvent() {
        String offsets = "{\"offsets\":[{\"partition\":{\"filename\":\"/tmp/in.txt\"},\"offset\":{\"position\":0}}]}";
        CommandDecision unknown = send("orders", new io.switchboard.schemas.ModifyOffsets(offsets, false));
        assertEquals(Outcome.NOT_FOUND, unknown.getOutcome());
        assertEquals(DecisionReasons.NOT_FOUND, unknown.getReason());

        send("orders", new CreateConnector(CONFIG, TargetState.RUNNING, null));
        CommandDecision running = send("orders", new io.switchboard.schemas.ModifyOffsets(offsets, false));
        assertEquals(Outcome.REJECTED, running.getOutcome());
        assertEquals(DecisionReasons.NOT_STOPPED, running.getReason());
        assertNull(store.get("default/orders").getPendingOffsets(), "a refused change records nothing");

        send("orders", new ChangeTargetState(TargetState.STOPPED));
        lifecycle.readValuesToList();
        CommandDecision accepted = send("orders", new io.switchboard.schemas.ModifyOffsets(offsets, false));
        assertEquals(Outcome.UPDATED, accepted.getOutcome());
        ConnectorState stored = store.get("default/orders");
        assertEquals(accepted.getCommandId(), stored.getPendingOffsets().getId());
        assertEquals(offsets, stored.getPendingOffsets().getOffsets());
        assertEquals("alice", stored.getPendingOffsets().getPrincipal());
        assertEquals(2L, stored.getVersion(), "offsets are not a new version of config or target state");
        assertTrue(lifecycle.isEmpty(), "nothing has happened on the worker yet");

        ConnectorObservation done = observation("orders", "STOPPED", 50L);
        done.setOffsetsApplied(new io.switchboard.schemas.OffsetsResult(accepted.getCommandId(), 200,
                "The offsets for this connector have been altered successfully", null, null));
        observations.pipeInput("default/orders", done);
        List<LifecycleEvent> events = lifecycle.readValuesToList();
        LifecycleEvent altered = events.stream()
                .filter(e -> e.getEvent() instanceof io.switchboard.schemas.OffsetsAltered).findFirst().orElseThrow();
        assertEquals(accepted.getCommandId(), altered.getCommandId());
        assertEquals("alice", altered.getPrincipal());
        assertEquals(offsets, ((io.switchboard.schemas.OffsetsAltered) altered.getEvent()).getOffsets());

        observations.pipeInput("default/orders", done);
        assertTrue(lifecycle.readValuesToList().stream()
                .noneMatch(e -> e.getEvent() instanceof io.switchboard.schemas.OffsetsAltered), "reported once");

        CommandDecision reset = send("orders", new io.switchboard.schemas.ModifyOffsets(null, false));
        ConnectorObservation refused = observation("orders", "STOPPED", 60L);
        refused.setOffsetsApplied(new io.switchboard.schemas.OffsetsResult(reset.getCommandId(), 500, "cannot", null, null));
        observations.pipeInput("default/orders", refused);
        assertTrue(lifecycle.readValuesToList().stream().noneMatch(e -> e.getEvent() instanceof io.switchboard.schemas.OffsetsReset),
                "a change the worker refused is no event");
    }

    @Test
    void anOffsetsRequestThatStopsFirstIsOneAtATimeWhateverTheState() {
        String offsets = "{\"offsets\":[{\"partition\":{\"filename\":\"/tmp/in.txt\"},\"offset\":{\"position\":3}}]}";
        send("orders", new CreateConnector(CONFIG, TargetState.RUNNING, null));
        CommandDecision first = send("orders", new io.switchboard.schemas.ModifyOffsets(offsets, true));
        assertEquals(Outcome.UPDATED, first.getOutcome());
        ConnectorState stored = store.get("default/orders");
        assertEquals(TargetState.RUNNING, stored.getTargetState(), "the target state is kept: the data plane returns to it");
        assertTrue(stored.getPendingOffsets().getStopFirst());
        assertNotNull(stored.getPendingOffsets().getRequestedAt());

        // Another request of either kind waits for the first to end.
        CommandDecision second = send("orders", new io.switchboard.schemas.ModifyOffsets(null, true));
        assertEquals(Outcome.CONFLICT, second.getOutcome());
        assertEquals(DecisionReasons.OFFSETS_REQUEST_PENDING, second.getReason());
        send("orders", new ChangeTargetState(TargetState.STOPPED));
        assertEquals(DecisionReasons.OFFSETS_REQUEST_PENDING,
                send("orders", new io.switchboard.schemas.ModifyOffsets(offsets, false)).getReason());
        assertEquals(first.getCommandId(), store.get("default/orders").getPendingOffsets().getId());

        // Once the data plane reports its outcome, the next may come.
        ConnectorObservation done = observation("orders", "STOPPED", 50L);
        done.setOffsetsApplied(new io.switchboard.schemas.OffsetsResult(first.getCommandId(), 200, "altered",
                "{\"offsets\":[]}", 60L));
        observations.pipeInput("default/orders", done);
        assertEquals(Outcome.UPDATED, send("orders", new io.switchboard.schemas.ModifyOffsets(null, true)).getOutcome());
    }

    @Test
    void anOffsetsRequestTheWorkerRefusesEndsItAndKeepsTheTargetStateAndTheReason() {
        String offsets = "{\"offsets\":[{\"partition\":{\"filename\":\"/tmp/in.txt\"},\"offset\":{\"position\":\"x\"}}]}";
        send("orders", new CreateConnector(CONFIG, TargetState.PAUSED, null));
        lifecycle.readValuesToList();
        CommandDecision request = send("orders", new io.switchboard.schemas.ModifyOffsets(offsets, true));
        assertEquals(Outcome.UPDATED, request.getOutcome());
        assertEquals(request.getCommandId(), store.get("default/orders").getPendingOffsets().getId());
        assertEquals(1_000L * 2, store.get("default/orders").getPendingOffsets().getRequestedAt(),
                "requested at the command's own time, not the processor's clock");

        ConnectorObservation refused = observation("orders", "STOPPED", 50L);
        refused.setOffsetsApplied(new io.switchboard.schemas.OffsetsResult(request.getCommandId(), 400,
                "Invalid offset value: position must be a number", null, 55L));
        observations.pipeInput("default/orders", refused);

        ConnectorState stored = store.get("default/orders");
        assertEquals(TargetState.PAUSED, stored.getTargetState(), "the data plane returns the connector to PAUSED");
        assertEquals(request.getCommandId(), stored.getPendingOffsets().getId(), "the request stays readable with its outcome");
        io.switchboard.schemas.OffsetsResult kept = statuses.get("default/orders").getOffsetsApplied();
        assertEquals(400, kept.getCode());
        assertEquals("Invalid offset value: position must be a number", kept.getMessage());
        assertNull(kept.getPreviousOffsets());
        assertTrue(lifecycle.readValuesToList().stream()
                        .noneMatch(e -> e.getEvent() instanceof io.switchboard.schemas.OffsetsAltered),
                "a change the worker refused is no event");

        // An outcome, failed or not, ends the request: the next one is decided.
        CommandDecision next = send("orders", new io.switchboard.schemas.ModifyOffsets(null, true));
        assertEquals(Outcome.UPDATED, next.getOutcome());
        assertEquals(next.getCommandId(), store.get("default/orders").getPendingOffsets().getId());
        assertEquals(TargetState.PAUSED, store.get("default/orders").getTargetState());
    }

    @Test
    void aCreateWithOffsetsAsksForThemBeforeTheConnectorFirstRuns() {
        String offsets = "{\"offsets\":[{\"partition\":{\"filename\":\"/tmp/in.txt\"},\"offset\":{\"position\":3}}]}";
        CommandDecision created = send("orders", new CreateConnector(CONFIG, TargetState.PAUSED, offsets));
        assertEquals(Outcome.CREATED, created.getOutcome());
        ConnectorState stored = store.get("default/orders");
        assertEquals(TargetState.PAUSED, stored.getTargetState());
        assertEquals(created.getCommandId(), stored.getPendingOffsets().getId());
        assertEquals(offsets, stored.getPendingOffsets().getOffsets());
        assertTrue(stored.getPendingOffsets().getStopFirst());
        send("plain", new CreateConnector(CONFIG, TargetState.RUNNING, null));
        assertNull(store.get("default/plain").getPendingOffsets());
    }

    @Test
    void activeTopicResetsAreRecordedForTheDataPlane() {
        assertEquals(Outcome.NOT_FOUND, send("orders", new io.switchboard.schemas.ResetActiveTopics()).getOutcome());
        send("orders", new CreateConnector(CONFIG, TargetState.RUNNING, null));
        CommandDecision reset = send("orders", new io.switchboard.schemas.ResetActiveTopics());
        assertEquals(Outcome.UPDATED, reset.getOutcome());
        assertEquals(reset.getCommandId(), store.get("default/orders").getPendingTopicsReset());
        send("orders", new PutConnectorConfig(with(CONFIG, "topic", "other")));
        assertEquals(reset.getCommandId(), store.get("default/orders").getPendingTopicsReset(), "kept across changes");
    }

    @Test
    void autoRestartsArePublished() {
        send("orders", new CreateConnector(CONFIG, TargetState.RUNNING, null));
        lifecycle.readValuesToList();
        ConnectorObservation failed = observation("orders", "FAILED", 10L);
        observations.pipeInput("default/orders", failed);
        ConnectorObservation restarted = observation("orders", "FAILED", 20L);
        restarted.setAutoRestarts(1);
        restarted.setLastAutoRestart(20L);
        observations.pipeInput("default/orders", restarted);
        observations.pipeInput("default/orders", restarted);
        List<io.switchboard.schemas.AutoRestarted> events = lifecycle.readValuesToList().stream()
                .map(LifecycleEvent::getEvent)
                .filter(io.switchboard.schemas.AutoRestarted.class::isInstance)
                .map(io.switchboard.schemas.AutoRestarted.class::cast).toList();
        assertEquals(1, events.size());
        assertEquals(1, events.get(0).getRestarts());
    }

    @Test
    void reconcileFailuresArePublishedOncePerFailureAndTheirEnd() {
        send("orders", new CreateConnector(CONFIG, TargetState.RUNNING, null));
        lifecycle.readValuesToList();
        ConnectorObservation first = observation("orders", "UNASSIGNED", 10L);
        first.setReconcileFailure(new io.switchboard.schemas.ReconcileFailure("RUNNING", "ABSENT", 1,
                "POST /connectors answered 500: Server Error", 10L, 10L, 11L));
        observations.pipeInput("default/orders", first);
        ConnectorObservation again = observation("orders", "UNASSIGNED", 20L);
        again.setReconcileFailure(new io.switchboard.schemas.ReconcileFailure("RUNNING", "ABSENT", 2,
                "POST /connectors answered 500: Server Error", 10L, 20L, 22L));
        observations.pipeInput("default/orders", again);
        ConnectorObservation recovered = observation("orders", "RUNNING", 30L, "RUNNING");
        observations.pipeInput("default/orders", recovered);

        List<Object> events = lifecycle.readValuesToList().stream().map(LifecycleEvent::getEvent)
                .filter(e -> !(e instanceof io.switchboard.schemas.ConnectorStatusChanged)).toList();
        assertEquals(2, events.size(), "one event when the failure begins, one when it ends: " + events);
        io.switchboard.schemas.ReconcileFailed failed = assertInstanceOf(io.switchboard.schemas.ReconcileFailed.class, events.get(0));
        assertEquals("ABSENT", failed.getObserved());
        assertEquals("RUNNING", failed.getDesired());
        assertEquals(1, failed.getAttempts());
        assertEquals(2, assertInstanceOf(io.switchboard.schemas.ReconcileRecovered.class, events.get(1)).getAttempts());
    }

    private CommandDecision sendWithKey(String name, Object action, String idempotencyKey, long issuedAt) {
        ConnectorCommand command = ConnectorCommand.newBuilder()
                .setCommandId("cmd-" + (++sequence))
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

        CommandDecision retry = sendWithKey("orders", new CreateConnector(new java.util.TreeMap<>(CONFIG), TargetState.RUNNING, null), "key-1", t + 2_000L);
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
        long later = t + 5_000L + java.time.Duration.ofHours(25).toMillis();
        send("filler", new CreateConnector(CONFIG, TargetState.RUNNING, null));
        commands.pipeInput("default/filler", ConnectorCommand.newBuilder().setCommandId("tick").setCluster("default")
                .setConnector("filler").setIssuedAt(later).setAction(new DeleteConnector()).build(), later);
        decisions.readValuesToList();
        assertEquals(Outcome.NOT_FOUND, sendWithKey("orders", new DeleteConnector(), "key-2", later + 1).getOutcome());
    }
}
