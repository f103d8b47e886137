package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kafka Connect's API for each Connect cluster under {@code /clusters/{cluster}}, over real HTTP: the
 * root and {@code /clusters/default} are one cluster; another cluster's connectors are its own; an
 * unknown cluster is a 404 in Kafka Connect's shape.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterScopesTest {
    private SwitchboardFixture fx;

    @BeforeAll
    void start() {
        // A second cluster whose worker is not there: its connectors are still kept, decided and listed.
        fx = new SwitchboardFixture(options -> options.connectClusters("prod=http://127.0.0.1:9"));
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    private static String create(String name) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("connector.class", "org.apache.kafka.connect.file.FileStreamSourceConnector");
        config.put("file", "/tmp/switchboard-test-files/" + name + ".txt");
        config.put("topic", name);
        return SwitchboardFixture.json(Map.of("name", name, "config", config));
    }

    @Test
    void theRootAndClustersDefaultAreOneCluster() {
        SwitchboardFixture.Answer created = fx.call("POST", "/clusters/default/connectors", create("scoped-a"));
        assertEquals(201, created.status(), created.body());
        assertTrue(created.header("Location").endsWith("/clusters/default/connectors/scoped-a"), created.header("Location"));

        assertEquals(200, fx.call("GET", "/connectors/scoped-a", null).status());
        assertTrue(names(fx.call("GET", "/clusters/default/connectors", null).json()).contains("scoped-a"));
        assertEquals(202, fx.call("PUT", "/connectors/scoped-a/pause", null).status());
        // A pause is answered once it is durably in Kafka; its version is recorded when it is decided.
        JsonNode versions = null;
        for (long deadline = System.nanoTime() + 15_000_000_000L; System.nanoTime() < deadline; ) {
            versions = fx.call("GET", "/clusters/default/connectors/scoped-a/history", null).json().path("versions");
            if (versions.size() >= 2) {
                break;
            }
        }
        assertEquals("PAUSED", versions.path(1).path("target_state").asText(), String.valueOf(versions));
        assertEquals(204, fx.call("DELETE", "/clusters/default/connectors/scoped-a", null).status());
        assertEquals(404, fx.call("GET", "/connectors/scoped-a", null).status());
        assertEquals(200, fx.call("GET", "/clusters/default", null).status());
    }

    @Test
    void anotherClusterKeepsItsOwnConnectors() {
        assertEquals(201, fx.call("POST", "/clusters/prod/connectors", create("prod-only")).status());
        assertTrue(names(fx.call("GET", "/clusters/prod/connectors", null).json()).contains("prod-only"));
        assertFalse(names(fx.call("GET", "/connectors", null).json()).contains("prod-only"));
        assertEquals(404, fx.call("GET", "/connectors/prod-only/config", null).status());
        // The same name in another cluster is another connector.
        assertEquals(201, fx.call("POST", "/connectors", create("prod-only")).status());
        assertEquals(409, fx.call("POST", "/clusters/prod/connectors", create("prod-only")).status());
        JsonNode info = fx.call("GET", "/clusters/prod/connectors/prod-only", null).json();
        assertEquals("/tmp/switchboard-test-files/prod-only.txt", info.path("config").path("file").asText());
    }

    /** prod's worker is external: it has not Switchboard's config providers, so no secret may be sent to it. */
    @Test
    void anExternalClusterIsNeverSentASecret() {
        SwitchboardFixture.Answer stored = fx.call("POST", "/v1/kafka-connect/clusters/prod/secrets",
                SwitchboardFixture.json(Map.of("name", "PG", "secret_data", "aHVudGVyMg==")));
        assertEquals(201, stored.status(), stored.body());
        for (Map.Entry<String, String> secret : Map.of("db.password", "hunter2", "file", "/tmp/switchboard-test-files/${secretsManager:PG}").entrySet()) {
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("connector.class", "org.apache.kafka.connect.file.FileStreamSourceConnector");
            config.put("topic", "t");
            config.put(secret.getKey(), secret.getValue());
            SwitchboardFixture.Answer refused = fx.call("POST", "/clusters/prod/connectors",
                    SwitchboardFixture.json(Map.of("name", "prod-secret", "config", config)));
            assertEquals(400, refused.status(), refused.body());
            assertTrue(refused.json().path("message").asText().contains("Connect cluster prod"), refused.body());
            assertFalse(refused.body().contains("hunter2"), refused.body());
        }
        assertEquals(404, fx.call("GET", "/clusters/prod/connectors/prod-secret", null).status());
        // A value the worker resolves with a provider of its own goes as it is.
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("connector.class", "org.apache.kafka.connect.file.FileStreamSourceConnector");
        config.put("topic", "t");
        config.put("db.password", "${file:/etc/prod/secrets.properties:db.password}");
        assertEquals(201, fx.call("POST", "/clusters/prod/connectors",
                SwitchboardFixture.json(Map.of("name", "prod-provided", "config", config))).status());
        // And a patch cannot add one either.
        SwitchboardFixture.Answer patched = fx.call("PATCH", "/clusters/prod/connectors/prod-provided/config",
                SwitchboardFixture.json(Map.of("sasl.jaas.config.password", "hunter2")));
        assertEquals(400, patched.status(), patched.body());
    }

    @Test
    void anUnknownClusterIsNotFound() {
        for (String path : List.of("/clusters/nope", "/clusters/nope/connectors", "/clusters/nope/connectors/x/status",
                "/clusters/nope/connector-plugins")) {
            SwitchboardFixture.Answer answer = fx.call("GET", path, null);
            assertEquals(404, answer.status(), path + ": " + answer.body());
            assertEquals(404, answer.json().path("error_code").asInt(), answer.body());
            assertEquals("Unknown Connect cluster: nope", answer.json().path("message").asText());
        }
        assertEquals(404, fx.call("POST", "/clusters/nope/connectors", create("x")).status());
    }

    private static List<String> names(JsonNode list) {
        List<String> names = new ArrayList<>();
        list.forEach(n -> names.add(n.asText()));
        return names;
    }
}
