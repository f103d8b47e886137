package io.switchboard.rules;

import io.switchboard.schemas.ChangeTargetState;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.DeleteConnector;
import io.switchboard.schemas.ModifyOffsets;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.PatchConnectorConfig;
import io.switchboard.schemas.PutConnectorConfig;
import io.switchboard.schemas.ResetActiveTopics;
import io.switchboard.schemas.RestartConnector;
import io.switchboard.schemas.TargetState;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decider keeps a pipeline's connectors for that pipeline: every write from elsewhere is refused. */
class PipelineOwnershipTest {
    private static final String SINK = "pipeline-p1-sink";
    private static final Map<String, String> OWNED = Map.of("connector.class", "JdbcSink", PipelineOwnership.PIPELINE_ID, "p1");
    private static final Map<String, String> PLAIN = Map.of("connector.class", "FileStreamSource", "topic", "t");

    private static ConnectorState state(String name, Map<String, String> config, TargetState target) {
        return ConnectorState.newBuilder().setCluster("default").setName(name).setConfig(config).setTargetState(target)
                .setVersion(3L).setCreatedAt(1L).setUpdatedAt(2L).setLastCommandId("c0").build();
    }

    private static ConnectorCommand command(String name, Object action, String pipeline) {
        return ConnectorCommand.newBuilder().setCommandId("c1").setCluster("default").setConnector(name).setIssuedAt(10L)
                .setPrincipal("erin").setAction(action).setPipeline(pipeline).build();
    }

    /** Every kind of write a connector can take. */
    private static List<Object> everyWrite() {
        Map<String, String> removeKey = new HashMap<>();
        removeKey.put(PipelineOwnership.PIPELINE_ID, null);
        return List.of(new CreateConnector(OWNED, TargetState.RUNNING, null), new PutConnectorConfig(OWNED),
                new PutConnectorConfig(PLAIN), new PatchConnectorConfig(Map.of("tasks.max", "2"), null), new PatchConnectorConfig(removeKey, null),
                new ChangeTargetState(TargetState.PAUSED), new ChangeTargetState(TargetState.STOPPED), new DeleteConnector(),
                new RestartConnector(true, false, null), new RestartConnector(false, false, 0), new ModifyOffsets(null, true, null, null),
                new ModifyOffsets(null, false, null, null), new ResetActiveTopics());
    }

