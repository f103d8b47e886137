package io.switchboard.core;

import io.switchboard.secrets.Keyring;
import io.switchboard.secrets.Redactor;
import io.switchboard.secrets.SecretBox;
import io.switchboard.core.DesiredState.Connector;
import io.switchboard.core.DesiredState.SetScope;
import io.switchboard.core.SetPlanner.Action;
import io.switchboard.core.SetPlanner.Desired;
import io.switchboard.core.SetPlanner.KeyChange;
import io.switchboard.core.SetPlanner.Plan;
import io.switchboard.rules.SetDecider;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.SetState;
import io.switchboard.schemas.TargetState;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plan of a set's change, pure and in memory. */
class SetPlannerTest {
    private static final SetScope ORDERS = new SetScope("orders", "default", Map.of("team", "orders"));
    private static final Map<String, String> LABELS = Map.of("team", "orders");
    private static final Map<String, String> A = Map.of("connector.class", "X", "topic", "a", "tasks.max", "1");

    private static ConnectorState state(String name, Map<String, String> config, TargetState target, long version) {
        return ConnectorState.newBuilder().setCluster("default").setName(name).setConfig(new TreeMap<>(config)).setTargetState(target)
                .setVersion(version).setCreatedAt(1L).setUpdatedAt(1L).setLastCommandId("c" + version).build();
    }

    private static Desired desired(String name, Map<String, String> config, TargetState state) {
        return new Desired(new Connector(name, LABELS, config, state, "test"), config, null);
    }

    private static SetState set(long version, String... managed) {
        Map<String, Map<String, String>> owned = new TreeMap<>();
        for (String name : managed) {
            owned.put(name, LABELS);
        }
        return SetState.newBuilder().setCluster("default").setName("orders").setVersion(version).setSelector(LABELS)
                .setManaged(owned).setChanges(List.of()).build();
    }

    private static Plan plan(List<Desired> desired, Map<String, ConnectorState> current, SetState set, boolean prune, int maxDeletes) {
        return SetPlanner.plan(SetDecider.Checks.builtIn(InMemoryConnectors.CONTROL_PLANE), ORDERS, desired, current, set, prune, maxDeletes, false, Redactor.DEFAULT::matches);
    }

    @Test
    void theSameConfigIsNoChangeAndAnotherIsPerKey() {
        Map<String, ConnectorState> current = Map.of("a", state("a", A, TargetState.RUNNING, 3));
        Plan same = plan(List.of(desired("a", A, null)), current, set(1, "a"), false, 10);
        assertEquals(Action.UNCHANGED, same.items().get(0).action());
        assertTrue(same.changes().isEmpty(), "a re-apply plans nothing");

        Map<String, String> changed = new TreeMap<>(A);
        changed.put("topic", "a2");
        changed.remove("tasks.max");
        changed.put("batch", "10");
        Plan update = plan(List.of(desired("a", changed, TargetState.PAUSED)), current, set(1, "a"), false, 10);
        assertEquals(Action.UPDATE, update.items().get(0).action());
        assertEquals(List.of(new KeyChange("+", "batch", null, "10", null), new KeyChange("-", "tasks.max", "1", null, null),
                new KeyChange("~", "topic", "a", "a2", null)), update.items().get(0).keys());
        assertEquals("PAUSED", update.items().get(0).stateTo());
        assertEquals(SetPlanner.Needs.EDIT, update.needs());

        Plan pause = plan(List.of(desired("a", A, TargetState.PAUSED)), current, set(1, "a"), false, 10);
        assertEquals(Action.STATE, pause.items().get(0).action());
        assertEquals(SetPlanner.Needs.OPERATE, pause.needs(), "a target state alone is an operator's");
    }

    @Test
    void secretsAreComparedSealedAndNeverShown() {
        Map<String, String> before = new TreeMap<>(A);
        before.put("db.password", "${switchboard:v1:old}");
        Map<String, String> rotated = new TreeMap<>(A);
        rotated.put("db.password", "${switchboard:v1:new}");
        Map<String, ConnectorState> current = Map.of("a", state("a", before, TargetState.RUNNING, 1));
        Plan plan = plan(List.of(desired("a", rotated, null)), current, set(1, "a"), false, 10);
        assertEquals(List.of(new KeyChange("~", "db.password", null, null, "changed")), plan.items().get(0).keys());
        Plan same = plan(List.of(desired("a", before, null)), current, set(1, "a"), false, 10);
        assertEquals(Action.UNCHANGED, same.items().get(0).action());
        assertFalse(plan.toString().contains("new") && plan.items().get(0).keys().toString().contains("v1:new"));
    }

