package io.switchboard.processor;

import io.switchboard.rules.RolloutDecider;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.ConnectorTimeline;
import io.switchboard.schemas.HistoryEntry;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.RolloutChange;
import io.switchboard.schemas.RolloutState;
import io.switchboard.schemas.RolloutStep;
import io.switchboard.schemas.RolloutTarget;
import io.switchboard.schemas.StartRollout;
import io.switchboard.schemas.TargetState;
import io.switchboard.schemas.TimelineEntry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A rollout through the real topology: its start stored in the rollouts store and the canary's
 * patch written and decided after it, naming the rollout in the connector's lifecycle event; a
 * failed step rolls the canary back in its own transaction, the other connector never touched. Each
 * patch says which step of the rollout it is (and the rollback why) in the connector's lifecycle
 * event, its history entry and its timeline.
 */
class RolloutTopologyTest {
    private static final String KEY = "default/" + RolloutDecider.KEY_NAME;

    @Test
    void theCanaryMovesAndAFailureMovesItBackTheOthersUntouched() {
        try (TopologyFixture topology = TopologyFixture.withHistoryAndTimelines()) {
            for (String name : List.of("a", "b")) {
                topology.commands().pipeInput("default/" + name, command("create-" + name, name, new CreateConnector(Map.of(
                        "connector.class", "FileStreamSink", "topics", "t", RolloutDecider.VERSION_KEY, "1.0.0"), TargetState.RUNNING,
                        null), 1_000));
            }
            topology.lifecycle().readValuesToList();
            topology.decisions().readValuesToList();

            CommandDecision started = decide(topology, command("r-1", RolloutDecider.KEY_NAME, new StartRollout("FileStreamSink",
                    "2.0.0", 1, 1, 5, List.of(new RolloutTarget("a", "1.0.0"), new RolloutTarget("b", "1.0.0"))), 2_000));
            assertEquals(Outcome.CREATED, started.getOutcome());
            assertEquals("2.0.0", connector(topology, "a").getConfig().get(RolloutDecider.VERSION_KEY));
            assertEquals(1L, connector(topology, "b").getVersion());
            List<LifecycleEvent> moved = topology.lifecycle().readValuesToList();
            assertEquals(1, moved.size());
            assertEquals("r-1/move/a", moved.get(0).getCommandId());
            assertEquals("r-1", moved.get(0).getRequestId(), "the connector's event names the rollout");
            assertEquals("alice", moved.get(0).getPrincipal());
            // The event says which step of which rollout it is.
            RolloutChange move = moved.get(0).getRollout();
            assertEquals(new RolloutChange("r-1", RolloutDecider.STEP_MOVE, "FileStreamSink", 0, "2.0.0", null), move,
                    "the canary's event names its rollout step");

            // A second rollout of the class while this one is under way.
            CommandDecision second = decide(topology, command("r-2", RolloutDecider.KEY_NAME, new StartRollout("FileStreamSink",
                    "2.1.0", 1, 1, 5, List.of(new RolloutTarget("b", "1.0.0"))), 2_500));
            assertEquals(Outcome.CONFLICT, second.getOutcome());

            CommandDecision failed = decide(topology, command("r-1/step/0/failed", RolloutDecider.KEY_NAME,
                    new RolloutStep("r-1", 0, RolloutDecider.STEP_FAILED, "task 0 failed"), 3_000));
            assertEquals(Outcome.UPDATED, failed.getOutcome());
            assertEquals("1.0.0", connector(topology, "a").getConfig().get(RolloutDecider.VERSION_KEY));
            assertEquals(3L, connector(topology, "a").getVersion());
            assertEquals(1L, connector(topology, "b").getVersion(), "b was never reconfigured");
            RolloutState state = topology.<RolloutState>store(StoreNames.ROLLOUTS).get(KEY);
            assertEquals(RolloutDecider.ROLLED_BACK, state.getRollouts().get(0).getState());
            assertEquals("task 0 failed", state.getRollouts().get(0).getReason());

            // The rollback is on the lifecycle topic, in the history and on the timeline of the connector it touched, with why.
            List<LifecycleEvent> back = topology.lifecycle().readValuesToList();
            assertEquals(List.of("a"), back.stream().map(LifecycleEvent::getConnector).toList());
            assertEquals(new RolloutChange("r-1", RolloutDecider.STEP_BACK, "FileStreamSink", 0, "1.0.0", "task 0 failed"),
                    back.get(0).getRollout());
            List<HistoryEntry> history = HistoryLayout.read(topology.store(StoreNames.HISTORY), "default/a").getEntries();
            assertEquals(List.of("r-1/move/a", "r-1/back/a"), history.stream().filter(e -> e.getRollout() != null)
                    .map(HistoryEntry::getCommandId).toList());
            assertEquals("task 0 failed", history.get(history.size() - 1).getRollout().getReason());
            assertEquals(List.of(), HistoryLayout.read(topology.store(StoreNames.HISTORY), "default/b").getEntries().stream()
                    .filter(e -> e.getRollout() != null).toList(), "b is in no step of the rollout");
            List<TimelineEntry> timeline = topology.<ConnectorTimeline>store(StoreNames.TIMELINE).get("default/a").getEntries();
            assertEquals(List.of("rollout r-1 of FileStreamSink moved it to version 2.0.0 (canary)",
                    "rollout r-1 of FileStreamSink put it back on version 1.0.0: task 0 failed"), timeline.stream()
                    .filter(e -> Timeline.ROLLOUT_KIND.equals(e.getKind())).map(TimelineEntry::getDetail).toList());
        }
    }

    private static CommandDecision decide(TopologyFixture topology, ConnectorCommand command) {
        topology.commands().pipeInput("default/" + command.getConnector(), command);
        return topology.decisions().readValuesToList().stream().filter(d -> d.getCommandId().equals(command.getCommandId()))
                .findFirst().orElseThrow();
    }

    private static ConnectorState connector(TopologyFixture topology, String name) {
        return topology.<ConnectorState>store(StoreNames.CONNECTORS).get("default/" + name);
    }

    private static ConnectorCommand command(String id, String connector, Object action, long at) {
        return ConnectorCommand.newBuilder().setCommandId(id).setCluster("default").setConnector(connector).setPrincipal("alice")
                .setIssuedAt(at).setAction(action).build();
    }
}
