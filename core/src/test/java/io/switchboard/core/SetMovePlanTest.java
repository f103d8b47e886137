package io.switchboard.core;

import io.switchboard.core.DesiredState.Connector;
import io.switchboard.core.DesiredState.SetScope;
import io.switchboard.core.SetPlanner.Action;
import io.switchboard.core.SetPlanner.Desired;
import io.switchboard.core.SetPlanner.KeyChange;
import io.switchboard.core.SetPlanner.Plan;
import io.switchboard.rules.ConnectorMoves;
import io.switchboard.rules.SetDecider;
import io.switchboard.rules.SetMoves;
import io.switchboard.schemas.ApplySetChange;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.MoveStep;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.SetChange;
import io.switchboard.schemas.SetItem;
import io.switchboard.schemas.TargetState;
import io.switchboard.secrets.Redactor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A set applied to cluster east whose connector is not there but in default, where the set of the
 * same name manages it, plans a move from default (not a second copy), keyed against the source's
 * config; the decider accepts the plan's item; a move's progress follows the move's steps.
 */
class SetMovePlanTest {
    private static final SetScope EAST = new SetScope("orders", "east", Map.of("team", "orders"));
    private static final Map<String, String> LABELS = Map.of("team", "orders");
    private static final Map<String, String> SOURCE = Map.of("connector.class", "FileStreamSource", "topic", "lines", "file", "/tmp/a");

    private static ConnectorState state(String cluster, Map<String, String> config, TargetState target, long version) {
        return state(cluster, config, target, version, null, "c" + version, 1L);
    }

    private static ConnectorState state(String cluster, Map<String, String> config, TargetState target, long version, MoveStep move,
                                        String lastCommandId, long updatedAt) {
        return ConnectorState.newBuilder().setCluster(cluster).setName("orders-src").setConfig(new TreeMap<>(config))
                .setTargetState(target).setVersion(version).setCreatedAt(1L).setUpdatedAt(updatedAt).setLastCommandId(lastCommandId)
                .setMove(move).build();
    }

    private static Desired desired(Map<String, String> config, TargetState state) {
        return new Desired(new Connector("orders-src", LABELS, config, state, "test"), config, null);
    }

    private static Plan plan(Desired desired, ConnectorState source) {
        java.util.Map<String, ConnectorState> current = new java.util.HashMap<>();
        current.put("orders-src", null);
        return SetPlanner.plan(SetDecider.Checks.builtIn(InMemoryConnectors.CONTROL_PLANE), EAST, List.of(desired), current,
                source == null ? Map.of() : Map.of("orders-src", source), null, false, 10, false, Redactor.DEFAULT::matches);
    }

    @Test
    void aConnectorTheSameSetManagesInAnotherClusterPlansAMoveKeyedAgainstItsConfigThere() {
        Map<String, String> desired = new TreeMap<>(SOURCE);
        desired.put("topic", "lines-v2");
        Plan plan = plan(desired(desired, null), state("default", SOURCE, TargetState.RUNNING, 4));
        SetPlanner.Item item = plan.items().get(0);
        assertEquals(Action.MOVE, item.action());
        assertEquals("default", item.from());
        assertNull(item.error());
        assertEquals(List.of(new KeyChange("~", "topic", "lines", "lines-v2", null)), item.keys(), "as an update's keys");
        assertEquals("RUNNING", item.stateFrom());
        assertNull(item.stateTo(), "the state it had, as the file leaves it out");
        assertEquals(SetPlanner.Needs.EDIT, plan.needs());
        assertTrue(plan.moves(), "which needs edit on every cluster, as the move route");
        assertEquals(1, plan.count(Action.MOVE));
        SetItem carried = item.item();
        assertEquals("default", carried.getFrom());
        assertEquals(SOURCE, carried.getPreviousConfig());
        assertEquals(TargetState.RUNNING, carried.getTargetState());

        // The plan is the decision: the set's decider accepts the item and writes the move's start in default.
        ConnectorCommand change = ConnectorCommand.newBuilder().setCommandId("chg-1").setCluster("east")
                .setConnector(SetDecider.PREFIX + "orders").setIssuedAt(1L)
                .setAction(new ApplySetChange(0L, LABELS, plan.changes())).build();
        SetDecider.SetDecision decided = SetDecider.decide(InMemoryConnectors.CONTROL_PLANE, null, change);
        assertEquals(Outcome.CREATED, decided.outcome(), decided.message());
        assertEquals("default", decided.derived().get(0).getCluster());
        assertEquals(ConnectorMoves.START, decided.derived().get(0).getMove().getStep());

        // Without a source it is a create, as before.
        assertEquals(Action.CREATE, plan(desired(desired, null), null).items().get(0).action());
        assertFalse(plan(desired(desired, null), null).moves());
    }

