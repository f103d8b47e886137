package io.switchboard.rules;

import io.switchboard.schemas.ChangeTargetState;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.DeleteConnector;
import io.switchboard.schemas.ModifyOffsets;
import io.switchboard.schemas.OffsetsRequest;
import io.switchboard.schemas.OffsetsResult;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.TargetState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Offsets change only while the connector is stopped, one request at a time, and the decider alone
 * says so: a connector resumed or paused before the data plane has answered a change asked of it
 * while stopped keeps the change, which now stops it first, so the data plane has no rule of its own
 * to apply.
 */
class OffsetsRequestRulesTest {
    private static final Map<String, String> CONFIG = Map.of("connector.class", "FileStreamSource", "topic", "t");
    private static final String OFFSETS = "{\"offsets\":[{\"partition\":{\"filename\":\"/tmp/in\"},\"offset\":{\"position\":0}}]}";

    private static ConnectorState stopped() {
        return ConnectorState.newBuilder().setCluster("default").setName("c").setConfig(CONFIG).setTargetState(TargetState.STOPPED)
                .setVersion(3L).setCreatedAt(1L).setUpdatedAt(2L).setLastCommandId("c0").build();
    }

    private static ConnectorCommand command(String id, Object action) {
        return ConnectorCommand.newBuilder().setCommandId(id).setCluster("default").setConnector("c").setIssuedAt(10L)
                .setPrincipal("erin").setAction(action).build();
    }

    private static ConnectorObservation answered(String requestId) {
        return ConnectorObservation.newBuilder().setCluster("default").setConnector("c").setObservedAt(20L).setState("STOPPED")
                .setTasks(List.of()).setOffsetsApplied(new OffsetsResult(requestId, 200, "altered", null, 20L)).build();
    }

    /** The stopped connector with a change of its offsets asked (not stopping it first). */
    private static ConnectorState asked() {
        Decision asked = CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, stopped(), null, command("offsets-1", new ModifyOffsets(OFFSETS, false, null, null)));
        assertEquals(Outcome.UPDATED, asked.outcome());
        assertFalse(asked.next().getPendingOffsets().getStopFirst());
        return asked.next();
    }

    @Test
    void aConnectorResumedBeforeTheChangeIsAnsweredStaysStoppedForIt() {
        ConnectorState asked = asked();
        for (TargetState target : List.of(TargetState.RUNNING, TargetState.PAUSED)) {
            Decision resumed = CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, asked, null, command("resume", new ChangeTargetState(target)));
            assertEquals(Outcome.UPDATED, resumed.outcome(), target.name());
            assertEquals(target, resumed.next().getTargetState());
            OffsetsRequest kept = resumed.next().getPendingOffsets();
            assertEquals("offsets-1", kept.getId(), "the same request: the caller waiting for its answer gets it");
            assertEquals(OFFSETS, kept.getOffsets());
            assertEquals("erin", kept.getPrincipal());
            assertEquals(10L, kept.getRequestedAt());
            assertTrue(kept.getStopFirst(), "the data plane keeps it stopped until the worker has answered the change: " + target);
            // An answer from another request does not end this one.
            Decision otherAnswer = CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, asked, answered("offsets-0"), command("resume", new ChangeTargetState(target)));
            assertTrue(otherAnswer.next().getPendingOffsets().getStopFirst(), target.name());
        }
    }

    @Test
    void aConnectorResumedOnceTheChangeIsAnsweredGoesStraightToItsTarget() {
        ConnectorState asked = asked();
        Decision resumed = CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, asked, answered("offsets-1"), command("resume", new ChangeTargetState(TargetState.RUNNING)));
        assertEquals(Outcome.UPDATED, resumed.outcome());
        assertEquals(TargetState.RUNNING, resumed.next().getTargetState());
        assertSame(asked.getPendingOffsets(), resumed.next().getPendingOffsets(), "the request is done: kept as it was");
        assertFalse(resumed.next().getPendingOffsets().getStopFirst());
    }

    @Test
    void anotherOffsetsRequestWaitsForTheFirstToBeAnswered() {
        ConnectorState asked = asked();
        for (ModifyOffsets another : List.of(new ModifyOffsets(null, false, null, null), new ModifyOffsets(OFFSETS, true, null, null))) {
            Decision second = CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, asked, null, command("offsets-2", another));
            assertEquals(Outcome.CONFLICT, second.outcome(), another.toString());
            assertEquals(DecisionReasons.OFFSETS_REQUEST_PENDING, second.reason());
            assertFalse(second.changed());
            assertSame(asked, second.next(), "the first request stays the pending one");
        }
        Decision afterAnswer = CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, asked, answered("offsets-1"), command("offsets-2", new ModifyOffsets(null, false, null, null)));
        assertEquals(Outcome.UPDATED, afterAnswer.outcome());
        assertEquals("offsets-2", afterAnswer.next().getPendingOffsets().getId());
    }

    @Test
    void stoppingAgainOrDeletingIsNotHeldUp() {
        ConnectorState asked = asked();
        Decision stop = CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, asked, null, command("stop", new ChangeTargetState(TargetState.STOPPED)));
        assertEquals(Outcome.UNCHANGED, stop.outcome());
        assertSame(asked, stop.next());
        Decision deleted = CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, asked, null, command("delete", new DeleteConnector()));
        assertEquals(Outcome.DELETED, deleted.outcome());
        assertNull(deleted.next());
    }
}
