package io.switchboard.api;

import io.switchboard.kafka.KafkaIdentities;
import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testing.ApiContract;
import io.switchboard.testing.Await;
import io.switchboard.testing.Http;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Confluent Cloud's connect/v1 over real HTTP, on a real broker, Kafka Streams and the embedded
 * Kafka Connect worker: every operation, Confluent's states and error shape, requests as generated
 * clients send them, and one connector seen through both dialects. Its error shape for every kind
 * of refusal is the server's ConfluentErrorsTest, over the core in memory. On the test JVM's replica
 * with a worker ({@link SharedReplica#withWorker}), under connector names of its own, each also the
 * name of its topic.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConfluentDialectTest {
    private static final Await WAIT = Await.atMost(Duration.ofSeconds(60));
    private static final String STARS = "****************";
    private static final HttpClient FORM_CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private SwitchboardFixture fx;
    private String base;
    private Path files;

    @BeforeAll
    void start() throws Exception {
        fx = SharedReplica.withWorker();
        String kafkaClusterId = fx.call("GET", "/", null).json().path("kafka_cluster_id").asText();
        base = "/connect/v1/environments/env-default/clusters/" + kafkaClusterId;
        files = Files.createTempDirectory(io.switchboard.testing.TestReplicas.FILES, "confluent-dialect");
    }

    @AfterAll
    void stop() {
        fx.close();
        SwitchboardFixture.deleteQuietly(files);
    }

    private String source(String name, Path file) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("connector.class", "FileStreamSource");
        config.put("file", file.toString());
        config.put("topic", name);
        config.put("tasks.max", "1");
        config.put("sftp.password", "hunter2");
        return SwitchboardFixture.json(Map.of("name", name, "config", config));
    }

    private JsonNode status(String name) {
        return fx.call("GET", base + "/connectors/" + name + "/status", null).json();
    }

    /** As a client generated from Confluent's specification sends a body-less operation. */
    private int formPut(String path) throws Exception {
        HttpResponse<String> answer = FORM_CLIENT.send(HttpRequest.newBuilder(URI.create(fx.app.url() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .method(path.endsWith("/restart") ? "POST" : "PUT", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        ApiContract.check(fx.app.url(), path.endsWith("/restart") ? "POST" : "PUT", path,
                answer.statusCode(), answer.headers().map(), answer.body());
        return answer.statusCode();
    }

    @Test
    void everyOperationOnOneConnector() throws Exception {
        Path file = Files.writeString(files.resolve("orders.txt"), "a\nb\n");
        SwitchboardFixture.Answer created = fx.call("POST", base + "/connectors", source("confluent-orders", file));
        assertEquals(201, created.status(), created.body());
        assertEquals("confluent-orders", created.json().path("name").asText());
        assertEquals(STARS, created.json().path("config").path("sftp.password").asText());
        assertNotNull(created.header("X-Request-Id"));
        assertEquals(409, fx.call("POST", base + "/connectors", source("confluent-orders", file)).status());

        assertTrue(names(fx.call("GET", base + "/connectors", null).json()).contains("confluent-orders"));
        assertEquals(STARS, fx.call("GET", base + "/connectors/confluent-orders/config", null).json().path("sftp.password").asText());
        assertEquals(STARS, fx.call("GET", base + "/connectors/confluent-orders", null).json().path("config").path("sftp.password").asText());

        JsonNode running = WAIT.until("RUNNING with a running task", () -> status("confluent-orders"),
                s -> s.path("connector").path("state").asText().equals("RUNNING") && s.path("tasks").size() == 1
                        && s.path("tasks").get(0).path("state").asText().equals("RUNNING"));
        assertEquals("source", running.path("type").asText());
        assertEquals("", running.path("tasks").get(0).path("msg").asText());

        // The three ways a client may ask for expansions.
        JsonNode comma = fx.call("GET", base + "/connectors?expand=id,info,status", null).json();
        JsonNode repeated = fx.call("GET", base + "/connectors?expand=id&expand=info&expand=status", null).json();
        JsonNode encoded = fx.call("GET", base + "/connectors?expand=id%2Cinfo%2Cstatus", null).json();
        String id = comma.path("confluent-orders").path("id").path("id").asText();
        assertTrue(id.matches("lcc-[a-z2-7]{12}"), id);
        assertEquals("ID", comma.path("confluent-orders").path("id").path("id_type").asText());
        assertEquals(id, repeated.path("confluent-orders").path("id").path("id").asText(), "the id is stable");
        assertEquals(comma, encoded);
        assertEquals(STARS, comma.path("confluent-orders").path("info").path("config").path("sftp.password").asText());
        JsonNode onlyId = fx.call("GET", base + "/connectors?expand=id", null).json();
        assertFalse(onlyId.path("confluent-orders").has("info"));

        JsonNode tasks = WAIT.until("the task's config", () -> fx.call("GET", base + "/connectors/confluent-orders/tasks", null).json(),
                t -> t.size() == 1);
        assertEquals("confluent-orders", tasks.get(0).path("id").path("connector").asText());
        assertEquals(STARS, tasks.get(0).path("config").path("sftp.password").asText());

        assertEquals(202, formPut(base + "/connectors/confluent-orders/pause"));
        WAIT.until("PAUSED", () -> status("confluent-orders"), s -> s.path("connector").path("state").asText().equals("PAUSED"));
        assertEquals(202, formPut(base + "/connectors/confluent-orders/resume"));
        WAIT.until("RUNNING again", () -> status("confluent-orders"), s -> s.path("connector").path("state").asText().equals("RUNNING"));
        assertEquals(202, formPut(base + "/connectors/confluent-orders/restart"));

        JsonNode offsets = WAIT.until("offsets read", () -> fx.call("GET", base + "/connectors/confluent-orders/offsets", null).json(),
                o -> o.path("offsets").size() == 1);
        assertEquals(id, offsets.path("id").asText());
        Instant.parse(offsets.path("metadata").path("observed_at").asText());
        assertEquals(4, offsets.path("offsets").get(0).path("offset").path("position").asInt());

        Map<String, String> changed = new LinkedHashMap<>();
        changed.put("connector.class", "FileStreamSource");
        changed.put("file", file.toString());
        changed.put("topic", "confluent-orders-2");
        SwitchboardFixture.Answer put = fx.call("PUT", base + "/connectors/confluent-orders/config", SwitchboardFixture.json(changed));
        assertEquals(200, put.status(), put.body());
        assertEquals("confluent-orders-2", put.json().path("config").path("topic").asText());
        assertEquals(200, fx.call("PUT", base + "/connectors/confluent-orders-upserted/config", SwitchboardFixture.json(changed)).status());

        SwitchboardFixture.Answer deleted = fx.call("DELETE", base + "/connectors/confluent-orders", null);
        assertEquals(200, deleted.status());
        assertEquals("{\"error\":null}", deleted.body());
        SwitchboardFixture.Answer gone = fx.call("GET", base + "/connectors/confluent-orders", null);
        assertEquals(404, gone.status());
        assertEquals(404, gone.json().path("error").path("code").asInt());
        assertEquals(200, fx.call("DELETE", base + "/connectors/confluent-orders-upserted", null).status());
    }

    @Test
    void anOffsetsRequestStopsChangesAndResumesAndTheSourceReadsAgain() throws Exception {
        Path file = Files.writeString(files.resolve("replay.txt"), "l1\nl2\nl3\n");
        assertEquals(201, fx.call("POST", base + "/connectors", source("confluent-replay", file)).status());
        WAIT.until("all lines read", () -> fx.call("GET", base + "/connectors/confluent-replay/offsets", null).json(),
                o -> o.path("offsets").path(0).path("offset").path("position").asInt() == 9);
        assertEquals(List.of("l1", "l2", "l3"), lines("confluent-replay", 3));

        String patch = "{\"type\": \"PATCH\", \"offsets\": [{\"partition\": {\"filename\": \"" + file
                + "\"}, \"offset\": {\"position\": 3}}]}";
        SwitchboardFixture.Answer accepted = fx.call("POST", base + "/connectors/confluent-replay/offsets/request", patch);
        assertEquals(202, accepted.status(), accepted.body());
        assertEquals("PATCH", accepted.json().path("type").asText());
        assertEquals("confluent-replay", accepted.json().path("name").asText());
        Instant.parse(accepted.json().path("requested_at").asText());
        SwitchboardFixture.Answer second = fx.call("POST", base + "/connectors/confluent-replay/offsets/request", "{\"type\": \"DELETE\"}");
        assertEquals(409, second.status(), "one request at a time: " + second.body());

        JsonNode applied = WAIT.until("APPLIED", () -> fx.call("GET", base + "/connectors/confluent-replay/offsets/request/status", null).json(),
                st -> !st.path("status").path("phase").asText().equals("PENDING"));
        assertEquals("APPLIED", applied.path("status").path("phase").asText(), applied.toString());
        assertEquals(9, applied.path("previous_offsets").path(0).path("offset").path("position").asInt(), applied.toString());
        Instant.parse(applied.path("applied_at").asText());
        assertEquals(3, applied.path("request").path("offsets").path(0).path("offset").path("position").asInt());

        WAIT.until("RUNNING again", () -> status("confluent-replay"), st -> st.path("connector").path("state").asText().equals("RUNNING"));
        // Read again from byte 3: the second and third lines once more.
        assertEquals(List.of("l1", "l2", "l3", "l2", "l3"), lines("confluent-replay", 5));
    }

    @Test
    void aConnectorCreatedWithOffsetsStartsFromThem() throws Exception {
        Path file = Files.writeString(files.resolve("from-offsets.txt"), "a1\na2\na3\n");
        String body = source("confluent-from-offsets", file);
        body = body.substring(0, body.length() - 1) + ", \"offsets\": [{\"partition\": {\"filename\": \"" + file
                + "\"}, \"offset\": {\"position\": 6}}]}";
        SwitchboardFixture.Answer created = fx.call("POST", base + "/connectors", body);
        assertEquals(201, created.status(), created.body());
        WAIT.until("RUNNING", () -> status("confluent-from-offsets"), st -> st.path("connector").path("state").asText().equals("RUNNING")
                && st.path("tasks").size() == 1);
        WAIT.until("the file read to its end", () -> fx.call("GET", base + "/connectors/confluent-from-offsets/offsets", null).json(),
                o -> o.path("offsets").path(0).path("offset").path("position").asInt() == 9);
        assertEquals(List.of("a3"), lines("confluent-from-offsets", 1));
        assertEquals("APPLIED", fx.call("GET", base + "/connectors/confluent-from-offsets/offsets/request/status", null).json()
                .path("status").path("phase").asText());
    }

    @Test
    void anOffsetsRequestThePluginRefusesFailsWithItsReasonAndThePausedConnectorIsPausedAgain() throws Exception {
        Path file = Files.writeString(files.resolve("refused.txt"), "r1\nr2\n");
        assertEquals(201, fx.call("POST", base + "/connectors", source("confluent-refused", file)).status());
        assertEquals(202, formPut(base + "/connectors/confluent-refused/pause"));
        // Kafka Connect's own status tells PAUSED from STOPPED, which Confluent's states do not.
        Supplier<String> workerState = () -> fx.call("GET", "/clusters/default/connectors/confluent-refused/status", null).json()
                .path("connector").path("state").asText();
        WAIT.until("PAUSED", () -> SwitchboardFixture.JSON.getNodeFactory().textNode(workerState.get()),
                s -> s.asText().equals("PAUSED"));

        // FileStreamSource's plugin accepts only a number as the position.
        String patch = "{\"type\": \"PATCH\", \"offsets\": [{\"partition\": {\"filename\": \"" + file
                + "\"}, \"offset\": {\"position\": \"two\"}}]}";
        assertEquals(202, fx.call("POST", base + "/connectors/confluent-refused/offsets/request", patch).status());
        JsonNode failed = WAIT.until("an outcome", () -> fx.call("GET", base + "/connectors/confluent-refused/offsets/request/status", null).json(),
                st -> !st.path("status").path("phase").asText().equals("PENDING"));
        assertEquals("FAILED", failed.path("status").path("phase").asText(), failed.toString());
        String reason = failed.path("status").path("message").asText();
        assertTrue(reason.contains("position"), "the plugin's reason: " + failed);
        assertFalse(reason.contains("STOPPED state"), "the worker had stopped it for the change: " + failed);
        assertTrue(failed.path("applied_at").isNull(), failed.toString());

        WAIT.until("PAUSED again", () -> SwitchboardFixture.JSON.getNodeFactory().textNode(workerState.get()),
                s -> s.asText().equals("PAUSED"));
        assertEquals("PAUSED", status("confluent-refused").path("connector").path("state").asText());
        // The failed request is over: the next one is taken.
        SwitchboardFixture.Answer next = fx.call("POST", base + "/connectors/confluent-refused/offsets/request", "{\"type\": \"DELETE\"}");
        assertEquals(202, next.status(), next.body());
        JsonNode reset = WAIT.until("the reset's outcome",
                () -> fx.call("GET", base + "/connectors/confluent-refused/offsets/request/status", null).json(),
                st -> st.path("request").path("type").asText().equals("DELETE") && !st.path("status").path("phase").asText().equals("PENDING"));
        assertEquals("APPLIED", reset.path("status").path("phase").asText(), reset.toString());
        WAIT.until("PAUSED after the reset", () -> SwitchboardFixture.JSON.getNodeFactory().textNode(workerState.get()),
                s -> s.asText().equals("PAUSED"));
        assertEquals(200, fx.call("DELETE", base + "/connectors/confluent-refused", null).status());
    }

    /** The lines a FileStreamSource wrote to the topic, once at least {@code atLeast} are there (and a moment more). */
    private List<String> lines(String topic, int atLeast) {
        Properties props = new Properties();
        props.putAll(fx.kafka.client(KafkaIdentities.USER));
        props.put("group.id", "lines-" + UUID.randomUUID());
        props.put("auto.offset.reset", "earliest");
        List<String> lines = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    JsonNode value = SwitchboardFixture.JSON.readTree(record.value());
                    lines.add(value.isTextual() ? value.asText() : value.path("payload").asText());
                }
                if (lines.size() >= atLeast && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    @Test
    void theDataPlaneIsMetered() {
        String metrics = Http.get(fx.app.url(), "/metrics").body();
        assertTrue(metrics.contains("switchboard_reconciler_passes_total{cluster=\"default\"}"), "reconciler passes");
        assertTrue(metrics.contains("switchboard_reconciler_calls_total{cluster=\"default\"}"), "reconciler calls");
        assertTrue(metrics.contains("switchboard_reconciler_errors_total{cluster=\"default\"}"), "reconciler errors");
    }

    @Test
    void pluginsAndValidation() {
        JsonNode plugins = fx.call("GET", base + "/connector-plugins", null).json();
        assertTrue(plugins.toString().contains("org.apache.kafka.connect.file.FileStreamSourceConnector"), plugins.toString());
        plugins.forEach(p -> assertTrue(p.path("type").asText().matches("source|sink"), p.toString()));
        SwitchboardFixture.Answer validated = fx.call("PUT", base + "/connector-plugins/FileStreamSource/config/validate",
                "{\"name\": \"v\", \"topic\": \"t\", \"file\": \"/tmp/switchboard-test-files/x\"}");
        assertEquals(200, validated.status(), validated.body());
        assertEquals(0, validated.json().path("error_count").asInt(), validated.json().path("error_count").asText());
        SwitchboardFixture.Answer invalid = fx.call("PUT", base + "/connector-plugins/FileStreamSource/config/validate",
                "{\"file\": \"/tmp/switchboard-test-files/x\"}");
        assertEquals(200, invalid.status(), invalid.body());
        assertTrue(invalid.json().path("error_count").asInt() > 0, invalid.json().path("error_count").asText());
    }

    @Test
    void aConnectorIsOneConnectorInEveryDialect() throws Exception {
        Path file = Files.writeString(files.resolve("shared.txt"), "x\n");
        assertEquals(201, fx.call("POST", base + "/connectors", source("confluent-shared", file)).status());
        JsonNode info = fx.call("GET", "/clusters/default/connectors/confluent-shared", null).json();
        assertEquals(STARS, info.path("config").path("sftp.password").asText());
        assertEquals(202, fx.call("PUT", "/clusters/default/connectors/confluent-shared/pause", null).status());
        WAIT.until("PAUSED through Confluent", () -> status("confluent-shared"), s -> s.path("connector").path("state").asText().equals("PAUSED"));
        JsonNode history = fx.call("GET", "/clusters/default/connectors/confluent-shared/history", null).json();
        assertEquals(2, history.path("versions").size(), history.toString());
        assertEquals("PAUSED", history.path("versions").get(1).path("target_state").asText());
        assertEquals(204, fx.call("DELETE", "/clusters/default/connectors/confluent-shared", null).status());
        assertEquals(404, fx.call("GET", base + "/connectors/confluent-shared", null).status());
    }

    private static List<String> names(JsonNode list) {
        List<String> names = new ArrayList<>();
        list.forEach(n -> names.add(n.asText()));
        return names;
    }
}
