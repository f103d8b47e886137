package io.switchboard.processor;

import io.switchboard.rules.DecisionReasons;
import io.switchboard.schemas.ApplySetChange;
import io.switchboard.schemas.ChangeTargetState;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorPolicy;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.HistoryEntry;
import io.switchboard.schemas.DeletePolicy;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.PolicyAction;
import io.switchboard.schemas.PolicySpec;
import io.switchboard.schemas.PolicyValidation;
import io.switchboard.schemas.PutPolicy;
import io.switchboard.schemas.SetItem;
import io.switchboard.schemas.TargetState;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * User policies stored by policy commands on the command topic, written to the global stores the
 * API reads and, as {@code PolicyInForce} records on the command topic, to each partition's own
 * copy, which the decider of every connector's command reads.
 */
class UserPolicyTopologyTest {
    private static final String SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector";
    private final TopologyFixture fixture = TopologyFixture.withoutHistory();

    @AfterEach
    void close() {
        fixture.close();
    }

    private static PutPolicy put(PolicyAction action, String expression, String message) {
        return new PutPolicy(PolicySpec.newBuilder().setAction(action).setMatchClasses(List.of("*FileStream*"))
                .setValidations(List.of(new PolicyValidation(expression, message))).build());
    }

    private static CreateConnector create(String topic, String tasks) {
        return new CreateConnector(Map.of("connector.class", SOURCE, "file", "/tmp/x", "topic", topic, "tasks.max", tasks),
                TargetState.RUNNING, null);
    }

    private static final String TASKS = "int(connector.config[?'tasks.max'].orValue('1')) <= 2";

    @Test
    void aDenyPolicyRefusesACreateNamingItAndTheDecisionRecordsTheVersionItWasCheckedAgainst() {
        assertEquals(Outcome.CREATED, fixture.decide("{policy}tasks", put(PolicyAction.DENY, "true", "v1"), null).getOutcome());
        CommandDecision v2 = fixture.decide("{policy}tasks", put(PolicyAction.DENY, TASKS, "at most 2 tasks"), null);
        assertEquals(Outcome.UPDATED, v2.getOutcome());
        assertEquals(Map.of("tasks", 2L), v2.getPolicyVersions());

        CommandDecision refused = fixture.decide("big", create("orders", "8"), null);
        assertEquals(Outcome.REJECTED, refused.getOutcome());
        assertEquals(DecisionReasons.REFUSED_BY_POLICY, refused.getReason());
        assertEquals("Connector config refused by policy tasks: at most 2 tasks", refused.getMessage());
        assertEquals(Map.of("tasks", 2L), refused.getPolicyVersions());
        assertNull(fixture.<ConnectorState>store(StoreNames.CONNECTORS).get("default/big"));

        CommandDecision created = fixture.decide("small", create("orders", "2"), null);
        assertEquals(Outcome.CREATED, created.getOutcome());
        assertEquals(Map.of("tasks", 2L), created.getPolicyVersions());

        // Both versions kept, who and when; the one in force on every replica's global store.
        KeyValueStore<String, ConnectorPolicy> versions = fixture.store(StoreNames.POLICY_VERSIONS);
        assertEquals(1L, versions.get("default/tasks/0000000000000000001").getVersion());
        ConnectorPolicy second = versions.get("default/tasks/0000000000000000002");
        assertEquals("alice", second.getPrincipal());
        assertEquals("at most 2 tasks", second.getSpec().getValidations().get(0).getMessage());
        assertEquals(2L, fixture.<ConnectorPolicy>store(StoreNames.POLICIES).get("default/tasks").getVersion());
        assertEquals(2L, fixture.<ConnectorPolicy>store(StoreNames.POLICIES_IN_FORCE).get("default/tasks").getVersion());
    }

    @Test
    void aWarnPolicyAcceptsAndRecordsTheWarningOnTheLifecycleTopic() {
        fixture.decide("{policy}prefix", put(PolicyAction.WARN, "connector.name.startsWith('team-a-')", "names start with team-a-"), null);
        CommandDecision created = fixture.decide("orders", create("orders", "1"), null);
        assertEquals(Outcome.CREATED, created.getOutcome());
        assertEquals(List.of("prefix: names start with team-a-"), created.getWarnings());
        List<LifecycleEvent> events = fixture.lifecycle().readValuesToList();
        assertEquals(List.of("prefix: names start with team-a-"), events.get(events.size() - 1).getPolicyWarnings());
    }

