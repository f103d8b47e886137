package io.switchboard.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.core.DesiredState;
import io.switchboard.rules.RolloutDecider;
import io.switchboard.secrets.Redactor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A set's {@code version} and {@code rollout} as read from its files, and its version changes
 * planned as rollouts from the server's plan of the set (docs/apply.md): pure functions, no server.
 */
class RolloutPlanTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLASS = "com.example.VersionedSource";
    private static final String SET = """
            apiVersion: switchboard.io/v1
            kind: ConnectorSet
            metadata: {name: versioned}
            spec: {cluster: default, selector: {team: v}, rollout: {canary: 1, batch: 2, watch_s: 30}}
            """;

    private static DesiredStateFiles.Read read(String text) {
        return DesiredStateFiles.readAll(List.of(new DesiredStateFiles.Source("set.yaml", text)),
                new DesiredStateFiles.Options(null, "default", name -> null, Redactor.DEFAULT, Set.of(), true));
    }

    private static String connector(String name, String pluginClass, String version, String topic) {
        return "---\napiVersion: switchboard.io/v1\nkind: Connector\nmetadata: {name: " + name + ", labels: {team: v}}\n"
                + "spec:\n  class: " + pluginClass + "\n" + (version == null ? "" : "  version: " + version + "\n")
                + "  config: {topic: " + topic + "}\n";
    }

    @Test
    void aSetItemsVersionIsItsPluginVersionAndTheSetsRolloutItsPace() {
        DesiredStateFiles.Read read = read(SET + connector("a", CLASS, "2.1.0", "t"));
        assertEquals("2.1.0", read.desired().connectors().get(0).config().get(RolloutDecider.VERSION_KEY));
        assertEquals(new SetRollout(1, 2, 30, "set.yaml document 1"), read.rollout());
        assertNull(read(SET.replace(", rollout: {canary: 1, batch: 2, watch_s: 30}", "") + connector("a", CLASS, "2.1.0", "t")).rollout());
        // Left out, a field is the rollout route's default.
        assertEquals(new SetRollout(RolloutDecider.DEFAULT_CANARY, 3, RolloutDecider.DEFAULT_WATCH_SECONDS, "set.yaml document 1"),
                read(SET.replace("{canary: 1, batch: 2, watch_s: 30}", "{batch: 3}") + connector("a", CLASS, "1.0.0", "t")).rollout());
    }

    @Test
    void aRolloutOutOfItsBoundsARangeToRollOutAndTwoVersionsAreProblemsOfTheFiles() {
        DesiredStateException bounds = assertThrows(DesiredStateException.class, () -> read(SET.replace("watch_s: 30", "watch_s: 0")
                .replace("batch: 2", "batch: many") + connector("a", CLASS, "1.0.0", "t")));
        assertEquals(List.of("set.yaml: document 1, line 4, spec.rollout.batch: must be a whole number, not many"),
                bounds.problems().stream().map(Object::toString).toList());
        DesiredStateException watch = assertThrows(DesiredStateException.class, () -> read(SET.replace("watch_s: 30", "watch_s: 0")
                + connector("a", CLASS, "1.0.0", "t")));
        assertTrue(watch.problems().get(0).toString().contains("spec.rollout: watch_s is 1 to 3600, not 0"), watch.problems().toString());
        DesiredStateException range = assertThrows(DesiredStateException.class, () -> read(SET + connector("a", CLASS, "\"[1.0,2.0)\"", "t")));
        assertTrue(range.problems().get(0).toString().contains("a rollout moves connectors to one version, not a range or latest"),
                range.problems().toString());
        DesiredStateException twice = assertThrows(DesiredStateException.class, () -> read(SET + connector("a", CLASS, "2.1.0", "t")
                .replace("config: {", "config: {connector.plugin.version: 2.0.0, ")));
        assertTrue(twice.problems().get(0).toString().contains("spec.version: says 2.1.0 but spec.config's connector.plugin.version says 2.0.0"),
                twice.problems().toString());
        // Without a rollout, a range is a version as any config may ask.
        assertEquals("[1.0,2.0)", read(SET.replace(", rollout: {canary: 1, batch: 2, watch_s: 30}", "")
                + connector("a", CLASS, "\"[1.0,2.0)\"", "t")).desired().connectors().get(0).config().get(RolloutDecider.VERSION_KEY));
    }

    @Test
    void theVersionChangesOfUpdatedConnectorsAreOneRolloutPerClassInTheFilesOrder() throws Exception {
        DesiredStateFiles.Read read = read(SET + connector("a", CLASS, "2.1.0", "t") + connector("b", CLASS, "2.1.0", "t2")
                + connector("c", CLASS, "2.1.0", "t") + connector("d", "Other", null, "t2") + connector("e", CLASS, "2.1.0", "t")
                + connector("f", CLASS, "2.1.0", "t"));
        JsonNode plan = JSON.readTree("""
                {"changes": 4, "items": [
                  {"name": "a", "action": "update", "keys": [{"op": "~", "key": "connector.plugin.version", "from": "1.0.0", "to": "2.1.0"}]},
                  {"name": "b", "action": "update", "keys": [{"op": "~", "key": "connector.plugin.version", "from": "1.0.0", "to": "2.1.0"},
                                                             {"op": "~", "key": "topic", "from": "t", "to": "t2"}]},
                  {"name": "c", "action": "create", "keys": [{"op": "+", "key": "connector.plugin.version", "to": "2.1.0"}]},
                  {"name": "d", "action": "update", "keys": [{"op": "~", "key": "topic", "from": "t", "to": "t2"}]},
                  {"name": "e", "action": "unchanged", "keys": []},
                  {"name": "f", "action": "update", "keys": [{"op": "+", "key": "connector.plugin.version", "to": "2.1.0"}]}]}
                """);
        RolloutPlan planned = RolloutPlan.of(read.desired(), read.rollout(), plan, JSON.readTree("[]"));
        assertEquals(List.of(), planned.problems());
        assertEquals(1, planned.rollouts().size());
        RolloutPlan.Planned rollout = planned.rollouts().get(0);
        assertEquals(Map.of("class", CLASS, "version", "2.1.0", "canary", 1, "batch", 2, "watch_s", 30, "connectors", List.of("a", "b", "f")),
                rollout.body());
        // The set's change leaves each rolled-out connector on the version it has, and makes the rest as the files say.
        Map<String, DesiredState.Connector> asked = new java.util.HashMap<>();
        planned.desired().connectors().forEach(c -> asked.put(c.name(), c));
        assertEquals("1.0.0", asked.get("a").config().get(RolloutDecider.VERSION_KEY));
        assertEquals("1.0.0", asked.get("b").config().get(RolloutDecider.VERSION_KEY));
        assertEquals("t2", asked.get("b").config().get("topic"), "b's other change is the set's");
        assertFalse(asked.get("f").config().containsKey(RolloutDecider.VERSION_KEY), "f had no version and keeps none until it moves");
        assertEquals("2.1.0", asked.get("c").config().get(RolloutDecider.VERSION_KEY), "a connector created is created on the version");
        assertEquals(List.of("a", "b", "c", "d", "e", "f"), planned.desired().connectors().stream().map(DesiredState.Connector::name).toList());
        assertEquals("""
                Rollout of com.example.VersionedSource to 2.1.0: 3 connector(s), canary 1, batches of 2, each watched 30 s
                  ~ a: connector.plugin.version 1.0.0 -> 2.1.0 (canary)
                  ~ b: connector.plugin.version 1.0.0 -> 2.1.0 (batch 1)
                  ~ f: connector.plugin.version (none) -> 2.1.0 (batch 1)
                Rollouts: 1 to start.
                """, planned.text());
    }

    @Test
    void aCanaryLargerThanTheConnectorsMovingIsThemAll() throws Exception {
        DesiredStateFiles.Read read = read(SET.replace("canary: 1", "canary: 5") + connector("a", CLASS, "2.1.0", "t"));
        RolloutPlan planned = RolloutPlan.of(read.desired(), read.rollout(), JSON.readTree("""
                {"items": [{"name": "a", "action": "update", "keys": [{"op": "~", "key": "connector.plugin.version", "from": "1.0.0", "to": "2.1.0"}]}]}
                """), JSON.readTree("[]"));
        assertEquals(1, planned.rollouts().get(0).canary());
    }

    @Test
    void aClassAskedInTwoVersionsOrUnderWayToAnotherIsAProblemAndOneUnderWayToTheSameIsWaitedFor() throws Exception {
        DesiredStateFiles.Read read = read(SET + connector("a", CLASS, "2.1.0", "t") + connector("b", CLASS, "2.0.0", "t"));
        JsonNode plan = JSON.readTree("""
                {"items": [
                  {"name": "a", "action": "update", "keys": [{"op": "~", "key": "connector.plugin.version", "from": "1.0.0", "to": "2.1.0"}]},
                  {"name": "b", "action": "update", "keys": [{"op": "~", "key": "connector.plugin.version", "from": "1.0.0", "to": "2.0.0"}]}]}
                """);
        RolloutPlan two = RolloutPlan.of(read.desired(), read.rollout(), plan, JSON.readTree("[]"));
        assertEquals(List.of("the connectors of com.example.VersionedSource ask versions 2.0.0, 2.1.0: a rollout moves a plugin class to"
                + " one version (set.yaml document 1)"), two.problems());

        DesiredStateFiles.Read one = read(SET + connector("a", CLASS, "2.1.0", "t"));
        JsonNode onePlan = JSON.readTree("""
                {"items": [{"name": "a", "action": "update", "keys": [{"op": "~", "key": "connector.plugin.version", "from": "1.0.0", "to": "2.1.0"}]}]}
                """);
        RolloutPlan other = RolloutPlan.of(one.desired(), one.rollout(), onePlan, JSON.readTree("""
                [{"id": "old", "class": "com.example.VersionedSource", "version": "2.0.0", "state": "rolled_back"},
                 {"id": "r-9", "class": "com.example.VersionedSource", "version": "2.0.0", "state": "watching"}]
                """));
        assertEquals(List.of("rollout r-9 of com.example.VersionedSource to version 2.0.0 is under way (watching): apply again once it"
                + " ended to roll out 2.1.0"), other.problems());
        RolloutPlan same = RolloutPlan.of(one.desired(), one.rollout(), onePlan, JSON.readTree("""
                [{"id": "r-9", "class": "com.example.VersionedSource", "version": "2.1.0", "state": "promoting"}]
                """));
        assertEquals(List.of(), same.problems());
        assertEquals(List.of(), same.rollouts());
        assertEquals(Map.of("r-9", List.of("a")), same.waiting());
        assertEquals("1.0.0", same.desired().connectors().get(0).config().get(RolloutDecider.VERSION_KEY),
                "the set's change leaves the version to the rollout under way");
        assertTrue(same.text().contains("Rollout r-9 under way moves a: nothing new to start for them"), same.text());
    }
}
