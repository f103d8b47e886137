package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testing.Await;
import io.switchboard.testing.HostileAnswers;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestUsers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The policies' surfaces on a real replica with access checked: the console's policy pages as a
 * viewer sees them (built-in ones read-only, counts and violators, versions with who stored them,
 * everything a user wrote escaped), the policy routes in the served OpenAPI document, and hostile
 * requests to the policy routes, each a 4xx in Kafka Connect's error format that stores nothing.
 * On the test JVM's secured replica ({@link SharedReplica#withUsers}), under policy and connector
 * names of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicySurfacesTest {
    private static final String SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector";
    private static final String HOSTILE_MESSAGE = "<script>alert(1)</script> & \"quoted\"";
    private SwitchboardFixture fx;

    @BeforeAll
    void start() {
        fx = SharedReplica.withUsers(Map.of("ada", "admin@*", "vera", "viewer@default"), "ada");
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    private Http.Response as(String user, String method, String path, String body) {
        return Http.call(fx.app.url(), method, path, body, user == null ? java.util.Collections.singletonMap("Authorization", null)
                : Map.of("Authorization", TestUsers.basic(user)));
    }

    private static String policy(String expression, String message) {
        return policy("deny", expression, message);
    }

    private static String policy(String action, String expression, String message) {
        return SwitchboardFixture.json(Map.of("action", action, "match", Map.of("names", List.of("wide-*")),
                "validations", List.of(Map.of("expression", expression, "message", message))));
    }

    @Test
    void aViewerSeesEveryPolicyItsVersionsAndItsViolatorsLiveAndEscaped() {
        String connector = SwitchboardFixture.json(Map.of("name", "wide-1", "config", Map.of("connector.class", SOURCE,
                "file", "/tmp/switchboard-test-files/wide-1", "topic", "t", "tasks.max", "8")));
        assertEquals(201, fx.call("POST", "/connectors", connector).status());
        String tasks = "int(connector.config[?'tasks.max'].orValue('1')) <= 2 && connector.name != '<b>'";
        assertEquals(201, fx.call("PUT", "/policies/wide-tasks", policy("true", "first")).status());
        // A warn policy: a second violator is accepted, and counted.
        assertEquals(200, fx.call("PUT", "/policies/wide-tasks", policy("warn", tasks, HOSTILE_MESSAGE)).status());

        Http.Response list = Await.atMost(Duration.ofSeconds(30)).poll(() -> as("vera", "GET", "/console/clusters/default/policies", null),
                page -> page.status() == 200 && page.body().contains("data-policy=\"wide-tasks\"") && page.body().contains(">2</td>") && page.body().contains("class=\"violators\">1<"));
        String html = list.body();
        assertTrue(html.contains("data-policy=\"client-overrides\"") && html.contains("data-policy=\"control-plane-topics\"")
                && html.contains("built in, read-only"), html);
        assertTrue(html.matches("(?s).*data-policy=\"wide-tasks\".*class=\"action\">warn<.*class=\"violators\">1<.*"), html);
        assertTrue(html.contains("sse-connect=\"/events?cluster=default\"") && html.contains("sse:ConnectorCreated"), "live: " + html);

        String page = as("vera", "GET", "/console/clusters/default/policies/wide-tasks", null).body();
        assertTrue(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot;"), page);
        assertFalse(page.contains("<script>alert(1)"), page);
        assertTrue(page.contains("connector.name != &#39;&lt;b&gt;&#39;"), page);
        assertTrue(page.contains("id=\"version-1\"") && page.contains("id=\"version-2\"") && page.contains(">ada<"), page);
        assertTrue(page.contains("data-connector=\"wide-1\""), page);
        assertTrue(page.contains("hx-get=\"/console/clusters/default/policies/wide-tasks/violators\""), page);
        assertFalse(page.contains("<form") || page.contains("hx-put") || page.contains("hx-post=\"/console/clusters"), "read-only: " + page);
        assertTrue(as("vera", "GET", "/console/clusters/default/policies/wide-tasks/violators", null).body()
                .contains("data-connector=\"wide-1\""));
        assertTrue(as("vera", "GET", "/console/clusters/default/policies/client-overrides", null).body().contains("Built in and read-only"));
        assertEquals(404, as("vera", "GET", "/console/clusters/default/policies/nope", null).status());

        // Live: a second violator shows in the fragment the page reads again on the cluster's events.
        assertEquals(201, fx.call("POST", "/connectors", connector.replace("wide-1", "wide-2")).status());
        String live = Await.atMost(Duration.ofSeconds(30)).poll(() -> as("vera", "GET", "/console/clusters/default/policies/wide-tasks/violators", null),
                fragment -> fragment.body().contains("data-connector=\"wide-2\"")).body();
        assertTrue(live.contains("data-connector=\"wide-2\""), live);

        assertEquals(403, as("vera", "PUT", "/policies/wide-tasks", policy("true", "viewer")).status());
        assertEquals(401, as(null, "PUT", "/policies/wide-tasks", policy("true", "anonymous")).status());
        assertEquals(403, as("vera", "DELETE", "/policies/wide-tasks", null).status());
        assertEquals(2, fx.call("GET", "/policies/wide-tasks", null).json().path("version").asInt(), "nothing stored by the refused");
        assertEquals(204, fx.call("DELETE", "/policies/wide-tasks", null).status());
    }

    @Test
    void theServedOpenApiDocumentHasThePolicyRoutes() throws IOException {
        JsonNode document = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree(fx.call("GET", "/openapi.yaml", null).body());
        JsonNode paths = document.path("paths");
        assertTrue(paths.path("/policies").has("get"), paths.toString());
        for (String method : List.of("get", "put", "delete")) {
            assertTrue(paths.path("/policies/{policy}").has(method), method);
        }
        assertTrue(paths.path("/policies/{policy}/history").has("get"));
    }

    @Test
    void hostilePolicyRequestsAreRefusedInKafkaConnectsFormatAndStoreNothing() throws IOException {
        URI url = URI.create(fx.app.url());
        HostileAnswers answers = new HostileAnswers(url.getHost(), url.getPort(), "no-worker-address");
        String valid = policy("true", "m");
        List<String> bodies = new ArrayList<>(List.of("", "null", "[]", "{", "{not json", "[".repeat(100_000) + "]".repeat(100_000),
                "{\"validations\": 1}", "{\"validations\": []}", "{\"validations\": [{}]}", "{\"validations\": [{\"expression\": 1, \"message\": \"m\"}]}",
                "{\"validations\": [{\"expression\": \"true\", \"message\": \"m\", \"nope\": 1}]}",
                "{\"validations\": [{\"expression\": \"true\", \"message\": \"m\"}], \"nope\": 1}",
                "{\"validations\": [{\"expression\": \"true\", \"message\": \"m\"}], \"match\": {\"nope\": []}}",
                "{\"validations\": [{\"expression\": \"true\", \"message\": \"m\"}], \"action\": \"explode\"}",
                "{\"validations\": [{\"expression\": \"true\", \"message\": \"m\"}], \"name\": \"other\"}",
                policy("connector.config[", "does not compile"), policy("1 + 1", "not a boolean"),
                policy("true && " + "true && ".repeat(600) + "true", "too long"),
                policy("connector.config.all(a, connector.config.all(b, connector.config.all(c, a != b)))", "too costly"),
                policy("[" + "1,".repeat(1500) + "1].size() > 0", "too large"),
                policy("true", "m".repeat(2000)),
                "{\"x\": \"" + "y".repeat(1024 * 1024 + 10) + "\", " + valid.substring(1)));
        for (String body : bodies) {
            expect(answers, "PUT", "/policies/wide-hostile", body);
            expect(answers, "PUT", "/policies/wide-hostile?dry_run=true", body);
        }
        for (String name : List.of("a%2Fb", "..", "%2E%2E", "a%00b", "a%0Ab", "a%1Bb", "UPPER", "x".repeat(200), "-dash",
                "client-overrides", "%7Bpolicy%7Dx")) {
            expect(answers, "PUT", "/policies/" + name, valid);
            expect(answers, "PUT", "/clusters/default/policies/" + name, valid);
        }
        expect(answers, "PUT", "/clusters/nowhere/policies/wide-hostile", valid);
        expect(answers, "DELETE", "/policies/client-overrides", null);
        // Without credentials, and as a viewer: refused before the body is read.
        answers.rawExpect("PUT /policies/wide-hostile HTTP/1.1\r\nContent-Type: application/json\r\nAccept: application/json", valid, true);
        answers.rawExpect("PUT /policies/wide-hostile HTTP/1.1\r\nContent-Type: application/json\r\nAccept: application/json\r\nAuthorization: "
                + TestUsers.basic("vera"), valid, true);

        assertTrue(answers.failures().isEmpty(), answers.failures().size() + " answers were wrong:\n" + String.join("\n", answers.failures()));
        List<String> names = new ArrayList<>();
        fx.call("GET", "/policies", null).json().forEach(p -> names.add(p.path("name").asText()));
        assertFalse(names.contains("wide-hostile"), "a hostile request stored a policy: " + names);
        assertEquals(404, fx.call("GET", "/policies/wide-hostile/history", null).status());
    }

    private static void expect(HostileAnswers answers, String method, String path, String body) throws IOException {
        String head = method + " " + path + " HTTP/1.1\r\nContent-Type: application/json\r\nAccept: application/json\r\nAuthorization: "
                + TestUsers.basic("ada");
        answers.rawExpect(head, body, true);
    }
}