    @Test
    void aConnectorBreakingAPolicyAddedLaterKeepsRunningAndADeletedPolicyIsNoLongerInForce() {
        assertEquals(Outcome.CREATED, fixture.decide("big", create("orders", "8"), null).getOutcome());
        fixture.decide("{policy}tasks", put(PolicyAction.DENY, TASKS, "at most 2 tasks"), null);
        assertEquals(Outcome.UPDATED, fixture.decide("big", new ChangeTargetState(TargetState.PAUSED), null).getOutcome());
        assertNotNull(fixture.<ConnectorState>store(StoreNames.CONNECTORS).get("default/big"));

        assertEquals(Outcome.DELETED, fixture.decide("{policy}tasks", new DeletePolicy(), null).getOutcome());
        assertNull(fixture.<ConnectorPolicy>store(StoreNames.POLICIES_IN_FORCE).get("default/tasks"));
        CommandDecision after = fixture.decide("bigger", create("orders", "9"), null);
        assertEquals(Outcome.CREATED, after.getOutcome());
        assertTrue(after.getPolicyVersions().isEmpty(), after.getPolicyVersions().toString());
    }

    @Test
    void eachHistoryEntryRecordsThePolicyVersionsItsChangeWasCheckedAgainst() {
        try (TopologyFixture withHistory = TopologyFixture.withHistory()) {
            withHistory.decide("{policy}tasks", put(PolicyAction.DENY, "true", "v1"), null);
            withHistory.decide("{policy}tasks", put(PolicyAction.DENY, TASKS, "at most 2 tasks"), null);
            withHistory.decide("{policy}prefix", put(PolicyAction.WARN, "connector.name.startsWith('team-a-')", "team-a- first"), null);
            assertEquals(Outcome.CREATED, withHistory.decide("orders", create("orders", "1"), null).getOutcome());
            assertEquals(Outcome.UPDATED, withHistory.decide("orders", new ChangeTargetState(TargetState.PAUSED), null).getOutcome());

            List<HistoryEntry> entries = HistoryLayout.read(withHistory.<ConnectorHistory>store(StoreNames.HISTORY), "default/orders")
                    .getEntries();
            assertEquals(Map.of("tasks", 2L, "prefix", 1L), entries.get(0).getPolicyVersions());
            assertEquals(List.of("prefix: team-a- first"), entries.get(0).getPolicyWarnings());
            // A target state change stores no config: no policy checks it.
            assertEquals(Map.of(), entries.get(1).getPolicyVersions());
            List<LifecycleEvent> events = withHistory.lifecycle().readValuesToList();
            assertTrue(events.stream().anyMatch(e -> Map.of("tasks", 2L, "prefix", 1L).equals(e.getPolicyVersions())), events.toString());
        }
    }

    @Test
    void aBadExpressionIsRefusedAndNothingIsStored() {
        CommandDecision refused = fixture.decide("{policy}bad", put(PolicyAction.DENY, "connector.config[", "m"), null);
        assertEquals(Outcome.REJECTED, refused.getOutcome());
        assertTrue(refused.getMessage().startsWith("validations[0].expression does not compile: "), refused.getMessage());
        assertNull(fixture.<ConnectorPolicy>store(StoreNames.POLICIES).get("default/bad"));
    }

    @Test
    void aSetChangeWithAnItemBreakingAPolicyIsRefusedWholeNamingTheItemAndThePolicy() {
        fixture.decide("{policy}tasks", put(PolicyAction.DENY, TASKS, "at most 2 tasks"), null);
        SetItem good = SetItem.newBuilder().setConnector("a").setLabels(Map.of()).setConfig(create("orders", "1").getConfig())
                .setTargetState(null).setPreviousConfig(null).setPreviousTargetState(null).setAdopt(false).build();
        SetItem bad = SetItem.newBuilder().setConnector("b").setLabels(Map.of()).setConfig(create("orders", "5").getConfig())
                .setTargetState(null).setPreviousConfig(null).setPreviousTargetState(null).setAdopt(false).build();
        CommandDecision decision = fixture.decide("{set}s", new ApplySetChange(0L, Map.of(), List.of(good, bad)), null);
        assertEquals(Outcome.REJECTED, decision.getOutcome());
        assertEquals("b: Connector config refused by policy tasks: at most 2 tasks", decision.getMessage());
        assertNull(fixture.<ConnectorState>store(StoreNames.CONNECTORS).get("default/a"));
    }
}
