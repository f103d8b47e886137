package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * User policies on a real replica (broker, Streams, HTTP, embedded worker): a bad expression is a
 * 400 naming CEL's error; a dry run stores nothing and lists the connectors that would break the
 * policy; a deny policy refuses a create in Kafka Connect's format naming it; a warn policy
 * accepts and the warning is in the connector's history; a policy's history shows both versions
 * with who stored them; the built-in policies are listed read-only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PoliciesApiTest {
    private SwitchboardFixture fx;
    private Path files;

    @BeforeAll
    void start() throws Exception {
        fx = SharedReplica.withWorker();
        files = Files.createTempDirectory(io.switchboard.testing.TestReplicas.FILES, "policies");
    }

    @AfterAll
    void stop() {
        fx.close();
        SwitchboardFixture.deleteQuietly(files);
    }

    private String connector(String name, String tasks) throws Exception {
        return connector(name, tasks, true);
    }

    /** @param paused whether the body asks Kafka Connect's initial_state PAUSED (which the vendors' dialects do not take) */
    private String connector(String name, String tasks, boolean paused) throws Exception {
        Path lines = Files.writeString(files.resolve(name + ".txt"), "a\n");
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "FileStreamSource");
        config.put("file", lines.toString());
        config.put("topic", "orders");
        config.put("tasks.max", tasks);
        return SwitchboardFixture.json(paused ? Map.of("name", name, "config", config, "initial_state", "PAUSED")
                : Map.of("name", name, "config", config));
    }

    private static String policy(String action, String expression, String message) {
        return SwitchboardFixture.json(Map.of("action", action, "match", Map.of("classes", List.of("*FileStream*")),
                "validations", List.of(Map.of("expression", expression, "message", message))));
    }

    private static final String TASKS = "int(connector.config[?'tasks.max'].orValue('1')) <= 2";

    @Test
    void policiesAreStoredCheckedOnEveryCreateAndReadBack() throws Exception {
        SwitchboardFixture.Answer bad = fx.call("PUT", "/policies/tasks", policy("deny", "connector.config['tasks.max'] <=", "m"));
        assertEquals(400, bad.status(), bad.body());
        assertTrue(bad.json().path("message").asText().contains("validations[0].expression does not compile"), bad.body());

        assertEquals(201, fx.call("POST", "/connectors", connector("wide", "8")).status());

        SwitchboardFixture.Answer dryRun = fx.call("PUT", "/policies/tasks?dry_run=true", policy("deny", TASKS, "at most 2 tasks"));
        assertEquals(200, dryRun.status(), dryRun.body());
        assertEquals("wide", dryRun.json().path("violators").path(0).path("connector").asText(), dryRun.body());
        assertEquals("at most 2 tasks", dryRun.json().path("violators").path(0).path("messages").path(0).asText(), dryRun.body());
        assertEquals(404, fx.call("GET", "/policies/tasks", null).status(), "a dry run stores nothing");

        assertEquals(201, fx.call("PUT", "/policies/tasks", policy("deny", "true", "first")).status());
        SwitchboardFixture.Answer second = fx.call("PUT", "/policies/tasks", policy("deny", TASKS, "at most 2 tasks"));
        assertEquals(200, second.status(), second.body());
        assertEquals(2, second.json().path("version").asInt(), second.body());

        // The first create after the put is decided against the version just stored (docs/policies.md, "How it is decided").
        SwitchboardFixture.Answer refused = fx.call("POST", "/connectors", connector("big", "5"));
        assertEquals(400, refused.status(), refused.body());
        assertEquals(400, refused.json().path("error_code").asInt(), refused.body());
        assertEquals("Connector config refused by policy tasks: at most 2 tasks", refused.json().path("message").asText());
        assertEquals(404, fx.call("GET", "/connectors/big", null).status());

        // The same refusal in Confluent's and Redpanda's formats, and for a set's apply.
        String kafkaClusterId = fx.call("GET", "/", null).json().path("kafka_cluster_id").asText();
        SwitchboardFixture.Answer confluent = fx.call("POST", "/connect/v1/environments/env-default/clusters/" + kafkaClusterId
                + "/connectors", connector("cc-big", "5", false));
        assertEquals(400, confluent.status(), confluent.body());
        assertEquals(400, confluent.json().path("error").path("code").asInt(), confluent.body());
        assertTrue(confluent.json().path("error").path("message").asText().contains("refused by policy tasks: at most 2 tasks"),
                confluent.body());
        SwitchboardFixture.Answer redpanda = fx.call("POST", "/v1/kafka-connect/clusters/default/connectors", connector("rp-big", "5", false));
        assertEquals(400, redpanda.status(), redpanda.body());
        assertEquals("INVALID_ARGUMENT", redpanda.json().path("code").asText(), redpanda.body());
        assertTrue(redpanda.body().contains("Connector config refused by policy tasks: at most 2 tasks"), redpanda.body());
        String setBody = SwitchboardFixture.json(Map.of("connectors",
                List.of(Map.of("name", "set-big", "config", Map.of("connector.class", "FileStreamSource", "file", "/tmp/switchboard-test-files/x",
                        "topic", "orders", "tasks.max", "6")))));
        SwitchboardFixture.Answer plan = fx.call("POST", "/sets/wide/apply?dry_run=true", setBody);
        assertEquals(422, plan.status(), plan.body());
        assertEquals("set-big", plan.json().path("items").path(0).path("name").asText(), plan.body());
        assertTrue(plan.json().path("items").path(0).toString().contains("Connector config refused by policy tasks: at most 2 tasks"),
                plan.body());
        SwitchboardFixture.Answer set = fx.call("POST", "/sets/wide/apply", setBody);
        assertTrue(set.status() == 409 || set.status() == 422, set.body());
        assertTrue(set.body().contains("Connector config refused by policy tasks: at most 2 tasks"), set.body());
        assertEquals(404, fx.call("GET", "/connectors/set-big", null).status());

        // The connector that broke it before keeps its record, and is listed as a violator.
        assertEquals(200, fx.call("GET", "/connectors/wide", null).status());
        SwitchboardFixture.Answer shown = fx.call("GET", "/policies/tasks", null);
        List<String> violators = new ArrayList<>();
        shown.json().path("violators").forEach(v -> violators.add(v.path("connector").asText()));
        assertTrue(violators.contains("wide"), shown.body());

        String metrics = fx.call("GET", "/metrics", null).body();
        assertTrue(java.util.regex.Pattern.compile("switchboard_policy_violations\\{cluster=\"default\",policy=\"tasks\"} [1-9]")
                .matcher(metrics).find(), metrics.lines().filter(l -> l.contains("policy")).toList().toString());

        JsonNode history = fx.call("GET", "/policies/tasks/history", null).json();
        assertEquals(2, history.size(), history.toString());
        assertEquals(1, history.path(0).path("version").asInt());
        assertEquals("first", history.path(0).path("validations").path(0).path("message").asText());
        assertEquals("at most 2 tasks", history.path(1).path("validations").path(0).path("message").asText());
        assertTrue(history.path(1).path("changed_at").asLong() > 0, history.toString());

        List<String> names = new ArrayList<>();
        fx.call("GET", "/policies", null).json().forEach(p -> names.add(p.path("name").asText() + ":" + p.path("read_only").asBoolean()));
        assertEquals(List.of("client-overrides:true", "config-references:true", "control-plane-topics:true", "file-connectors:true"),
                names.subList(0, 4));
        assertTrue(names.contains("tasks:false"), names.toString());
        assertEquals(400, fx.call("PUT", "/policies/client-overrides", policy("deny", "true", "m")).status());

        assertEquals(204, fx.call("DELETE", "/policies/tasks", null).status());
    }

    /** {@code kind: ConnectorPolicy} documents through the command line: planned create, change or unchanged, a bad expression failing the plan. */
    @Test
    void policiesComeAsDocumentsThroughTheCommandLine() throws Exception {
        Path repo = Files.createDirectories(files.resolve("repo"));
        String document = """
                apiVersion: switchboard.io/v1
                kind: ConnectorPolicy
                metadata: {name: from-files}
                spec:
                  action: deny
                  match: {names: ["from-files-*"]}
                  validations:
                    - expression: "%s"
                      message: "%s"
                """;
        List<String> args = List.of("-f", repo.toString(), "--url", fx.app.url());
        Files.writeString(repo.resolve("p.yaml"), document.formatted("connector.config['tasks.max'] <=", "m"));
        String bad = cli(args, 1);
        assertTrue(bad.contains("p.yaml") && bad.contains("validations[0].expression does not compile"), bad);
        assertEquals(404, fx.call("GET", "/policies/from-files", null).status(), "a plan that fails stores nothing");

        Files.writeString(repo.resolve("p.yaml"), document.formatted(TASKS, "at most 2 tasks"));
        String planned = cli(concat(args, "--dry-run"), 2);
        assertTrue(planned.contains("+ policy from-files: create") && planned.contains("Dry run: nothing applied."), planned);
        assertFalse(planned.contains("Read 0 connector(s)"), "files of policies alone plan no set: " + planned);
        assertEquals(404, fx.call("GET", "/policies/from-files", null).status(), "a dry run stores nothing");

        String applied = cli(concat(args, "--prune"), 2);
        assertTrue(applied.contains("Stored policy from-files at version 1."), applied);
        // The replica's copy of the policies follows the policies topic.
        SwitchboardFixture.Answer stored = io.switchboard.testing.Await.atMost(java.time.Duration.ofSeconds(30))
                .poll(() -> fx.call("GET", "/policies/from-files", null), answer -> answer.status() == 200);
        assertEquals("at most 2 tasks", stored.json().path("validations").path(0).path("message").asText(), stored.body());
        String again = cli(concat(args, "--prune"), 0);
        assertTrue(again.contains("= policy from-files: unchanged (version 1 in force)") && again.contains("No changes."), again);

        Files.writeString(repo.resolve("p.yaml"), document.formatted(TASKS, "two tasks at most"));
        String changed = cli(args, 2);
        assertTrue(changed.contains("~ policy from-files: change (version 1 in force)") && changed.contains("at version 2."), changed);
        assertEquals(2, io.switchboard.testing.Await.atMost(java.time.Duration.ofSeconds(30))
                .poll(() -> fx.call("GET", "/policies/from-files", null), answer -> answer.json().path("version").asInt() == 2)
                .json().path("version").asInt());
        assertEquals(204, fx.call("DELETE", "/policies/from-files", null).status());
    }

    private static String cli(List<String> args, int expected) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int status = io.switchboard.apply.ApplyCommand.run(args, Map.of(), new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        String printed = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(expected, status, printed);
        return printed;
    }

    private static List<String> concat(List<String> args, String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return all;
    }

    @Test
    void aWarnPolicyAcceptsAndTheWarningIsInTheConnectorsHistory() throws Exception {
        assertEquals(201, fx.call("PUT", "/policies/team-prefix",
                policy("warn", "connector.name.startsWith('team-a-')", "names start with team-a-")).status());
        String name = "orders";
        assertEquals(201, fx.call("POST", "/connectors", connector(name, "1")).status());
        JsonNode warnings = fx.call("GET", "/connectors/" + name + "/history", null).json().findValue("policy_warnings");
        assertTrue(warnings != null && !warnings.isEmpty(), "no warning recorded for " + name);
        assertEquals("team-prefix: names start with team-a-", warnings.path(0).asText());
        // Time travel: the version of each policy the change was checked against, in the history and the console's.
        JsonNode history = fx.call("GET", "/connectors/" + name + "/history", null).json();
        JsonNode checked = history.path("versions").path(0).path("policy_versions");
        assertEquals(1, checked.path("team-prefix").asLong(), history.toString());
        String page = fx.call("GET", "/console/clusters/default/connectors/" + name, null).body();
        assertTrue(page.contains("team-prefix</a> v1"), page);
        String asItWas = fx.call("GET", "/console/clusters/default/connectors/" + name + "?at="
                + history.path("versions").path(0).path("sequence").asText(), null).body();
        assertTrue(asItWas.contains("Checked against policies") && asItWas.contains("team-prefix</a> v1"), asItWas);
        assertEquals(204, fx.call("DELETE", "/policies/team-prefix", null).status());
    }

    @Test
    void aDryRunFlagIsTrueOrFalseAndAnythingElseIsA400StoringNothing() {
        for (String flag : List.of("1", "yes", "on", "true&dry_run=false")) {
            SwitchboardFixture.Answer answer = fx.call("PUT", "/policies/trial?dry_run=" + flag, policy("deny", "false", "trial"));
            assertEquals(400, answer.status(), flag + ": " + answer.body());
            assertTrue(answer.json().path("message").asText().contains("dry_run must be given once, as true or false"), answer.body());
        }
        assertEquals(404, fx.call("GET", "/policies/trial", null).status(), "nothing stored");
    }

    @Test
    void aSetsLabelsAreSeenByTheDryRunTheViolatorsAndADirectWrite() throws Exception {
        Path lines = Files.writeString(files.resolve("labelled.txt"), "a\n");
        Map<String, Object> item = Map.of("name", "labelled-1", "labels", Map.of("team", "orders"), "config",
                Map.of("connector.class", "FileStreamSource", "file", lines.toString(), "topic", "orders", "tasks.max", "1"));
        SwitchboardFixture.Answer applied = fx.call("POST", "/sets/orders-team/apply",
                SwitchboardFixture.json(Map.of("connectors", List.of(item))));
        assertEquals(200, applied.status(), applied.body());
        String frozen = SwitchboardFixture.json(Map.of("action", "deny", "match", Map.of("labels", Map.of("team", "orders")),
                "validations", List.of(Map.of("expression", "false", "message", "orders is frozen"))));

        SwitchboardFixture.Answer dryRun = fx.call("PUT", "/policies/orders-frozen?dry_run=true", frozen);
        assertEquals(200, dryRun.status(), dryRun.body());
        List<String> violators = new ArrayList<>();
        dryRun.json().path("violators").forEach(v -> violators.add(v.path("connector").asText()));
        assertEquals(List.of("labelled-1"), violators, dryRun.body());

        assertEquals(201, fx.call("PUT", "/policies/orders-frozen", frozen).status());
        assertTrue(fx.call("GET", "/policies/orders-frozen", null).body().contains("labelled-1"));
        SwitchboardFixture.Answer write = fx.call("PUT", "/connectors/labelled-1/config", SwitchboardFixture.json(
                Map.of("connector.class", "FileStreamSource", "file", lines.toString(), "topic", "orders", "tasks.max", "2")));
        assertEquals(400, write.status(), write.body());
        assertEquals("Connector config refused by policy orders-frozen: orders is frozen", write.json().path("message").asText());
        assertEquals(204, fx.call("DELETE", "/policies/orders-frozen", null).status());
    }

    /** The review's recipe: a policy chaining replace('', ...) eight times refuses its connector quickly; the next create is answered. */
    @Test
    void aPolicyThatWouldGrowAStringWithoutBoundRefusesQuicklyAndTheReplicaGoesOn() throws Exception {
        String boom = "connector.name" + ".replace('', 'aaaaaaaaaaaaaaaa')".repeat(8) + ".size() > 0";
        String body = SwitchboardFixture.json(Map.of("action", "deny", "match", Map.of("names", List.of("boom-*")),
                "validations", List.of(Map.of("expression", boom, "message", "x"))));
        assertEquals(201, fx.call("PUT", "/policies/boom", body).status());
        long started = System.nanoTime();
        SwitchboardFixture.Answer refused = fx.call("POST", "/connectors", connector("boom-1", "1", false));
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(400, refused.status(), refused.body());
        assertTrue(refused.json().path("message").asText().startsWith("Connector config refused by policy boom: x (the expression "
                + "could not be evaluated: replace failure: the result would be longer than 65536 characters"), refused.body());
        assertTrue(millis < 10_000, "answered in " + millis + " ms");
        assertEquals(201, fx.call("POST", "/connectors", connector("after-boom", "1", false)).status(), "the next create is answered");
        assertEquals(204, fx.call("DELETE", "/policies/boom", null).status());
    }
}
