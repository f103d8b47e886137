package io.switchboard.dialects.redpanda;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testing.Http;
import io.switchboard.unit.UnitApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Redpanda's errors as its generated clients read them, over the core in memory ({@link UnitApi}):
 * bad input is INVALID_ARGUMENT with an ErrorInfo and the field it names, and an unknown cluster or
 * route is NOT_FOUND.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedpandaErrorsTest {
    private static final String BASE = "/v1/kafka-connect/clusters/default";
    private UnitApi api;

    @BeforeAll
    void start() {
        api = new UnitApi(UnitApi.Security.NONE);
    }

    @AfterAll
    void stop() {
        api.close();
    }

    private Http.Response call(String method, String path, String body) {
        return Http.call(api.url(), method, path, body);
    }

    @Test
    void badInputIsInvalidArgumentNamingTheField() {
        Map<String, Http.Response> answers = new LinkedHashMap<>();
        answers.put("cluster_name", call("GET", "/v1/kafka-connect/clusters/bad.name/connectors", null));
        answers.put("page_size", call("GET", BASE + "/connectors?page_size=1001", null));
        answers.put("page_token", call("GET", BASE + "/connectors?page_token=not-a-token", null));
        answers.put("name", call("POST", BASE + "/connectors", "{\"name\": \"a b\", \"config\": {\"connector.class\": \"FileStreamSource\"}}"));
        answers.put("config", call("POST", BASE + "/connectors", "{\"name\": \"x\"}"));
        answers.put("config.name", call("PUT", BASE + "/connectors/x/config", "{\"name\": \"y\"}"));
        answers.put("include_tasks", call("POST", BASE + "/connectors/x/restart", "{\"include_tasks\": \"yes\"}"));
        answers.forEach((field, answer) -> {
            assertEquals(400, answer.status(), field + ": " + answer.body());
            JsonNode body = answer.json();
            assertEquals("INVALID_ARGUMENT", body.path("code").asText(), answer.body());
            assertEquals("type.googleapis.com/google.rpc.ErrorInfo", body.path("details").get(0).path("@type").asText());
            assertEquals("REASON_INVALID_INPUT", body.path("details").get(0).path("reason").asText());
            JsonNode violations = body.path("details").get(1).path("field_violations");
            assertEquals(field, violations.get(0).path("field").asText(), answer.body());
        });
        Http.Response unknown = call("GET", "/v1/kafka-connect/clusters/nope/connectors", null);
        assertEquals(404, unknown.status());
        assertEquals("NOT_FOUND", unknown.json().path("code").asText());
        Http.Response route = call("GET", "/v1/kafka-connect/nothing", null);
        assertEquals(404, route.status());
        assertEquals("NOT_FOUND", route.json().path("code").asText());
        assertNotNull(route.header("X-Request-Id"));
    }
}
