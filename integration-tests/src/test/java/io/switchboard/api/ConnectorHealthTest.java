package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.SwitchboardApp;
import io.switchboard.metrics.HealthOptions;
import io.switchboard.rules.AutoRestart;
import io.switchboard.testing.FailingSource;
import io.switchboard.testing.Await;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestUsers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each connector's health series and its health over a window, against a replica with an embedded
 * worker and users: a connector that fails as it starts is counted failed, its
 * auto-restart, the restart and the repair asked for are counted by reason, a delete removes its
 * series; a viewer of another cluster scrapes none of them; the window endpoint counts what
 * happened and says when a window is before the connector existed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectorHealthTest {
    private static final int FLAP_WINDOW_S = 1800;
    private static final Await WAIT = Await.atMost(Duration.ofSeconds(60));
    private SwitchboardFixture fx;
    private Path users;

    @BeforeAll
    void start() throws IOException {
        Map<String, String> grants = new LinkedHashMap<>();
        grants.put("vera", "viewer@default");
        grants.put("otto", "operator@default");
        grants.put("erin", "editor@default");
        grants.put("pete", "viewer@prod");
        grants.put("sam", "viewer@*");
        users = TestUsers.write(Files.createTempDirectory("switchboard-health"), grants);
        // A flapping window of its own, which the window endpoint takes as its flap_window_s unless asked.
        fx = new SwitchboardFixture(options -> options.embeddedWorker(true).health(HealthOptions.of(10_000, FLAP_WINDOW_S, 3, 30))
                .flags("--users-file", users.toString()));
    }

    @AfterAll
    void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    private Http.Response as(String user, String method, String path, String body) {
        return as(fx.app.url(), user, method, path, body);
    }

    /** One request; a read answered 503 "retry shortly" (its data moving between replicas) is sent again, for up to 60 s. */
    private static Http.Response as(String url, String user, String method, String path, String body) {
        Map<String, String> headers = path.startsWith("/console/")
                ? Map.of("Authorization", TestUsers.basic(user), "HX-Request", "true") : Map.of("Authorization", TestUsers.basic(user));
        return WAIT.poll(() -> Http.call(url, method, path, body, headers),
                answer -> !(method.equals("GET") && answer.status() == 503 && answer.body().contains("retry shortly")));
    }

    /** The value of one series in a scrape, null when it is not there. */
    static Double value(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
        return m.find() ? Double.valueOf(m.group(1)) : null;
    }

    /** Scrapes as the user until the scrape satisfies the condition (60 s at most). */
    private String scrapeUntil(String user, String what, Predicate<String> condition) {
        return scrapeUntil(fx.app.url(), user, what, condition);
    }

    private static String scrapeUntil(String url, String user, String what, Predicate<String> condition) {
        return WAIT.until(what, () -> {
            Http.Response answer = as(url, user, "GET", "/metrics/connectors", null);
            assertEquals(200, answer.status(), answer.body());
            return answer.body();
        }, condition);
    }

    /** The connector's series but the one that depends on the time of the scrape. */
    private static String figures(String scrape) {
        return String.join("\n", scrape.lines().filter(line -> line.contains("connector=\"flaky\"")
                && !line.startsWith("switchboard_connector_not_as_asked_seconds")).toList());
    }


    private static String create(String name, Map<String, String> more) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("connector.class", "org.apache.kafka.connect.file.FileStreamSourceConnector");
        config.put("file", "/tmp/switchboard-test-files/" + name + ".txt");
        config.put("topic", name);
        config.putAll(more);
        return Http.json(Map.of("name", name, "config", config));
    }

    @Test
    void theSeriesFollowTheEventsAndAViewerSeesOnlyItsCluster() throws IOException {
        Instant before = Instant.now();
        String flaky = create("flaky", Map.of("connector.class", FailingSource.class.getName(),
                AutoRestart.ENABLED, "true"));
        Http.Response created = as("erin", "POST", "/connectors", flaky);
        assertEquals(201, created.status(), created.body());
        String l = "{cluster=\"default\",connector=\"flaky\"";
        scrapeUntil("vera", "a failure", s -> value(s, "switchboard_connector_failures_total" + l + "}") != null
                && value(s, "switchboard_connector_failures_total" + l + "}") >= 1);
        String failed = scrapeUntil("vera", "its auto-restart", s -> value(s, "switchboard_connector_restarts_total" + l + ",reason=\"auto\"}") >= 1);
        assertNotNull(value(failed, "switchboard_connector_last_failure_timestamp_seconds" + l + "}"));
        assertTrue(value(failed, "switchboard_connector_last_failure_timestamp_seconds" + l + "}") >= before.getEpochSecond());
        assertEquals(0.0, value(failed, "switchboard_connector_restarts_total" + l + ",reason=\"repair\"}"));

        Http.Response repair = as("otto", "POST", "/console/clusters/default/connectors/flaky/repair", null);
        assertEquals(2, repair.status() / 100, repair.body());
        Http.Response restart = as("otto", "POST", "/connectors/flaky/restart", null);
        assertEquals(2, restart.status() / 100, restart.body());
        String repaired = scrapeUntil("vera", "the repair and the restart asked", s ->
                value(s, "switchboard_connector_restarts_total" + l + ",reason=\"repair\"}") == 1
                        && value(s, "switchboard_connector_restarts_total" + l + ",reason=\"asked\"}") == 1);
        assertTrue(value(repaired, "switchboard_connector_tasks" + l + ",state=\"FAILED\"}") >= 0);

        // A second replica, started now, folds the same events into the same figures and answers the same window.
        String from = "?from=" + before.minusSeconds(1) + "&to=" + Instant.now().minusSeconds(1);
        String window = as("vera", "GET", "/connectors/flaky/health" + from, null).body();
        SwitchboardApp second = SwitchboardApp.start(fx.kafka.replica(fx.options().dataDir(fx.dir.resolve("second"))
                .secretsKeyFile(fx.dir.resolve("replica").resolve("secrets.key"))
                .schemaRegistryUrl(fx.app.schemaRegistryUrl()).flags("--users-file", users.toString())
                .health(HealthOptions.of(10_000, FLAP_WINDOW_S, 3, 30)).build()));
        try {
            // Theirs, then mine: read until they agree (for up to 60 s), then compared.
            List<String> both = WAIT.poll(() -> List.of(figures(as(second.url(), "vera", "GET", "/metrics/connectors", null).body()),
                    figures(as("vera", "GET", "/metrics/connectors", null).body())), pair -> pair.get(0).equals(pair.get(1)));
            String theirs = both.get(0);
            String mine = both.get(1);
            assertTrue(mine.contains("switchboard_connector_failures_total"), mine);
            assertEquals(mine, theirs, "the second replica's figures");
            assertEquals(window, as(second.url(), "vera", "GET", "/connectors/flaky/health" + from, null).body());
        } finally {
            second.close();
        }

        // A viewer of prod scrapes no series of default, nor may ask for them; a viewer of default may
        // not read the replica's own metrics; a viewer of every cluster sees them on /metrics too.
        String prod = as("pete", "GET", "/metrics/connectors", null).body();
        assertTrue(prod.contains("switchboard_connector_health_caught_up 1.0"), prod);
        assertFalse(prod.contains("connector="), "a viewer of prod scrapes no series of default:\n" + prod);
        assertEquals(403, as("pete", "GET", "/metrics/connectors?cluster=default", null).status());
        assertTrue(as("sam", "GET", "/metrics/connectors", null).body().contains("connector=\"flaky\""));
        assertEquals(403, as("vera", "GET", "/metrics", null).status());
        assertTrue(as("sam", "GET", "/metrics", null).body().contains("switchboard_connector_failures_total" + l + "}"),
                "/metrics shows them to a viewer of every cluster");

        // The window endpoint over the same history.
        Http.Response health = as("vera", "GET", "/connectors/flaky/health?from=" + before.minusSeconds(1), null);
        assertEquals(200, health.status(), health.body());
        JsonNode h = Http.JSON.readTree(health.body());
        assertTrue(h.path("failures").asInt() >= 1, health.body());
        assertEquals(1, h.path("restarts_by_reason").path("asked").asInt(), health.body());
        assertEquals(1, h.path("restarts_by_reason").path("repair").asInt(), health.body());
        assertTrue(h.path("restarts_by_reason").path("auto").asInt() >= 1, health.body());
        assertTrue(h.path("availability").asDouble() < 1.0, health.body());
        assertTrue(h.path("existed").asBoolean(), health.body());
        assertEquals(FLAP_WINDOW_S, h.path("flap_window_s").asInt(), "flap_window_s follows --health-flapping-window-s: " + health.body());
        assertEquals(60, Http.JSON.readTree(as("vera", "GET", "/connectors/flaky/health?flap_window_s=60", null).body())
                .path("flap_window_s").asInt());
        Http.Response earlier = as("vera", "GET", "/connectors/flaky/health?from=" + before.minusSeconds(7200) + "&to=" + before.minusSeconds(3600), null);
        JsonNode e = Http.JSON.readTree(earlier.body());
        assertFalse(e.path("existed").asBoolean(), earlier.body());
        assertTrue(e.path("note").asText().startsWith("The connector did not exist yet in this window"), earlier.body());
        assertTrue(e.path("availability").isNull(), earlier.body());
        Http.Response list = as("vera", "GET", "/health/connectors", null);
        assertEquals(200, list.status(), list.body());
        assertTrue(list.body().contains("\"name\":\"flaky\""), list.body());
        assertEquals(400, as("vera", "GET", "/connectors/flaky/health?from=yesterday", null).status());
        assertEquals(403, as("pete", "GET", "/health/connectors", null).status());

        // The console draws the last 24 hours: a strip of states, each failure a mark linked to its timeline entry.
        assertTrue(as("vera", "GET", "/console/clusters/default/connectors/flaky", null).body().contains("id=\"health\""));
        String strip = as("vera", "GET", "/console/clusters/default/connectors/flaky/health?span=24h", null).body();
        assertTrue(strip.contains("<svg class=\"strip\""), strip);
        assertTrue(strip.contains("<rect class=\"failed\""), strip);
        assertTrue(strip.matches("(?s).*<a class=\"failure\" href=\"/console/clusters/default/connectors/flaky/timeline\\?before=\\d+\">.*"), strip);
        assertTrue(strip.contains("Availability "), strip);
        assertTrue(as("vera", "GET", "/console/clusters/default/connectors/flaky/health?span=7d", null).body()
                .contains("<strong>last 7 days</strong>"));

        assertEquals(204, as("erin", "DELETE", "/connectors/flaky", null).status());
        String gone = scrapeUntil("vera", "the deleted connector's series to go", s -> !s.contains("connector=\"flaky\""));
        assertFalse(gone.contains("flaky"), gone);
        Http.Response after = as("vera", "GET", "/connectors/flaky/health?from=" + Instant.now().plusSeconds(60)
                + "&to=" + Instant.now().plusSeconds(120), null);
        assertEquals(200, after.status(), after.body());
        assertTrue(after.body().contains("before this window"), after.body());
    }
}
