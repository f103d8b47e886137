package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testing.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's writes are decided against the policies in force like every dialect's: the new
 * connector form's create and a history version's restore that break a deny policy are refused in
 * the console's own error shape (problem details: {@code title} "Refused", {@code status},
 * {@code detail}, which the page shows in its outcome line) naming the policy and its message, and
 * nothing is stored. Real HTTP, a real broker and Streams.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsolePolicyTest {
    private static final Map<String, String> FORM = Map.of("HX-Request", "true", "Content-Type", "application/x-www-form-urlencoded");
    private SwitchboardFixture fx;

    @BeforeAll
    void start() {
        fx = SharedReplica.plain();
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    private static String policy(int maxTasks) {
        return SwitchboardFixture.json(Map.of("action", "deny", "match", Map.of("classes", List.of("*FileStream*")),
                "validations", List.of(Map.of("expression", "int(connector.config[?'tasks.max'].orValue('1')) <= " + maxTasks,
                        "message", "at most " + maxTasks + " tasks"))));
    }

    private static Map<String, String> config(String tasks) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "org.apache.kafka.connect.file.FileStreamSourceConnector");
        config.put("file", "/tmp/switchboard-test-files/console-policy.txt");
        config.put("topic", "orders");
        config.put("tasks.max", tasks);
        return config;
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    private static void assertRefusedByPolicy(Http.Response answer, String what) throws Exception {
        assertEquals(400, answer.status(), what + ": " + answer.body());
        assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), what + ": "
                + answer.headers());
        JsonNode problem = Http.JSON.readTree(answer.body());
        assertEquals("Refused", problem.path("title").asText(), answer.body());
        assertEquals(400, problem.path("status").asInt(), answer.body());
        assertEquals("Connector config refused by policy tasks: at most 2 tasks", problem.path("detail").asText(), answer.body());
    }

    @Test
    void theNewConnectorFormAndARestoreAreRefusedNamingThePolicy() throws Exception {
        String url = fx.app.url();
        // Two versions before the policy: the first with 6 tasks, the second with 1.
        assertEquals(201, fx.call("POST", "/connectors", SwitchboardFixture.json(Map.of("name", "kept", "config", config("6")))).status());
        assertEquals(200, fx.call("PUT", "/connectors/kept/config", SwitchboardFixture.json(config("1"))).status());
        assertEquals(201, fx.call("PUT", "/policies/tasks", policy(2)).status());

        Map<String, String> fields = new LinkedHashMap<>(config("5"));
        fields.put("name", "from-console");
        Http.Response created = Http.call(url, "POST", "/console/clusters/default/new/create", form(fields), FORM);
        assertRefusedByPolicy(created, "the new connector form");
        assertEquals(404, fx.call("GET", "/connectors/from-console", null).status(), "nothing was created");

        Http.Response restored = Http.call(url, "POST", "/console/clusters/default/connectors/kept/versions/1/restore", null, FORM);
        assertRefusedByPolicy(restored, "a restore of the version with 6 tasks");
        assertEquals("1", fx.call("GET", "/connectors/kept/config", null).json().path("tasks.max").asText(), "the config is as it was");

        // Within the policy, the form creates.
        fields.put("tasks.max", "2");
        Http.Response accepted = Http.call(url, "POST", "/console/clusters/default/new/create", form(fields), FORM);
        assertEquals(201, accepted.status(), accepted.body());
        assertEquals("/console/clusters/default/connectors/from-console", accepted.headers().firstValue("HX-Redirect").orElse(""));
    }
}
