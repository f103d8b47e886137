package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testing.ApiContract;
import io.switchboard.testing.Await;
import io.switchboard.testing.HalfFailingSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redpanda Cloud's Kafka Connect API over real HTTP, on a real broker, Kafka Streams and the
 * embedded Kafka Connect worker: every route, holistic states (DEGRADED with one of two tasks
 * failed), errors parsed from traces, and one connector seen through every dialect. Its errors
 * for bad input are the server's RedpandaErrorsTest, over the core in memory. On the test JVM's
 * replica with a worker ({@link SharedReplica#withWorker}), under connector names of its own, each
 * also the name of its topic.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedpandaDialectTest {
    private static final Await WAIT = Await.atMost(Duration.ofSeconds(60));
    private static final String BASE = "/v1/kafka-connect/clusters/default";
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private SwitchboardFixture fx;
    private Path files;

    @BeforeAll
    void start() throws Exception {
        fx = SharedReplica.withWorker();
        files = Files.createTempDirectory(io.switchboard.testing.TestReplicas.FILES, "redpanda-dialect");
    }

    @AfterAll
    void stop() {
        fx.close();
        SwitchboardFixture.deleteQuietly(files);
    }

    private static String spec(String name, Map<String, String> config) {
        return SwitchboardFixture.json(Map.of("name", name, "config", config));
    }

    private Map<String, String> fileSource(String name) throws Exception {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "FileStreamSource");
        config.put("file", Files.writeString(files.resolve(name + ".txt"), "x\ny\n").toString());
        config.put("topic", name);
        config.put("db.password", "hunter2");
        return config;
    }

    private JsonNode status(String name) {
        return fx.call("GET", BASE + "/connectors/" + name + "/status", null).json();
    }

    private static Predicate<JsonNode> holistic(String state) {
        return s -> s.path("holistic_state").asText().equals("CONNECTOR_HOLISTIC_STATE_" + state);
    }

    /** As a generated client sends an operation without a body. */
    private int bodiless(String method, String path) throws Exception {
        HttpResponse<String> answer = CLIENT.send(HttpRequest.newBuilder(URI.create(fx.app.url() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        ApiContract.check(fx.app.url(), method, path, answer.statusCode(), answer.headers().map(), answer.body());
        return answer.statusCode();
    }

    @Test
    void clustersAreListedWithTheirWorkersFacts() {
        JsonNode clusters = fx.call("GET", "/v1/kafka-connect/clusters", null).json().path("clusters");
        assertEquals("default", clusters.get(0).path("name").asText());
        JsonNode cluster = fx.call("GET", BASE, null).json();
        assertEquals("4.3.1", cluster.path("info").path("version").asText());
        assertTrue(cluster.path("address").asText().endsWith("/clusters/default"), cluster.toString());
        assertTrue(cluster.path("plugins").toString().contains("FileStreamSourceConnector"));
        String worker = fx.app.connectClusters().get("default");
        assertFalse(cluster.toString().contains(URI.create(worker).getPort() + ""), "the worker's own address is not shown");
    }

    @Test
    void everyConnectorRoute() throws Exception {
        SwitchboardFixture.Answer created = fx.call("POST", BASE + "/connectors", spec("redpanda-orders", fileSource("redpanda-orders")));
        assertEquals(201, created.status(), created.body());
        assertEquals("****************", created.json().path("config").path("db.password").asText());
        SwitchboardFixture.Answer again = fx.call("POST", BASE + "/connectors", spec("redpanda-orders", fileSource("redpanda-orders")));
        assertEquals(409, again.status());
        assertEquals("ALREADY_EXISTS", again.json().path("code").asText());

        JsonNode healthy = WAIT.until("HEALTHY", () -> status("redpanda-orders"), holistic("HEALTHY"));
        assertEquals("RUNNING", healthy.path("tasks").get(0).path("state").asText());
        assertEquals(0, healthy.path("errors").size());
        assertEquals("redpanda-orders", fx.call("GET", BASE + "/connectors/redpanda-orders", null).json().path("name").asText());
        assertEquals("****************", fx.call("GET", BASE + "/connectors/redpanda-orders/config", null).json().path("db.password").asText());

        assertEquals(202, bodiless("PUT", BASE + "/connectors/redpanda-orders/pause"));
        WAIT.until("PAUSED", () -> status("redpanda-orders"), holistic("PAUSED"));
        assertEquals(202, bodiless("PUT", BASE + "/connectors/redpanda-orders/resume"));
        WAIT.until("HEALTHY again", () -> status("redpanda-orders"), holistic("HEALTHY"));
        assertEquals(202, bodiless("PUT", BASE + "/connectors/redpanda-orders/stop"));
        WAIT.until("STOPPED", () -> status("redpanda-orders"), holistic("STOPPED"));
        assertEquals(202, bodiless("PUT", BASE + "/connectors/redpanda-orders/resume"));
        WAIT.until("HEALTHY after the stop", () -> status("redpanda-orders"), holistic("HEALTHY"));
        assertEquals(204, bodiless("POST", BASE + "/connectors/redpanda-orders/restart"));
        assertEquals(204, fx.call("POST", BASE + "/connectors/redpanda-orders/restart", "{\"include_tasks\": true, \"only_failed\": true}").status());

        JsonNode topics = WAIT.until("its topic", () -> fx.call("GET", BASE + "/connectors/redpanda-orders/topics", null).json(),
                t -> t.path("topics").size() == 1);
        assertEquals("redpanda-orders", topics.path("topics").get(0).asText());
        assertEquals(200, fx.call("PUT", BASE + "/connectors/redpanda-orders/topics/reset", null).status());

        Map<String, String> changed = fileSource("redpanda-orders");
        changed.put("topic", "redpanda-orders-2");
        SwitchboardFixture.Answer replaced = fx.call("PUT", BASE + "/connectors/redpanda-orders/config", SwitchboardFixture.json(changed));
        assertEquals(200, replaced.status(), replaced.body());
        assertEquals(201, fx.call("PUT", BASE + "/connectors/redpanda-upserted/config", SwitchboardFixture.json(fileSource("redpanda-upserted"))).status());

        // One connector in every dialect.
        assertEquals("redpanda-orders-2", fx.call("GET", "/clusters/default/connectors/redpanda-orders/config", null).json().path("topic").asText());
        assertEquals(204, fx.call("DELETE", BASE + "/connectors/redpanda-orders", null).status());
        SwitchboardFixture.Answer gone = fx.call("GET", BASE + "/connectors/redpanda-orders", null);
        assertEquals(404, gone.status());
        assertEquals("NOT_FOUND", gone.json().path("code").asText());
        assertEquals(404, fx.call("GET", "/connectors/redpanda-orders", null).status());
        assertEquals(204, fx.call("DELETE", "/clusters/default/connectors/redpanda-upserted", null).status());
    }

    @Test
    void oneFailedTaskOfTwoIsDegradedAndItsErrorIsReadable() throws Exception {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", HalfFailingSource.class.getName());
        config.put("tasks.max", "2");
        assertEquals(201, fx.call("POST", BASE + "/connectors", spec("redpanda-half", config)).status());
        JsonNode degraded = WAIT.until("DEGRADED", () -> status("redpanda-half"), holistic("DEGRADED"));
        JsonNode error = degraded.path("errors").get(0);
        assertEquals("TYPE_ERROR", error.path("type").asText());
        assertEquals("Task 1 error: Task 1 cannot reach its source: connection refused", error.path("title").asText(), error.toString());
        assertFalse(error.path("content").asText().contains("\tat "), "no stack frames: " + error);
        assertEquals(204, fx.call("DELETE", BASE + "/connectors/redpanda-half", null).status());
    }
}