    @Test
    void pruneDeletesOnlyManagedConnectorsInScopeFirstAndWithinMaxDeletes() {
        Map<String, ConnectorState> current = new HashMap<>();
        current.put("a", state("a", A, TargetState.RUNNING, 1));
        current.put("gone", state("gone", A, TargetState.RUNNING, 1));
        current.put("hand-made", state("hand-made", A, TargetState.RUNNING, 1));
        Plan plan = plan(List.of(desired("a", A, null)), current, set(2, "a", "gone"), true, 10);
        assertEquals(List.of("gone", "a"), plan.items().stream().map(SetPlanner.Item::name).toList(), "deletions first, hand-made untouched");
        assertEquals(Action.DELETE, plan.items().get(0).action());
        assertTrue(plan.valid());

        Plan guarded = plan(List.of(desired("a", A, null)), current, set(2, "a", "gone"), true, 0);
        assertFalse(guarded.valid(), "above max_deletes");
        Plan forced = SetPlanner.plan(SetDecider.Checks.builtIn(InMemoryConnectors.CONTROL_PLANE), ORDERS, List.of(desired("a", A, null)), current, set(2, "a", "gone"), true, 0, true,
                Redactor.DEFAULT::matches);
        assertTrue(forced.valid());
        Plan noPrune = plan(List.of(desired("a", A, null)), current, set(2, "a", "gone"), false, 10);
        assertEquals(0, noPrune.count(Action.DELETE), "prune is opt-in");
    }

    @Test
    void anUnmanagedConnectorAsDesiredIsAdoptedAndTheVersionSeesEveryChange() {
        Map<String, ConnectorState> current = new HashMap<>(Map.of("a", state("a", A, TargetState.RUNNING, 1)));
        Plan adopt = plan(List.of(desired("a", A, null)), current, null, false, 10);
        assertEquals(Action.ADOPT, adopt.items().get(0).action());
        assertTrue(adopt.changes().get(0).getAdopt());
        assertEquals(0, adopt.setVersion());

        current.put("a", state("a", A, TargetState.PAUSED, 2));
        Plan later = plan(List.of(desired("a", A, null)), current, null, false, 10);
        assertNotEquals(adopt.version(), later.version(), "a change to the connector since is a new plan version");

        Plan invalid = SetPlanner.plan(SetDecider.Checks.builtIn(InMemoryConnectors.CONTROL_PLANE), ORDERS, List.of(new Desired(new Connector("b", LABELS, Map.of("topic", "t"), null, "t"),
                null, "the worker says no")), current, null, false, 10, false, k -> false);
        assertFalse(invalid.valid());
        assertEquals("the worker says no", invalid.items().get(0).error());
    }

    @Test
    void aValueThatEmbedsASealedValueIsShownOnlyAsSealedInAChangesKeys() {
        SecretBox box = new SecretBox(Keyring.parse(Keyring.newKeyLine()));
        String before = "jdbc:postgresql://db/x?password=" + box.seal("connection.url", "first-pass-1234");
        String after = "jdbc:postgresql://db/x?password=" + box.seal("connection.url", "second-pass-5678");
        List<KeyChange> keys = SetPlanner.keys(Map.of("connector.class", "X", "connection.url", before),
                Map.of("connector.class", "X", "connection.url", after), Redactor.DEFAULT::matches);
        KeyChange url = keys.stream().filter(k -> k.key().equals("connection.url")).findFirst().orElseThrow();
        assertEquals(new KeyChange("~", "connection.url", null, null, "changed"), url,
                "the history shows a value that embeds a sealed value as every other view does: hidden");
    }

    @Test
    void givingASecretsValueNeedsEditWhateverThePlanDoes() {
        Map<String, String> given = Map.of("connector.class", "X", "db.password", "hunter2");
        Map<String, String> sealed = Map.of("connector.class", "X", "db.password", "${switchboard:k1:AAAA}");
        ConnectorState existing = state("a", sealed, TargetState.RUNNING, 1);
        // The sealed text kept (the value equals the stored one): an adopt, which alone needs operate.
        Plan plan = SetPlanner.plan(SetDecider.Checks.builtIn(InMemoryConnectors.CONTROL_PLANE), ORDERS, List.of(new Desired(new Connector("a", LABELS, given, null, "test"), sealed, null)),
                Map.of("a", existing), null, false, 10, false, Redactor.DEFAULT::matches);
        assertEquals(Action.ADOPT, plan.items().get(0).action());
        assertEquals(SetPlanner.Needs.EDIT, plan.needs(), "whether the guess was right is not the operator's to learn");
        assertEquals(SetPlanner.Needs.EDIT, SetPlanner.needsBeforePlanning(List.of(new Connector("a", LABELS, given, null, "test")),
                Redactor.DEFAULT::matches));
        assertEquals(SetPlanner.Needs.VIEW, SetPlanner.needsBeforePlanning(List.of(new Connector("a", LABELS,
                Map.of("db.password", "${file:/x:p}", "topic", "t"), null, "test")), Redactor.DEFAULT::matches));
    }
}
