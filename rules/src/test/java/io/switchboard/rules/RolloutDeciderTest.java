package io.switchboard.rules;

import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.PatchConnectorConfig;
import io.switchboard.schemas.Rollout;
import io.switchboard.schemas.RolloutState;
import io.switchboard.schemas.RolloutStep;
import io.switchboard.schemas.RolloutTarget;
import io.switchboard.schemas.StartRollout;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RolloutDeciderTest {
    private static final String CLASS = "com.example.Source";

    @Test
    void aStartMovesTheCanaryAloneAndRemembersEachConnectorsVersion() {
        RolloutDecider.RolloutDecision started = RolloutDecider.decide(null, start("r-1", "2.0.0", 1, 2, "a", "b", "c", "d"));
        assertEquals(Outcome.CREATED, started.outcome());
        Rollout rollout = started.next().getRollouts().get(0);
        assertEquals(RolloutDecider.CANARY, rollout.getState());
        assertEquals(List.of(0, 1, 1, 2), rollout.getConnectors().stream().map(c -> c.getBatch()).toList());
        assertEquals(1, started.derived().size());
        ConnectorCommand patch = started.derived().get(0);
        assertEquals("a", patch.getConnector());
        assertEquals("r-1/move/a", patch.getCommandId());
        assertEquals("r-1", patch.getRequestId());
        assertEquals(Map.of(RolloutDecider.VERSION_KEY, "2.0.0"), ((PatchConnectorConfig) patch.getAction()).getPatch());
        assertNull(((PatchConnectorConfig) patch.getAction()).getBaseVersion());
    }

    @Test
    void aSecondRolloutOfTheClassIsRefusedWhileOneIsUnderWay() {
        RolloutState state = RolloutDecider.decide(null, start("r-1", "2.0.0", 1, 2, "a", "b")).next();
        RolloutDecider.RolloutDecision second = RolloutDecider.decide(state, start("r-2", "2.1.0", 1, 2, "a", "b"));
        assertEquals(Outcome.CONFLICT, second.outcome());
        assertEquals(DecisionReasons.ROLLOUT_UNDER_WAY, second.reason());
        assertTrue(second.message().contains("r-1"), second.message());
        assertTrue(second.derived().isEmpty());
        assertEquals(state, second.next());
    }

    @Test
    void theBoundsRefuseAStartWhole() {
        assertEquals(Outcome.REJECTED, RolloutDecider.decide(null, start("r", "2.0.0", 0, 2, "a")).outcome());
        assertEquals(Outcome.REJECTED, RolloutDecider.decide(null, start("r", "2.0.0", 2, 2, "a")).outcome());
        assertEquals(Outcome.REJECTED, RolloutDecider.decide(null, start("r", "2.0.0", 1, 101, "a")).outcome());
        assertEquals(Outcome.REJECTED, RolloutDecider.decide(null, start("r", "2.0.0", 1, 1, "a", "a")).outcome());
        ConnectorCommand noWatch = start("r", "2.0.0", 1, 1, "a");
        ((StartRollout) noWatch.getAction()).setWatchSeconds(0);
        assertEquals(Outcome.REJECTED, RolloutDecider.decide(null, noWatch).outcome());
        List<String> many = new ArrayList<>();
        for (int i = 0; i <= RolloutDecider.MAX_CONNECTORS; i++) {
            many.add("c" + i);
        }
        assertNotNull(RolloutDecider.problem((StartRollout) start("r", "2.0.0", 1, 1, many.toArray(String[]::new)).getAction()));
    }

    @Test
    void aPassedBatchMovesTheNextAndTheLastMakesItDone() {
        RolloutState state = RolloutDecider.decide(null, start("r-1", "2.0.0", 1, 2, "a", "b", "c")).next();
        state = decided(state, step("r-1", 0, RolloutDecider.STEP_RUNNING, 10_000), Outcome.UPDATED, 0).next();
        assertEquals(RolloutDecider.WATCHING, state.getRollouts().get(0).getState());
        // Before its watch is over, passed changes nothing.
        decided(state, step("r-1", 0, RolloutDecider.STEP_PASSED, 12_000), Outcome.UNCHANGED, 0);
        RolloutDecider.RolloutDecision promoted = decided(state, step("r-1", 0, RolloutDecider.STEP_PASSED, 15_000), Outcome.UPDATED, 2);
        assertEquals(List.of("b", "c"), promoted.derived().stream().map(ConnectorCommand::getConnector).toList());
        state = promoted.next();
        assertEquals(RolloutDecider.PROMOTING, state.getRollouts().get(0).getState());
        assertEquals(1, state.getRollouts().get(0).getCurrentBatch());
        // A step of a batch gone by (another replica's, sent again) changes nothing.
        decided(state, step("r-1", 0, RolloutDecider.STEP_FAILED, 16_000), Outcome.UNCHANGED, 0);
        state = decided(state, step("r-1", 1, RolloutDecider.STEP_RUNNING, 20_000), Outcome.UPDATED, 0).next();
        state = decided(state, step("r-1", 1, RolloutDecider.STEP_PASSED, 25_000), Outcome.UPDATED, 0).next();
        Rollout done = state.getRollouts().get(0);
        assertEquals(RolloutDecider.DONE, done.getState());
        assertEquals(25_000L, done.getFinishedAt());
        // Done, the class may be rolled out again.
        assertEquals(Outcome.CREATED, RolloutDecider.decide(state, start("r-2", "2.1.0", 1, 1, "a")).outcome());
    }

    @Test
    void aFailureRollsEveryMovedConnectorBackToTheVersionItHad() {
        RolloutState state = RolloutDecider.decide(null, start("r-1", "2.0.0", 1, 1, "a", "b", "c")).next();
        state = decided(state, step("r-1", 0, RolloutDecider.STEP_RUNNING, 10_000), Outcome.UPDATED, 0).next();
        state = decided(state, step("r-1", 0, RolloutDecider.STEP_PASSED, 15_000), Outcome.UPDATED, 1).next();
        RolloutDecider.RolloutDecision failed = decided(state, failure("r-1", 1, "task 0 failed"), Outcome.UPDATED, 2);
        Rollout rollout = failed.next().getRollouts().get(0);
        assertEquals(RolloutDecider.ROLLED_BACK, rollout.getState());
        assertEquals("task 0 failed", rollout.getReason());
        Map<String, Map<String, String>> back = new HashMap<>();
        failed.derived().forEach(c -> back.put(c.getConnector(), ((PatchConnectorConfig) c.getAction()).getPatch()));
        // a had 1.0.0; b had no version key: it is removed again.
        assertEquals("1.0.0", back.get("a").get(RolloutDecider.VERSION_KEY));
        assertTrue(back.get("b").containsKey(RolloutDecider.VERSION_KEY) && back.get("b").get(RolloutDecider.VERSION_KEY) == null);
        assertTrue(failed.derived().stream().allMatch(c -> c.getCommandId().startsWith("r-1/back/")));
        // Finished: a failure sent again changes nothing.
        decided(failed.next(), failure("r-1", 1, "again"), Outcome.UNCHANGED, 0);
    }

    @Test
    void theClusterKeepsItsLatestFinishedRollouts() {
        RolloutState state = null;
        for (int i = 0; i < RolloutDecider.KEPT_FINISHED + 3; i++) {
            state = RolloutDecider.decide(state, start("r-" + i, "2.0.0", 1, 1, "a")).next();
            state = RolloutDecider.decide(state, failure("r-" + i, 0, "no")).next();
        }
        assertEquals(RolloutDecider.KEPT_FINISHED, state.getRollouts().size());
        assertEquals("r-3", state.getRollouts().get(0).getId());
    }

    private static RolloutDecider.RolloutDecision decided(RolloutState state, ConnectorCommand command, Outcome outcome, int patches) {
        RolloutDecider.RolloutDecision decision = RolloutDecider.decide(state, command);
        assertEquals(outcome, decision.outcome(), String.valueOf(decision.message()));
        assertEquals(patches, decision.derived().size(), decision.derived().toString());
        return decision;
    }

    static ConnectorCommand start(String id, String version, int canary, int batch, String... connectors) {
        List<RolloutTarget> targets = new ArrayList<>();
        for (int i = 0; i < connectors.length; i++) {
            targets.add(new RolloutTarget(connectors[i], i % 2 == 0 ? "1.0.0" : null));
        }
        return command(id, new StartRollout(CLASS, version, canary, batch, 5, targets), 1_000);
    }

    static ConnectorCommand step(String id, int batch, String step, long at) {
        return command(id + "/step/" + batch + "/" + step, new RolloutStep(id, batch, step, null), at);
    }

    private static ConnectorCommand failure(String id, int batch, String reason) {
        return command(id + "/step/" + batch + "/failed", new RolloutStep(id, batch, RolloutDecider.STEP_FAILED, reason), 30_000);
    }

    private static ConnectorCommand command(String id, Object action, long at) {
        return ConnectorCommand.newBuilder().setCommandId(id).setCluster("default").setConnector(RolloutDecider.KEY_NAME)
                .setPrincipal("alice").setIssuedAt(at).setAction(action).build();
    }
}
