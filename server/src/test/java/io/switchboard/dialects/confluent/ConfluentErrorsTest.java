package io.switchboard.dialects.confluent;

import io.switchboard.testing.Http;
import io.switchboard.unit.UnitApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Confluent's error shape, {@code {"error": {"code", "message"}}} with the status as its code and a
 * request id, for every kind of refusal, over the core in memory ({@link UnitApi}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConfluentErrorsTest {
    private UnitApi api;
    private String base;

    @BeforeAll
    void start() {
        api = new UnitApi(UnitApi.Security.NONE);
        base = api.confluentBase();
    }

    @AfterAll
    void stop() {
        api.close();
    }

    private Http.Response call(String method, String path, String body) {
        return Http.call(api.url(), method, path, body);
    }

    @Test
    void errorsAreConfluentsShape() {
        Map<String, Http.Response> answers = new LinkedHashMap<>();
        answers.put("unknown scope", call("GET", "/connect/v1/environments/env-nope/clusters/lkc-nope/connectors", null));
        answers.put("unknown route", call("GET", base + "/nothing-here", null));
        answers.put("unknown connector", call("GET", base + "/connectors/nope/status", null));
        answers.put("not JSON", call("POST", base + "/connectors", "{nope"));
        answers.put("no name", call("POST", base + "/connectors", "{\"config\": {}}"));
        answers.put("config not an object", call("POST", base + "/connectors", "{\"name\": \"x\", \"config\": [1]}"));
        answers.put("name mismatch", call("PUT", base + "/connectors/a/config", "{\"name\": \"b\", \"connector.class\": \"FileStreamSource\"}"));
        answers.put("bad expand", call("GET", base + "/connectors?expand=everything", null));
        answers.put("no connector class", call("POST", base + "/connectors", "{\"name\": \"x\", \"config\": {\"topic\": \"t\"}}"));
        answers.put("bad name", call("POST", base + "/connectors", "{\"name\": \"a/b\", \"config\": {\"connector.class\": \"FileStreamSource\"}}"));
        answers.forEach((what, answer) -> {
            assertTrue(answer.status() >= 400 && answer.status() < 500, what + ": " + answer.status() + " " + answer.body());
            assertEquals(answer.status(), answer.json().path("error").path("code").asInt(), what + ": " + answer.body());
            assertFalse(answer.json().path("error").path("message").asText().isEmpty(), what);
            assertNotNull(answer.header("X-Request-Id"), what);
        });
        assertEquals(404, answers.get("unknown scope").status());
        assertEquals(404, answers.get("unknown route").status());
        assertEquals(400, answers.get("not JSON").status());
    }
}
