package io.switchboard.dataplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.dataplane.ConnectClusterClient.WorkerConnector;
import io.switchboard.dataplane.ReconcileAction.Create;
import io.switchboard.dataplane.ReconcileAction.Delete;
import io.switchboard.dataplane.ReconcileAction.GiveUpOffsets;
import io.switchboard.dataplane.ReconcileAction.MarkVersionApplied;
import io.switchboard.dataplane.ReconcileAction.ModifyOffsets;
import io.switchboard.dataplane.ReconcileAction.OffsetsWaiting;
import io.switchboard.dataplane.ReconcileAction.PutConfig;
import io.switchboard.dataplane.ReconcileAction.RememberRestart;
import io.switchboard.dataplane.ReconcileAction.Restart;
import io.switchboard.dataplane.ReconcileAction.SetTargetState;
import io.switchboard.dataplane.ReconcilePlanner.Situation;
import io.switchboard.schemas.AvroTrust;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.OffsetsRequest;
import io.switchboard.schemas.OffsetsResult;
import io.switchboard.schemas.RestartRequest;
import io.switchboard.schemas.TargetState;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The planner's decisions, without a worker or a broker: each case gives a desired state, what the
 * worker shows and what the reconciler remembers, and checks the exact steps planned.
 */
class ReconcilePlannerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long NOW = 1_700_000_000_000L;
    private static final Map<String, String> CONFIG = Map.of("connector.class", "FileStreamSource", "topic", "t");

    private final ConnectorMemory memory = new ConnectorMemory();

    @BeforeAll
    static void trustTheSchemas() {
        // Copying a record with its builder instantiates the schemas' classes, as the data plane does.
        AvroTrust.install();
    }

    @Test
    void createsWhatIsMissingInItsTargetState() {
        assertEquals(List.of(new Create(CONFIG, TargetState.PAUSED, 1, null)),
                plan(desired(TargetState.PAUSED, 1), null));
    }

    @Test
    void doesNotCreateAgainWhatWasJustCreatedButIsNotListedYet() {
        memory.apply(new MemoryChange.Created(CONFIG, TargetState.RUNNING, NOW - ReconcilePlanner.CREATE_GRACE_MS + 1, null));
        assertEquals(List.of(), plan(desired(TargetState.RUNNING, 1), null));
        memory.apply(new MemoryChange.Created(CONFIG, TargetState.RUNNING, NOW - ReconcilePlanner.CREATE_GRACE_MS, null));
        assertEquals(List.of(new Create(CONFIG, TargetState.RUNNING, 1, null)), plan(desired(TargetState.RUNNING, 1), null));
    }

    @Test
    void oneTheWorkerListedAndNoLongerListsIsCreatedAgainAtOnce() {
        memory.apply(new MemoryChange.Created(CONFIG, TargetState.RUNNING, NOW - 1, null));
        memory.apply(new MemoryChange.VersionApplied(1L));
        memory.apply(new MemoryChange.Listed(CONFIG));
        assertEquals(List.of(new Create(CONFIG, TargetState.RUNNING, 1, "created")), plan(desired(TargetState.RUNNING, 1), null));
    }

    @Test
    void putsTheConfigOnlyWhenItDiffers() {
        WorkerConnector running = onWorker(Map.of("connector.class", "FileStreamSource", "topic", "old"), "RUNNING", "RUNNING");
        assertEquals(List.of(new PutConfig(CONFIG, null), new MarkVersionApplied(2)), plan(desired(TargetState.RUNNING, 2), running));
    }

    @Test
    void theNameAWorkerAddsToAConfigIsNoDifference() {
        memory.apply(new MemoryChange.VersionApplied(2L));
        Map<String, String> named = new HashMap<>(CONFIG);
        named.put("name", "c");
        assertEquals(List.of(new MarkVersionApplied(2)), plan(desired(TargetState.RUNNING, 2), onWorker(named, "RUNNING", "RUNNING")));
        named.put("topic", "changed");
        assertEquals(List.of(new PutConfig(CONFIG, "config"), new MarkVersionApplied(2)),
                plan(desired(TargetState.RUNNING, 2), onWorker(named, "RUNNING", "RUNNING")));
    }

    @Test
    void aConfigChangedOnTheWorkerAtAnAppliedVersionIsARepair() {
        memory.apply(new MemoryChange.VersionApplied(2L));
        WorkerConnector running = onWorker(Map.of("connector.class", "FileStreamSource"), "RUNNING", "RUNNING");
        assertEquals(List.of(new PutConfig(CONFIG, "config"), new MarkVersionApplied(2)), plan(desired(TargetState.RUNNING, 2), running));
    }

    @Test
    void asksForTheTargetStateWhenTheObservedStateDiffers() {
        assertEquals(List.of(new SetTargetState(TargetState.PAUSED, null), new MarkVersionApplied(3)),
                plan(desired(TargetState.PAUSED, 3), onWorker(CONFIG, "RUNNING", "RUNNING")));
        assertEquals(List.of(new SetTargetState(TargetState.STOPPED, null), new MarkVersionApplied(3)),
                plan(desired(TargetState.STOPPED, 3), onWorker(CONFIG, "PAUSED", "PAUSED")));
        assertEquals(List.of(new SetTargetState(TargetState.RUNNING, null), new MarkVersionApplied(3)),
                plan(desired(TargetState.RUNNING, 3), onWorker(CONFIG, "PAUSED", "PAUSED")));
    }

    @Test
    void aTargetStateAskedForIsAskedAgainOnlyAfterItsGrace() {
        memory.apply(new MemoryChange.TargetStateAsked(TargetState.PAUSED, NOW - ReconcilePlanner.SETTLE_GRACE_MS + 1, null));
        WorkerConnector running = onWorker(CONFIG, "RUNNING", "RUNNING");
        assertEquals(List.of(new MarkVersionApplied(3)), plan(desired(TargetState.PAUSED, 3), running));
        memory.apply(new MemoryChange.TargetStateAsked(TargetState.PAUSED, NOW - ReconcilePlanner.SETTLE_GRACE_MS, null));
        assertEquals(List.of(new SetTargetState(TargetState.PAUSED, null), new MarkVersionApplied(3)),
                plan(desired(TargetState.PAUSED, 3), running));
    }

    @Test
    void aFailedConnectorIsNotResumedButCanBePaused() {
        WorkerConnector failed = onWorker(CONFIG, "FAILED", "FAILED");
        assertEquals(List.of(), plan(desired(TargetState.RUNNING, 3), failed));
        assertEquals(List.of(new SetTargetState(TargetState.PAUSED, null)), plan(desired(TargetState.PAUSED, 3), failed));
    }

    @Test
    void aSettledConnectorNeedsNoCall() {
        WorkerConnector running = onWorker(CONFIG, "RUNNING", "RUNNING");
        ConnectorState state = desired(TargetState.RUNNING, 4);
        assertEquals(List.of(new MarkVersionApplied(4)), plan(state, running));
        assertTrue(ReconcilePlanner.settled(state, running, memory));
        assertFalse(ReconcilePlanner.settled(state, onWorker(CONFIG, "RUNNING", "UNASSIGNED"), memory), "a task not running yet");
    }

    @Test
    void deletesOnlyWhatIsNotDesired() {
        assertEquals(List.of(new Delete("stray")), ReconcilePlanner.strays(Set.of("kept"), List.of("kept", "stray")));
        assertEquals(List.of(), ReconcilePlanner.strays(Set.of("kept"), List.of("kept")));
    }

    @Test
    void aRestartRequestIsCarriedOutOnce() {
        RestartRequest request = new RestartRequest("restart-1", true, false, null);
        ConnectorState state = ConnectorState.newBuilder(desired(TargetState.RUNNING, 5)).setPendingRestart(request).build();
        WorkerConnector running = onWorker(CONFIG, "RUNNING", "RUNNING");
        assertEquals(List.of(new Restart(request), new MarkVersionApplied(5)), plan(state, running));
        memory.apply(new MemoryChange.RestartDone("restart-1"));
        assertEquals(List.of(new MarkVersionApplied(5)), plan(state, running));
    }

    @Test
    void aRestartCarriedOutBeforeAChangeOfLeaderIsRememberedNotRepeated() {
        RestartRequest request = new RestartRequest("restart-1", true, false, null);
        ConnectorState state = ConnectorState.newBuilder(desired(TargetState.RUNNING, 5)).setPendingRestart(request).build();
        ConnectorObservation last = ConnectorObservation.newBuilder().setCluster("default").setConnector("c")
                .setObservedAt(NOW).setState("RUNNING").setTasks(List.of()).setRestartApplied("restart-1").build();
        List<ReconcileAction> plan = ReconcilePlanner.plan(new Situation(state, CONFIG, onWorker(CONFIG, "RUNNING", "RUNNING"),
                memory, () -> Optional.of(last), Optional.empty(), NOW));
        assertEquals(List.of(new RememberRestart("restart-1"), new MarkVersionApplied(5)), plan);
    }

    @Test
    void anOffsetsChangeThatStopsFirstStopsTheConnectorThenChangesThemThenReturnsToTheTarget() {
        OffsetsRequest request = OffsetsRequest.newBuilder().setId("offsets-1").setOffsets("{}").setStopFirst(true).build();
        ConnectorState asked = ConnectorState.newBuilder(desired(TargetState.RUNNING, 6)).setPendingOffsets(request).build();

        ConnectorState stopping = ReconcilePlanner.asCarriedOut(asked, null);
        assertEquals(TargetState.STOPPED, stopping.getTargetState());
        assertEquals(List.of(new OffsetsWaiting(NOW), new SetTargetState(TargetState.STOPPED, null), new MarkVersionApplied(6)),
                plan(stopping, onWorker(CONFIG, "RUNNING", "RUNNING")));

        assertEquals(List.of(new ModifyOffsets(request), new MarkVersionApplied(6)),
                plan(stopping, onWorker(CONFIG, "STOPPED")));

        OffsetsResult done = new OffsetsResult("offsets-1", 200, "changed", "{}", NOW);
        memory.apply(new MemoryChange.OffsetsAnswered(done));
        ConnectorState back = ReconcilePlanner.asCarriedOut(asked, done);
        assertSame(asked, back);
        assertEquals(List.of(new SetTargetState(TargetState.RUNNING, null), new MarkVersionApplied(6)),
                plan(back, onWorker(CONFIG, "STOPPED")));
    }

    /**
     * Whether an offsets change may be asked is the processor's decision (it keeps a connector
     * resumed before the answer stopped for the change): the planner answers no request itself.
     * Given a desired state the processor no longer makes (a change pending, the target RUNNING),
     * it only waits for the worker to stop the connector, as for any change, and may give up.
     */
    @Test
    void thePlannerAnswersNoOffsetsChangeItselfItWaitsForTheWorkerToStopTheConnector() {
        OffsetsRequest request = OffsetsRequest.newBuilder().setId("offsets-2").setOffsets("{}").build();
        ConnectorState state = ConnectorState.newBuilder(desired(TargetState.RUNNING, 7)).setPendingOffsets(request).build();
        assertSame(state, ReconcilePlanner.asCarriedOut(state, null));
        assertEquals(List.of(new OffsetsWaiting(NOW), new MarkVersionApplied(7)), plan(state, onWorker(CONFIG, "RUNNING", "RUNNING")));

        ConnectorState stopped = ConnectorState.newBuilder(desired(TargetState.STOPPED, 7)).setPendingOffsets(request).build();
        assertEquals(List.of(new OffsetsWaiting(NOW), new SetTargetState(TargetState.STOPPED, null), new MarkVersionApplied(7)),
                plan(stopped, onWorker(CONFIG, "RUNNING", "RUNNING")));
        assertEquals(List.of(new ModifyOffsets(request), new MarkVersionApplied(7)), plan(stopped, onWorker(CONFIG, "STOPPED")));
    }

    @Test
    void anOffsetsChangeTheWorkerNeverStopsForIsGivenUp() {
        OffsetsRequest request = OffsetsRequest.newBuilder().setId("offsets-3").setOffsets("{}").build();
        ConnectorState state = ConnectorState.newBuilder(desired(TargetState.STOPPED, 8)).setPendingOffsets(request).build();
        memory.apply(new MemoryChange.OffsetsWaiting(NOW - ReconcilePlanner.OFFSETS_GIVE_UP_MS + 1));
        memory.apply(new MemoryChange.TargetStateAsked(TargetState.STOPPED, NOW, null));
        WorkerConnector paused = onWorker(CONFIG, "PAUSED");
        assertEquals(List.of(new MarkVersionApplied(8)), plan(state, paused));

        memory.apply(new MemoryChange.OffsetsAsked());
        memory.apply(new MemoryChange.OffsetsWaiting(NOW - ReconcilePlanner.OFFSETS_GIVE_UP_MS));
        List<ReconcileAction> plan = plan(state, paused);
        assertEquals(2, plan.size(), plan.toString());
        GiveUpOffsets giveUp = (GiveUpOffsets) plan.get(0);
        assertEquals(409, giveUp.result().getCode());
        assertEquals("offsets-3", giveUp.result().getId());
        assertEquals("it is still PAUSED after 10 minutes", giveUp.why());
    }

    private List<ReconcileAction> plan(ConnectorState state, WorkerConnector observed) {
        return ReconcilePlanner.plan(new Situation(state, state.getConfig(), observed, memory, Optional::empty, Optional.empty(), NOW));
    }

    private static ConnectorState desired(TargetState target, long version) {
        return ConnectorState.newBuilder().setCluster("default").setName("c").setConfig(CONFIG).setTargetState(target)
                .setVersion(version).setCreatedAt(NOW).setUpdatedAt(NOW).setLastCommandId("command-" + version).build();
    }

    /** The connector as the worker shows it: its state and one task per state given after it. */
    private static WorkerConnector onWorker(Map<String, String> config, String state, String... taskStates) {
        ObjectNode status = JSON.createObjectNode();
        status.put("name", "c");
        status.putObject("connector").put("state", state).put("worker_id", "w:8083");
        ArrayNode tasks = status.putArray("tasks");
        for (int i = 0; i < taskStates.length; i++) {
            tasks.addObject().put("id", i).put("state", taskStates[i]).put("worker_id", "w:8083");
        }
        status.put("type", "source");
        JsonNode node = status;
        return new WorkerConnector("c", config, "source", node);
    }
}
