package io.switchboard.core;

import io.switchboard.core.DesiredState.Connector;
import io.switchboard.core.DesiredState.SetScope;
import io.switchboard.core.SetPlanner.Action;
import io.switchboard.core.SetPlanner.Desired;
import io.switchboard.core.SetPlanner.Plan;
import io.switchboard.rules.SetDecider;
import io.switchboard.rules.UserPolicies;
import io.switchboard.schemas.ApplySetChange;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorPolicy;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.PolicyAction;
import io.switchboard.schemas.PolicySpec;
import io.switchboard.schemas.PolicyValidation;
import io.switchboard.schemas.SetState;
import io.switchboard.schemas.TargetState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A set's plan is the decision: an item the plan finds no problem with is one the set's decider
 * accepts, and an item it refuses is refused by the decider with the same words, whoever issues
 * the change and whatever the user policies look at (the principal, the old config, its labels).
 */
class SetPlanMatchesDecisionTest {
    private static final SetScope ORDERS = new SetScope("orders", "default", Map.of("team", "orders"));
    private static final Map<String, String> LABELS = Map.of("team", "orders");
    private static final Map<String, String> A = Map.of("connector.class", "X", "topic", "a", "tasks.max", "8");

    private static ConnectorPolicy deny(String name, String expression) {
        PolicySpec spec = PolicySpec.newBuilder().setAction(PolicyAction.DENY)
                .setValidations(List.of(new PolicyValidation(expression, name + " says no"))).build();
        return ConnectorPolicy.newBuilder().setCluster("default").setName(name).setVersion(1).setSpec(spec)
                .setChangedAt(1L).setCommandId("p-" + name).build();
    }

    private static ConnectorState state(String name, Map<String, String> config, Map<String, String> labels) {
        return ConnectorState.newBuilder().setCluster("default").setName(name).setConfig(new TreeMap<>(config))
                .setLabels(new TreeMap<>(labels)).setTargetState(TargetState.RUNNING)
                .setVersion(1).setCreatedAt(1L).setUpdatedAt(1L).setLastCommandId("c1").build();
    }

    private static SetState managing(String... names) {
        Map<String, Map<String, String>> managed = new TreeMap<>();
        for (String name : names) {
            managed.put(name, LABELS);
        }
        return SetState.newBuilder().setCluster("default").setName("orders").setVersion(1).setSelector(LABELS)
                .setManaged(managed).setChanges(List.of()).build();
    }

    /**
     * Plans the desired connector with the policies, then lets the set's decider decide the change
     * the plan would carry (planned without them, so that a refused item is carried too), and asserts
     * that both say the same.
     */
    private static Plan planAndDecide(UserPolicies policies, String principal, Desired desired, ConnectorState existing, SetState set) {
        Map<String, ConnectorState> current = existing == null ? Map.of() : Map.of(existing.getName(), existing);
        Plan plan = SetPlanner.plan(new SetDecider.Checks(InMemoryConnectors.CONTROL_PLANE, policies, principal), ORDERS,
                List.of(desired), current, set, false, 10, false, k -> false);
        Plan carried = SetPlanner.plan(SetDecider.Checks.builtIn(InMemoryConnectors.CONTROL_PLANE), ORDERS,
                List.of(desired), current, set, false, 10, false, k -> false);
        assertTrue(carried.valid(), "without user policies the change is valid: " + carried.items());
        assertFalse(carried.changes().isEmpty(), "the change carries the item");
        ConnectorCommand command = ConnectorCommand.newBuilder().setCommandId("change-1").setCluster("default")
                .setConnector(SetDecider.PREFIX + "orders").setPrincipal(principal).setIssuedAt(5L)
                .setAction(new ApplySetChange(set == null ? 0L : set.getVersion(), LABELS, carried.changes())).build();
        SetDecider.SetDecision decision = SetDecider.decide(InMemoryConnectors.CONTROL_PLANE, policies, set, command);
        assertEquals(plan.valid(), decision.changed(), "the plan says " + plan.items() + ", the decider " + decision.message());
        if (!plan.valid()) {
            SetPlanner.Item refused = plan.items().get(0);
            assertEquals(refused.name() + ": " + refused.error(), decision.message());
        }
        return plan;
    }

    private static Desired desired(String name, Map<String, String> config, TargetState state) {
        return new Desired(new Connector(name, LABELS, config, state, "test"), config, null);
    }

    @Test
    void aPolicyOnThePrincipalSeesWhoIssuesTheChange() {
        UserPolicies policies = new UserPolicies(List.of(deny("ci-only", "principal == 'ci'")));
        Plan byCi = planAndDecide(policies, "ci", desired("a", A, null), null, null);
        assertTrue(byCi.valid(), "the decider accepts the change of ci, so the plan does");
        Plan byAlice = planAndDecide(policies, "alice", desired("a", A, null), null, null);
        assertFalse(byAlice.valid());
    }

    @Test
    void aTargetStateAloneOfAConnectorThatBreaksAPolicyIsRefusedAsTheDeciderRefusesIt() {
        UserPolicies policies = new UserPolicies(List.of(deny("tasks", "int(connector.config[?'tasks.max'].orValue('1')) <= 4")));
        Plan pause = planAndDecide(policies, "alice", desired("a", A, TargetState.PAUSED), state("a", A, LABELS), managing("a"));
        assertEquals(Action.STATE, pause.items().get(0).action());
        assertEquals("Connector config refused by policy tasks: tasks says no", pause.items().get(0).error());
    }

    @Test
    void anAdoptedConnectorIsNotCheckedAgainstUserPoliciesByEither() {
        UserPolicies policies = new UserPolicies(List.of(deny("tasks", "int(connector.config[?'tasks.max'].orValue('1')) <= 4")));
        Plan adopt = planAndDecide(policies, "alice", desired("a", A, null), state("a", A, Map.of()), null);
        assertEquals(Action.ADOPT, adopt.items().get(0).action());
        assertTrue(adopt.valid());
    }

    @Test
    void theOldConnectorIsSeenWithTheLabelsTheDeciderGivesIt() {
        UserPolicies policies = new UserPolicies(List.of(deny("labels-kept", "old == null || old.labels == connector.labels")));
        Map<String, String> changed = new TreeMap<>(A);
        changed.put("topic", "b");
        Plan update = planAndDecide(policies, "alice", desired("a", changed, null), state("a", A, Map.of()), null);
        assertEquals(Action.UPDATE, update.items().get(0).action());
    }

    @Test
    void aNewConnectorThatBreaksAPolicyIsRefusedInTheDecidersWords() {
        UserPolicies policies = new UserPolicies(List.of(deny("tasks", "int(connector.config[?'tasks.max'].orValue('1')) <= 4")));
        Plan create = planAndDecide(policies, "alice", desired("a", A, null), null, null);
        assertEquals(Action.CREATE, create.items().get(0).action());
        assertEquals("Connector config refused by policy tasks: tasks says no", create.items().get(0).error());
    }
}
