package io.switchboard.dialects.confluent;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The connect/v1 OpenAPI document, read by the library the integration tests check every answer
 * with: it accepts answers in Confluent's shapes and refuses the near misses a dialect could slip
 * into (Kafka Connect's error body and states, an id without its type, offsets without when they
 * were observed). Without this, a document loose enough to accept anything would pass every
 * integration test.
 */
class ConfluentDocumentTest {
    private static final String BASE = "/connect/v1/environments/env-default/clusters/lkc-0abc";
    private static final String CONNECTOR = BASE + "/connectors/orders";
    private static final OpenApiInteractionValidator DOCUMENT = OpenApiInteractionValidator
            .createForInlineApiSpecification(document()).build();

    private static final String STATUS_DEGRADED = """
            {"name":"orders","type":"source",
             "connector":{"state":"DEGRADED","worker_id":"127.0.0.1:8083","trace":""},
             "tasks":[{"id":0,"state":"RUNNING","worker_id":"127.0.0.1:8083","msg":""},
                      {"id":1,"state":"FAILED","worker_id":"127.0.0.1:8083","msg":"java.io.IOException: gone"}]}""";
    private static final String REQUEST_INFO = """
            {"id":"lcc-abcdefgh2345","name":"orders",
             "offsets":[{"partition":{"filename":"/tmp/in.txt"},"offset":{"position":9}}],
             "requested_at":"2026-11-22T15:14:19Z","type":"PATCH"}""";

