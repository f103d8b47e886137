package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.SwitchboardFixture.Answer;
import io.switchboard.testing.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /connectors/bulk} on a real broker and processor: a preview sends nothing, each
 * connector is answered as its own command would be, a retry with the same Idempotency-Key applies
 * nothing twice, and what the body cannot say is a 400 in Kafka Connect's shape.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BulkApiTest {
    private SwitchboardFixture fx;

    @BeforeAll
    void start() {
        fx = SharedReplica.plain();
        for (String name : List.of("bulk-a", "bulk-b", "bulk-c")) {
            Answer created = fx.call("POST", "/connectors", ConnectApiTest.createBody(name));
            assertEquals(201, created.status(), created.body());
        }
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    private static String body(String action, List<String> connectors, boolean preview) {
        return SwitchboardFixture.json(Map.of("action", action, "connectors", connectors, "preview", preview));
    }

    private JsonNode bulk(String body) {
        Answer answer = fx.call("POST", "/connectors/bulk", body);
        assertEquals(200, answer.status(), answer.body());
        return answer.json().get("connectors");
    }

    @Test
    void aPreviewSendsNothingAndSaysWhatEachConnectorWouldGoThrough() {
        JsonNode preview = bulk(body("stop", List.of("bulk-a", "no-such"), true));
        assertEquals("changed", preview.get(0).get("outcome").asText(), preview.toString());
        assertEquals("RUNNING", preview.get(0).get("from").asText());
        assertEquals("STOPPED", preview.get(0).get("to").asText());
        assertEquals("refused", preview.get(1).get("outcome").asText());
        assertEquals(404, preview.get(1).get("error_code").asInt());
        assertEquals("Unknown connector no-such", preview.get(1).get("message").asText());

        // Had the preview stopped it, this stop would be unchanged.
        JsonNode applied = bulk(body("stop", List.of("bulk-a", "no-such"), false));
        assertEquals("changed", applied.get(0).get("outcome").asText(), applied.toString());
        assertEquals("STOPPED", applied.get(0).get("to").asText());
        assertEquals(404, applied.get(1).get("error_code").asInt());
        assertEquals("unchanged", bulk(body("stop", List.of("bulk-a"), false)).get(0).get("outcome").asText());
        JsonNode again = bulk(body("stop", List.of("bulk-a"), true)).get(0);
        assertEquals("unchanged", again.get("outcome").asText(), "the preview reads the state the stop made");
        assertEquals("STOPPED", again.get("from").asText());
        assertEquals("changed", bulk(body("resume", List.of("bulk-a"), false)).get(0).get("outcome").asText());
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyAppliesNothingTwice() throws Exception {
        Map<String, String> keyed = Map.of("Idempotency-Key", "bulk-pause-1");
        String pause = body("pause", List.of("bulk-b", "bulk-c"), false);
        Http.Response first = Http.send(fx.app.url(), "POST", "/connectors/bulk", pause, keyed);
        assertEquals(200, first.status(), first.body());
        JsonNode outcomes = SwitchboardFixture.JSON.readTree(first.body()).get("connectors");
        assertEquals("changed", outcomes.get(0).get("outcome").asText(), first.body());
        assertEquals("changed", outcomes.get(1).get("outcome").asText(), first.body());

        assertEquals("changed", bulk(body("resume", List.of("bulk-b"), false)).get(0).get("outcome").asText());
        Http.Response retry = Http.send(fx.app.url(), "POST", "/connectors/bulk", pause, keyed);
        assertEquals(200, retry.status(), retry.body());
        assertEquals(first.body(), retry.body(), "the retry is answered the first decisions");
        // The retry paused nothing again: bulk-b runs as the resume left it.
        assertEquals("unchanged", bulk(body("resume", List.of("bulk-b"), false)).get(0).get("outcome").asText());

        Http.Response reused = Http.send(fx.app.url(), "POST", "/connectors/bulk", body("stop", List.of("bulk-b"), false), keyed);
        assertEquals(200, reused.status(), reused.body());
        JsonNode conflict = SwitchboardFixture.JSON.readTree(reused.body()).get("connectors").get(0);
        assertEquals("refused", conflict.get("outcome").asText());
        assertEquals(422, conflict.get("error_code").asInt(), "the key was used for another request to bulk-b");
    }

    @Test
    void whatTheBodyCannotSayIsA400() {
        for (String bad : List.of("[]", "{\"action\":\"pause\"}", "{\"action\":\"explode\",\"connectors\":[\"bulk-a\"]}",
                "{\"action\":\"pause\",\"connectors\":[]}", "{\"action\":\"pause\",\"connectors\":[\"\"]}",
                "{\"action\":\"pause\",\"connectors\":[1]}", "{\"action\":\"pause\",\"connectors\":\"bulk-a\"}",
                "{\"action\":\"pause\",\"connectors\":[\"bulk-a\"],\"preview\":\"yes\"}",
                "{\"action\":\"pause\",\"connectors\":[\"bulk-a\"],\"includeTasks\":true}",
                "{\"action\":\"pause\",\"connectors\":[\"bulk-a\"],\"extra\":1}", "{\"action\":")) {
            Answer answer = fx.call("POST", "/connectors/bulk", bad);
            assertEquals(400, answer.status(), bad + " -> " + answer.body());
            assertEquals(400, answer.json().get("error_code").asInt(), answer.body());
        }
        List<String> many = IntStream.range(0, 501).mapToObj(i -> "c" + i).toList();
        Answer tooMany = fx.call("POST", "/connectors/bulk", body("pause", many, true));
        assertEquals(400, tooMany.status(), tooMany.body());
        assertTrue(tooMany.json().get("message").asText().contains("At most 500"), tooMany.body());
    }
}
