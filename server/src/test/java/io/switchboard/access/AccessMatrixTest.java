package io.switchboard.access;

import io.switchboard.access.RouteMatrix.Answer;
import io.switchboard.http.HttpServer.Route;
import io.switchboard.unit.UnitApi;
import io.switchboard.testing.TestUsers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The route × role matrix over the server's whole route table, generated from the table itself
 * ({@link RouteMatrix}): every route of every dialect, the console's and the event stream's. A route
 * added later is covered with no change here. Then the requests whose parsed content asks for more
 * than their route's action: escaped and UTF-16 pipeline commands and bulk deletes; a set's apply;
 * validation, which needs edit whatever the body holds; paths that try to reach another cluster.
 * Over the core's ports in memory ({@link UnitApi}): the app's own routes (health, metrics,
 * internal) and the named secrets', whose store is Kafka's, are the app's matrix.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessMatrixTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private UnitApi api;
    private RouteMatrix matrix;
    private String kafkaClusterId;

    @BeforeAll
    void start() throws IOException {
        api = new UnitApi(UnitApi.Security.NONE.withUsersFile(TestUsers.write(Files.createTempDirectory("switchboard-access"),
                RouteMatrix.GRANTS)));
        kafkaClusterId = api.core.services().kafkaClusterId();
        matrix = new RouteMatrix(api.url(), kafkaClusterId, TestUsers::basic);
    }

    @AfterAll
    void stop() {
        api.close();
    }

    private Answer call(String method, String path, String body, String authorization, Charset charset) {
        return matrix.call(method, path, body, authorization, charset);
    }

    @Test
    void everyRouteAnswersWhatItsDeclarationSays() {
        List<Route> routes = api.server.routes();
        assertTrue(routes.stream().anyMatch(r -> r.path().startsWith("/connect/v1/")), "the Confluent dialect's routes");
        assertTrue(routes.stream().anyMatch(r -> r.path().startsWith("/v1/kafka-connect/")), "the Redpanda dialect's routes");
        assertTrue(routes.stream().anyMatch(r -> r.path().startsWith("/api/v1/")), "the pipelines dialect's routes");
        assertTrue(routes.stream().anyMatch(r -> r.path().startsWith("/clusters/")), "the Kafka Connect dialect's routes");
        assertTrue(routes.stream().anyMatch(r -> r.path().startsWith("/console")), "the console's routes");
        assertTrue(routes.stream().anyMatch(r -> r.path().equals("/events")), "the event stream");
        RouteMatrix.Outcome outcome = matrix.check(routes.stream().filter(r -> !r.path().startsWith(UnitApi.NAMED_SECRETS)).toList());
        assertTrue(outcome.wrong().isEmpty(), outcome.describe());
        assertTrue(outcome.calls() > 1000, outcome.calls() + " calls");
    }

    @Test
    void pathTricksReachNoOtherCluster() {
        String erin = TestUsers.basic("erin");
        String victim = "{\"name\":\"victim\",\"config\":{\"connector.class\":\"FileStreamSource\",\"file\":\"/tmp/v\",\"topic\":\"v\"}}";
        assertEquals(201, call("POST", "/connectors", victim, erin, null).status());
        // pat edits cluster prod only.
        String pat = TestUsers.basic("pat");
        List<String> tricks = List.of("/clusters/prod/../connectors/victim", "/clusters/prod/%2E%2E/connectors/victim",
                "/clusters/prod%2F..%2Fdefault/connectors/victim", "/clusters/prod/connectors/..%2F..%2Fconnectors%2Fvictim",
                "/clusters/prod/connectors/victim/../../../connectors/victim", "//connectors/victim", "/clusters//connectors/victim",
                "/clusters/default/connectors/victim", "/clusters/Default/connectors/victim", "/clusters/prod/./../default/connectors/victim",
                "/v1/kafka-connect/clusters/prod/../default/connectors/victim", "/v1/kafka-connect/clusters/prod%2F..%2Fdefault/connectors/victim",
                "/connect/v1/environments/env-default/clusters/" + kafkaClusterId + "/../../../../clusters/default/connectors/victim");
        List<String> wrong = new ArrayList<>();
        for (String path : tricks) {
            int status = call("DELETE", path, null, pat, null).status();
            if (status < 400 || status >= 500) {
                wrong.add("DELETE " + path + ": " + status);
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
        assertEquals(200, call("GET", "/connectors/victim", null, erin, null).status(), "the connector is still there");
        assertEquals(204, call("DELETE", "/connectors/victim", null, erin, null).status());
    }

    @Test
    void noHeaderChangesTheMethod() {
        String erin = TestUsers.basic("erin");
        String kept = "{\"name\":\"kept\",\"config\":{\"connector.class\":\"FileStreamSource\",\"file\":\"/tmp/k\",\"topic\":\"k\"}}";
        assertEquals(201, call("POST", "/connectors", kept, erin, null).status());
        Answer overridden = matrix.call("GET", "/connectors/kept", null, erin, null, Map.of("X-HTTP-Method-Override", "DELETE"));
        assertEquals(400, overridden.status(), overridden.body());
        assertTrue(overridden.body().contains("X-HTTP-Method-Override"), overridden.body());
        assertEquals(200, call("GET", "/connectors/kept", null, erin, null).status(), "a GET never deletes");
        assertEquals(204, call("DELETE", "/connectors/kept", null, erin, null).status());
    }

    @Test
    void wrongKeysAre401InEveryDialect() {
        for (String path : List.of("/connectors/openapi.yaml", "/connect/v1/environments/env-default/clusters/" + kafkaClusterId
                + "/connectors/openapi.yaml", "/v1/kafka-connect/clusters/default/connectors/openapi.yaml")) {
            assertEquals(401, call("DELETE", path, null, TestUsers.basic("erin", "not-the-key"), null).status(), path);
            assertEquals(401, call("DELETE", path, null, TestUsers.basic("mallory"), null).status(), path);
        }
        assertEquals(401, call("GET", "/api/v1/connectors/health", null, TestUsers.basic("erin", "not-the-key"), null).status());
        assertEquals(401, call("GET", "/connectors", null, "Bearer not.a.token", null).status());
    }

    @Test
    void aSetApplyWithoutTheRoleIsRefusedBeforeAnyWorkAndAlikeForEveryCluster() {
        SetApplyAccess.check((method, path, body, authorization) -> call(method, path, body, authorization, null));
    }

    @Test
    void aPipelineCommandIsAuthorizedAsParsed() {
        String path = "/api/v1/connector/command/nope";
        String otto = TestUsers.basic("otto");
        Answer refused = call("POST", path, "{\"command\":\"Delete\"}", otto, null);
        assertEquals(403, refused.status());
        assertTrue(refused.body().contains("/problems/forbidden"), refused.body());
        assertEquals(403, call("POST", path, "{\"command\":\"Dele\\u0074e\"}", otto, null).status());
        assertEquals(403, call("POST", path, "{\"command\":\"ForceDel\\u0065te\"}", otto, null).status());
        assertEquals(403, call("POST", path, "{\"command\":\"ReIn\\u0074ialize\"}", otto, null).status());
        assertEquals(403, call("POST", path, "{\"command\":\"Delete\"}", otto, StandardCharsets.UTF_16LE).status());
        assertEquals(403, call("POST", path, "{\"command\":\"Delete\"}", otto, Charset.forName("UTF-32BE")).status());
        // What an operator may do passes the check (and finds no such pipeline).
        assertEquals(404, call("POST", path, "{\"command\":\"Stop\"}", otto, null).status());
        assertEquals(404, call("POST", path, "{\"command\":\"Delete\"}", TestUsers.basic("erin"), null).status());
    }

    @Test
    void aBulkDeleteNeedsAnEditorHoweverTheBodySaysIt() {
        String otto = TestUsers.basic("otto");
        for (String path : List.of("/connectors/bulk", "/clusters/default/connectors/bulk")) {
            assertEquals(403, call("POST", path, "{\"action\":\"delete\",\"connectors\":[\"nope\"]}", otto, null).status(), path);
            assertEquals(403, call("POST", path, "{\"action\":\"DEL\\u0045TE\",\"connectors\":[\"nope\"]}", otto, null).status(), path);
            assertEquals(403, call("POST", path, "{\"action\":\"delete\",\"connectors\":[\"nope\"]}", otto,
                    StandardCharsets.UTF_16LE).status(), path);
            // What an operator may do passes the check; the unknown connector is refused in the answer.
            Answer paused = call("POST", path, "{\"action\":\"pause\",\"connectors\":[\"nope\"]}", otto, null);
            assertEquals(200, paused.status(), paused.body());
            assertTrue(paused.body().contains("\"error_code\":404"), paused.body());
            Answer deleted = call("POST", path, "{\"action\":\"delete\",\"connectors\":[\"nope\"],\"preview\":true}",
                    TestUsers.basic("erin"), null);
            assertEquals(200, deleted.status(), deleted.body());
            assertEquals(403, call("POST", path, "{\"action\":\"pause\",\"connectors\":[\"nope\"]}",
                    TestUsers.basic("vera"), null).status(), "a viewer may not operate");
        }
    }

    /**
     * A sink's lag ({@code /console/.../lag}) to a viewer of another cluster, an editor of another
     * cluster, and for a connector or cluster that is not there: each a clear 4xx as the console's
     * problem ({@code title}, {@code status}, {@code detail}), never the sparkline nor a 5xx.
     */
    @Test
    void theLagOfASinkIsRefusedClearlyOutsideTheCallersClusters() throws IOException {
        record Case(String user, String path, int status, String says) {
        }
        for (Case c : List.of(new Case("vera", "/console/clusters/prod/connectors/drain/lag", 403, "prod"),
                new Case("pat", "/console/clusters/default/connectors/drain/lag", 403, "default"),
                new Case("pat", "/console/clusters/prod/connectors/drain/lag", 404, "Connector drain not found"),
                new Case("sam", "/console/clusters/default/connectors/ghost/lag", 404, "Connector ghost not found"),
                new Case("sam", "/console/clusters/default/connectors/%C3%A9t%C3%A9%20%F0%9F%98%80/lag", 404, "not found"),
                new Case("vera", "/console/clusters/prod%2F..%2Fdefault/connectors/drain/lag", 0, ""))) {
            Answer answer = call("GET", c.path(), null, TestUsers.basic(c.user()), null);
            String what = c.user() + " GET " + c.path() + ": " + answer.status() + " " + answer.body();
            assertTrue(c.status() == 0 ? answer.status() >= 400 && answer.status() < 500 : answer.status() == c.status(), what);
            JsonNode problem = JSON.readTree(answer.body());
            assertEquals(answer.status(), problem.path("status").asInt(), what);
            assertEquals("Refused", problem.path("title").asText(), what);
            assertTrue(problem.path("detail").asText().contains(c.says()), what);
        }
    }

    /**
     * Validation makes the worker's plugin connect wherever the config says and echo the outcome (a
     * port scan, a database-password oracle), and resolve references: it needs edit in every
     * dialect, whatever the body holds.
     */
    @Test
    void aValidationNeedsEdit() {
        String plugin = "org.apache.kafka.connect.file.FileStreamSourceConnector";
        String plain = "{\"connector.class\":\"" + plugin + "\",\"name\":\"p\",\"topic\":\"t\",\"file\":\"/tmp/p\"}";
        String withReference = "{\"connector.class\":\"" + plugin + "\",\"name\":\"p\",\"topic\":\"t\","
                + "\"file\":\"/tmp/${secretsManager:DB_PW}\"}";
        String threePart = withReference.replace("${secretsManager:DB_PW}", "${secretsManager:x:DB_PW}");
        String escaped = withReference.replace("${", "\\u0024{");
        for (String path : List.of("/connector-plugins/" + plugin + "/config/validate",
                "/clusters/default/connector-plugins/" + plugin + "/config/validate",
                "/connect/v1/environments/env-default/clusters/" + kafkaClusterId + "/connector-plugins/" + plugin
                        + "/config/validate")) {
            for (String user : List.of("vera", "otto")) {
                String who = TestUsers.basic(user);
                assertEquals(403, call("PUT", path, plain, who, null).status(), path + " as " + user);
                assertEquals(403, call("PUT", path, withReference, who, null).status(), path + " as " + user);
                assertEquals(403, call("PUT", path, threePart, who, null).status(), path + " as " + user);
                assertEquals(403, call("PUT", path, escaped, who, null).status(), path + " as " + user);
                assertEquals(403, call("PUT", path, withReference, who, StandardCharsets.UTF_16BE).status(), path + " as " + user);
            }
            int asEditor = call("PUT", path, plain, TestUsers.basic("erin"), null).status();
            assertTrue(asEditor != 401 && asEditor != 403, path + " as an editor: " + asEditor);
            int withReferenceAsEditor = call("PUT", path, withReference, TestUsers.basic("erin"), null).status();
            assertTrue(withReferenceAsEditor != 401 && withReferenceAsEditor != 403, path + " as an editor: " + withReferenceAsEditor);
        }
    }
}
