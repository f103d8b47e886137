package io.switchboard.processor;

import io.switchboard.rules.ConnectorMoves;
import io.switchboard.rules.DecisionReasons;
import io.switchboard.schemas.ChangeTargetState;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.ConnectorMoved;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.HistoryEntry;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.schemas.MoveStep;
import io.switchboard.schemas.OffsetsResult;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.PolicyAction;
import io.switchboard.schemas.PolicySpec;
import io.switchboard.schemas.PolicyValidation;
import io.switchboard.schemas.PutPolicy;
import io.switchboard.schemas.ReconcileFailure;
import io.switchboard.schemas.TargetState;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A move between clusters through the real topology: each step decided on its own key, the next
 * written by the processor when the one before is done, so the source stops, hands its offsets
 * read once stopped to the target, the target is created stopped with them, and only once its
 * worker set them does it run and the source go; a target that refuses leaves the source as it was.
 */
class MoveTopologyTest {
    private static final Map<String, String> CONFIG = Map.of(
            "connector.class", "FileStreamSource", "file", "/tmp/in.txt", "topic", "lines", "name", "orders");
    private static final String AT_3 = "{\"offsets\":[{\"partition\":{\"filename\":\"/tmp/in.txt\"},\"offset\":{\"position\":3}}]}";

    private TopologyFixture fixture;
    private int sequence;

    @BeforeEach
    void setUp() {
        fixture = TopologyFixture.withHistory();
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    /** Sends a command to a connector of a cluster; answers its decision (the steps it wrote are decided too). */
    private CommandDecision send(String cluster, Object action, MoveStep move) {
        ConnectorCommand command = ConnectorCommand.newBuilder().setCommandId("cmd-" + (++sequence)).setCluster(cluster)
                .setConnector("orders").setPrincipal("alice").setRequestId("req-" + sequence).setIssuedAt(1_000L * sequence)
                .setAction(action).setMove(move).build();
        fixture.commands().pipeInput(cluster + "/orders", command);
        return fixture.decisions().readValuesToList().stream().filter(d -> d.getCommandId().equals(command.getCommandId()))
                .findFirst().orElseThrow();
    }

    private static MoveStep move(String from, String to) {
        return MoveStep.newBuilder().setMoveId("").setStep(ConnectorMoves.START).setFrom(from).setTo(to).build();
    }

    private ConnectorState state(String cluster) {
        KeyValueStore<String, ConnectorState> connectors = fixture.store(StoreNames.CONNECTORS);
        return connectors.get(cluster + "/orders");
    }

    private List<HistoryEntry> history(String cluster) {
        ConnectorHistory history = HistoryLayout.read(fixture.store(StoreNames.HISTORY), cluster + "/orders");
        return history == null ? List.of() : history.getEntries();
    }

    private void observe(String cluster, ConnectorObservation.Builder observation) {
        fixture.observations().pipeInput(cluster + "/orders", observation.setCluster(cluster).setConnector("orders").setTasks(List.of()).build());
    }

    @Test
    void aSourceMovesWithTheOffsetsItsStopKeptAndRunsOnTheTargetOnlyOnceTheyAreSet() throws Exception {
        send("default", new CreateConnector(CONFIG, TargetState.RUNNING, null), null);
        CommandDecision started = send("default", new ChangeTargetState(TargetState.STOPPED), move("default", "east"));
        assertEquals(Outcome.UPDATED, started.getOutcome());
        assertEquals(TargetState.STOPPED, state("default").getTargetState());
        assertEquals(TargetState.RUNNING, state("default").getMove().getTargetState(), "the state it goes back to, or has there");

        CommandDecision resumed = send("default", new ChangeTargetState(TargetState.RUNNING), null);
        assertEquals(Outcome.CONFLICT, resumed.getOutcome(), "no other change while it moves");
        assertEquals(DecisionReasons.MOVE_UNDER_WAY, resumed.getReason());
        assertNull(state("east"), "nothing on the target before the source's offsets are read stopped");

        observe("default", ConnectorObservation.newBuilder().setObservedAt(2_600).setState("STOPPED").setOffsets(AT_3)
                .setDetailsObservedAt(2_600L));
        ConnectorState target = state("east");
        assertNotNull(target, "created on the target once the source's offsets were read stopped");
        assertEquals(TargetState.STOPPED, target.getTargetState(), "stopped until its offsets are set");
        assertEquals(AT_3, target.getPendingOffsets().getOffsets());
        assertEquals(CONFIG, target.getConfig());
        assertNotNull(state("default"), "the source stays, stopped, meanwhile");

        String create = target.getPendingOffsets().getId();
        observe("east", ConnectorObservation.newBuilder().setObservedAt(3_000).setState("STOPPED")
                .setOffsetsApplied(new OffsetsResult(create, 200, "altered", "{\"offsets\":[]}", 3_000L)));
        assertEquals(TargetState.RUNNING, state("east").getTargetState(), "running once its offsets are set");
        assertNull(state("east").getMove());
        assertNull(state("default"), "and the source is gone");

        List<HistoryEntry> source = history("default");
        assertEquals(List.of("ConnectorCreated", "TargetStateChanged", "ConnectorDeleted"), source.stream().map(HistoryEntry::getKind).toList());
        assertEquals(ConnectorMoves.START, source.get(1).getMove().getStep());
        assertEquals(AT_3, source.get(1).getOffsets().getOffsets(), "the stop keeps the offsets it moved with");
        assertEquals(ConnectorMoves.FINISH, source.get(2).getMove().getStep());
        List<HistoryEntry> moved = history("east");
        assertEquals(List.of("ConnectorCreated", "OffsetsAltered", "ConnectorMoved"), moved.stream().map(HistoryEntry::getKind).toList());
        assertEquals("default", moved.get(0).getMove().getFrom());
        assertEquals(ConnectorMoves.RUN, moved.get(2).getMove().getStep());
        assertEquals(TargetState.RUNNING, moved.get(2).getTargetState(), "the target state it took on the target");

        // One ConnectorMoved, on the target, naming where it came from and the offsets it moved with.
        List<LifecycleEvent> arrivals = fixture.lifecycle().readValuesToList().stream()
                .filter(event -> event.getEvent() instanceof ConnectorMoved).toList();
        assertEquals(1, arrivals.size(), arrivals.toString());
        assertEquals("east", arrivals.get(0).getCluster());
        ConnectorMoved arrival = (ConnectorMoved) arrivals.get(0).getEvent();
        assertEquals("default", arrival.getFrom());
        assertEquals("east", arrival.getTo());
        assertEquals(started.getCommandId(), arrival.getMoveId());
        assertEquals(TargetState.STOPPED, arrival.getPrevious());
        assertEquals(TargetState.RUNNING, arrival.getCurrent());
        assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(AT_3.getBytes(java.nio.charset.StandardCharsets.UTF_8))), arrival.getOffsetsDigest());

