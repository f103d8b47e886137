package io.switchboard.processor;

import io.switchboard.rules.ConnectorMoves;
import io.switchboard.rules.SetDecider;
import io.switchboard.schemas.ApplySetChange;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.schemas.OffsetsResult;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.SetItem;
import io.switchboard.schemas.SetState;
import io.switchboard.schemas.TargetState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A set's change in cluster east whose item moves a connector the set of the same name manages in
 * default: the change's decision writes the move's start keyed to the connector in default, in its
 * transaction, and the move's own steps take it to east with the set's config, labels and state.
 */
class SetMoveTopologyTest {
    private static final Map<String, String> SOURCE = Map.of("connector.class", "FileStreamSource", "file", "/tmp/in.txt",
            "topic", "lines");
    private static final Map<String, String> DESIRED = Map.of("connector.class", "FileStreamSource", "file", "/tmp/in.txt",
            "topic", "lines", "batch.size", "50");
    private static final String AT_3 = "{\"offsets\":[{\"partition\":{\"filename\":\"/tmp/in.txt\"},\"offset\":{\"position\":3}}]}";
    private static final Map<String, String> LABELS = Map.of("team", "orders");

    private CommandDecision change(TopologyFixture topology, String id, String cluster, long expected, SetItem item) {
        ConnectorCommand command = ConnectorCommand.newBuilder().setCommandId(id).setCluster(cluster)
                .setConnector(SetDecider.PREFIX + "orders").setPrincipal("ci-bot").setIssuedAt(id.equals("chg-a") ? 1_000L : 2_000L)
                .setAction(new ApplySetChange(expected, LABELS, List.of(item))).build();
        topology.commands().pipeInput(cluster + "/" + SetDecider.PREFIX + "orders", command);
        return topology.decisions().readValuesToList().stream().filter(d -> d.getCommandId().equals(id)).findFirst().orElseThrow();
    }

    private static SetItem item(Map<String, String> config, TargetState state, Map<String, String> previous, TargetState previousState,
                                String from) {
        return SetItem.newBuilder().setConnector("orders-src").setLabels(LABELS).setConfig(config).setTargetState(state)
                .setPreviousConfig(previous).setPreviousTargetState(previousState).setAdopt(false).setFrom(from).build();
    }

    private static ConnectorState connector(TopologyFixture topology, String cluster) {
        return topology.<ConnectorState>store(StoreNames.CONNECTORS).get(cluster + "/orders-src");
    }

    private static void observe(TopologyFixture topology, String cluster, ConnectorObservation.Builder observation) {
        topology.observations().pipeInput(cluster + "/orders-src", observation.setCluster(cluster).setConnector("orders-src")
                .setTasks(List.of()).build());
    }

    @Test
    void aSetsChangeMovesItsConnectorWithTheMovesStepsAndTheTargetEndsAsTheSetSays() {
        try (TopologyFixture topology = TopologyFixture.withHistory()) {
            assertEquals(Outcome.CREATED, change(topology, "chg-a", "default", 0, item(SOURCE, TargetState.RUNNING, null, null, null))
                    .getOutcome());
            assertEquals(TargetState.RUNNING, connector(topology, "default").getTargetState());

            CommandDecision moved = change(topology, "chg-b", "east", 0,
                    item(DESIRED, TargetState.PAUSED, SOURCE, TargetState.RUNNING, "default"));
            assertEquals(Outcome.CREATED, moved.getOutcome(), moved.getMessage());
            ConnectorState source = connector(topology, "default");
            assertEquals(TargetState.STOPPED, source.getTargetState(), "the move's start, written in the change's transaction");
            assertEquals("chg-b/move:orders-src", source.getMove().getMoveId());
            assertEquals("east", source.getMove().getTo());
            assertNull(connector(topology, "east"), "nothing on the target before the source's offsets are read stopped");
            SetState east = topology.<SetState>store(StoreNames.SETS).get("east/" + SetDecider.PREFIX + "orders");
            assertEquals(Map.of("orders-src", LABELS), east.getManaged());

            // The start written twice (the change decided again after an abort) changes nothing.
            ConnectorCommand again = SetDecider.commands(ConnectorCommand.newBuilder().setCommandId("chg-b").setCluster("east")
                    .setConnector(SetDecider.PREFIX + "orders").setPrincipal("ci-bot").setIssuedAt(1L)
                    .setAction(new ApplySetChange(0L, LABELS, List.of())).build(),
                    List.of(item(DESIRED, TargetState.PAUSED, SOURCE, TargetState.RUNNING, "default"))).get(0);
            assertEquals(ConnectorMoves.START, again.getMove().getStep());
            topology.commands().pipeInput("default/orders-src", again);
            assertEquals(source.getVersion(), connector(topology, "default").getVersion());

            observe(topology, "default", ConnectorObservation.newBuilder().setObservedAt(5_000).setState("STOPPED").setOffsets(AT_3)
                    .setDetailsObservedAt(5_000L));
            ConnectorState target = connector(topology, "east");
            assertNotNull(target, "created on the target once the source's offsets were read stopped");
            assertEquals(DESIRED, target.getConfig(), "with the set's config, not the source's");
            assertEquals(LABELS, target.getLabels(), "and the set's labels");
            assertEquals(TargetState.STOPPED, target.getTargetState());

            observe(topology, "east", ConnectorObservation.newBuilder().setObservedAt(6_000).setState("STOPPED")
                    .setOffsetsApplied(new OffsetsResult(target.getPendingOffsets().getId(), 200, "altered", "{\"offsets\":[]}", 6_000L)));
            assertEquals(TargetState.PAUSED, connector(topology, "east").getTargetState(), "the set's state, not the source's");
            assertNull(connector(topology, "east").getMove());
            assertEquals("chg-b/move:orders-src:run", connector(topology, "east").getLastCommandId());
            assertNull(connector(topology, "default"), "and the source is gone");
            // The events (the lifecycle topic, the history) name the steps, never the config the move carried.
            List<LifecycleEvent> events = topology.lifecycle().readValuesToList();
            assertTrue(events.stream().anyMatch(e -> e.getMove() != null && e.getMove().getSet() != null), "the set's move's steps");
            events.stream().filter(e -> e.getMove() != null).forEach(e -> assertNull(e.getMove().getConfig(), e.toString()));
        }
    }
}
