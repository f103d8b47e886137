package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.metrics.HealthOptions;
import io.switchboard.testing.FailingSource;
import io.switchboard.testing.Await;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestUsers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * A real Prometheus (Debian's {@code prometheus}) on loopback scrapes a replica's
 * {@code /metrics/connectors} with a viewer's credentials and evaluates the shipped alert rules
 * (a copy whose {@code for:} is 3 s instead of 5 minutes); a connector that fails as it starts is then read
 * as a firing {@code SwitchboardConnectorFailed} from Prometheus' own API. Skipped, saying so,
 * where the binary is not installed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusAlertTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private SwitchboardFixture fx;
    private Process prometheus;
    private Path dir;
    private String prometheusUrl;

    @BeforeAll
    void start() throws IOException {
        Assumptions.assumeTrue(onPath("prometheus"),
                "prometheus is not installed (Debian: apt-get install prometheus): no real Prometheus scrapes a replica here");
        dir = Files.createTempDirectory("switchboard-prometheus");
        Path users = TestUsers.write(dir, Map.of("erin", "editor@default", "scraper", "viewer@default"));
        fx = new SwitchboardFixture(options -> options.embeddedWorker(true).health(HealthOptions.DEFAULTS)
                .flags("--users-file", users.toString()));
        String rules = Files.readString(Path.of("..", "deploy", "prometheus", "switchboard-alerts.yml"));
        String quick = rules.replace("for: 5m", "for: 3s");
        assertNotEquals(rules, quick, "the rules wait 5 minutes for a failure");
        Files.writeString(dir.resolve("rules.yml"), quick);
        URI replica = URI.create(fx.app.url());
        Files.writeString(dir.resolve("prometheus.yml"), """
                global: {scrape_interval: 1s, evaluation_interval: 1s}
                rule_files: [rules.yml]
                scrape_configs:
                  - job_name: switchboard
                    metrics_path: /metrics/connectors
                    basic_auth: {username: scraper, password: %s}
                    static_configs: [{targets: ["%s:%d"]}]
                """.formatted(TestUsers.KEY, replica.getHost(), replica.getPort()));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        prometheusUrl = "http://127.0.0.1:" + port;
        prometheus = new ProcessBuilder("prometheus", "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
        }
        if (fx != null) {
            fx.close();
        }
    }

    static boolean onPath(String program) {
        for (String path : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(path, program))) {
                return true;
            }
        }
        return false;
    }

    private JsonNode api(String path) throws IOException, InterruptedException {
        HttpResponse<String> answer = CLIENT.send(HttpRequest.newBuilder(URI.create(prometheusUrl + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return Http.JSON.readTree(answer.body());
    }

    @Test
    void aFailedConnectorFiresTheAlertInPrometheus() throws Exception {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("connector.class", FailingSource.class.getName());
        config.put("topic", "alerting-lines");
        Http.Response created = Http.call(fx.app.url(), "POST", "/connectors", Http.json(Map.of("name", "alerting", "config", config)),
                Map.of("Authorization", TestUsers.basic("erin")));
        assertEquals(201, created.status(), created.body());
        Scraped seen;
        try {
            // Not listening yet while Prometheus starts: a read that throws is tried again.
            seen = Await.atMost(Duration.ofSeconds(120)).until("Prometheus to fire SwitchboardConnectorFailed for the connector",
                    () -> new Scraped(api("/api/v1/alerts"), api("/api/v1/targets")), scraped -> firing(scraped.alerts()) != null);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nits log:\n" + Files.readString(dir.resolve("prometheus.log")), e);
        }
        assertEquals("default", firing(seen.alerts()).path("labels").path("cluster").asText());
        assertEquals("up", seen.targets().path("data").path("activeTargets").path(0).path("health").asText(), seen.targets().toString());
    }

    /** Prometheus' alerts and targets, as read one after the other. */
    private record Scraped(JsonNode alerts, JsonNode targets) {
    }

    /** The connector's SwitchboardConnectorFailed alert if it is firing, else null. */
    private static JsonNode firing(JsonNode alerts) {
        for (JsonNode alert : alerts.path("data").path("alerts")) {
            if (alert.path("labels").path("alertname").asText().equals("SwitchboardConnectorFailed")
                    && alert.path("labels").path("connector").asText().equals("alerting")
                    && alert.path("state").asText().equals("firing")) {
                return alert;
            }
        }
        return null;
    }
}
