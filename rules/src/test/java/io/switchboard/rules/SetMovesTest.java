package io.switchboard.rules;

import io.switchboard.schemas.ApplySetChange;
import io.switchboard.schemas.ChangeTargetState;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.RevertSetChange;
import io.switchboard.schemas.SetConnector;
import io.switchboard.schemas.SetItem;
import io.switchboard.schemas.SetState;
import io.switchboard.schemas.TargetState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A set's change whose item moves a connector here from another cluster writes the move's first
 * step (the source's stop, keyed to it there) and no connector command here; the move's steps
 * carry the set's config, labels and state to the target; a revert of such a change is refused.
 */
class SetMovesTest {
    static {
        // The decider's copying builders load the schemas' classes by name, as the processor's serdes let them.
        org.apache.avro.util.ClassSecurityValidator.setGlobal(org.apache.avro.util.ClassSecurityValidator.composite(
                org.apache.avro.util.ClassSecurityValidator.getGlobal(), c -> c.getName().startsWith("io.switchboard.schemas.")));
    }

    private static final Map<String, String> SOURCE = Map.of("connector.class", "FileStreamSource", "topic", "lines",
            "file", "/tmp/in.txt", "tasks.max", "1");
    private static final Map<String, String> DESIRED = Map.of("connector.class", "FileStreamSource", "topic", "lines",
            "file", "/tmp/in.txt", "tasks.max", "1", "batch.size", "50");

    private static SetItem moveItem(TargetState state) {
        return moveItem(state, "default");
    }

    private static SetItem moveItem(TargetState state, String from) {
        return SetItem.newBuilder().setConnector("orders-src").setLabels(Map.of("team", "orders")).setConfig(DESIRED)
                .setTargetState(state).setPreviousConfig(SOURCE).setPreviousTargetState(TargetState.RUNNING).setAdopt(false)
                .setFrom(from).build();
    }

    private static ConnectorCommand change(String id, long expected, List<SetItem> items) {
        return ConnectorCommand.newBuilder().setCommandId(id).setCluster("east").setConnector(SetDecider.PREFIX + "orders")
                .setPrincipal("ci").setIssuedAt(1000L).setAction(new ApplySetChange(expected, Map.of("team", "orders"), items)).build();
    }

    @Test
    void aMoveItemWritesTheMovesStartKeyedToTheSourceAndNothingOnTheTarget() {
        SetDecider.SetDecision decided = SetDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, null,
                change("chg-1", 0, List.of(moveItem(TargetState.RUNNING))));
        assertEquals(Outcome.CREATED, decided.outcome(), decided.message());
        assertEquals(Map.of("orders-src", Map.of("team", "orders")), decided.next().getManaged(), "the set here manages it");
        assertEquals(1, decided.derived().size());
        ConnectorCommand start = decided.derived().get(0);
        assertEquals("default", start.getCluster(), "keyed to the connector where it is");
        assertEquals("orders-src", start.getConnector());
        assertEquals("chg-1/move:orders-src", start.getCommandId(), "from the change's id and the connector's name");
        assertEquals("move:chg-1/move:orders-src", start.getIdempotencyKey());
        assertEquals("chg-1", start.getRequestId());
        assertEquals("ci", start.getPrincipal());
        assertEquals(new ChangeTargetState(TargetState.STOPPED), start.getAction());
        assertEquals(ConnectorMoves.START, start.getMove().getStep());
        assertEquals("default", start.getMove().getFrom());
        assertEquals("east", start.getMove().getTo());
        assertEquals("orders", start.getMove().getSet());
        assertEquals(DESIRED, start.getMove().getConfig());
        assertEquals(Map.of("team", "orders"), start.getMove().getLabels());
        // Decided again (a replica deciding the change again after an abort): the same command.
        assertEquals(decided.derived(), SetDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, null,
                change("chg-1", 0, List.of(moveItem(TargetState.RUNNING)))).derived());
    }

    @Test
    void theMovesStepsCarryTheSetsConfigLabelsAndStateToTheTarget() {
        ConnectorCommand start = SetDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, null,
                change("chg-1", 0, List.of(moveItem(TargetState.PAUSED)))).derived().get(0);
        ConnectorState source = ConnectorState.newBuilder().setCluster("default").setName("orders-src").setConfig(SOURCE)
                .setTargetState(TargetState.RUNNING).setVersion(3).setCreatedAt(1).setUpdatedAt(2).setLastCommandId("c0")
                .setLabels(Map.of("team", "orders")).build();
        Decision started = CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, source, start);
        assertEquals(Outcome.UPDATED, started.outcome(), started.message());
        assertEquals(TargetState.STOPPED, started.next().getTargetState());
        assertEquals("chg-1/move:orders-src", started.next().getMove().getMoveId());
        assertEquals(TargetState.RUNNING, started.next().getMove().getTargetState(), "what a refusal puts back");
        // The create step (as the processor writes it: the set's config) makes the target with the set's labels.
        ConnectorCommand create = ConnectorCommand.newBuilder().setCommandId("chg-1/move:orders-src:create").setCluster("east")
                .setConnector("orders-src").setIssuedAt(2000L).setAction(new CreateConnector(DESIRED, TargetState.STOPPED, null))
                .setMove(io.switchboard.schemas.MoveStep.newBuilder(started.next().getMove()).setStep(ConnectorMoves.CREATE).build())
                .build();
        Decision created = CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, null, create);
        assertEquals(Outcome.CREATED, created.outcome(), created.message());
        assertEquals(DESIRED, created.next().getConfig());
        assertEquals(Map.of("team", "orders"), created.next().getLabels());
        ConnectorCommand run = ConnectorCommand.newBuilder(create).setCommandId("chg-1/move:orders-src:run")
                .setAction(new ChangeTargetState(TargetState.PAUSED))
                .setMove(io.switchboard.schemas.MoveStep.newBuilder(create.getMove()).setStep(ConnectorMoves.RUN).build()).build();
        Decision ran = CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, created.next(), run);
        assertEquals(TargetState.PAUSED, ran.next().getTargetState(), "the set's state, not the source's");
        assertNull(ran.next().getMove());
        assertEquals(Map.of("team", "orders"), ran.next().getLabels());
    }

    @Test
    void aMoveItemIsCheckedAsACreateHereAndMayNotComeFromItsOwnCluster() {
        SetItem fromHere = moveItem(null, "east");
        SetDecider.SetDecision refused = SetDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, null, change("chg-2", 0, List.of(fromHere)));
        assertEquals(Outcome.REJECTED, refused.outcome());
        assertTrue(refused.message().contains("source cluster is the set's own"), refused.message());
        assertTrue(refused.derived().isEmpty());
    }

    @Test
    void aRevertOfAChangeThatMovedIsRefusedSayingToApplyThePreviousFiles() {
        SetItem other = SetItem.newBuilder().setConnector("other").setLabels(Map.of("team", "orders")).setConfig(SOURCE)
                .setTargetState(TargetState.RUNNING).setPreviousConfig(null).setPreviousTargetState(null).setAdopt(false).build();
        SetState set = SetDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, null,
                change("chg-1", 0, List.of(moveItem(null), other))).next();
        ConnectorCommand revert = ConnectorCommand.newBuilder().setCommandId("rev-1").setCluster("east")
                .setConnector(SetDecider.PREFIX + "orders").setIssuedAt(3000L).setAction(new RevertSetChange("chg-1", 1L)).build();
        SetDecider.SetDecision refused = SetDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, set, revert);
        assertEquals(Outcome.CONFLICT, refused.outcome());
        assertTrue(refused.message().contains("orders-src from default"), refused.message());
        assertTrue(refused.message().contains("apply the previous files"), refused.message());
        assertTrue(refused.derived().isEmpty());
    }

    @Test
    void anItemWithoutASourceIsAsBefore() {
        SetItem create = SetItem.newBuilder().setConnector("orders-src").setLabels(Map.of()).setConfig(DESIRED).setTargetState(null)
                .setPreviousConfig(null).setPreviousTargetState(null).setAdopt(false).setFrom(null).build();
        SetDecider.SetDecision decided = SetDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, null, change("chg-3", 0, List.of(create)));
        assertEquals(1, decided.derived().size());
        assertEquals("east", decided.derived().get(0).getCluster());
        assertInstanceOf(SetConnector.class, decided.derived().get(0).getAction());
    }
}
