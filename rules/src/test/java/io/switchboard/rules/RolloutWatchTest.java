package io.switchboard.rules;

import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.Rollout;
import io.switchboard.schemas.RolloutState;
import io.switchboard.schemas.TaskObservation;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RolloutWatchTest {
    private static final Duration FLAP = Duration.ofHours(1);

    @Test
    void theBatchRunsThenPassesOnceWatchedWithoutAFailure() {
        Rollout canary = canary();
        // Still on the old version: nothing yet.
        assertNull(RolloutWatch.next(canary, Map.of("a", facts(status("RUNNING", "1.0.0", "RUNNING", null), List.of())), 2_000));
        RolloutWatch.Step running = RolloutWatch.next(canary, Map.of("a", facts(status("RUNNING", "2.0.0", "RUNNING", null),
                List.of())), 3_000);
        assertEquals(RolloutDecider.STEP_RUNNING, running.step());
        RolloutState state = RolloutDecider.decide(startState(), RolloutDeciderTest.step("r-1", 0, RolloutDecider.STEP_RUNNING,
                3_000)).next();
        Rollout watching = state.getRollouts().get(0);
        Map<String, RolloutWatch.Facts> healthy = Map.of("a", facts(status("RUNNING", "2.0.0", "RUNNING", null), List.of()));
        assertNull(RolloutWatch.next(watching, healthy, 7_999));
        assertEquals(RolloutDecider.STEP_PASSED, RolloutWatch.next(watching, healthy, 8_000).step());
    }

    @Test
    void aFailedTaskOnTheVersionStopsItWithItsTrace() {
        RolloutWatch.Step step = RolloutWatch.next(canary(), Map.of("a", facts(status("RUNNING", "2.0.0", "FAILED",
                "org.apache.kafka.connect.errors.ConnectException: broke after 3 polls\n\tat Task.poll"), List.of())), 3_000);
        assertEquals(RolloutDecider.STEP_FAILED, step.step());
        assertEquals("task 0 of connector a failed on version 2.0.0: org.apache.kafka.connect.errors.ConnectException: broke after 3 polls",
                step.reason());
    }

    @Test
    void aFailureOnTheOldVersionIsNotTheNewOnes() {
        assertNull(RolloutWatch.next(canary(), Map.of("a", facts(status("RUNNING", "1.0.0", "FAILED", "old"), List.of())), 2_000));
    }

    @Test
    void aFlapSinceTheBatchMovedStopsIt() {
        List<HealthEvent> incidents = List.of(
                HealthEvent.status(1_500, "RUNNING", List.of("FAILED")),
                HealthEvent.status(1_700, "RUNNING", List.of("RUNNING")),
                HealthEvent.status(1_900, "RUNNING", List.of("FAILED")),
                HealthEvent.status(2_100, "RUNNING", List.of("RUNNING")));
        RolloutWatch.Step step = RolloutWatch.next(canary(), Map.of("a", facts(status("RUNNING", "2.0.0", "RUNNING", null), incidents)),
                3_000);
        assertEquals(RolloutDecider.STEP_FAILED, step.step());
        assertTrue(step.reason().contains("flapped"), step.reason());
    }

    @Test
    void aBatchThatNeverRunsTheVersionStopsPastItsGrace() {
        Map<String, RolloutWatch.Facts> old = Map.of("a", facts(status("RUNNING", "1.0.0", "RUNNING", null), List.of()));
        long limit = 1_000 + (5 + RolloutWatch.START_GRACE_SECONDS) * 1000L;
        assertNull(RolloutWatch.next(canary(), old, limit));
        RolloutWatch.Step step = RolloutWatch.next(canary(), old, limit + 1);
        assertEquals(RolloutDecider.STEP_FAILED, step.step());
        assertTrue(step.reason().contains("did not run version 2.0.0"), step.reason());
    }

    @Test
    void aPausedConnectorRunsTheVersionOnceItsConfigAsksIt() {
        ConnectorObservation paused = status("PAUSED", "1.0.0", "PAUSED", null);
        assertNull(RolloutWatch.next(canary(), Map.of("a", new RolloutWatch.Facts(paused, null, "1.0.0")), 2_000));
        assertEquals(RolloutDecider.STEP_RUNNING,
                RolloutWatch.next(canary(), Map.of("a", new RolloutWatch.Facts(paused, null, "2.0.0")), 2_000).step());
    }

    private static RolloutState startState() {
        return RolloutDecider.decide(null, RolloutDeciderTest.start("r-1", "2.0.0", 1, 1, "a", "b")).next();
    }

    private static Rollout canary() {
        return startState().getRollouts().get(0);
    }

    private static RolloutWatch.Facts facts(ConnectorObservation status, List<HealthEvent> incidents) {
        List<HealthEvent> events = new java.util.ArrayList<>(List.of(HealthEvent.created(0, "RUNNING")));
        events.addAll(incidents);
        return new RolloutWatch.Facts(status, HealthWindow.of(events, 1_000, 10_000, FLAP));
    }

    private static ConnectorObservation status(String state, String version, String task, String trace) {
        return ConnectorObservation.newBuilder().setCluster("default").setConnector("a").setObservedAt(1).setState(state)
                .setVersion(version).setTasks(List.of(TaskObservation.newBuilder().setId(0).setState(task).setTrace(trace)
                        .setVersion(version).build())).build();
    }
}
