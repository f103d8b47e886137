package io.switchboard.processor;

import io.switchboard.rules.DecisionReasons;
import io.switchboard.schemas.AutoRestarted;
import io.switchboard.schemas.ChangeTargetState;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.ConnectorStatusChanged;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.DeleteConnector;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.schemas.ModifyOffsets;
import io.switchboard.schemas.OffsetsAltered;
import io.switchboard.schemas.OffsetsReset;
import io.switchboard.schemas.OffsetsResult;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.PutConnectorConfig;
import io.switchboard.schemas.ReconcileFailed;
import io.switchboard.schemas.ReconcileFailure;
import io.switchboard.schemas.ReconcileRecovered;
import io.switchboard.schemas.ResetActiveTopics;
import io.switchboard.schemas.RestartConnector;
import io.switchboard.schemas.RestartRequest;
import io.switchboard.schemas.RestartRequested;
import io.switchboard.schemas.TargetState;
import io.switchboard.schemas.TaskObservation;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the processor does with the data plane's reports and what it asks of the data plane, through
 * the real topology in a TopologyTestDriver: observations stored and status changes published,
 * restarts, offsets changes and active-topic resets recorded for the data plane, auto-restarts and
 * reconcile failures published. The commands themselves: {@link CommandTopologyTest}.
 */
class DataPlaneTopologyTest {
    private static final Map<String, String> CONFIG = Map.of(
            "connector.class", "FileStreamSource", "file", "/tmp/in.txt", "topic", "lines", "name", "orders");

    private TopologyFixture fixture;
    private TopologyTestDriver driver;
    private TestOutputTopic<String, LifecycleEvent> lifecycle;
    private KeyValueStore<String, ConnectorState> store;
    private KeyValueStore<String, ConnectorObservation> statuses;
    private TestInputTopic<String, ConnectorObservation> observations;

    @BeforeEach
    void setUp() {
        fixture = TopologyFixture.withoutHistory();
        driver = fixture.driver;
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
        return fixture.decide(name, action, null);
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> copy = new HashMap<>(base);
        copy.put(key, value);
        return copy;
    }

