package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testing.Await;
import io.switchboard.testing.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /connectors/{name}/history} and {@code GET /events} over real HTTP, against a real
 * broker and Kafka Streams: history across delete and re-create, and the live stream read line by
 * line by a real HTTP client, with a filter and resumed from an event id. On the test JVM's secured
 * replica ({@link SharedReplica#withUsers}), under connector names of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HistoryAndEventsTest {
    private static final String SECRET = "hunter2";
    private SwitchboardFixture fx;

    @BeforeAll
    void start() {
        // Principals are recorded only when authenticated: these are the test's users.
        fx = SharedReplica.withUsers(Map.of("alice", "editor@*", "bob", "editor@*", "carol", "editor@*", "dave", "editor@*",
                "erin", "editor@*", "admin", "admin@*"), "admin");
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    private static Map<String, Object> config(String name) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("connector.class", "org.apache.kafka.connect.file.FileStreamSourceConnector");
        config.put("file", "/tmp/switchboard-test-files/" + name + ".txt");
        config.put("topic", name + "-lines");
        config.put("database.password", SECRET);
        return config;
    }

    private static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":pw").getBytes(StandardCharsets.UTF_8));
    }

    private Http.Response call(String method, String path, Object body, String user, String requestId) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", basic(user));
        headers.put("X-Request-Id", requestId);
        return Http.call(fx.app.url(), method, path, body == null ? null : Http.json(body), headers);
    }

    private JsonNode history(String name, int versions) {
        return Await.atMost(Duration.ofSeconds(10)).until("history of " + name + " with " + versions + " versions",
                () -> Http.get(fx.app.url(), "/connectors/" + name + "/history"),
                answer -> answer.status() == 200 && answer.json().get("versions").size() == versions).json();
    }

    @Test
    void historyShowsEveryVersionAcrossDeleteAndRecreate() {
        assertEquals(201, call("POST", "/connectors", Map.of("name", "history-audited", "config", config("history-audited")),
                "alice", "req-create").status());
        Map<String, Object> changed = config("history-audited");
        changed.put("topic", "history-audited-v2");
        changed.put("tasks.max", "2");
        changed.remove("file");
        changed.put("database.password", "swordfish");
        assertEquals(200, call("PUT", "/connectors/history-audited/config", changed, "bob", "req-change").status());
        assertEquals(200, call("PUT", "/connectors/history-audited/config", changed, "bob", "req-noop").status());
        assertEquals(202, call("PUT", "/connectors/history-audited/pause", null, "carol", "req-pause").status());
        assertEquals(204, call("DELETE", "/connectors/history-audited", null, "dave", "req-delete").status());

        JsonNode afterDelete = history("history-audited", 4);
        assertEquals("history-audited", afterDelete.get("name").asText());
        assertFalse(afterDelete.toString().contains(SECRET), afterDelete.toString());
        assertFalse(afterDelete.toString().contains("swordfish"), afterDelete.toString());

        assertEquals(201, call("POST", "/connectors", Map.of("name", "history-audited", "config", config("history-audited")),
                "erin", "req-recreate").status());
        JsonNode history = history("history-audited", 5);
        JsonNode versions = history.get("versions");
        List<String> kinds = new ArrayList<>();
        versions.forEach(v -> kinds.add(v.get("event").asText()));
        assertEquals(List.of("ConnectorCreated", "ConnectorConfigChanged", "TargetStateChanged", "ConnectorDeleted",
                "ConnectorCreated"), kinds, "the no-op PUT made no version");
        List<String> requests = new ArrayList<>();
        versions.forEach(v -> requests.add(v.get("request_id").asText()));
        assertEquals(List.of("req-create", "req-change", "req-pause", "req-delete", "req-recreate"), requests);

        JsonNode created = versions.get(0);
        assertEquals(1, created.get("version").asLong());
        assertEquals(1, created.get("sequence").asLong());
        assertEquals("alice", created.get("principal").asText());
        assertFalse(created.get("command_id").asText().isEmpty());
        assertTrue(created.get("occurred_at").asText().endsWith("Z"), created.toString());
        assertEquals("RUNNING", created.get("target_state").asText());
        assertEquals("history-audited-lines", created.get("config").get("topic").asText());
        assertEquals("****************", created.get("config").get("database.password").asText());
        assertEquals("history-audited", created.get("diff").get("added").get("name").asText());

        JsonNode change = versions.get(1);
        assertEquals(2, change.get("version").asLong());
        assertEquals("bob", change.get("principal").asText());
        assertEquals("history-audited-v2", change.get("config").get("topic").asText());
        assertFalse(change.get("config").has("file"));
        assertEquals("2", change.get("diff").get("added").get("tasks.max").asText());
        assertEquals("/tmp/switchboard-test-files/history-audited.txt", change.get("diff").get("removed").get("file").asText());
        assertEquals("history-audited-lines", change.get("diff").get("changed").get("topic").get("old").asText());
        assertEquals("history-audited-v2", change.get("diff").get("changed").get("topic").get("new").asText());
        assertEquals("****************", change.get("diff").get("changed").get("database.password").get("new").asText(),
                "a changed secret is reported, masked");
        assertNull(change.get("diff").get("target_state"), "the target state did not change");

        JsonNode pause = versions.get(2);
        assertEquals(3, pause.get("version").asLong());
        assertEquals("PAUSED", pause.get("target_state").asText());
        assertEquals("RUNNING", pause.get("diff").get("target_state").get("old").asText());
        assertEquals("history-audited-v2", pause.get("config").get("topic").asText(), "each version carries the whole config");
        assertEquals(0, pause.get("diff").get("changed").size());

        JsonNode deleted = versions.get(3);
        assertEquals(4, deleted.get("version").asLong());
        assertEquals("dave", deleted.get("principal").asText());
        assertTrue(deleted.get("config").isNull());
        assertTrue(deleted.get("target_state").isNull());
        assertTrue(deleted.get("diff").get("removed").has("topic"));

        JsonNode recreated = versions.get(4);
        assertEquals(1, recreated.get("version").asLong(), "a re-created connector starts again at version 1");
        assertEquals(5, recreated.get("sequence").asLong());
        assertEquals("/tmp/switchboard-test-files/history-audited.txt", recreated.get("config").get("file").asText());
        assertTrue(recreated.get("diff").get("added").has("file"));
    }

    @Test
    void historyOfAConnectorThatNeverExistedIs404() {
        Http.Response answer = Http.get(fx.app.url(), "/connectors/history-never-was/history");
        assertEquals(404, answer.status());
        assertEquals(404, answer.json().get("error_code").asInt());
        assertEquals("Connector history-never-was not found", answer.json().get("message").asText());
    }

    @Test
    void eventsStreamLiveFilteredAndResumable() throws Exception {
        // Streams left by other tests in this JVM are theirs to end: this test counts only its own.
        Set<Thread> others = streamThreadSet();
        String base = fx.app.url() + "/events";
        List<Sse> firstThree = new ArrayList<>();
        try (SseReader live = new SseReader(base + "?connector=history-streamed", Map.of());
             SseReader everything = new SseReader(base, Map.of())) {
            assertEquals(200, live.response.statusCode());
            assertTrue(live.response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
            live.awaitStarted();
            everything.awaitStarted();

            assertEquals(201, call("POST", "/connectors", Map.of("name", "history-streamed", "config", config("history-streamed")),
                    "alice", "req-s1").status());
            assertEquals(201, call("POST", "/connectors", Map.of("name", "history-other", "config", config("history-other")),
                    "alice", "req-o1").status());
            assertEquals(200, call("PATCH", "/connectors/history-streamed/config", Map.of("tasks.max", "4"), "bob", "req-s2").status());
            assertEquals(202, call("PUT", "/connectors/history-streamed/pause", null, "bob", "req-s3").status());

            for (int i = 0; i < 3; i++) {
                firstThree.add(live.next());
            }
            live.assertQuiet(Duration.ofSeconds(1));
            // Without a filter every connector's events come; "latest" is the end of what was committed
            // when the stream started, so events of other tests still in a transaction may come first.
            List<String> everyConnector = new ArrayList<>();
            while (everyConnector.stream().filter(List.of("history-streamed", "history-other")::contains).count() < 4) {
                everyConnector.add(everything.next().data().get("connector").asText());
            }
            assertTrue(everyConnector.contains("history-other"), everyConnector.toString());
            assertEquals(3, everyConnector.stream().filter("history-streamed"::equals).count(), everyConnector.toString());
        }
        assertEquals(List.of("ConnectorCreated", "ConnectorConfigChanged", "TargetStateChanged"),
                firstThree.stream().map(Sse::event).toList());
        Sse created = firstThree.get(0);
        assertEquals("history-streamed", created.data().get("connector").asText());
        assertEquals("default", created.data().get("cluster").asText());
        assertEquals("ConnectorCreated", created.data().get("event").asText());
        assertEquals(1, created.data().get("version").asLong());
        assertEquals("alice", created.data().get("principal").asText());
        assertEquals("req-s1", created.data().get("request_id").asText());
        assertEquals("****************", created.data().get("details").get("config").get("database.password").asText());
        assertFalse(created.data().toString().contains(SECRET), created.data().toString());
        assertTrue(created.id().matches("\\d+:\\d+(,\\d+:\\d+)*"), created.id());
        assertEquals(List.of("tasks.max"), List.of(firstThree.get(1).data().get("details").get("added").get(0).asText()));
        assertEquals("PAUSED", firstThree.get(2).data().get("details").get("current").asText());

        // Resume after the first event with Last-Event-ID, and after the second with ?from=.
        try (SseReader resumed = new SseReader(base + "?connector=history-streamed", Map.of("Last-Event-ID", created.id()))) {
            assertEquals("ConnectorConfigChanged", resumed.next().event());
            assertEquals("TargetStateChanged", resumed.next().event());
            resumed.assertQuiet(Duration.ofSeconds(1));
        }
        try (SseReader resumed = new SseReader(base + "?connector=history-streamed&from=" + firstThree.get(1).id(), Map.of())) {
            Sse next = resumed.next();
            assertEquals("TargetStateChanged", next.event());
            assertEquals(where(firstThree.get(2)), where(next), "the same event");
        }
        // An id is a position across all partitions, so a stream that read other connectors' events in
        // another order gives the same event another (equally valid) id; the event itself is the same.
        try (SseReader replay = new SseReader(base + "?connector=history-streamed&from=earliest", Map.of())) {
            assertEquals(where(created), where(replay.next()));
        }

        // Each client's consumer goes away with the client.
        Await.atMost(Duration.ofSeconds(30)).until("every event stream to end after its client left (stream threads)",
                () -> streamThreads(others), threads -> threads == 0);
    }

    /** The event's own place in the lifecycle topic. */
    private static String where(Sse event) {
        return event.data().get("partition").asText() + "@" + event.data().get("offset").asText();
    }

    private static Set<Thread> streamThreadSet() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("switchboard-events-") && t.isAlive())
                .collect(Collectors.toSet());
    }

    private static long streamThreads(Set<Thread> others) {
        return streamThreadSet().stream().filter(t -> !others.contains(t)).count();
    }

    @Test
    void badStreamParametersAre400() {
        Http.Response bad = Http.call(fx.app.url(), "GET", "/events?from=yesterday", null, Map.of("Accept", "text/event-stream"));
        assertEquals(400, bad.status());
        assertEquals(400, bad.json().get("error_code").asInt());
        assertTrue(bad.json().get("message").asText().startsWith("Invalid event stream position 'yesterday'"), bad.body());
        Http.Response badHeader = Http.call(fx.app.url(), "GET", "/events", null, Map.of("Last-Event-ID", "0:-3"));
        assertEquals(400, badHeader.status());
        Http.Response empty = Http.call(fx.app.url(), "GET", "/events?connector=", null, Map.of());
        assertEquals(400, empty.status());
        assertEquals(400, empty.json().get("error_code").asInt());
    }
}
