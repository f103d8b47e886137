package io.switchboard.api;

import io.switchboard.SecurityOptions;
import io.switchboard.access.Access;
import io.switchboard.access.Action;
import io.switchboard.access.Role;
import io.switchboard.http.HttpServer.Route;
import io.switchboard.testing.TestUsers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The route × role matrix, generated from the route table itself: every route of every dialect,
 * called with no credentials, wrong credentials, and each role with and without a grant on the
 * cluster it addresses, answers what its declaration says (open: never 401 or 403; replicas: 403
 * without a signature; otherwise 401 without valid credentials, 403 below the action's role or
 * outside the grant, and neither at or above it). Path parameters take hostile names
 * ({@code openapi.yaml}, {@code health}, {@code internal}). A route added later is covered with no
 * change here. Then the requests whose parsed content asks for more than their route's action:
 * escaped and UTF-16 pipeline commands; and validation, which needs edit whatever the body holds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessMatrixTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final Pattern PARAM = Pattern.compile("\\{([^}]+)}");
    private static final List<String> HOSTILE_NAMES = List.of("openapi.yaml", "health", "internal");
    /** User by the role it holds on cluster default; "pat" holds editor on another cluster only, "sam" viewer everywhere. */
    private static final Map<String, Role> ON_DEFAULT = Map.of("vera", Role.VIEWER, "otto", Role.OPERATOR,
            "erin", Role.EDITOR, "ada", Role.ADMIN);

    private SwitchboardFixture fx;
    private String kafkaClusterId;

    @BeforeAll
    void start() throws IOException {
        Path dir = Files.createTempDirectory("switchboard-access");
        Map<String, String> grants = new LinkedHashMap<>();
        grants.put("vera", "viewer@default");
        grants.put("otto", "operator@default");
        grants.put("erin", "editor@default");
        grants.put("ada", "admin@default");
        grants.put("pat", "editor@prod");
        grants.put("sam", "viewer@*");
        Path users = TestUsers.write(dir, grants);
        fx = new SwitchboardFixture(options -> options.withSecurity(SecurityOptions.NONE.withUsersFile(users)));
        kafkaClusterId = SwitchboardFixture.JSON.readTree(call("GET", "/", null, null, null).body()).path("kafka_cluster_id").asText();
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    @Test
    void everyRouteAnswersWhatItsDeclarationSays() {
        List<Route> routes = fx.app.routes();
        assertTrue(routes.stream().anyMatch(r -> r.path().startsWith("/connect/v1/")), "the Confluent dialect's routes");
        assertTrue(routes.stream().anyMatch(r -> r.path().startsWith("/v1/kafka-connect/")), "the Redpanda dialect's routes");
        assertTrue(routes.stream().anyMatch(r -> r.path().startsWith("/api/v1/")), "the pipelines dialect's routes");
        assertTrue(routes.stream().anyMatch(r -> r.path().startsWith("/clusters/")), "the Kafka Connect dialect's routes");
        List<String> wrong = new ArrayList<>();
        int calls = 0;
        for (Route route : routes) {
            for (String name : HOSTILE_NAMES) {
                String path = concrete(route.path(), name);
                String body = route.method().equals("GET") || route.method().equals("DELETE") ? null : "{}";
                for (Caller caller : callers()) {
                    // Each malformed header differs; none is counted as a failed login (nothing was checked).
                    String authorization = caller.authorization() != null && caller.authorization().equals("Basic %%%")
                            ? "Basic " + Base64.getEncoder().encodeToString(("no-colon-" + calls).getBytes(StandardCharsets.UTF_8))
                            : caller.authorization();
                    Answer answer = call(route.method(), path, body, authorization, null);
                    calls++;
                    String expected = expected(route, caller);
                    if (!matches(expected, answer.status())) {
                        wrong.add(route.method() + " " + path + " as " + caller.name() + ": " + answer.status()
                                + ", declared " + route.access().describe() + ", expected " + expected);
                    }
                }
                if (!route.path().contains("{")) {
                    break;
                }
            }
        }
        assertTrue(wrong.isEmpty(), calls + " calls, " + wrong.size() + " answered against the declaration:\n"
                + String.join("\n", wrong.subList(0, Math.min(wrong.size(), 40))));
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
    void noHeaderChangesTheMethodAndNoCallerChoosesAMetricSeries() {
        String erin = TestUsers.basic("erin");
        String kept = "{\"name\":\"kept\",\"config\":{\"connector.class\":\"FileStreamSource\",\"file\":\"/tmp/k\",\"topic\":\"k\"}}";
        assertEquals(201, call("POST", "/connectors", kept, erin, null).status());
        Answer overridden = call("GET", "/connectors/kept", null, erin, null, Map.of("X-HTTP-Method-Override", "DELETE"));
        assertEquals(400, overridden.status(), overridden.body());
        assertTrue(overridden.body().contains("X-HTTP-Method-Override"), overridden.body());
        assertEquals(200, call("GET", "/connectors/kept", null, erin, null).status(), "a GET never deletes");

        long before = httpSeries();
        for (int i = 0; i < 200; i++) {
            call("GET", "/health", null, null, null, Map.of("X-HTTP-Method-Override", "M" + i));
            call("M" + i, "/connectors", null, null, null);
            call("GET", "/no/such/path/" + i, null, null, null);
        }
        long after = httpSeries();
        assertTrue(after - before <= 10, "anonymous callers minted " + (after - before) + " series");
        assertEquals(204, call("DELETE", "/connectors/kept", null, erin, null).status());
    }

    /** How many series of the HTTP timer /metrics shows. */
    private long httpSeries() {
        Answer metrics = call("GET", "/metrics", null, TestUsers.basic("sam"), null);
        assertEquals(200, metrics.status());
        return metrics.body().lines().filter(line -> line.startsWith("switchboard_http_requests_seconds_count")).count();
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
            var problem = SwitchboardFixture.JSON.readTree(answer.body());
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

    /**
     * docs/access.md is the route table as it is: regenerate it with
     * {@code mvn -pl integration-tests -am verify -Dtest=AccessMatrixTest -Dsurefire.failIfNoSpecifiedTests=false -Dswitchboard.writeAccessTable=true}.
     */
    @Test
    void theAccessTableInTheDocsIsTheRouteTable() throws IOException {
        Path doc = Path.of("..", "docs", "access.md");
        String table = AccessTable.render(fx.app.routes());
        if (Boolean.getBoolean("switchboard.writeAccessTable")) {
            Files.writeString(doc, table);
        }
        assertEquals(table, Files.exists(doc) ? Files.readString(doc) : "",
                "docs/access.md is not the route table; regenerate it with -Dswitchboard.writeAccessTable=true");
    }

    private String concrete(String template, String name) {
        Matcher m = PARAM.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = switch (m.group(1)) {
                case "cluster", "cluster_name" -> "default";
                case "environment_id" -> "env-default";
                case "kafka_cluster_id" -> kafkaClusterId;
                case "task" -> "0";
                case "plugin", "plugin_name" -> "org.apache.kafka.connect.file.FileStreamSourceConnector";
                case "part" -> "source";
                case "store" -> "connectors";
                case "logger" -> "io.switchboard.access." + name;
                case "id" -> name.replace('.', '_').toUpperCase(Locale.ROOT);
                default -> name;
            };
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** @param best the highest role any of the caller's grants gives, anywhere */
    private record Caller(String name, String authorization, Role onDefault, Role everywhere, boolean anyGrant, Role best) {
    }

    private static List<Caller> callers() {
        List<Caller> callers = new ArrayList<>();
        callers.add(new Caller("nobody", null, null, null, false, null));
        // Credentials that are not valid, cheap to refuse and not counted as failed logins (a wrong
        // API key costs a bcrypt check, and limits the address after 20: see wrongKeysAre401InEveryDialect).
        callers.add(new Caller("a malformed header", "Basic %%%", null, null, false, null));
        ON_DEFAULT.forEach((user, role) -> callers.add(new Caller(user, TestUsers.basic(user), role, null, true, role)));
        callers.add(new Caller("pat", TestUsers.basic("pat"), null, null, true, Role.EDITOR));
        callers.add(new Caller("sam", TestUsers.basic("sam"), Role.VIEWER, Role.VIEWER, true, Role.VIEWER));
        return callers;
    }

    /** "open", "403", "401", "allowed" or "denied" (403). */
    private static String expected(Route route, Caller caller) {
        Access access = route.access();
        switch (access.kind()) {
            case OPEN:
                return "allowed";
            case REPLICAS:
                return "403";
            default:
                break;
        }
        if (!caller.anyGrant()) {
            // No credentials, or credentials that are not valid.
            return "401";
        }
        Action action = access.action();
        // Every path in the matrix addresses cluster default, or every cluster, or lists what the grants cover.
        boolean allowed;
        if (route.path().equals("/metrics")) {
            allowed = caller.everywhere() != null && caller.everywhere().allows(action);
        } else if (List.of("/v1/kafka-connect/clusters", "/events", "/metrics/connectors", "/console/", "/console/connectors",
                "/console/bulk", "/console/bulk/progress")
                .contains(route.path())) {
            // Any grant that allows the action: the answer holds only what the grants cover.
            allowed = caller.best() != null && caller.best().allows(action);
        } else {
            allowed = caller.onDefault() != null && caller.onDefault().allows(action);
        }
        return allowed ? "allowed" : "403";
    }

    private static boolean matches(String expected, int status) {
        return switch (expected) {
            case "allowed" -> status != 401 && status != 403 && status < 500 || status == 503;
            default -> status == Integer.parseInt(expected);
        };
    }

    record Answer(int status, String body) {
    }

    private Answer call(String method, String path, String body, String authorization, Charset charset) {
        return call(method, path, body, authorization, charset, Map.of());
    }

    /** Reads at most the first bytes of the answer: an event stream never ends. */
    private Answer call(String method, String path, String body, String authorization, Charset charset,
                        Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fx.app.url() + path)).timeout(Duration.ofSeconds(60));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        headers.forEach(request::header);
        byte[] bytes = body == null ? null : body.getBytes(charset == null ? StandardCharsets.UTF_8 : charset);
        request.method(method, bytes == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(bytes));
        try {
            HttpResponse<InputStream> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                String text = path.startsWith("/events") && response.statusCode() == 200 ? ""
                        : new String(in.readNBytes(8 * 1024 * 1024), StandardCharsets.UTF_8);
                return new Answer(response.statusCode(), text);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
