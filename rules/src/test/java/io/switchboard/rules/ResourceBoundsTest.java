package io.switchboard.rules;

import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.PatchConnectorConfig;
import io.switchboard.schemas.TargetState;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The built-in policy resource-bounds: a config's size and its tasks.max, decided by the processor's rules. */
class ResourceBoundsTest {
    private static final ControlPlane PLANE = ConnectorPoliciesTest.CONTROL_PLANE.withBounds(new ResourceBounds(8, 20));

    private static Map<String, String> sink(String key, String value) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "org.example.Sink");
        config.put("topics", "orders");
        config.put(key, value);
        return config;
    }

    private static ConnectorPolicies.Refusal refusal(Map<String, String> config) {
        return ConnectorPolicies.refusal(PLANE, config);
    }

    private static void assertRefused(String key, String named, ConnectorPolicies.Refusal refusal) {
        assertTrue(refusal != null, named);
        assertEquals(ResourceBounds.POLICY, refusal.policy(), refusal.message());
        assertEquals(key, refusal.key(), refusal.message());
        assertTrue(refusal.message().startsWith("Connector config refused by policy resource-bounds: "), refusal.message());
        assertTrue(refusal.message().contains(named), refusal.message());
    }

    @Test
    void aValueAConfigAndItsKeysAreBounded() {
        assertNull(refusal(sink("x", "a".repeat(ResourceBounds.MAX_VALUE_BYTES))));
        assertRefused("x", "65537 bytes long", refusal(sink("x", "a".repeat(ResourceBounds.MAX_VALUE_BYTES + 1))));
        // Bytes, as the worker stores them: é is two.
        assertRefused("x", "65538 bytes long", refusal(sink("x", "é".repeat(ResourceBounds.MAX_VALUE_BYTES / 2 + 1))));
        Map<String, String> many = sink("x", "y");
        for (int i = 0; i < ResourceBounds.MAX_KEYS; i++) {
            many.put("k" + i, "v");
        }
        assertRefused(null, "keys; a connector config has at most 1000", refusal(many));
        Map<String, String> large = sink("x", "y");
        for (int i = 0; i < 9; i++) {
            large.put("k" + i, "v".repeat(60_000));
        }
        assertRefused(null, "a connector config has at most 524288 bytes", refusal(large));
    }

    /** The worker runs Kafka's backtracking pattern on every value: a value that would hold its thread is refused. */
    @Test
    void aValueKafkasPatternWouldBacktrackThroughIsRefused() {
        assertRefused("x", "holds '${' with no '}' after it", refusal(sink("x", "${" + ":".repeat(30_000))));
        assertRefused("x", "cube", refusal(sink("x", "a}" + "${".repeat(2_000) + ":".repeat(300))));
        // Closed, or few ':': read in linear time by the worker too.
        assertNull(refusal(sink("x", "${" + ":".repeat(30_000) + "}")));
        assertNull(refusal(sink("x", "${" + ":".repeat(300))));
        assertNull(refusal(sink("x", "host:5432/x?a=b:c:d")));
        java.util.regex.Pattern kafka = org.apache.kafka.common.config.ConfigTransformer.DEFAULT_PATTERN;
        // Within the bound, Kafka's pattern itself answers at once.
        String allowed = "${" + ":".repeat(390);
        assertTrue(ResourceBounds.backtracking(allowed) <= ResourceBounds.MAX_BACKTRACKING);
        long started = System.nanoTime();
        assertTrue(!kafka.matcher(allowed).find());
        assertTrue((System.nanoTime() - started) / 1_000_000 < 2_000, "Kafka's pattern on the most allowed");
    }

    @Test
    void tasksMaxIsBoundedPerConnectorAndAReferenceThereIsRefused() {
        assertNull(refusal(sink("tasks.max", "8")));
        assertNull(refusal(sink("tasks.max", " 8 ")));
        assertRefused("tasks.max", "tasks.max is 9; a connector runs at most 8 tasks here (--max-tasks-per-connector)",
                refusal(sink("tasks.max", "9")));
        assertRefused("tasks.max", "tasks.max is 20000", refusal(sink("tasks.max", " 20000")));
        assertRefused("tasks.max", "config provider reference", refusal(sink("tasks.max", "${env:TASKS}")));
        // Not whole numbers: the worker's validation refuses them in its own words.
        assertNull(refusal(sink("tasks.max", "zero")));
        assertNull(refusal(sink("tasks.max", "0")));
        assertNull(refusal(sink("tasks.max", "99999999999")));
    }

    @Test
    void theTasksOfAClusterAddUp() {
        ResourceBounds bounds = PLANE.bounds();
        Map<String, Map<String, String>> others = new HashMap<>();
        others.put("a", sink("tasks.max", "8"));
        others.put("b", sink("tasks.max", "8"));
        others.put("c", sink("x", "no tasks.max: one task"));
        assertNull(bounds.clusterRefusal("default", "d", sink("tasks.max", "3"), others));
        ConnectorPolicies.Refusal over = bounds.clusterRefusal("default", "d", sink("tasks.max", "4"), others);
        assertRefused("tasks.max", "the connectors of cluster default would run 21 tasks", over);
        // The connector's own stored config is replaced, not added to.
        assertNull(bounds.clusterRefusal("default", "a", sink("tasks.max", "8"), others));
        assertThrows(IllegalArgumentException.class, () -> new ResourceBounds(8, 7));
        assertTrue(ResourceBounds.countsTheCluster(sink("tasks.max", "2")), "a connector of many tasks is held to the cluster's bound");
        assertFalse(ResourceBounds.countsTheCluster(sink("tasks.max", "1")), "one task reads no other connector");
        assertFalse(ResourceBounds.countsTheCluster(sink("topics", "t")), "nor does the default, one");
        assertThrows(IllegalArgumentException.class, () -> new ResourceBounds(0, 7));
    }

    private static ConnectorCommand command(String id, Object action) {
        return ConnectorCommand.newBuilder().setCommandId(id).setCluster("default").setConnector("many").setIssuedAt(1L).setAction(action).build();
    }

    @Test
    void theDeciderRefusesACreateOrAPatchBeyondTheBounds() {
        ConnectorCommand create = command("c1", new CreateConnector(sink("tasks.max", "9"), TargetState.RUNNING, null));
        Decision refused = CommandDecider.decide(PLANE, null, create);
        assertEquals(Outcome.REJECTED, refused.outcome());
        assertEquals(DecisionReasons.REFUSED_BY_POLICY, refused.reason());
        assertTrue(refused.message().contains("at most 8 tasks"), refused.message());

        ConnectorCommand ok = command("c2", new CreateConnector(sink("tasks.max", "8"), TargetState.RUNNING, null));
        Decision created = CommandDecider.decide(PLANE, null, ok);
        assertEquals(Outcome.CREATED, created.outcome());
        ConnectorCommand patch = command("c3", new PatchConnectorConfig(Map.of("x", "a".repeat(ResourceBounds.MAX_VALUE_BYTES + 1)), null));
        Decision patched = CommandDecider.decide(PLANE, created.next(), patch);
        assertEquals(Outcome.REJECTED, patched.outcome());
        assertTrue(patched.message().contains("a value has at most 65536 bytes"), patched.message());
    }
}
