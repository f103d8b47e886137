package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A plugin version rolled out over connectors with a canary, a health gate and an automatic
 * rollback, on the embedded worker with a test plugin in three versions on its plugin path (1.0.0;
 * 2.0.0, whose task fails after a few polls; 2.1.0), and five connectors pinned to 1.0.0: a rollout
 * to 2.0.0 stops at its canary, with the task's failure as its reason, and puts the canary back on
 * 1.0.0, the other four never reconfigured; a rollout to 2.1.0 moves all five, batch by batch; a
 * version no worker has is refused and writes nothing; a second rollout of the class while one is
 * under way is refused with 409; the console's overview shows a rollout under way.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RolloutsFlowTest {
    private static final String CLASS = "com.example.versioned.VersionedSource";
    private static final List<String> CONNECTORS = List.of("r1", "r2", "r3", "r4", "r5");
    private static final Await WAIT = Await.atMost(Duration.ofSeconds(120));
    private Path plugins;
    private SwitchboardFixture fx;

    @BeforeAll
    void start() throws IOException {
        plugins = Files.createTempDirectory("switchboard-rollout-plugins");
        io.switchboard.testing.VersionedPlugins.build(plugins.resolve("versioned-1.0.0"), "1.0.0", 0);
        io.switchboard.testing.VersionedPlugins.build(plugins.resolve("versioned-2.0.0"), "2.0.0", 3);
        io.switchboard.testing.VersionedPlugins.build(plugins.resolve("versioned-2.1.0"), "2.1.0", 0);
        fx = new SwitchboardFixture(options -> options.embeddedWorker(true).flags("--plugin-path", plugins.toString()));
    }

    @AfterAll
    void stop() {
        if (fx != null) {
            fx.close();
        }
        SwitchboardFixture.deleteQuietly(plugins);
    }

    @Test
    void aFailingVersionIsRolledBackAfterItsCanaryAndAGoodOneRollsOutBatchByBatch() {
        for (String name : CONNECTORS) {
            SwitchboardFixture.Answer created = fx.call("POST", "/connectors", "{\"name\": \"" + name + "\", \"config\": {"
                    + "\"connector.class\": \"" + CLASS + "\", \"tasks.max\": \"1\", \"connector.plugin.version\": \"1.0.0\"}}");
            assertEquals(201, created.status(), created.body());
        }
        CONNECTORS.forEach(name -> runs(name, "1.0.0"));

        // A version no worker has: refused, naming theirs, and nothing is written.
        SwitchboardFixture.Answer missing = fx.call("POST", "/rollouts", rollout("9.9.9", 1, 2, 2, null));
        assertEquals(400, missing.status(), missing.body());
        assertEquals(400, missing.json().path("error_code").asInt(), missing.body());
        assertTrue(missing.json().path("message").asText().contains("Invalid value 9.9.9 for configuration connector.plugin.version")
                && missing.json().path("message").asText().contains("in versions 1.0.0, 2.0.0, 2.1.0"), missing.body());
        assertEquals("[]", fx.call("GET", "/rollouts", null).json().toString());
        Map<String, Integer> versions = versions();
        versions.forEach((name, count) -> assertEquals(1, count, name + " was changed: " + versions));

        // 2.0.0, whose task fails: the canary moves, fails, and goes back; the others are never touched.
        SwitchboardFixture.Answer started = fx.call("POST", "/clusters/default/rollouts", rollout("2.0.0", 1, 2, 20, CONNECTORS));
        assertEquals(202, started.status(), started.body());
        String failing = started.json().path("id").asText();
        // One rollout of a class at a time.
        SwitchboardFixture.Answer second = fx.call("POST", "/rollouts", rollout("2.1.0", 1, 2, 2, null));
        assertEquals(409, second.status(), second.body());
        assertEquals(409, second.json().path("error_code").asInt(), second.body());
        assertTrue(second.json().path("message").asText().contains(failing), second.body());

        JsonNode rolledBack = WAIT.until("the rollout to 2.0.0 rolled back", () -> fx.call("GET", "/rollouts/" + failing, null).json(),
                r -> r.path("state").asText().equals("rolled_back"));
        assertTrue(rolledBack.path("reason").asText().contains("VersionedTask 2.0.0 broke after"), rolledBack.toString());
        assertEquals(0, rolledBack.path("current_batch").asInt(), rolledBack.toString());
        CONNECTORS.forEach(name -> runs(name, "1.0.0"));
        for (JsonNode connector : rolledBack.path("connectors")) {
            assertEquals("1.0.0", connector.path("version").asText(), rolledBack.toString());
        }
        Map<String, Integer> afterRollback = versions();
        // The canary moved and came back: its history holds both changes, made by the rollout.
        assertEquals(3, afterRollback.get("r1"), afterRollback.toString());
        String history = fx.call("GET", "/connectors/r1/history", null).body();
        assertTrue(history.contains(failing + "/move/r1") && history.contains(failing + "/back/r1"), history);
        for (String name : CONNECTORS.subList(1, CONNECTORS.size())) {
            assertEquals(1, afterRollback.get(name), name + " was reconfigured: " + afterRollback);
        }

        // 2.1.0: the canary, then two batches of two, each watched; every connector ends on it.
        SwitchboardFixture.Answer good = fx.call("POST", "/rollouts", rollout("2.1.0", 1, 2, 2, null));
        assertEquals(202, good.status(), good.body());
        String id = good.json().path("id").asText();
        // The console's overview shows it while it is under way (three batches, each watched for 2 s).
        String overview = fx.call("GET", "/console/", null).body();
        assertTrue(overview.contains("Rollouts under way: " + CLASS + " to 2.1.0 in default"), overview);
        JsonNode done = WAIT.until("the rollout to 2.1.0 done", () -> fx.call("GET", "/rollouts/" + id, null).json(),
                r -> r.path("state").asText().equals("done") || r.path("state").asText().equals("rolled_back"));
        assertEquals("done", done.path("state").asText(), done.toString());
        assertEquals(2, done.path("current_batch").asInt(), done.toString());
        CONNECTORS.forEach(name -> runs(name, "2.1.0"));
        for (JsonNode connector : done.path("connectors")) {
            assertEquals("2.1.0", connector.path("version").asText(), done.toString());
            assertEquals("1.0.0", connector.path("previous_version").asText(), done.toString());
        }
        assertEquals(2, fx.call("GET", "/rollouts", null).json().size());
        assertEquals(404, fx.call("GET", "/rollouts/nope", null).status());
    }

    private static String rollout(String version, int canary, int batch, int watch, List<String> connectors) {
        return "{\"class\": \"" + CLASS + "\", \"version\": \"" + version + "\", \"canary\": " + canary + ", \"batch\": " + batch
                + ", \"watch_s\": " + watch + (connectors == null ? "" : ", \"connectors\": [\"" + String.join("\", \"", connectors) + "\"]")
                + "}";
    }

    /** How many versions each connector's history holds. */
    private Map<String, Integer> versions() {
        Map<String, Integer> versions = new TreeMap<>();
        for (String name : CONNECTORS) {
            versions.put(name, fx.call("GET", "/connectors/" + name + "/history", null).json().path("versions").size());
        }
        return versions;
    }

    /** Waits until the connector and its task run {@code version}, by Switchboard's status. */
    private void runs(String name, String version) {
        WAIT.until(name + " running " + version, () -> fx.call("GET", "/connectors/" + name + "/status", null).json(),
                s -> s.path("connector").path("version").asText().equals(version) && s.path("tasks").size() == 1
                        && s.path("tasks").path(0).path("version").asText().equals(version)
                        && s.path("tasks").path(0).path("state").asText().equals("RUNNING"));
    }
}