    @Test
    void theFilesStateIsTheTargetsAndTheSourcesVersionIsPartOfThePlansVersion() {
        Plan paused = plan(desired(SOURCE, TargetState.PAUSED), state("default", SOURCE, TargetState.RUNNING, 4));
        assertEquals("PAUSED", paused.items().get(0).stateTo());
        assertTrue(paused.items().get(0).keys().isEmpty(), "the same config: no key changes");
        Plan later = plan(desired(SOURCE, TargetState.PAUSED), state("default", SOURCE, TargetState.RUNNING, 5));
        assertNotEquals(paused.version(), later.version(), "a change to the source changes the plan's version");
    }

    @Test
    void aMoveTheTargetWouldRefuseOrOfAConnectorMovingAlreadyIsInvalid() {
        Map<String, String> intoTheControlPlane = new TreeMap<>(SOURCE);
        intoTheControlPlane.put("topic", "switchboard.commands");
        Plan refused = plan(desired(intoTheControlPlane, null), state("default", SOURCE, TargetState.RUNNING, 4));
        assertEquals(Action.MOVE, refused.items().get(0).action());
        assertTrue(refused.items().get(0).error().startsWith("Cluster east refused the connector: "), refused.items().get(0).error());
        assertFalse(refused.valid());

        ConnectorState moving = state("default", SOURCE, TargetState.STOPPED, 5, MoveStep.newBuilder()
                .setMoveId("m-1").setStep(ConnectorMoves.START).setFrom("default").setTo("west").setTargetState(TargetState.RUNNING)
                .build(), "m-1", 1L);
        Plan busy = plan(desired(SOURCE, null), moving);
        assertEquals("connector orders-src is moving to cluster west already", busy.items().get(0).error());
        assertFalse(busy.valid());
    }

    @Test
    void aMovesProgressFollowsItsStepsAndSaysWhyItWasRefused() {
        SetItem item = SetItem.newBuilder().setConnector("orders-src").setLabels(LABELS).setConfig(SOURCE).setTargetState(TargetState.RUNNING)
                .setPreviousConfig(SOURCE).setPreviousTargetState(TargetState.RUNNING).setAdopt(false).setFrom("default").build();
        SetChange change = new SetChange("chg-1", 1L, "ci", 10L, null, List.of(item));
        String moveId = SetMoves.moveId("chg-1", "orders-src");
        MoveStep step = MoveStep.newBuilder().setMoveId(moveId).setStep(ConnectorMoves.START).setFrom("default").setTo("east")
                .setTargetState(TargetState.RUNNING).build();
        ConnectorState stopping = state("default", SOURCE, TargetState.STOPPED, 5, step, moveId, 11L);
        assertEquals("pending", SetMoveProgress.of(change, item, "east", null, null, stopping, () -> null).progress());
        assertEquals("move", SetMoveProgress.of(change, item, "east", null, null, stopping, () -> null).action());

        ConnectorState back = state("default", SOURCE, TargetState.RUNNING, 6, null, moveId + ":refused", 12L);
        SetProgress.Item refused = SetMoveProgress.of(change, item, "east", null, null, back,
                () -> "cluster east refused the connector: Connector config refused by policy no-files");
        assertEquals("failed", refused.progress());
        assertTrue(refused.detail().endsWith("cluster east refused the connector: Connector config refused by policy no-files"),
                refused.detail());

        ConnectorState running = state("east", SOURCE, TargetState.RUNNING, 3, null, moveId + ":run", 20L);
        ConnectorObservation shown = ConnectorObservation.newBuilder().setCluster("east").setConnector("orders-src").setObservedAt(30L)
                .setState("RUNNING").setTasks(List.of()).build();
        SetProgress.Item sourceLeft = SetMoveProgress.of(change, item, "east", running, shown, stopping, () -> null);
        assertEquals("pending", sourceLeft.progress(), "running on the target, the source not deleted yet");
        assertTrue(sourceLeft.detail().contains("the source in cluster default is not deleted yet"), sourceLeft.detail());
        SetProgress.Item done = SetMoveProgress.of(change, item, "east", running, shown, null, () -> null);
        assertEquals("converged", done.progress(), done.detail());
    }
}