        // Steps written again (a replica taking over) change nothing.
        observe("east", ConnectorObservation.newBuilder().setObservedAt(3_100).setState("RUNNING")
                .setOffsetsApplied(new OffsetsResult(create, 200, "altered", "{\"offsets\":[]}", 3_000L)));
        assertEquals(3, history("east").size());
    }

    @Test
    void aTargetThatRefusesTheConnectorLeavesItAsItWasWhereItWasWithTheReason() {
        send("east", new CreateConnector(CONFIG, TargetState.PAUSED, null), null);
        send("default", new CreateConnector(CONFIG, TargetState.PAUSED, null), null);
        send("default", new ChangeTargetState(TargetState.STOPPED), move("default", "east"));
        observe("default", ConnectorObservation.newBuilder().setObservedAt(9_000).setState("STOPPED").setOffsets(AT_3)
                .setDetailsObservedAt(9_000L));
        assertEquals(TargetState.PAUSED, state("default").getTargetState(), "back to the state it had");
        assertNull(state("default").getMove());
        HistoryEntry refused = history("default").get(history("default").size() - 1);
        assertEquals(ConnectorMoves.REFUSED, refused.getMove().getStep());
        assertEquals("cluster east refused the connector: connector already exists", refused.getMove().getReason());
        assertEquals(1, history("east").size(), "the target's own connector is untouched");
    }

    /** A policy of the target's cluster refuses the connector: the source runs again where it was, the policy named as why. */
    @Test
    void aTargetClustersPolicyRefusesTheConnectorAndTheSourceRunsAgainWhereItWas() {
        ConnectorCommand policy = ConnectorCommand.newBuilder().setCommandId("policy-1").setCluster("east").setConnector("{policy}no-files")
                .setPrincipal("alice").setIssuedAt(500L).setAction(new PutPolicy(PolicySpec.newBuilder().setAction(PolicyAction.DENY)
                        .setMatchClasses(List.of("*FileStream*")).setValidations(List.of(new PolicyValidation("false", "no file connectors here")))
                        .build())).build();
        fixture.commands().pipeInput("east/{policy}no-files", policy);
        send("default", new CreateConnector(CONFIG, TargetState.RUNNING, null), null);
        send("default", new ChangeTargetState(TargetState.STOPPED), move("default", "east"));
        observe("default", ConnectorObservation.newBuilder().setObservedAt(9_000).setState("STOPPED").setOffsets(AT_3)
                .setDetailsObservedAt(9_000L));
        assertNull(state("east"), "nothing on the target");
        assertEquals(TargetState.RUNNING, state("default").getTargetState(), "running again where it was");
        assertNull(state("default").getMove());
        HistoryEntry refused = history("default").get(history("default").size() - 1);
        assertEquals(ConnectorMoves.REFUSED, refused.getMove().getStep());
        assertEquals("cluster east refused the connector: Connector config refused by policy no-files: no file connectors here",
                refused.getMove().getReason());
    }

    /**
     * The target's workers lack the connector's class: the target's data plane reports its create
     * failing, the worker not having it. The move is undone: the target is deleted, and the source
     * runs again where it was, its history entry saying why; the failure reported again changes nothing.
     */
    @Test
    void aTargetWhoseWorkersRefuseToCreateItIsDeletedAndTheSourceRunsAgainWithTheReason() {
        send("default", new CreateConnector(CONFIG, TargetState.RUNNING, null), null);
        send("default", new ChangeTargetState(TargetState.STOPPED), move("default", "east"));
        // It read nothing yet: no offsets to set on the target, so nothing waits on its worker's answer to them.
        observe("default", ConnectorObservation.newBuilder().setObservedAt(3_000).setState("STOPPED").setOffsets("{\"offsets\":[]}")
                .setDetailsObservedAt(3_000L));
        assertNotNull(state("east"), "created on the target");
        assertNull(state("east").getPendingOffsets());
        assertNotNull(state("default"), "the source stays until the target's workers have it");
        String error = "POST /connectors answered 500: Failed to find any class that implements Connector and which name matches FileStreamSource";
        observe("east", ConnectorObservation.newBuilder().setObservedAt(4_000).setState("UNASSIGNED")
                .setReconcileFailure(new ReconcileFailure("STOPPED", "ABSENT", 1, error, 4_000L, 4_000L, 5_000L)));
        assertNull(state("east"), "the target its workers refused is deleted");
        assertEquals(TargetState.RUNNING, state("default").getTargetState(), "the source runs again where it was");
        assertNull(state("default").getMove());
        List<HistoryEntry> source = history("default");
        HistoryEntry refused = source.get(source.size() - 1);
        assertEquals(ConnectorMoves.REFUSED, refused.getMove().getStep());
        assertEquals(TargetState.RUNNING, refused.getTargetState());
        assertEquals("the workers of cluster east refused the connector: " + error, refused.getMove().getReason());
        assertEquals(ConnectorMoves.UNDO, history("east").get(history("east").size() - 1).getMove().getStep());

        observe("east", ConnectorObservation.newBuilder().setObservedAt(6_000).setState("UNASSIGNED")
                .setReconcileFailure(new ReconcileFailure("STOPPED", "ABSENT", 2, error, 4_000L, 6_000L, 8_000L)));
        assertEquals(source.size(), history("default").size(), "the failure reported again changes nothing");
    }

    /**
     * A source with no offsets moves too: the target, created with none to set, runs and the source
     * goes once the target's data plane shows it created (stopped) on its workers, not before.
     */
    @Test
    void aTargetWithNoOffsetsToSetRunsOnceItsWorkersShowItCreated() {
        send("default", new CreateConnector(CONFIG, TargetState.PAUSED, null), null);
        send("default", new ChangeTargetState(TargetState.STOPPED), move("default", "east"));
        observe("default", ConnectorObservation.newBuilder().setObservedAt(3_000).setState("STOPPED").setOffsets("{\"offsets\":[]}")
                .setDetailsObservedAt(3_000L));
        assertEquals(TargetState.STOPPED, state("east").getTargetState());
        assertNotNull(state("default"), "the source stays while the target's worker has not shown it");
        observe("east", ConnectorObservation.newBuilder().setObservedAt(4_000).setState("STOPPED"));
        assertEquals(TargetState.PAUSED, state("east").getTargetState(), "the state it had");
        assertNull(state("east").getMove());
        assertNull(state("default"), "the source is gone");
        LifecycleEvent arrival = fixture.lifecycle().readValuesToList().stream()
                .filter(event -> event.getEvent() instanceof ConnectorMoved).findFirst().orElseThrow();
        assertNull(((ConnectorMoved) arrival.getEvent()).getOffsetsDigest(), "it moved with no offsets");
    }

    /** The pure rule: a move's target at its create step, newly reported failing to be created; nothing else. */
    @Test
    void onlyAMovesTargetNewlyFailingToBeCreatedIsRefusedByItsWorkers() {
        MoveStep creating = MoveStep.newBuilder().setMoveId("m").setStep(ConnectorMoves.CREATE).setFrom("default").setTo("east").build();
        ConnectorState target = ConnectorState.newBuilder().setCluster("east").setName("orders").setConfig(CONFIG)
                .setTargetState(TargetState.STOPPED).setVersion(1).setCreatedAt(1).setUpdatedAt(1).setLastCommandId("m:create")
                .setMove(creating).build();
        ReconcileFailure absent = new ReconcileFailure("STOPPED", "ABSENT", 1, "no class", 10L, 10L, 20L);
        ConnectorObservation failing = ConnectorObservation.newBuilder().setCluster("east").setConnector("orders").setObservedAt(10)
                .setState("UNASSIGNED").setTasks(List.of()).setReconcileFailure(absent).build();
        assertEquals("the workers of cluster east refused the connector: no class", ConnectorMoves.refusedByTargetWorkers(target, null, failing));
        assertNull(ConnectorMoves.refusedByTargetWorkers(target, failing, failing), "reported already");
        assertNull(ConnectorMoves.refusedByTargetWorkers(ConnectorState.newBuilder(target).setMove(null).build(), null, failing),
                "a connector not moving: the reconciler's failure as usual");
        assertNull(ConnectorMoves.refusedByTargetWorkers(ConnectorState.newBuilder(target)
                .setMove(MoveStep.newBuilder(creating).setStep(ConnectorMoves.RUN).build()).build(), null, failing), "past its create");
        ConnectorObservation created = ConnectorObservation.newBuilder(failing)
                .setReconcileFailure(new ReconcileFailure("STOPPED", "RUNNING", 1, "offsets", 10L, 10L, 20L)).build();
        assertNull(ConnectorMoves.refusedByTargetWorkers(target, null, created), "the worker has it: not a refused create");

        // What the API asks before a move: the create step's own decision against the target as it stands.
        ConnectorState source = ConnectorState.newBuilder(target).setCluster("default").setMove(null).build();
        assertNull(ConnectorMoves.refusedByTarget(ControlPlanes.of(TopologyFixture.TOPICS), source, null, "east", "check", 1L));
        assertEquals(Outcome.CONFLICT, ConnectorMoves.refusedByTarget(ControlPlanes.of(TopologyFixture.TOPICS), source, target, "east", "check", 1L).outcome());
    }

    @Test
    void aTargetWhoseWorkerRefusesTheOffsetsIsDeletedAndTheSourceGoesBack() {
        send("default", new CreateConnector(CONFIG, TargetState.STOPPED, null), null);
        observe("default", ConnectorObservation.newBuilder().setObservedAt(1_500).setState("STOPPED").setOffsets(AT_3)
                .setDetailsObservedAt(1_500L));
        send("default", new ChangeTargetState(TargetState.STOPPED), move("default", "east"));
        ConnectorState target = state("east");
        assertNotNull(target, "a connector stopped already hands the offsets last read at once");
        observe("east", ConnectorObservation.newBuilder().setObservedAt(5_000).setState("STOPPED")
                .setOffsetsApplied(new OffsetsResult(target.getPendingOffsets().getId(), 400, "bad offsets", null, 5_000L)));
        assertNull(state("east"));
        assertEquals(TargetState.STOPPED, state("default").getTargetState());
        assertNull(state("default").getMove());
    }

    @Test
    void aMoveToItsOwnClusterOrOfNoConnectorIsRefused() {
        assertEquals(Outcome.NOT_FOUND, send("default", new ChangeTargetState(TargetState.STOPPED), move("default", "east")).getOutcome());
        send("default", new CreateConnector(CONFIG, TargetState.RUNNING, null), null);
        CommandDecision same = send("default", new ChangeTargetState(TargetState.STOPPED), move("default", "default"));
        assertEquals(Outcome.REJECTED, same.getOutcome());
        assertEquals(DecisionReasons.INVALID_MOVE, same.getReason());
        assertEquals(TargetState.RUNNING, state("default").getTargetState());
    }
}
