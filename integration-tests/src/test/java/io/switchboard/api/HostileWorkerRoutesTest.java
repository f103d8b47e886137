package io.switchboard.api;

import io.switchboard.testing.Await;
import io.switchboard.testing.HostileAnswers;
import io.switchboard.testing.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile requests to what only a real Kafka Connect worker or the app answers, against a replica
 * with its embedded worker: the routes the worker's answers come through (status, tasks, topics,
 * offsets, plugins, validation, loggers) with bad path segments, queries and bodies, config
 * provider references the worker validates, a blank name the worker's own check refuses, a source
 * connector's lag (its type is the worker's to tell), and the app's own routes (the replicas'
 * store reads, the connector metrics). Every answer is checked as the server's unit tier checks
 * its own ({@link HostileAnswers}: never a 5xx, errors in the dialect's shape, nothing internal),
 * and above all the worker's address never shows; the sentinel connector is left running as it
 * was. The rest of the hostile suite runs over the core in memory (server's
 * {@code io.switchboard.http.HostileInputTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileWorkerRoutesTest {
    private static final String SENTINEL = "sentinel";
    private static final String SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector";

    private SwitchboardFixture fx;
    private Path dir;
    private Map<String, String> sentinelConfig;
    private HostileAnswers answers;

    @BeforeAll
    void start() throws IOException {
        fx = SharedReplica.withWorker();
        dir = Files.createTempDirectory("switchboard-hostile-worker");
        URI url = URI.create(fx.app.url());
        URI worker = URI.create(fx.app.connectClusters().get("default"));
        answers = new HostileAnswers(url.getHost(), url.getPort(), worker.getHost() + ":" + worker.getPort());

        sentinelConfig = new LinkedHashMap<>();
        sentinelConfig.put("connector.class", SOURCE);
        sentinelConfig.put("tasks.max", "1");
        sentinelConfig.put("file", Files.createFile(io.switchboard.testing.TestReplicas.FILES.resolve(dir.getFileName() + "-sentinel.txt")).toString());
        sentinelConfig.put("topic", "sentinel-lines");
        sentinelConfig.put("name", SENTINEL);
        SwitchboardFixture.Answer created = fx.call("POST", "/connectors",
                SwitchboardFixture.json(Map.of("name", SENTINEL, "config", sentinelConfig)));
        assertEquals(201, created.status(), created.body());
        awaitRunning();
    }

    @AfterAll
    void stop() {
        fx.close();
        SwitchboardFixture.deleteQuietly(dir);
    }

    @Test
    void hostileRequestsToTheWorkersAndTheAppsRoutesLeakNothingAndChangeNothing() throws IOException {
        workerRoutes();
        appRoutes();

        System.out.println("Hostile requests sent: " + answers.sent() + "; answers by status: " + answers.byStatus());
        assertTrue(answers.failures().isEmpty(), answers.failures().size() + " answers were wrong:\n" + String.join("\n", answers.failures()));

        assertEquals(200, Http.get(fx.app.url(), "/").status());
        Http.Response config = Http.get(fx.app.url(), "/connectors/" + SENTINEL + "/config");
        assertEquals(200, config.status(), config.toString());
        assertEquals(Http.JSON.valueToTree(sentinelConfig), config.json());
        awaitRunning();
        assertEquals("[\"" + SENTINEL + "\"]", Http.get(fx.app.url(), "/connectors").body(), "hostile requests created or deleted connectors");
    }

    /** Requests whose answer comes from the worker, or depends on what it says. */
    private void workerRoutes() throws IOException {
        List<String> segments = List.of("a%00b", "%00", "%zz", "%", "%2", "a%2Fb", "%2e%2e", "..%2F..", "a%5Cb", "%C0%AF", "%FF",
                "%ED%A0%80", "a;b", "a%0D%0Ab", "%20", "%E2%80%AE", "a%7Bb%7D", "%24%7Benv%3AHOME%7D", "x".repeat(10_000),
                "sentinel%00", "sentinel%2F..", "ghost;x=1");
        List<String[]> routes = List.of(
                new String[] {"GET", "/connectors/{}/status"}, new String[] {"GET", "/connectors/{}/tasks"},
                new String[] {"GET", "/connectors/{}/tasks/0/status"}, new String[] {"GET", "/connectors/{}/topics"},
                new String[] {"GET", "/connectors/{}/offsets"}, new String[] {"GET", "/connector-plugins/{}/config"},
                new String[] {"PUT", "/connector-plugins/{}/config/validate"}, new String[] {"GET", "/admin/loggers/{}"},
                new String[] {"GET", "/connectors/sentinel/tasks/{}/status"});
        for (String segment : segments) {
            for (String[] route : routes) {
                answers.expectNoServerError(route[0], route[1].replace("{}", segment),
                        route[1].endsWith("validate") ? Http.json(sentinelConfig) : null);
            }
        }
        for (String query : List.of("connectorsOnly=maybe", "connectorsOnly=%zz")) {
            answers.expectNoServerError("GET", "/connector-plugins?" + query, null);
        }
        answers.expectNoServerError("GET", "/connector-plugins/FileStreamSource/config?version=%zz", null);
        answers.expectNoServerError("GET", "/admin/loggers?%00", null);
        answers.expectNoServerError("PUT", "/admin/loggers/org.example?scope=%zz", "{\"level\":\"INFO\"}");
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        for (String body : List.of("", "null", "[]", "{", "{not json", "{\"level\":[\"DEBUG\"]}", "{\"level\":{}}",
                "{\"level\":1e999999}", "{\"a\":\"\\ud800\"}", deep)) {
            answers.expectError("PUT", "/admin/loggers/org.example.hostile", body);
            answers.expectError("PUT", "/connector-plugins/FileStreamSource/config/validate", body);
        }
        answers.expectError("PUT", "/connector-plugins/FileStreamSink/config/validate", Http.json(sentinelConfig));
        answers.expectError("PUT", "/connector-plugins/com.example.Nothing/config/validate", Http.json(sentinelConfig));
        // Config provider references, as the worker validates them.
        for (String value : List.of("${", "${}", "${:}", "${::}", "${a:b:c:d}", "${{x:y}}", "$${env:X}", "${env:X}hunter2}",
                "}${env:X}", "${env:" + "x".repeat(5000) + "}", "${secretsManager:x:NOPE}", "${switchboard:k1:AAAA}")) {
            Map<String, String> config = new LinkedHashMap<>(sentinelConfig);
            config.put("db.password", value);
            answers.expectNoServerError("PUT", "/connector-plugins/" + SOURCE + "/config/validate", Http.json(config));
        }
        // A blank name is refused by the worker's own check of the config it names.
        Map<String, String> unnamed = new LinkedHashMap<>(sentinelConfig);
        unnamed.remove("name");
        answers.expect(400, "PUT", "/connectors/%20%20%20/config", Http.json(unnamed));
        answers.expect(400, "PUT", "/connectors/%20/config", Http.json(unnamed));
        // Only a sink has a lag: the worker tells a source from a sink.
        answers.expect(400, "GET", "/console/clusters/default/connectors/" + SENTINEL + "/lag", null);
        answers.expect(400, "GET", "/console/clusters/default/connectors/" + SENTINEL + "/lag?from=0", null);
    }

    /** The app's own routes: the replicas' store reads and the connector metrics. */
    private void appRoutes() throws IOException {
        for (String segment : List.of("a%00b", "%zz", "a%2Fb", "%2e%2e", "x".repeat(10_000), "%E2%80%AE")) {
            answers.expectNoServerError("GET", "/internal/stores/" + segment, null);
        }
        answers.expectNoServerError("GET", "/internal/stores/connectors/%zz", null);
        answers.expectNoServerError("GET", "/internal/stores/%00/x", null);
        for (String query : List.of("partition=%zz", "partition=-1", "partition=99999999999", "prefix=%00&partitions=a,b",
                "partitions=" + "1,".repeat(2000), "stale=%zz")) {
            answers.expectNoServerError("GET", "/internal/stores/connectors?" + query, null);
            answers.expectNoServerError("GET", "/internal/stores/connectors/x?" + query, null);
        }
        for (String query : List.of("cluster=%zz", "cluster=nowhere", "cluster=", "cluster=%00", "cluster=a&cluster=b",
                "cluster=" + "c".repeat(5000))) {
            answers.expectNoServerError("GET", "/metrics/connectors?" + query, null);
        }
    }

    private void awaitRunning() {
        Await.atMost(Duration.ofSeconds(90)).until("the sentinel connector RUNNING",
                () -> Http.get(fx.app.url(), "/connectors/" + SENTINEL + "/status"),
                status -> status.status() == 200 && "RUNNING".equals(status.json().path("connector").path("state").asText()));
    }
}
