package io.switchboard.processor;

import io.switchboard.rules.DecisionReasons;
import io.switchboard.rules.SetDecider;
import io.switchboard.schemas.ApplySetChange;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.RevertSetChange;
import io.switchboard.schemas.SetItem;
import io.switchboard.schemas.SetState;
import io.switchboard.schemas.TargetState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A connector set's change decided whole, and the per-connector commands it writes, through the real topology. */
class SetTopologyTest {
    private static final Map<String, String> A = Map.of("connector.class", "FileStreamSink", "topics", "a");
    private static final Map<String, String> B = Map.of("connector.class", "FileStreamSink", "topics", "b");
    private int sequence;

    private CommandDecision change(TopologyFixture topology, Object action) {
        ConnectorCommand command = ConnectorCommand.newBuilder()
                .setCommandId("change-" + (++sequence))
                .setCluster("default")
                .setConnector(SetDecider.PREFIX + "orders")
                .setPrincipal("ci-bot")
                .setIssuedAt(1_000L * sequence)
                .setAction(action)
                .build();
        topology.commands().pipeInput("default/" + SetDecider.PREFIX + "orders", command);
        List<CommandDecision> out = topology.decisions().readValuesToList();
        CommandDecision set = out.stream().filter(d -> d.getCommandId().equals(command.getCommandId())).findFirst().orElseThrow();
        return set;
    }

    private static SetItem item(String name, Map<String, String> config, TargetState state, Map<String, String> previous,
                                TargetState previousState) {
        return SetItem.newBuilder().setConnector(name).setLabels(Map.of("team", "orders")).setConfig(config).setTargetState(state)
                .setPreviousConfig(previous).setPreviousTargetState(previousState).setAdopt(false).build();
    }

    private static ConnectorState connector(TopologyFixture topology, String name) {
        return topology.<ConnectorState>store(StoreNames.CONNECTORS).get("default/" + name);
    }

    @Test
    void anAcceptedChangeWritesEveryConnectorsCommandAndEachHistoryEntryNamesTheChange() {
        try (TopologyFixture topology = TopologyFixture.withHistory()) {
            CommandDecision decided = change(topology, new ApplySetChange(0L, Map.of("team", "orders"), List.of(
                    item("a", A, TargetState.PAUSED, null, null), item("b", B, null, null, null))));
            assertEquals(Outcome.CREATED, decided.getOutcome());
            assertNull(decided.getState(), "a set's decision carries no connector, so the data plane ignores it");

            assertEquals(TargetState.PAUSED, connector(topology, "a").getTargetState(), "created in the state the set asks");
            assertEquals(TargetState.RUNNING, connector(topology, "b").getTargetState());
            List<LifecycleEvent> events = topology.lifecycle().readValuesToList();
            assertEquals(2, events.size());
            for (LifecycleEvent event : events) {
                assertEquals("change-1", event.getRequestId(), "the event names the change");
                assertEquals("ci-bot", event.getPrincipal(), "and who applied it");
                assertTrue(event.getCommandId().startsWith("change-1/"));
            }
            SetState set = topology.<SetState>store(StoreNames.SETS).get("default/" + SetDecider.PREFIX + "orders");
            assertEquals(1, set.getVersion());
            assertEquals(List.of("a", "b"), List.copyOf(set.getManaged().keySet()));
        }
    }

    @Test
    void aChangePlannedOnAnotherVersionIsRefusedWholeAndWritesNoCommand() {
        try (TopologyFixture topology = TopologyFixture.withHistory()) {
            change(topology, new ApplySetChange(0L, Map.of(), List.of(item("a", A, null, null, null))));
            topology.lifecycle().readValuesToList();
            // Two applies planned on version 0: the first made version 1, the second is refused.
            CommandDecision second = change(topology, new ApplySetChange(0L, Map.of(), List.of(
                    item("a", B, null, A, TargetState.RUNNING), item("c", B, null, null, null))));
            assertEquals(Outcome.CONFLICT, second.getOutcome());
            assertEquals(DecisionReasons.SET_CHANGED_MEANWHILE, second.getReason());
            assertTrue(topology.lifecycle().readValuesToList().isEmpty(), "no connector changed");
            assertEquals(A, connector(topology, "a").getConfig());
            assertNull(connector(topology, "c"));
        }
    }

    @Test
    void oneInvalidItemRefusesTheWholeChange() {
        try (TopologyFixture topology = TopologyFixture.withHistory()) {
            CommandDecision decided = change(topology, new ApplySetChange(0L, Map.of(), List.of(
                    item("a", A, null, null, null), item("b", Map.of("topics", "b"), null, null, null))));
            assertEquals(Outcome.REJECTED, decided.getOutcome());
            assertEquals("b: the config names no connector class", decided.getMessage());
            assertNull(connector(topology, "a"), "the valid item was not applied either");
            assertNull(topology.<SetState>store(StoreNames.SETS).get("default/" + SetDecider.PREFIX + "orders"));
        }
    }

    @Test
    void pruneDeletesOnlyWhatTheSetManagesAndARevertRestoresEveryItem() {
        try (TopologyFixture topology = TopologyFixture.withHistory()) {
            topology.decide("hand-made", new CreateConnector(B, TargetState.RUNNING, null), null);
            change(topology, new ApplySetChange(0L, Map.of(), List.of(item("a", A, null, null, null))));
            CommandDecision notOurs = change(topology, new ApplySetChange(1L, Map.of(), List.of(item("hand-made", null, null, B,
                    TargetState.RUNNING))));
            assertEquals(Outcome.REJECTED, notOurs.getOutcome());
            assertTrue(connector(topology, "hand-made") != null, "a connector the set did not create or adopt is never pruned");

            CommandDecision pruned = change(topology, new ApplySetChange(1L, Map.of(), List.of(
                    item("a", null, null, A, TargetState.RUNNING), item("b", B, TargetState.STOPPED, null, null))));
            assertEquals(Outcome.UPDATED, pruned.getOutcome());
            assertNull(connector(topology, "a"));
            assertEquals(TargetState.STOPPED, connector(topology, "b").getTargetState());

            CommandDecision reverted = change(topology, new RevertSetChange(pruned.getCommandId(), 2L));
            assertEquals(Outcome.UPDATED, reverted.getOutcome());
            assertEquals(A, connector(topology, "a").getConfig(), "the pruned connector is back");
            assertNull(connector(topology, "b"), "the created one is gone");
            SetState set = topology.<SetState>store(StoreNames.SETS).get("default/" + SetDecider.PREFIX + "orders");
            assertEquals(3, set.getVersion());
            assertEquals(pruned.getCommandId(), set.getChanges().get(set.getChanges().size() - 1).getRevertOf());
            assertEquals(List.of("a"), List.copyOf(set.getManaged().keySet()));
        }
    }
}
