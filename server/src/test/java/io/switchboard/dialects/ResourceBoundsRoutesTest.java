package io.switchboard.dialects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.core.UnitCore;
import io.switchboard.secrets.SecretBounds;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What one editor may ask of the shared worker and of every replica's memory, at the API: a value
 * and a config are bounded in size, {@code tasks.max} per connector and per cluster (the built-in
 * policy resource-bounds, by the decider's own functions), and named secrets in size and number.
 * Each refusal is a 400 in the dialect's own error format, and nothing reaches Kafka.
 */
class ResourceBoundsRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRETS = "/v1/kafka-connect/clusters/default/secrets";
    private final UnitCore core = new UnitCore(new SecretBounds(1024, 3));
    private final UnitServer server = new UnitServer(core, 0, core.servicesWithSecrets());

    @AfterEach
    void stop() {
        server.close();
    }

    private static String create(String name, String key, String value) throws Exception {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "org.example.Sink");
        config.put("topics", "orders");
        config.put(key, value);
        return JSON.writeValueAsString(Map.of("name", name, "config", config));
    }

    /** Kafka Connect's error: {@code {"error_code":400,"message":...}}, naming what is refused. */
    private static void assertConnect400(HttpResponse<String> answer, String named) throws Exception {
        assertEquals(400, answer.statusCode(), answer.body());
        JsonNode body = JSON.readTree(answer.body());
        assertEquals(400, body.path("error_code").asInt(), answer.body());
        String message = body.path("message").asText();
        assertTrue(message.startsWith("Connector config refused by policy resource-bounds: "), message);
        assertTrue(message.contains(named), message);
    }

    @Test
    void aLongValueAndALargeTasksMaxAreRefusedInKafkaConnectsFormat() throws Exception {
        assertConnect400(server.call("POST", "/connectors", create("big", "x", "${" + ":".repeat(70_000))),
                "x is 70002 bytes long; a value has at most 65536 bytes");
        assertConnect400(server.call("POST", "/connectors", create("many", "tasks.max", "20000")),
                "tasks.max is 20000; a connector runs at most 64 tasks here");
        HttpResponse<String> put = server.call("PUT", "/connectors/many/config",
                "{\"connector.class\":\"org.example.Sink\",\"topics\":\"t\",\"tasks.max\":\"65\"}");
        assertConnect400(put, "tasks.max is 65");
        assertTrue(core.kafka.sent().isEmpty(), "nothing reached Kafka: " + core.kafka.sent());
    }

    @Test
    void theTasksOfAClusterAddUpToItsBound() throws Exception {
        for (int i = 0; i < 15; i++) {
            HttpResponse<String> created = server.call("POST", "/connectors", create("c" + i, "tasks.max", "64"));
            assertEquals(201, created.statusCode(), created.body());
        }
        assertConnect400(server.call("POST", "/connectors", create("c15", "tasks.max", "64")),
                "the connectors of cluster default would run 1024 tasks (tasks.max added up); a cluster runs at most 1000");
        assertEquals(201, server.call("POST", "/connectors", create("c15", "tasks.max", "40")).statusCode());
        // A connector's own tasks are replaced, not added to.
        assertEquals(200, server.call("PUT", "/connectors/c0/config",
                "{\"connector.class\":\"org.example.Sink\",\"topics\":\"t\",\"tasks.max\":\"64\"}").statusCode());
        assertEquals(17, core.kafka.sent().size(), "fifteen creates, the smaller sixteenth and the put; not the refused one");
    }

    private HttpResponse<String> secret(String name, String value) throws Exception {
        String data = Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
        return server.call("POST", SECRETS, "{\"name\":\"" + name + "\",\"secret_data\":\"" + data + "\"}");
    }

    @Test
    void namedSecretsAreBoundedInSizeAndNumberInRedpandasFormat() throws Exception {
        HttpResponse<String> large = secret("LARGE", "a".repeat(1025));
        assertEquals(400, large.statusCode(), large.body());
        JsonNode body = JSON.readTree(large.body());
        assertEquals("INVALID_ARGUMENT", body.path("code").asText(), large.body());
        assertTrue(large.body().contains("the secret is 1025 bytes long; a secret holds at most 1024 bytes (--max-secret-bytes)"),
                large.body());
        for (String name : new String[] {"A", "B", "C"}) {
            assertEquals(201, secret(name, "a".repeat(1024)).statusCode());
        }
        HttpResponse<String> fourth = secret("D", "d");
        assertEquals(400, fourth.statusCode(), fourth.body());
        assertTrue(fourth.body().contains("cluster default holds 3 secrets; a cluster holds at most 3"), fourth.body());
        HttpResponse<String> updated = server.call("PUT", SECRETS + "/A", "{\"secret_data\":\""
                + Base64.getEncoder().encodeToString("b".repeat(1025).getBytes(StandardCharsets.UTF_8)) + "\"}");
        assertEquals(400, updated.statusCode(), updated.body());
        assertEquals(204, server.call("DELETE", SECRETS + "/C", null).statusCode());
        assertEquals(201, secret("D", "d").statusCode(), "room again once one is deleted");
    }
}