    static Stream<Arguments> accepted() {
        return Stream.of(
                answer("names", "GET", BASE + "/connectors", 200, "[\"orders\",\"clicks\"]"),
                answer("no connectors", "GET", BASE + "/connectors", 200, "[]"),
                answer("expansions keyed by name", "GET", BASE + "/connectors", 200, """
                        {"orders":{"id":{"id":"lcc-abcdefgh2345","id_type":"ID"},
                                   "info":{"name":"orders","type":"source","config":{"connector.class":"FileStreamSource","file":"/tmp/in.txt"}},
                                   "status":%s}}""".formatted(STATUS_DEGRADED)),
                answer("created", "POST", BASE + "/connectors", 201, """
                        {"name":"orders","type":"source","config":{"connector.class":"FileStreamSource","password":"****************"},
                         "tasks":[{"connector":"orders","task":0}]}"""),
                answer("created, type not yet known", "POST", BASE + "/connectors", 201,
                        "{\"name\":\"orders\",\"config\":{\"connector.class\":\"FileStreamSource\"},\"tasks\":[]}"),
                answer("deleted", "DELETE", CONNECTOR, 200, "{\"error\":null}"),
                answer("config", "GET", CONNECTOR + "/config", 200, "{\"connector.class\":\"FileStreamSource\",\"tasks.max\":\"1\"}"),
                answer("paused", "PUT", CONNECTOR + "/pause", 202, null),
                answer("restarted", "POST", CONNECTOR + "/restart", 202, null),
                answer("degraded status", "GET", CONNECTOR + "/status", 200, STATUS_DEGRADED),
                answer("tasks", "GET", CONNECTOR + "/tasks", 200,
                        "[{\"id\":{\"connector\":\"orders\",\"task\":0},\"config\":{\"task.class\":\"x\"}}]"),
                answer("offsets", "GET", CONNECTOR + "/offsets", 200, """
                        {"name":"orders","id":"lcc-abcdefgh2345",
                         "offsets":[{"partition":{"filename":"/tmp/in.txt"},"offset":{"position":9}}],
                         "metadata":{"observed_at":"2026-11-22T15:14:19.123Z"}}"""),
                answer("offsets request accepted", "POST", CONNECTOR + "/offsets/request", 202, REQUEST_INFO),
                answer("a reset request has no offsets", "POST", CONNECTOR + "/offsets/request", 202, """
                        {"id":"lcc-abcdefgh2345","name":"orders","requested_at":"2026-11-22T15:14:19Z","type":"DELETE"}"""),
                answer("offsets request pending", "GET", CONNECTOR + "/offsets/request/status", 200,
                        "{\"request\":%s,\"status\":{\"phase\":\"PENDING\"},\"applied_at\":null}".formatted(REQUEST_INFO)),
                answer("offsets request applied", "GET", CONNECTOR + "/offsets/request/status", 200, """
                        {"request":%s,"status":{"phase":"APPLIED","message":"The offsets for this connector have been altered successfully"},
                         "previous_offsets":[{"partition":{"filename":"/tmp/in.txt"},"offset":{"position":21}}],
                         "applied_at":"2026-11-22T15:14:20.456Z"}""".formatted(REQUEST_INFO)),
                answer("offsets request failed", "GET", CONNECTOR + "/offsets/request/status", 200,
                        "{\"request\":%s,\"status\":{\"phase\":\"FAILED\",\"message\":\"refused\"},\"applied_at\":null}".formatted(REQUEST_INFO)),
                answer("plugins", "GET", BASE + "/connector-plugins", 200,
                        "[{\"class\":\"org.apache.kafka.connect.file.FileStreamSourceConnector\",\"type\":\"source\",\"version\":\"4.3.1\"}]"),
                answer("validation", "PUT", BASE + "/connector-plugins/FileStreamSource/config/validate", 200, """
                        {"name":"FileStreamSource","error_count":1,"groups":["Common"],
                         "configs":[{"definition":{"name":"topic"},"value":{"name":"topic","value":null,"recommended_values":[],"errors":["Missing required configuration"],"visible":true}}]}"""),
                answer("not found", "GET", CONNECTOR, 404, "{\"error\":{\"code\":404,\"message\":\"Connector orders not found\"}}"),
                answer("a second offsets request", "POST", CONNECTOR + "/offsets/request", 409,
                        "{\"error\":{\"code\":409,\"message\":\"An offsets request for connector orders is under way\"}}"));
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                answer("Kafka Connect's error shape", "GET", CONNECTOR, 404, "{\"error_code\":404,\"message\":\"Connector orders not found\"}"),
                answer("an error code that is a string", "GET", CONNECTOR, 404, "{\"error\":{\"code\":\"404\",\"message\":\"x\"}}"),
                answer("an error without a message", "GET", CONNECTOR, 500, "{\"error\":{\"code\":500}}"),
                answer("a delete answered with an empty object", "DELETE", CONNECTOR, 200, "{}"),
                answer("Kafka Connect's STOPPED state", "GET", CONNECTOR + "/status", 200,
                        STATUS_DEGRADED.replace("DEGRADED", "STOPPED")),
                answer("a task without msg", "GET", CONNECTOR + "/status", 200, """
                        {"name":"orders","connector":{"state":"RUNNING","worker_id":"w","trace":""},
                         "tasks":[{"id":0,"state":"RUNNING","worker_id":"w"}]}"""),
                answer("Kafka Connect's task trace", "GET", CONNECTOR + "/status", 200, """
                        {"name":"orders","connector":{"state":"RUNNING","worker_id":"w","trace":""},
                         "tasks":[{"id":0,"state":"RUNNING","worker_id":"w","msg":"","trace":"x"}]}"""),
                answer("an id without id_type", "GET", BASE + "/connectors", 200, "{\"orders\":{\"id\":{\"id\":\"lcc-abcdefgh2345\"}}}"),
                answer("an id as a bare string", "GET", BASE + "/connectors", 200, "{\"orders\":{\"id\":\"lcc-abcdefgh2345\"}}"),
                answer("an id that is not lcc-", "GET", BASE + "/connectors", 200, "{\"orders\":{\"id\":{\"id\":\"orders\",\"id_type\":\"ID\"}}}"),
                answer("Kafka Connect's expansion list", "GET", BASE + "/connectors", 200, "[{\"status\":{}}]"),
                answer("offsets without metadata", "GET", CONNECTOR + "/offsets", 200,
                        "{\"name\":\"orders\",\"id\":\"lcc-abcdefgh2345\",\"offsets\":[]}"),
                answer("offsets observed at an epoch number", "GET", CONNECTOR + "/offsets", 200,
                        "{\"name\":\"orders\",\"id\":\"lcc-abcdefgh2345\",\"offsets\":[],\"metadata\":{\"observed_at\":1763824459000}}"),
                answer("an unknown phase", "GET", CONNECTOR + "/offsets/request/status", 200,
                        "{\"request\":%s,\"status\":{\"phase\":\"DONE\"},\"applied_at\":null}".formatted(REQUEST_INFO)),
                answer("a status without its request", "GET", CONNECTOR + "/offsets/request/status", 200,
                        "{\"status\":{\"phase\":\"PENDING\"},\"applied_at\":null}"),
                answer("applied_at that is not a date-time", "GET", CONNECTOR + "/offsets/request/status", 200,
                        "{\"request\":%s,\"status\":{\"phase\":\"APPLIED\"},\"applied_at\":\"2024-02-20\"}".formatted(REQUEST_INFO)),
                answer("a request without requested_at", "POST", CONNECTOR + "/offsets/request", 202,
                        "{\"id\":\"lcc-abcdefgh2345\",\"name\":\"orders\",\"type\":\"PATCH\"}"),
                answer("a created connector without tasks", "POST", BASE + "/connectors", 201,
                        "{\"name\":\"orders\",\"config\":{}}"),
                answer("a config value that is not a string", "GET", CONNECTOR + "/config", 200, "{\"tasks.max\":1}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void acceptsConfluentShapes(String what, String method, String path, int status, String body) {
        ValidationReport report = validate(method, path, status, body);
        assertFalse(report.hasErrors(), () -> what + " was refused: " + messages(report));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusesNearMisses(String what, String method, String path, int status, String body) {
        assertTrue(validate(method, path, status, body).hasErrors(), what + " was accepted");
    }

    @Test
    void everyErrorStatusOfEveryOperationIsInConfluentsShape() {
        String[][] operations = {{"GET", BASE + "/connectors"}, {"POST", BASE + "/connectors"}, {"GET", CONNECTOR},
                {"DELETE", CONNECTOR}, {"PUT", CONNECTOR + "/config"}, {"PUT", CONNECTOR + "/resume"},
                {"POST", CONNECTOR + "/restart"}, {"GET", CONNECTOR + "/tasks"}, {"POST", CONNECTOR + "/offsets/request"},
                {"GET", CONNECTOR + "/offsets/request/status"}, {"GET", BASE + "/connector-plugins"}};
        for (String[] operation : operations) {
            for (int status : new int[]{400, 401, 403, 404, 409, 413, 429, 500, 503}) {
                String good = "{\"error\":{\"code\":" + status + ",\"message\":\"m\"}}";
                String bad = "{\"error_code\":" + status + ",\"message\":\"m\"}";
                ValidationReport report = validate(operation[0], operation[1], status, good);
                assertFalse(report.hasErrors(), () -> operation[0] + " " + operation[1] + " " + status + ": " + messages(report));
                assertTrue(validate(operation[0], operation[1], status, bad).hasErrors(),
                        operation[0] + " " + operation[1] + " " + status + " accepted Kafka Connect's error shape");
            }
        }
    }

    private static Arguments answer(String what, String method, String path, int status, String body) {
        return Arguments.of(what, method, path, status, body);
    }

    private static ValidationReport validate(String method, String path, int status, String body) {
        SimpleResponse.Builder response = SimpleResponse.Builder.status(status);
        if (body != null) {
            response.withContentType("application/json").withBody(body);
        }
        return DOCUMENT.validateResponse(path, Request.Method.valueOf(method), response.build());
    }

    private static String messages(ValidationReport report) {
        return report.getMessages().stream().map(m -> m.getKey() + ": " + m.getMessage()).collect(Collectors.joining("; "));
    }

    private static String document() {
        try (InputStream in = ConfluentDocumentTest.class.getResourceAsStream("/openapi/confluent-connect-v1.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
