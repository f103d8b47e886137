package io.switchboard.difftest;

import io.switchboard.testing.Http;
import org.junit.jupiter.api.Test;

import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Map;

import static io.switchboard.difftest.Step.get;
import static io.switchboard.difftest.Step.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The comparator on canned answers: what it must catch and what it must let pass. */
class DifferTest {
    private static final String JSON = "application/json";
    private final Differ differ = new Differ(new Differ.Target("Kafka Connect", "http://ref:1"),
            new Differ.Target("Switchboard", "http://cand:2"));

    private static Http.Response answer(int status, String body) {
        return answer(status, body, Map.of("Content-Type", List.of(JSON)));
    }

    private static Http.Response answer(int status, String body, Map<String, List<String>> headers) {
        return new Http.Response(status, HttpHeaders.of(headers, (a, b) -> true), body);
    }

    private List<String> compare(Step step, Http.Response expected, Http.Response actual) {
        return differ.compare(step, expected, actual);
    }

    @Test
    void equalAnswersPass() {
        assertEquals(List.of(), compare(get("/x"), answer(200, "{\"a\":1,\"b\":[{\"c\":\"d\"}]}"),
                answer(200, "{\"b\":[{\"c\":\"e\"}],\"a\":2}")));
    }

    @Test
    void statusKeysAndTypesAreCaught() {
        assertEquals(1, compare(get("/x"), answer(200, "{}"), answer(201, "{}")).size());
        List<String> out = compare(get("/x"), answer(200, "{\"a\":1,\"b\":\"s\"}"), answer(200, "{\"a\":\"1\",\"c\":true}"));
        assertEquals(3, out.size(), out.toString());
        assertTrue(out.get(0).startsWith("$.a: expected number"), out.toString());
        assertTrue(out.get(1).contains("$.b: missing"), out.toString());
        assertTrue(out.get(2).contains("$.c: not in"), out.toString());
    }

    @Test
    void arraysAreComparedElementWiseAndEmptinessMatters() {
        List<String> out = compare(get("/x"), answer(200, "{\"t\":[{\"id\":0}]}"), answer(200, "{\"t\":[{\"id\":0},{\"id\":\"1\"}]}"));
        assertEquals(1, out.size(), out.toString());
        assertTrue(out.get(0).startsWith("$.t[].id"), out.toString());
        assertEquals(1, compare(get("/x"), answer(200, "{\"t\":[1]}"), answer(200, "{\"t\":[]}")).size());
        assertEquals(List.of(), compare(get("/x").ignoring("$.t"), answer(200, "{\"t\":[1]}"), answer(200, "{\"t\":[]}")));
        assertEquals(1, compare(get("/x").values(), answer(200, "[1,2]"), answer(200, "[1]")).size());
    }

    @Test
    void ignoredPathsAndWildcards() {
        Step step = get("/x").values().ignoring("$.*.status.worker_id");
        assertEquals(List.of(), compare(step, answer(200, "{\"a\":{\"status\":{\"worker_id\":\"w\"}}}"),
                answer(200, "{\"a\":{\"status\":{\"worker_id\":null}}}")));
        assertTrue(Differ.matches("$.*.info.tasks", "$.c.info.tasks"));
        assertFalse(Differ.matches("$.*.info.tasks", "$.c.info.tasks.x"));
        assertTrue(Differ.matches("$.*[]", "$.tasks[]"));
    }

    @Test
    void listsAsSets() {
        assertEquals(List.of(), compare(get("/c").asSet(), answer(200, "[\"a\",\"b\"]"), answer(200, "[\"b\",\"a\"]")));
        assertEquals(1, compare(get("/c").asSet(), answer(200, "[\"a\",\"b\"]"), answer(200, "[\"a\"]")).size());
    }

    @Test
    void errorsCompareCodeAndExactMessage() {
        Http.Response expected = answer(404, "{\"error_code\":404,\"message\":\"Connector x not found\"}");
        assertEquals(List.of(), compare(get("/c/x"), expected, answer(404, "{\"error_code\":404,\"message\":\"Connector x not found\"}")));
        assertEquals(1, compare(get("/c/x"), expected, answer(404, "{\"error_code\":404,\"message\":\"Connector 'x' not found\"}")).size());
        assertEquals(List.of(), compare(get("/c/x").messageDiffers("reason"), expected,
                answer(404, "{\"error_code\":404,\"message\":\"Connector 'x' not found\"}")));
        assertEquals(1, compare(get("/c/x"), expected, answer(404, "{\"code\":404,\"message\":\"Connector x not found\"}")).size());
        // An error from the reference's HTTP server, not its API: the candidate answers in the API's
        // format with the same message.
        Http.Response jetty = answer(400, "{\"message\":\"Ambiguous URI path separator\",\"url\":\"u\",\"status\":\"400\"}");
        assertEquals(List.of(), compare(get("/c/a%2Fb"), jetty,
                answer(400, "{\"error_code\":400,\"message\":\"Ambiguous URI path separator\"}")));
        assertEquals(1, compare(get("/c/a%2Fb"), jetty, jetty).size());
    }

    @Test
    void candidateFiveHundredsAreNeverAccepted() {
        Http.Response ref = answer(500, "{\"error_code\":500,\"message\":\"NPE\"}");
        assertEquals(1, compare(post("/c", "{}"), ref, ref).size());
        Step step = post("/c", "{}").kafkaConnectFailsHere(400, "NPE");
        assertEquals(List.of(), compare(step, ref, answer(400, "{\"error_code\":400,\"message\":\"Request body is missing\"}")));
        assertEquals(1, compare(step, ref, answer(422, "{\"error_code\":422,\"message\":\"x\"}")).size());
        assertEquals(1, compare(step, ref, answer(400, "{\"error_code\":422,\"message\":\"x\"}")).size());
        // The documented quirk is checked too: once Kafka Connect stops failing, the step says so.
        assertEquals(1, compare(step, answer(400, "{\"error_code\":400,\"message\":\"x\"}"),
                answer(400, "{\"error_code\":400,\"message\":\"x\"}")).size());
    }

    @Test
    void bodiesHeadersAndLocation() {
        Map<String, List<String>> none = Map.of();
        assertEquals(1, compare(get("/x"), answer(204, "", none), answer(204, "{}")).size());
        assertEquals(1, compare(get("/x"), answer(200, "{}"), answer(200, "{}", Map.of("Content-Type", List.of("text/plain")))).size());
        // A JSON body Kafka Connect sends without a Content-Type may come with one.
        assertEquals(List.of(), compare(get("/x"), answer(404, "{\"error_code\":404,\"message\":\"m\"}", none),
                answer(404, "{\"error_code\":404,\"message\":\"m\"}")));
        Step step = post("/c", "{}").sameHeader("Location");
        assertEquals(List.of(), compare(step,
                answer(201, "{}", Map.of("Content-Type", List.of(JSON), "Location", List.of("http://ref:1/connectors/a"))),
                answer(201, "{}", Map.of("Content-Type", List.of(JSON), "Location", List.of("http://cand:2/connectors/a")))));
        assertEquals(1, compare(step,
                answer(201, "{}", Map.of("Content-Type", List.of(JSON), "Location", List.of("http://ref:1/connectors/a"))),
                answer(201, "{}", Map.of("Content-Type", List.of(JSON), "Location", List.of("http://cand:2/connectors/b")))).size());
    }
}