    @Test
    void everyWriteToAPipelinesConnectorFromElsewhereIsAConflictNamingThePipeline() {
        ConnectorState owned = state(SINK, OWNED, TargetState.STOPPED);
        for (Object action : everyWrite()) {
            for (String issuer : Collections.<String>unmodifiableList(Arrays.asList(null, "p2"))) {
                Decision d = CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, owned, command(SINK, action, issuer));
                String what = action.getClass().getSimpleName() + " from " + issuer;
                assertEquals(Outcome.CONFLICT, d.outcome(), what);
                assertEquals(DecisionReasons.OWNED_BY_PIPELINE, d.reason(), what);
                assertTrue(d.message().contains("pipeline p1"), d.message());
                assertFalse(d.changed(), what);
                assertNull(d.event(), what);
                assertSame(owned, d.next(), "the stored state stays as it was: " + what);
            }
        }
    }

    @Test
    void thePipelineItselfChangesItsConnectorsAsAnyCommandWould() {
        ConnectorState owned = state(SINK, OWNED, TargetState.RUNNING);
        Map<String, String> changed = new HashMap<>(OWNED);
        changed.put("tasks.max", "2");
        assertEquals(Outcome.UPDATED, CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, owned, command(SINK, new PutConnectorConfig(changed), "p1")).outcome());
        assertEquals(Outcome.UPDATED, CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, owned, command(SINK, new ChangeTargetState(TargetState.STOPPED), "p1")).outcome());
        assertEquals(Outcome.UPDATED, CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, owned, command(SINK, new RestartConnector(true, false, null), "p1")).outcome());
        assertEquals(Outcome.UPDATED, CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, owned, command(SINK, new ModifyOffsets(null, true, null, null), "p1")).outcome());
        assertEquals(Outcome.DELETED, CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, owned, command(SINK, new DeleteConnector(), "p1")).outcome());
        assertEquals(Outcome.CREATED, CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, null, command(SINK, new PutConnectorConfig(OWNED), "p1")).outcome());
        assertEquals(Outcome.CREATED, CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, null, command(SINK, new CreateConnector(OWNED, TargetState.RUNNING, null), "p1"))
                .outcome());
    }

    @Test
    void aConfigThatClaimsAPipelineIsRefusedFromAnywhereButThatPipeline() {
        for (Object action : List.of(new CreateConnector(OWNED, TargetState.RUNNING, null), new PutConnectorConfig(OWNED))) {
            Decision d = CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, null, command("innocent", action, null));
            assertEquals(Outcome.REJECTED, d.outcome());
            assertEquals(DecisionReasons.PIPELINE_ID_RESERVED, d.reason());
            assertFalse(d.changed());
            assertEquals(DecisionReasons.PIPELINE_ID_RESERVED,
                    CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, null, command("innocent", action, "p2")).reason(), "nor for another pipeline");
        }
        ConnectorState plain = state("plain", PLAIN, TargetState.RUNNING);
        Decision claimed = CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, plain, command("plain", new PatchConnectorConfig(Map.of(PipelineOwnership.PIPELINE_ID, "p1"), null), null));
        assertEquals(DecisionReasons.PIPELINE_ID_RESERVED, claimed.reason());
        // A pipeline's command must keep its own id in the config.
        assertEquals(DecisionReasons.PIPELINE_ID_RESERVED,
                CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, null, command(SINK, new PutConnectorConfig(PLAIN), "p1")).reason());
    }

    @Test
    void aRestoreWithOffsetsIsAConfigChangeAndMayNotClaimAPipeline() {
        ConnectorState plain = state(SINK, PLAIN, TargetState.STOPPED);
        Decision d = CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, plain, command(SINK, new ModifyOffsets(null, true, OWNED, 4L), null));
        assertEquals(Outcome.REJECTED, d.outcome());
        assertEquals(DecisionReasons.PIPELINE_ID_RESERVED, d.reason());
        assertFalse(d.changed());
        assertSame(plain, d.next());
        assertEquals(DecisionReasons.PIPELINE_ID_RESERVED, PipelineOwnership.refusal(plain,
                command(SINK, new ModifyOffsets(null, true, OWNED, 4L), null)).reason());
        // Without a config, or with one that claims nothing, the rule has nothing to say.
        assertNull(PipelineOwnership.refusal(plain, command(SINK, new ModifyOffsets(null, true, PLAIN, 4L), null)));
        assertNull(PipelineOwnership.refusal(plain, command(SINK, new ModifyOffsets(null, true, null, null), null)));
    }

    @Test
    void aPipelineNeverTakesOverAConnectorMadeElsewhere() {
        ConnectorState squatter = state(SINK, PLAIN, TargetState.RUNNING);
        for (Object action : List.of(new PutConnectorConfig(OWNED), new DeleteConnector(), new ChangeTargetState(TargetState.STOPPED))) {
            Decision d = CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, squatter, command(SINK, action, "p1"));
            assertEquals(Outcome.CONFLICT, d.outcome());
            assertEquals(DecisionReasons.NOT_OWNED_BY_PIPELINE, d.reason());
            assertFalse(d.changed());
        }
    }

    @Test
    void connectorsNoPipelineOwnsAreDecidedAsBefore() {
        ConnectorState plain = state("plain", PLAIN, TargetState.RUNNING);
        assertEquals(Outcome.UPDATED, CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, plain, command("plain", new ChangeTargetState(TargetState.PAUSED), null)).outcome());
        assertEquals(Outcome.DELETED, CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, plain, command("plain", new DeleteConnector(), null)).outcome());
        assertEquals(Outcome.NOT_FOUND, CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, null, command(SINK, new DeleteConnector(), null)).outcome());
        assertNull(PipelineOwnership.refusal(plain, command("plain", new PutConnectorConfig(PLAIN), null)));
    }
}
