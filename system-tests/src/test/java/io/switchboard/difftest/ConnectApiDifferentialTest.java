package io.switchboard.difftest;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testing.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.switchboard.difftest.Step.delete;
import static io.switchboard.difftest.Step.get;
import static io.switchboard.difftest.Step.patch;
import static io.switchboard.difftest.Step.post;
import static io.switchboard.difftest.Step.put;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same HTTP scenarios against a real Apache Kafka Connect 4.3.1 distributed worker and against
 * Switchboard, both on one broker in this JVM: same status codes, same JSON shapes, same error
 * messages. Where Switchboard differs on purpose, the step says so and why.
 *
 * <p>Status values and task lists are not compared: each side runs its connectors on its own worker,
 * and Switchboard reports a status only once its reconciler has observed it. Switchboard runs with
 * its embedded worker, as it does by default ({@code -Ddifftest.switchboard.worker=false} compares
 * the control plane alone).
 *
 * <p>Where Kafka Connect answers a bad request with a 5xx, the step records that and requires a
 * 4xx from Switchboard, which never answers with a 5xx here.
 *
 * <p>Each scenario uses its own connector names and deletes what it creates. The exchanges of every
 * scenario are written to {@code target/difftest/SCENARIO.md}. With
 * {@code -Ddifftest.candidate=kafka-connect} the candidate is a second Kafka Connect worker instead
 * of Switchboard, which checks the harness itself: then only the steps where Kafka Connect answers
 * with a 5xx differ.
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConnectApiDifferentialTest {
    private static final String SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector";
    private static final Path TRANSCRIPTS = Path.of("target", "difftest");
    /** How long a status must stay as it is after a restart before the next step relies on it. */
    private static final Duration SETTLE = Duration.ofSeconds(2);
    /** Kafka Connect 4.3.1 dereferences a missing config or body: a NullPointerException, answered as a 500. */
    private static final String NO_CONFIG_WHY = "Kafka Connect answers 500 with the NullPointerException's text "
            + "(\"Cannot invoke ... because ... is null\")";
    /** Kafka Connect 4.3.1's exception mapper turns Jackson's parse and binding errors into 500s. */
    private static final String JACKSON_WHY = "Kafka Connect answers 500 with Jackson's parse or binding error text";

    private DifferentialTargets targets;
    private String inputFile;
    private Differ differ;

    @BeforeAll
    void start() throws IOException {
        targets = DifferentialTargets.start();
        differ = targets.differ();
        inputFile = targets.inputFile();
    }

    @AfterAll
    void stop() {
        if (targets != null) {
            targets.close();
        }
    }

    /** Every scenario starts from no connectors on either side. */
    @AfterEach
    void deleteAllConnectors() {
        targets.deleteAllConnectors();
    }

    // ---------------------------------------------------------------------------------------------
    // Scenarios

    @Test
    @Order(1)
    void rootAndHealth() {
        assertSame("root-and-health",
                get("/").ignoring("$.version", "$.commit", "$.kafka_cluster_id"),
                get("/health").values());
    }

    @Test
    @Order(2)
    void listingAndExpansions() {
        assertSame("listing",
                // First scenario with connectors: both start empty.
                get("/connectors").values(),
                get("/connectors?expand=status").values(),
                post("/connectors", create("ls-run", config(), "RUNNING")).values().sameHeader("Location"),
                post("/connectors", create("ls-pause", config(), "PAUSED")).values().sameHeader("Location"),
                post("/connectors", create("ls-stop", config(), "STOPPED")).values().sameHeader("Location"),
                get("/connectors").asSet().untilListIs("ls-run", "ls-pause", "ls-stop"),
                get("/connectors?expand=info").untilKeysAre("ls-run", "ls-pause", "ls-stop")
                        // No data plane on Switchboard's side: no task ids.
                        .ignoring("$.*.info.tasks"),
                get("/connectors?expand=status").untilKeysAre("ls-run", "ls-pause", "ls-stop")
                        .ignoring(STATUS_VALUES),
                get("/connectors?expand=status&expand=info").untilKeysAre("ls-run", "ls-pause", "ls-stop")
                        .ignoring("$.*.info.tasks").ignoring(STATUS_VALUES),
                get("/connectors?expand=info&expand=status").untilKeysAre("ls-run", "ls-pause", "ls-stop")
                        .ignoring("$.*.info.tasks").ignoring(STATUS_VALUES),
                // An unknown expansion is ignored: every connector maps to an empty object.
                get("/connectors?expand=bogus").values(),
                get("/connectors?expand=").values(),
                get("/connectors?expand=info&expand=bogus").ignoring("$.*.info.tasks"),
                delete("/connectors/ls-run").values(),
                delete("/connectors/ls-pause").values(),
                delete("/connectors/ls-stop").values(),
                get("/connectors").values().untilListIs());
    }

    private static final String NULL_VALUE_WHY = "Kafka Connect also lists the connector config definition's own "
            + "complaint about the key; Switchboard reports the null value without consulting the plugin's definitions";

    /** The status fields that depend on a running data plane. */
    private static final String[] STATUS_VALUES = {
        "$.*.status.connector.state", "$.*.status.connector.worker_id", "$.*.status.connector.version",
        "$.*.status.tasks", "$.*.status.connector.trace"};

    @Test
    @Order(3)
    void createConnector() {
        assertSame("create",
                post("/connectors", create("cr-a", config(), null)).values().sameHeader("Location"),
                post("/connectors", create("cr-a", config(), null)),
                post("/connectors", create("cr-a", config(), "PAUSED")),
                // Kafka Connect validates the config before it looks for an existing connector.
                post("/connectors", create("cr-a", with(config(), "tasks.max", "0"), null)),
                post("/connectors", create("cr-a", Map.of("topic", "t"), null)),
                get("/connectors/cr-a").untilStatus(200).ignoring("$.tasks"),
                get("/connectors/cr-a/config").values(),
                // initial_state is read case-insensitively.
                post("/connectors", create("cr-lower", config(), "stopped")).values().sameHeader("Location"),
                // The name is trimmed; a name in the config must then equal the trimmed name.
                post("/connectors", create("  cr-trim  ", config(), null)).values().sameHeader("Location"),
                post("/connectors", create(" cr-trim2 ", with(config(), "name", " cr-trim2 "), null)),
                // A config that already names the connector the same way is accepted.
                post("/connectors", create("cr-named", with(config(), "name", "cr-named"), null)).values(),
                // Scalars are accepted where strings are expected, as their text.
                post("/connectors", "{\"name\":\"cr-num\",\"config\":{\"connector.class\":\"" + SOURCE + "\",\"tasks.max\":1,"
                        + "\"errors.log.enable\":true,\"x.ratio\":2.5,\"x.big\":12345678901234,\"topic\":\"t\",\"file\":\""
                        + inputFile + "\"}}").values(),
                get("/connectors/cr-num/config").untilStatus(200).values(),
                // A name that is a JSON number becomes its text.
                post("/connectors", "{\"name\":5,\"config\":" + Http.json(config()) + "}").values().sameHeader("Location"),
                get("/connectors").asSet().untilListIs("cr-a", "cr-lower", "cr-trim", "cr-named", "cr-num", "5"),
                delete("/connectors/cr-a"),
                delete("/connectors/cr-lower"),
                delete("/connectors/cr-trim"),
                delete("/connectors/cr-named"),
                delete("/connectors/cr-num"),
                delete("/connectors/5"),
                get("/connectors").values().untilListIs());
    }

    @Test
    @Order(4)
    void badCreateRequests() {
        assertSame("bad-create",
                post("/connectors", "{\"config\":" + Http.json(config()) + "}"),
                post("/connectors", create("", config(), null)),
                post("/connectors", create("   ", config(), null)),
                post("/connectors", create("bad\u0007name", config(), null)),
                post("/connectors", create("bad\nname", config(), null)),
                post("/connectors", create("bad\u007fname", config(), null)),
                post("/connectors", create("bad-named", with(config(), "name", "other"), null)),
                post("/connectors", create("bad-null", with(config(), "tasks.max", null), null))
                        .messageDiffers(NULL_VALUE_WHY),
                post("/connectors", create("bad-noclass", Map.of("topic", "t", "file", inputFile), null)),
                post("/connectors", create("bad-class", with(config(), "connector.class", "com.example.NoSuchConnector"), null)),
                post("/connectors", create("bad-emptyclass", with(config(), "connector.class", ""), null))
                        .messageDiffers("an empty class cannot be named to the worker's validate endpoint, so Switchboard "
                                + "lists the plugins it knows by class name rather than the worker's PluginDesc dump"),
                post("/connectors", create("bad-tasks", with(config(), "tasks.max", "zero"), null)),
                post("/connectors", create("bad-tasks0", with(config(), "tasks.max", "0"), null)),
                post("/connectors", "{\"name\":\"bad-noconfig\"}").kafkaConnectFailsHere(400, NO_CONFIG_WHY),
                post("/connectors", "{\"name\":\"bad-nullconfig\",\"config\":null}").kafkaConnectFailsHere(400, NO_CONFIG_WHY),
                post("/connectors", "{\"name\":\"bad-text\",\"config\":\"text\"}").kafkaConnectFailsHere(400, JACKSON_WHY),
                post("/connectors", "{\"name\":\"bad-list\",\"config\":[1,2]}").kafkaConnectFailsHere(400, JACKSON_WHY),
                post("/connectors", "{\"name\":\"bad-nested\",\"config\":{\"connector.class\":\"" + SOURCE + "\",\"x\":{\"y\":1}}}")
                        .kafkaConnectFailsHere(400, JACKSON_WHY),
                post("/connectors", "{\"name\":[\"a\"],\"config\":" + Http.json(config()) + "}").kafkaConnectFailsHere(400, JACKSON_WHY),
                post("/connectors", "{\"name\":{},\"config\":" + Http.json(config()) + "}").kafkaConnectFailsHere(400, JACKSON_WHY),
                post("/connectors", "{\"name\":\"bad-state\",\"config\":" + Http.json(config()) + ",\"initial_state\":\"BOGUS\"}")
                        .kafkaConnectFailsHere(400, JACKSON_WHY),
                post("/connectors", "{\"name\":\"bad-state5\",\"config\":" + Http.json(config()) + ",\"initial_state\":5}")
                        .kafkaConnectFailsHere(400, JACKSON_WHY),
                post("/connectors", "{\"name\":\"bad-extra\",\"config\":" + Http.json(config()) + ",\"extra\":1}")
                        .kafkaConnectFailsHere(400, JACKSON_WHY + " (unknown field)"),
                post("/connectors", "{not json").kafkaConnectFailsHere(400, JACKSON_WHY),
                post("/connectors", "{\"name\":\"bad-trailing\",\"config\":" + Http.json(config()) + "} x")
                        .kafkaConnectFailsHere(400, JACKSON_WHY),
                post("/connectors", "[]").kafkaConnectFailsHere(400, JACKSON_WHY),
                post("/connectors", "null").kafkaConnectFailsHere(400, NO_CONFIG_WHY),
                post("/connectors", "").kafkaConnectFailsHere(400, NO_CONFIG_WHY),
                post("/connectors", null).kafkaConnectFailsHere(400, NO_CONFIG_WHY),
                post("/connectors", create("bad-type", config(), null)).header("Content-Type", "text/plain"),
                post("/connectors", create("bad-notype", config(), null)).header("Content-Type", null),
                post("/connectors", create("bad-utf8", config(), null)).header("Content-Type", "application/json; charset=UTF-8")
                        .values().sameHeader("Location"),
                delete("/connectors/bad-utf8"),
                // None of the refused requests created anything.
                get("/connectors").values().untilListIs(),
                // Kafka Connect's null check misses keys that the connector's own ConfigDef defines: it
                // creates the connector, whose start then fails with a ClassCastException.
                post("/connectors", create("bad-nofile", with(config(), "file", null), null)).switchboardDiffers(201, 400,
                        "Switchboard refuses every null config value, as Kafka Connect means to, instead of creating a "
                        + "connector that cannot start"),
                delete("/connectors/bad-nofile").switchboardDiffers(204, 404, "Switchboard did not create it, see above"),
                get("/connectors").values().untilListIs());
    }

    @Test
    @Order(5)
    void configEndpoints() {
        Map<String, String> changed = with(config(), "topic", "other-topic");
        assertSame("config",
                get("/connectors/cf-a/config"),
                put("/connectors/cf-a/config", Http.json(config())).values().sameHeader("Location"),
                get("/connectors/cf-a/config").untilStatus(200).values(),
                put("/connectors/cf-a/config", Http.json(changed)).ignoring("$.tasks").sameHeader("Location"),
                get("/connectors/cf-a/config").until("the topic is other-topic",
                        r -> r.json().path("topic").asText().equals("other-topic")).values(),
                put("/connectors/cf-a/config", Http.json(with(changed, "name", "cf-a"))).ignoring("$.tasks"),
                put("/connectors/cf-a/config", Http.json(with(changed, "name", "other"))),
                put("/connectors/cf-a/config", Http.json(with(changed, "tasks.max", null))).messageDiffers(NULL_VALUE_WHY),
                put("/connectors/cf-a/config", "{}"),
                put("/connectors/cf-a/config", Http.json(Map.of("topic", "t"))),
                put("/connectors/cf-a/config", Http.json(with(changed, "connector.class", "com.example.NoSuchConnector"))),
                put("/connectors/cf-a/config", "{\"a\":[1]}").kafkaConnectFailsHere(400, JACKSON_WHY),
                put("/connectors/cf-a/config", "[]").kafkaConnectFailsHere(400, JACKSON_WHY),
                put("/connectors/cf-a/config", "{not json").kafkaConnectFailsHere(400, JACKSON_WHY),
                put("/connectors/cf-a/config", "").kafkaConnectFailsHere(400, NO_CONFIG_WHY),
                put("/connectors/cf-a/config", null).kafkaConnectFailsHere(400, NO_CONFIG_WHY),
                // PATCH merges; a null removes the key. (Not the file: Switchboard's embedded worker
                // refuses a FileStream connector without one, which would read its standard input.)
                patch("/connectors/cf-a/config", "{\"tasks.max\":\"1\",\"batch.size\":\"100\"}").ignoring("$.tasks"),
                get("/connectors/cf-a/config").until("batch.size is set", r -> r.json().has("batch.size")).values(),
                patch("/connectors/cf-a/config", "{\"batch.size\":null}").ignoring("$.tasks"),
                get("/connectors/cf-a/config").until("batch.size is gone", r -> !r.json().has("batch.size")).values(),
                patch("/connectors/cf-a/config", "{}").ignoring("$.tasks"),
                // Kafka Connect lets a PATCH set a "name" unlike the connector's own.
                patch("/connectors/cf-a/config", "{\"name\":\"other\"}").ignoring("$.tasks"),
                patch("/connectors/cf-a/config", "{\"name\":\"cf-a\"}").ignoring("$.tasks"),
                patch("/connectors/cf-a/config", "{\"connector.class\":null}"),
                patch("/connectors/cf-a/config", "{\"tasks.max\":\"zero\"}"),
                patch("/connectors/cf-a/config", "{\"a\":[1]}").kafkaConnectFailsHere(400, JACKSON_WHY),
                patch("/connectors/cf-a/config", "{not json").kafkaConnectFailsHere(400, JACKSON_WHY),
                patch("/connectors/cf-a/config", "").kafkaConnectFailsHere(400, NO_CONFIG_WHY),
                patch("/connectors/cf-a/config", null).kafkaConnectFailsHere(400, NO_CONFIG_WHY),
                get("/connectors/cf-a/config").values(),
                patch("/connectors/cf-ghost/config", "{\"topic\":\"x\"}"),
                put("/connectors/cf-ghost/config", "{}"),
                put("/connectors/cf%20sp/config", Http.json(config())).values().sameHeader("Location"),
                get("/connectors/cf%20sp").untilStatus(200).ignoring("$.tasks"),
                delete("/connectors/cf%20sp"),
                delete("/connectors/cf-a"),
                get("/connectors").values().untilListIs());
    }

    @Test
    @Order(6)
    void lifecycle() {
        assertSame("lifecycle",
                post("/connectors", create("lc-a", config(), null)).values(),
                get("/connectors/lc-a").untilStatus(200).ignoring("$.tasks"),
                put("/connectors/lc-a/pause", null).values(),
                put("/connectors/lc-a/pause", null).values(),
                put("/connectors/lc-a/resume", null).values(),
                put("/connectors/lc-a/resume", null).values(),
                put("/connectors/lc-a/stop", null).values(),
                put("/connectors/lc-a/stop", null).values(),
                put("/connectors/lc-a/resume", null).values(),
                // A body on these is ignored.
                put("/connectors/lc-a/pause", "{\"x\":1}").values(),
                delete("/connectors/lc-a").values(),
                get("/connectors/lc-a").untilStatus(404),
                delete("/connectors/lc-a"),
                get("/connectors").values().untilListIs());
    }

    @Test
    @Order(7)
    void unknownConnectors() {
        assertSame("unknown-connectors",
                get("/connectors/ghost"),
                get("/connectors/ghost/config"),
                delete("/connectors/ghost"),
                patch("/connectors/ghost/config", "{\"topic\":\"x\"}"),
                put("/connectors/ghost/pause", null),
                put("/connectors/ghost/resume", null),
                put("/connectors/ghost/stop", null));
    }

    @Test
    @Order(8)
    void routing() {
        assertSame("routing",
                get("/no/such/route"),
                get("/connectors/a/b/c/d"),
                get("/connectors/"),
                delete("/connectors"),
                put("/connectors", "{}"),
                Step.call("POST", "/connectors/x/config", "{}"),
                Step.call("POST", "/", "{}"),
                Step.call("DELETE", "/health", null),
                get("/connectors/x/pause"),
                // Jetty, under Kafka Connect, refuses an encoded slash before Kafka Connect sees the request.
                get("/connectors/a%2Fb").switchboardDiffers(400, 404, "an encoded slash in a name is refused by Kafka Connect's HTTP server with its own 400; Switchboard decodes it and answers that there is no such connector"),
                get("/connectors/a%2Fb/config").switchboardDiffers(400, 404, "an encoded slash in a name is refused by Kafka Connect's HTTP server with its own 400; Switchboard decodes it and answers that there is no such connector"),
                Step.call("POST", "/connectors/x/stop", null),
                Step.call("PATCH", "/connectors/x", "{}"));
    }

    @Test
    @Order(9)
    void largeBodies() {
        // As large as a value may be (resource-bounds: 64 KiB a value, 512 KiB a config).
        String large = "x".repeat(60 * 1024);
        String over = "o".repeat(600 * 1024);
        String huge = "y".repeat(1024 * 1024 + 1);
        assertSame("body-limit",
                post("/connectors", create("over", with(config(), "padding", over), null)).switchboardDiffers(201, 400,
                        "Kafka Connect keeps a 600 KiB value; Switchboard bounds a value to 64 KiB (built-in policy resource-bounds)"),
                delete("/connectors/over").switchboardDiffers(204, 404, "as above: Switchboard never made it"),
                // Large but within the bounds: both keep it, and a replacement as large again.
                post("/connectors", create("large", with(config(), "padding", large), null)).values(),
                get("/connectors/large/config").untilStatus(200).values(),
                put("/connectors/large/config", Http.json(with(config(), "padding", large.replace('x', 'z')))).ignoring("$.tasks"),
                get("/connectors/large/config").until("the padding is replaced",
                        r -> r.json().path("padding").asText().startsWith("z")).values(),
                delete("/connectors/large"),
                post("/connectors", create("huge", with(config(), "padding", huge), null)).kafkaConnectFailsHere(413,
                        "Kafka Connect cannot write a config record over the producer's 1 MiB max.request.size and answers "
                        + "500 \"Error writing connector configuration to Kafka\"; Switchboard refuses bodies over 1 MiB up front"),
                put("/connectors/huge/config", Http.json(with(config(), "padding", huge))).kafkaConnectFailsHere(413,
                        "as above"),
                get("/connectors/huge"),
                get("/connectors").values().untilListIs());
    }

    /**
     * What the data plane reports and does: status values, tasks, restarts, active topics, offsets
     * (the STOPPED rule and the worker's own messages), plugins and loggers. Each side waits for its
     * own worker to run the connector; worker ids name different workers and are not compared.
     */
    @Test
    @Order(10)
    void dataPlaneEndpoints() {
        String rewind = "{\"offsets\":[{\"partition\":{\"filename\":\"" + inputFile + "\"},\"offset\":{\"position\":0}}]}";
        String unusable = "{\"offsets\":[{\"partition\":{\"filename\":\"" + inputFile + "\"},\"offset\":{\"position\":\"start\"}}]}";
        String[] workerIds = {"$.connector.worker_id", "$.tasks[].worker_id", "$.worker_id"};
        assertSame("data-plane",
                post("/connectors", create("dp-a", config(), null)).values(),
                get("/connectors/dp-a/status").until("it and its task run", r -> running(r.json()))
                        .values().ignoring(workerIds),
                get("/connectors/dp-a/tasks").until("one task", r -> r.json().isArray() && r.json().size() == 1).values(),
                get("/connectors/dp-a").until("one task id", r -> r.json().path("tasks").size() == 1).values(),
                get("/connectors/dp-a/tasks/0/status").values().ignoring(workerIds),
                get("/connectors/dp-a/tasks/7/status"),
                get("/connectors/dp-a/tasks/x/status"),
                get("/connectors?expand=status").until("running", r -> running(r.json().path("dp-a").path("status")))
                        .values().ignoring("$.*.status.connector.worker_id", "$.*.status.tasks[].worker_id"),
                post("/connectors/dp-a/restart", null).values(),
                // A restart's answer is built from the status, which the previous restart may still be
                // changing on either side: each restart waits until the last one is over.
                get("/connectors/dp-a/status").untilSteady("running after the restart", SETTLE, r -> running(r.json()))
                        .values().ignoring(workerIds),
                post("/connectors/dp-a/restart?includeTasks=true", null).ignoring(workerIds),
                get("/connectors/dp-a/status").untilSteady("running after the restart", SETTLE, r -> running(r.json()))
                        .values().ignoring(workerIds),
                post("/connectors/dp-a/restart?includeTasks=true&onlyFailed=true", null).ignoring(workerIds),
                post("/connectors/dp-a/tasks/0/restart", null).values(),
                post("/connectors/dp-a/tasks/9/restart", null),
                post("/connectors/ghost/restart", null),
                get("/connectors/dp-a/status").untilSteady("running again", SETTLE, r -> running(r.json())).values().ignoring(workerIds),
                get("/connectors/dp-a/topics").values(),
                get("/connectors/ghost/topics").values(),
                put("/connectors/dp-a/topics/reset", null).values(),
                put("/connectors/ghost/topics/reset", null).switchboardDiffers(202, 404,
                        "Kafka Connect accepts a reset for a connector it does not have; Switchboard says there is none"),
                get("/connectors/dp-a/offsets").values(),
                get("/connectors/ghost/offsets"),
                patch("/connectors/dp-a/offsets", rewind),
                delete("/connectors/dp-a/offsets"),
                patch("/connectors/dp-a/offsets", "{}"),
                patch("/connectors/dp-a/offsets", "{\"offsets\":[]}"),
                patch("/connectors/dp-a/offsets", "{not json").kafkaConnectFailsHere(400, JACKSON_WHY),
                patch("/connectors/dp-a/offsets", "[]").kafkaConnectFailsHere(400, JACKSON_WHY),
                patch("/connectors/ghost/offsets", rewind),
                delete("/connectors/ghost/offsets"),
                put("/connectors/dp-a/stop", null).values(),
                get("/connectors/dp-a/status").until("stopped, its task gone", r -> "STOPPED".equals(r.json().path("connector").path("state").asText())
                                && r.json().path("tasks").isEmpty())
                        .values().ignoring(workerIds),
                patch("/connectors/dp-a/offsets", rewind).values(),
                get("/connectors/dp-a/offsets").values(),
                patch("/connectors/dp-a/offsets", unusable).kafkaConnectFailsHere(400,
                        "the plugin refuses the offset and Kafka Connect reports that as a 500; Switchboard answers the "
                        + "plugin's refusal as the bad request it is"),
                delete("/connectors/dp-a/offsets").values(),
                get("/connectors/dp-a/offsets").values(),
                get("/connector-plugins").values(),
                get("/connector-plugins?connectorsOnly=false").values(),
                get("/connector-plugins/FileStreamSource/config").values(),
                get("/connector-plugins/com.example.Nothing/config"),
                put("/connector-plugins/FileStreamSource/config/validate", Http.json(with(config(), "name", "v"))).values(),
                put("/connector-plugins/FileStreamSource/config/validate", Http.json(with(config(), "tasks.max", "zero"))).values(),
                get("/admin/loggers/org.apache.kafka.connect.runtime.rest").values(),
                delete("/connectors/dp-a").values(),
                get("/connectors").values().untilListIs());
    }

    private static boolean running(JsonNode status) {
        return "RUNNING".equals(status.path("connector").path("state").asText())
                && status.path("tasks").size() == 1
                && "RUNNING".equals(status.path("tasks").get(0).path("state").asText());
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers

    private void assertSame(String scenario, Step... steps) {
        Differ.Report report = differ.run(scenario, List.of(steps));
        report.writeTo(TRANSCRIPTS);
        assertTrue(report.ok(), report::failures);
    }

    /** A FileStream source connector config reading the test's empty input file. */
    private Map<String, String> config() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", SOURCE);
        config.put("tasks.max", "1");
        config.put("file", inputFile);
        config.put("topic", "difftest");
        return config;
    }

    /** A copy of the config with one key set (null: set to JSON null). */
    private static Map<String, String> with(Map<String, String> config, String key, String value) {
        Map<String, String> out = new LinkedHashMap<>(config);
        out.put(key, value);
        return out;
    }

    /** A create request body; a null initial state leaves the field out. */
    private static String create(String name, Map<String, String> config, String initialState) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("config", config);
        if (initialState != null) {
            body.put("initial_state", initialState);
        }
        return Http.json(body);
    }
}
