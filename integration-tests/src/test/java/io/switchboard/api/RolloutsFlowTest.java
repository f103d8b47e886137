package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

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
 * under way is refused with 409; the console's overview shows a rollout under way, linked to its page.
 * Then the same through a set file with {@code version} and {@code rollout}: planned, then applied.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
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
    @Order(1)
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
        assertTrue(overview.contains("Rollouts under way: <a href=\"/console/clusters/default/rollouts/" + id + "\">" + CLASS
                + " to 2.1.0 in default</a>"), overview);
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
        // The rolled-back rollout's console page: why it stopped, and each connector back on the version it had.
        String page = fx.call("GET", "/console/clusters/default/rollouts/" + failing, null).body();
        assertTrue(page.contains("<strong class=\"rollout-state\">rolled_back</strong>") && page.contains("VersionedTask 2.0.0 broke after")
                // Its canary had 1.0.0 and asks it again; its worker runs what the later rollout moved it to.
                && page.contains("<td>canary</td><td>1.0.0</td><td>1.0.0</td><td>2.1.0</td><td>rolled back</td>"), page);
        assertEquals(404, fx.call("GET", "/console/clusters/default/rollouts/nope", null).status());
        // The canary's history says which steps of the rollout it went through, and why it went back.
        JsonNode steps = fx.call("GET", "/connectors/r1/history", null).json().path("versions");
        JsonNode back = steps.get(2);
        assertEquals(failing + "/back/r1", back.path("command_id").asText(), back.toString());
        assertEquals("back", back.path("rollout").path("step").asText(), back.toString());
        assertTrue(back.path("rollout").path("reason").asText().contains("VersionedTask 2.0.0 broke after"), back.toString());
    }

    /**
     * The same through a set file: its connectors created on 1.0.0 by an apply; then the files ask
     * 2.1.0 with a rollout, which the plan shows (exit 2, nothing started) and the apply starts (exit 2)
     * and which moves them batch by batch; applied again, nothing is left to change (exit 0).
     */
    @Test
    @Order(2)
    void aSetFilesVersionChangeIsPlannedAsARolloutThenApplied() throws IOException {
        Path repo = Files.createDirectories(plugins.resolveSibling(plugins.getFileName() + "-set"));
        try {
            List<String> args = List.of("-f", repo.toString(), "--url", fx.app.url(), "--set", "versioned");
            setFile(repo, "1.0.0");
            assertEquals(2, cli(args).status(), "the set's connectors created");
            SET.forEach(name -> runs(name, "1.0.0"));
            int before = fx.call("GET", "/rollouts", null).json().size();

            setFile(repo, "2.1.0");
            Cli plan = cli(concat(args, "--dry-run"));
            assertEquals(2, plan.status(), plan.out());
            assertTrue(plan.out().contains("Rollout of " + CLASS + " to 2.1.0: 3 connector(s), canary 1, batches of 2, each watched 2 s")
                    && plan.out().contains("~ s1: connector.plugin.version 1.0.0 -> 2.1.0 (canary)")
                    && plan.out().contains("~ s3: connector.plugin.version 1.0.0 -> 2.1.0 (batch 1)")
                    && plan.out().contains("Rollouts: 1 to start."), plan.out());
            assertEquals(before, fx.call("GET", "/rollouts", null).json().size(), "a plan starts nothing");

            Cli applied = cli(args);
            assertEquals(2, applied.status(), applied.out());
            java.util.regex.Matcher started = java.util.regex.Pattern.compile("Started rollout (\\S+) of " + CLASS.replace(".", "\\.")
                    + " to 2\\.1\\.0 over 3 connector\\(s\\)").matcher(applied.out());
            assertTrue(started.find(), applied.out());
            String id = started.group(1);
            JsonNode done = WAIT.until("the set's rollout done", () -> fx.call("GET", "/rollouts/" + id, null).json(),
                    r -> r.path("state").asText().equals("done") || r.path("state").asText().equals("rolled_back"));
            assertEquals("done", done.path("state").asText(), done.toString());
            SET.forEach(name -> runs(name, "2.1.0"));
            for (String name : SET) {
                assertTrue(fx.call("GET", "/connectors/" + name + "/history", null).body().contains(id + "/move/" + name), name);
            }
            Cli again = cli(args);
            assertEquals(0, again.status(), again.out());
        } finally {
            SwitchboardFixture.deleteQuietly(repo);
        }
    }

    private static final List<String> SET = List.of("s1", "s2", "s3");

    private static void setFile(Path repo, String version) throws IOException {
        StringBuilder text = new StringBuilder("""
                apiVersion: switchboard.io/v1
                kind: ConnectorSet
                metadata: {name: versioned}
                spec: {cluster: default, selector: {team: versioned}, rollout: {canary: 1, batch: 2, watch_s: 2}}
                """);
        for (String name : SET) {
            text.append("---\napiVersion: switchboard.io/v1\nkind: Connector\nmetadata: {name: ").append(name)
                    .append(", labels: {team: versioned}}\nspec: {class: ").append(CLASS).append(", version: ").append(version)
                    .append(", tasksMax: 1}\n");
        }
        Files.writeString(repo.resolve("set.yaml"), text.toString());
    }

    private record Cli(int status, String out) {
    }

    private static Cli cli(List<String> args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int status = io.switchboard.apply.ApplyCommand.run(args, Map.of(), new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        String printed = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        System.out.println("[apply " + String.join(" ", args) + "] exit " + status + "\n" + printed);
        return new Cli(status, printed);
    }

    private static List<String> concat(List<String> args, String... more) {
        List<String> all = new java.util.ArrayList<>(args);
        all.addAll(List.of(more));
        return all;
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