    private static ConnectorObservation observation(String name, String state, long at, String... taskStates) {
        List<TaskObservation> tasks = new ArrayList<>();
        List<Map<String, String>> configs = new ArrayList<>();
        for (int i = 0; i < taskStates.length; i++) {
            tasks.add(new TaskObservation(i, taskStates[i], "127.0.0.1:8083", null, "4.3.1"));
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
        ConnectorStatusChanged last =
                assertInstanceOf(ConnectorStatusChanged.class, events.get(2).getEvent());
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
        CommandDecision unknown = send("orders", new RestartConnector(true, false, null));
        assertEquals(Outcome.NOT_FOUND, unknown.getOutcome());
        assertEquals(DecisionReasons.NOT_FOUND, unknown.getReason());

        send("orders", new CreateConnector(CONFIG, TargetState.RUNNING, null));
        lifecycle.readValuesToList();
        CommandDecision restarted = send("orders", new RestartConnector(true, true, null));
        assertEquals(Outcome.UPDATED, restarted.getOutcome());
        RestartRequest pending = store.get("default/orders").getPendingRestart();
        assertEquals(restarted.getCommandId(), pending.getId());
        assertTrue(pending.getIncludeTasks());
        assertTrue(pending.getOnlyFailed());
        assertInstanceOf(RestartRequested.class, lifecycle.readValue().getEvent());

        send("orders", new ChangeTargetState(TargetState.PAUSED));
        assertEquals(pending, store.get("default/orders").getPendingRestart(), "other changes keep the pending restart");
    }

    @Test
    void offsetsChangeOnlyForAStoppedConnectorAndTheWorkersAnswerIsAnEvent() {
        String offsets = "{\"offsets\":[{\"partition\":{\"filename\":\"/tmp/in.txt\"},\"offset\":{\"position\":0}}]}";
        CommandDecision unknown = send("orders", new ModifyOffsets(offsets, false, null, null));
        assertEquals(Outcome.NOT_FOUND, unknown.getOutcome());
        assertEquals(DecisionReasons.NOT_FOUND, unknown.getReason());

        send("orders", new CreateConnector(CONFIG, TargetState.RUNNING, null));
        CommandDecision running = send("orders", new ModifyOffsets(offsets, false, null, null));
        assertEquals(Outcome.REJECTED, running.getOutcome());
        assertEquals(DecisionReasons.NOT_STOPPED, running.getReason());
        assertNull(store.get("default/orders").getPendingOffsets(), "a refused change records nothing");

        send("orders", new ChangeTargetState(TargetState.STOPPED));
        lifecycle.readValuesToList();
        CommandDecision accepted = send("orders", new ModifyOffsets(offsets, false, null, null));
        assertEquals(Outcome.UPDATED, accepted.getOutcome());
        ConnectorState stored = store.get("default/orders");
        assertEquals(accepted.getCommandId(), stored.getPendingOffsets().getId());
        assertEquals(offsets, stored.getPendingOffsets().getOffsets());
        assertEquals("alice", stored.getPendingOffsets().getPrincipal());
        assertEquals(2L, stored.getVersion(), "offsets are not a new version of config or target state");
        assertTrue(lifecycle.isEmpty(), "nothing has happened on the worker yet");

        ConnectorObservation done = observation("orders", "STOPPED", 50L);
        done.setOffsetsApplied(new OffsetsResult(accepted.getCommandId(), 200,
                "The offsets for this connector have been altered successfully", null, null));
        observations.pipeInput("default/orders", done);
        List<LifecycleEvent> events = lifecycle.readValuesToList();
        LifecycleEvent altered = events.stream()
                .filter(e -> e.getEvent() instanceof OffsetsAltered).findFirst().orElseThrow();
        assertEquals(accepted.getCommandId(), altered.getCommandId());
        assertEquals("alice", altered.getPrincipal());
        assertEquals(offsets, ((OffsetsAltered) altered.getEvent()).getOffsets());

        observations.pipeInput("default/orders", done);
        assertTrue(lifecycle.readValuesToList().stream()
                .noneMatch(e -> e.getEvent() instanceof OffsetsAltered), "reported once");

        CommandDecision reset = send("orders", new ModifyOffsets(null, false, null, null));
        ConnectorObservation refused = observation("orders", "STOPPED", 60L);
        refused.setOffsetsApplied(new OffsetsResult(reset.getCommandId(), 500, "cannot", null, null));
        observations.pipeInput("default/orders", refused);
        assertTrue(lifecycle.readValuesToList().stream().noneMatch(e -> e.getEvent() instanceof OffsetsReset),
                "a change the worker refused is no event");
    }

    /**
     * The processor decides, from what the data plane has reported, that a change asked of a
     * stopped connector is made before it runs again: resumed before the worker's answer, the
     * connector keeps the change, now one that stops it first; a second change waits for the answer.
     */
    @Test
    void aConnectorResumedBeforeItsOffsetsChangeIsAnsweredKeepsTheChangeWhichStopsItFirst() {
        String offsets = "{\"offsets\":[{\"partition\":{\"filename\":\"/tmp/in.txt\"},\"offset\":{\"position\":0}}]}";
        send("orders", new CreateConnector(CONFIG, TargetState.STOPPED, null));
        CommandDecision asked = send("orders", new ModifyOffsets(offsets, false, null, null));
        assertEquals(Outcome.UPDATED, asked.getOutcome());
        assertFalse(store.get("default/orders").getPendingOffsets().getStopFirst());

        CommandDecision again = send("orders", new ModifyOffsets(null, false, null, null));
        assertEquals(Outcome.CONFLICT, again.getOutcome(), "one offsets request at a time");
        assertEquals(DecisionReasons.OFFSETS_REQUEST_PENDING, again.getReason());

        assertEquals(Outcome.UPDATED, send("orders", new ChangeTargetState(TargetState.RUNNING)).getOutcome());
        ConnectorState resumed = store.get("default/orders");
        assertEquals(TargetState.RUNNING, resumed.getTargetState());
        assertEquals(asked.getCommandId(), resumed.getPendingOffsets().getId());
        assertTrue(resumed.getPendingOffsets().getStopFirst(), "kept stopped for the change until the worker answers it");

        ConnectorObservation done = observation("orders", "STOPPED", 50L);
        done.setOffsetsApplied(new OffsetsResult(asked.getCommandId(), 200, "altered", null, 60L));
        observations.pipeInput("default/orders", done);
        assertEquals(Outcome.UPDATED, send("orders", new ChangeTargetState(TargetState.STOPPED)).getOutcome());
        assertEquals(Outcome.UPDATED, send("orders", new ModifyOffsets(null, false, null, null)).getOutcome(), "answered: the next may come");
        observations.pipeInput("default/orders", done);
        assertEquals(Outcome.UPDATED, send("orders", new ChangeTargetState(TargetState.PAUSED)).getOutcome());
        assertTrue(store.get("default/orders").getPendingOffsets().getStopFirst(),
                "an answer to the earlier request does not end the later one");
    }

    @Test
    void anOffsetsRequestThatStopsFirstIsOneAtATimeWhateverTheState() {
        String offsets = "{\"offsets\":[{\"partition\":{\"filename\":\"/tmp/in.txt\"},\"offset\":{\"position\":3}}]}";
        send("orders", new CreateConnector(CONFIG, TargetState.RUNNING, null));
        CommandDecision first = send("orders", new ModifyOffsets(offsets, true, null, null));
        assertEquals(Outcome.UPDATED, first.getOutcome());
        ConnectorState stored = store.get("default/orders");
        assertEquals(TargetState.RUNNING, stored.getTargetState(), "the target state is kept: the data plane returns to it");
        assertTrue(stored.getPendingOffsets().getStopFirst());
        assertNotNull(stored.getPendingOffsets().getRequestedAt());

        // Another request of either kind waits for the first to end.
        CommandDecision second = send("orders", new ModifyOffsets(null, true, null, null));
        assertEquals(Outcome.CONFLICT, second.getOutcome());
        assertEquals(DecisionReasons.OFFSETS_REQUEST_PENDING, second.getReason());
        send("orders", new ChangeTargetState(TargetState.STOPPED));
        assertEquals(DecisionReasons.OFFSETS_REQUEST_PENDING,
                send("orders", new ModifyOffsets(offsets, false, null, null)).getReason());
        assertEquals(first.getCommandId(), store.get("default/orders").getPendingOffsets().getId());

        // Once the data plane reports its outcome, the next may come.
        ConnectorObservation done = observation("orders", "STOPPED", 50L);
        done.setOffsetsApplied(new OffsetsResult(first.getCommandId(), 200, "altered",
                "{\"offsets\":[]}", 60L));
        observations.pipeInput("default/orders", done);
        assertEquals(Outcome.UPDATED, send("orders", new ModifyOffsets(null, true, null, null)).getOutcome());
    }

    @Test
    void anOffsetsRequestTheWorkerRefusesEndsItAndKeepsTheTargetStateAndTheReason() {
        String offsets = "{\"offsets\":[{\"partition\":{\"filename\":\"/tmp/in.txt\"},\"offset\":{\"position\":\"x\"}}]}";
        send("orders", new CreateConnector(CONFIG, TargetState.PAUSED, null));
        lifecycle.readValuesToList();
        CommandDecision request = send("orders", new ModifyOffsets(offsets, true, null, null));
        assertEquals(Outcome.UPDATED, request.getOutcome());
        assertEquals(request.getCommandId(), store.get("default/orders").getPendingOffsets().getId());
        assertEquals(1_000L * 2, store.get("default/orders").getPendingOffsets().getRequestedAt(),
                "requested at the command's own time, not the processor's clock");

        ConnectorObservation refused = observation("orders", "STOPPED", 50L);
        refused.setOffsetsApplied(new OffsetsResult(request.getCommandId(), 400,
                "Invalid offset value: position must be a number", null, 55L));
        observations.pipeInput("default/orders", refused);

        ConnectorState stored = store.get("default/orders");
        assertEquals(TargetState.PAUSED, stored.getTargetState(), "the data plane returns the connector to PAUSED");
        assertEquals(request.getCommandId(), stored.getPendingOffsets().getId(), "the request stays readable with its outcome");
        OffsetsResult kept = statuses.get("default/orders").getOffsetsApplied();
        assertEquals(400, kept.getCode());
        assertEquals("Invalid offset value: position must be a number", kept.getMessage());
        assertNull(kept.getPreviousOffsets());
        assertTrue(lifecycle.readValuesToList().stream()
                        .noneMatch(e -> e.getEvent() instanceof OffsetsAltered),
                "a change the worker refused is no event");

        // An outcome, failed or not, ends the request: the next one is decided.
        CommandDecision next = send("orders", new ModifyOffsets(null, true, null, null));
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
        assertEquals(Outcome.NOT_FOUND, send("orders", new ResetActiveTopics()).getOutcome());
        send("orders", new CreateConnector(CONFIG, TargetState.RUNNING, null));
        CommandDecision reset = send("orders", new ResetActiveTopics());
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
        List<AutoRestarted> events = lifecycle.readValuesToList().stream()
                .map(LifecycleEvent::getEvent)
                .filter(AutoRestarted.class::isInstance)
                .map(AutoRestarted.class::cast).toList();
        assertEquals(1, events.size());
        assertEquals(1, events.get(0).getRestarts());
    }

    @Test
    void reconcileFailuresArePublishedOncePerFailureAndTheirEnd() {
        send("orders", new CreateConnector(CONFIG, TargetState.RUNNING, null));
        lifecycle.readValuesToList();
        ConnectorObservation first = observation("orders", "UNASSIGNED", 10L);
        first.setReconcileFailure(new ReconcileFailure("RUNNING", "ABSENT", 1,
                "POST /connectors answered 500: Server Error", 10L, 10L, 11L));
        observations.pipeInput("default/orders", first);
        ConnectorObservation again = observation("orders", "UNASSIGNED", 20L);
        again.setReconcileFailure(new ReconcileFailure("RUNNING", "ABSENT", 2,
                "POST /connectors answered 500: Server Error", 10L, 20L, 22L));
        observations.pipeInput("default/orders", again);
        ConnectorObservation recovered = observation("orders", "RUNNING", 30L, "RUNNING");
        observations.pipeInput("default/orders", recovered);

        List<Object> events = lifecycle.readValuesToList().stream().map(LifecycleEvent::getEvent)
                .filter(e -> !(e instanceof ConnectorStatusChanged)).toList();
        assertEquals(2, events.size(), "one event when the failure begins, one when it ends: " + events);
        ReconcileFailed failed = assertInstanceOf(ReconcileFailed.class, events.get(0));
        assertEquals("ABSENT", failed.getObserved());
        assertEquals("RUNNING", failed.getDesired());
        assertEquals(1, failed.getAttempts());
        assertEquals(2, assertInstanceOf(ReconcileRecovered.class, events.get(1)).getAttempts());
    }
}
