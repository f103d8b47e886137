package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testing.Await;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestUsers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A set's progress as the worker catches up, against a real broker, processor and embedded Connect
 * worker, over real HTTP: per connector in {@code GET} of the set and of one change, as
 * {@code SetProgress} events on {@code /events?set=}, and on the set's console page (values hidden
 * from a viewer, revert offered to an editor only); a worker changed behind Switchboard's back shown
 * beside the plan; a revert answered once its connectors' commands are decided.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SetProgressTest {
    private static final String SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector";
    private static final HttpClient STREAMING = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private SwitchboardFixture fx;

    @BeforeAll
    void start() {
        fx = SwitchboardFixture.withUsers(Map.of("erin", "editor@default", "vera", "viewer@default"), "erin",
                options -> options.embeddedWorker(true));
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    private static Map<String, Object> connector(String name, String topic, String state) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name);
        c.put("labels", Map.of("team", "progress"));
        c.put("config", Map.of("connector.class", SOURCE, "file", "/tmp/switchboard-test-files/" + name + "-input.txt", "topic", topic, "tasks.max", "1"));
        c.put("state", state);
        return c;
    }

    private static String body(List<Map<String, Object>> connectors) {
        return SwitchboardFixture.json(Map.of("selector", Map.of("team", "progress"), "connectors", connectors));
    }

    private Http.Response call(String method, String path, String body, String user) {
        return Http.call(fx.app.url(), method, path, body, Map.of("Authorization", TestUsers.basic(user)));
    }

    private static JsonNode json(Http.Response answer) {
        try {
            return Http.JSON.readTree(answer.body());
        } catch (IOException e) {
            throw new AssertionError(answer.body(), e);
        }
    }

    private static <T> T eventually(String what, Await.Probe<T> read, Predicate<T> done) {
        return Await.atMost(Duration.ofSeconds(90)).until(what, read, done);
    }

    @Test
    void progressPerConnectorInTheApiOnTheEventStreamAndOnTheConsolePage() throws Exception {
        // The set's events, from the start of the topic, read by a real HTTP client line by line.
        HttpRequest request = HttpRequest.newBuilder(URI.create(fx.app.url() + "/events?cluster=default&set=progress&from=earliest"))
                .header("Authorization", TestUsers.basic("vera")).header("Accept", "text/event-stream").build();
        HttpResponse<InputStream> stream = STREAMING.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> read(stream.body(), events));
        try {
            Http.Response applied = call("POST", "/clusters/default/sets/progress/apply",
                    body(List.of(connector("prog-a", "prog", "running"), connector("prog-b", "prog", "paused"))), "erin");
            assertEquals(200, applied.status(), applied.body());
            String change = json(applied).path("change_id").asText();

            // Both connectors converge as the worker reports them running and paused.
            JsonNode set = eventually("the change converged", () -> json(call("GET", "/clusters/default/sets/progress", null, "vera")),
                    s -> "converged".equals(s.path("progress").path("progress").asText()));
            System.out.println("[set] " + set);
            assertEquals(2, set.path("progress").path("counts").path("converged").asInt(), set.toString());
            JsonNode one = json(call("GET", "/clusters/default/sets/progress/changes/" + change, null, "vera"));
            assertEquals(change, one.path("id").asText(), one.toString());
            assertEquals("converged", one.path("items").get(1).path("progress").asText(), one.toString());
            assertTrue(one.path("items").get(1).path("detail").asText().contains("PAUSED"), one.toString());
            assertEquals(404, call("GET", "/clusters/default/sets/progress/changes/no-such-change", null, "vera").status());

            // On /events: each connector's events followed by its progress, converged at last.
            eventually("SetProgress events converged for both", () -> List.copyOf(events), seen ->
                    seen.stream().anyMatch(e -> e.contains("\"connector\":\"prog-a\"") && e.contains("\"progress\":\"converged\""))
                            && seen.stream().anyMatch(e -> e.contains("\"connector\":\"prog-b\"") && e.contains("\"progress\":\"converged\"")));
            List<String> got = List.copyOf(events); // the stream's reader appends meanwhile
            assertTrue(got.stream().anyMatch(e -> e.startsWith("event: SetProgress") && e.contains("\"progress\":\"pending\"")),
                    "pending before converged: " + got);

            // The console page: the viewer sees progress and keys, not values, and no revert.
            Http.Response viewerPage = call("GET", "/console/clusters/default/sets/progress", null, "vera");
            assertEquals(200, viewerPage.status(), viewerPage.body());
            assertTrue(viewerPage.body().contains("converged"), viewerPage.body());
            assertTrue(viewerPage.body().contains("sse-connect=\"/events?cluster=default&amp;set=progress\""), viewerPage.body());
            assertTrue(viewerPage.body().contains("+ topic"), viewerPage.body());
            assertFalse(viewerPage.body().contains("/tmp/switchboard-test-files/prog-a-input.txt"), "a viewer sees no config value: " + viewerPage.body());
            assertFalse(viewerPage.body().contains("class=\"revert\""), viewerPage.body());
            Http.Response editorPage = call("GET", "/console/clusters/default/sets/progress", null, "erin");
            assertTrue(editorPage.body().contains("/tmp/switchboard-test-files/prog-a-input.txt"), editorPage.body());
            assertTrue(editorPage.body().contains("class=\"revert\""), editorPage.body());
            Http.Response fragment = call("GET", "/console/clusters/default/sets/progress/progress", null, "vera");
            assertTrue(fragment.body().contains("data-connector=\"prog-b\""), fragment.body());
        } finally {
            stream.body().close();
            reading.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aWorkerChangedBehindSwitchboardsBackShowsBesideThePlanAndARevertAnswersWhenDecided() throws Exception {
        String first = body(List.of(connector("drift-a", "drift", "running")));
        Http.Response applied = call("POST", "/clusters/default/sets/drift/apply", first, "erin");
        assertEquals(200, applied.status(), applied.body());
        eventually("converged", () -> json(call("GET", "/clusters/default/sets/drift", null, "erin")),
                s -> "converged".equals(s.path("progress").path("progress").asText()));
        JsonNode clean = plan("drift", first);
        assertEquals("in_sync", clean.path("items").get(0).path("worker").path("drift").asText(), clean.toString());

        // Paused on the worker itself: the data plane sees it and puts it back; the plan shows either.
        String worker = fx.app.connectClusters().get("default");
        assertEquals(202, Http.call(worker, "PUT", "/connectors/drift-a/pause", null, Map.of()).status());
        JsonNode drifted = eventually("drift beside the plan", () -> plan("drift", first),
                p -> !"in_sync".equals(p.path("items").get(0).path("worker").path("drift").asText()));
        System.out.println("[drift] " + drifted.path("text").asText());
        assertTrue(List.of("differs", "repaired").contains(drifted.path("items").get(0).path("worker").path("drift").asText()),
                drifted.toString());
        assertTrue(drifted.path("text").asText().contains("worker: "), drifted.path("text").asText());
        assertEquals(0, drifted.path("changes").asInt(), "drift on the worker is no change of the desired state: " + drifted);

        // A revert is answered once the connectors' commands are decided: read at once, the config is the restored one.
        Http.Response second = call("POST", "/clusters/default/sets/drift/apply", body(List.of(connector("drift-a", "drift-v2", "running"))),
                "erin");
        assertEquals(200, second.status(), second.body());
        Http.Response reverted = call("POST", "/clusters/default/sets/drift/changes/" + json(second).path("change_id").asText() + "/revert",
                null, "erin");
        assertEquals(200, reverted.status(), reverted.body());
        Http.Response config = call("GET", "/connectors/drift-a/config", null, "erin");
        assertEquals("drift", json(config).path("topic").asText(), "read right after the revert's answer: " + config.body());
    }

    private JsonNode plan(String set, String body) {
        Http.Response answer = call("POST", "/clusters/default/sets/" + set + "/apply?dry_run=true", body, "erin");
        assertEquals(200, answer.status(), answer.body());
        return json(answer);
    }

    /** Each SSE message as its lines joined, until the stream ends. */
    private static void read(InputStream in, List<String> events) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            StringBuilder message = new StringBuilder();
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isEmpty()) {
                    if (!message.isEmpty()) {
                        events.add(message.toString());
                    }
                    message.setLength(0);
                } else if (!line.startsWith(":") && !line.startsWith("id:")) {
                    message.append(message.isEmpty() ? "" : "\n").append(line);
                }
            }
        } catch (IOException closed) {
            // the test closed the stream
        }
    }
}
