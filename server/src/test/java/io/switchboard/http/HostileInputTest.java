package io.switchboard.http;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.switchboard.testing.HostileAnswers;
import io.switchboard.testing.Http;
import io.switchboard.unit.UnitApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nearly two thousand hostile requests, over real HTTP, against the server's whole surface over the
 * core in memory ({@link UnitApi}): bad names, bad path segments, bad query strings, bad headers,
 * bad bodies and oversized everything, to every route family of every dialect. Whatever comes in,
 * the answer is never a 5xx, every error is in the shape of the dialect that owns the path (Kafka
 * Connect's {"error_code", "message"}, Confluent's {"error": {"code", "message"}}) with its code
 * equal to the status, nothing internal (the worker's address, exception or class names, HTML)
 * shows in any answer, the server still answers afterwards, and a connector created first is left
 * as it was. What only a real worker or the app answers (the worker's own refusals and errors, the
 * replicas' store reads, the metrics) is HostileWorkerRoutesTest's, in integration-tests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {
    private static final String SENTINEL = "sentinel";
    private static final String SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector";

    private UnitApi api;
    private Map<String, String> sentinelConfig;

    /** What every answer must be, checked as the requests are sent. */
    private HostileAnswers answers;

    @BeforeAll
    void start() {
        api = new UnitApi(UnitApi.Security.NONE);
        URI worker = URI.create(api.core.worker.url());
        answers = new HostileAnswers("127.0.0.1", api.server.port(), worker.getHost() + ":" + worker.getPort());

        sentinelConfig = new LinkedHashMap<>();
        sentinelConfig.put("connector.class", SOURCE);
        sentinelConfig.put("tasks.max", "1");
        sentinelConfig.put("file", "/tmp/switchboard-hostile/sentinel.txt");
        sentinelConfig.put("topic", "sentinel-lines");
        sentinelConfig.put("name", SENTINEL);
        Http.Response created = Http.call(api.url(), "POST", "/connectors",
                Http.json(Map.of("name", SENTINEL, "config", sentinelConfig)));
        assertEquals(201, created.status(), created.toString());
    }

    @AfterAll
    void stop() {
        api.close();
    }

    @Test
    void hostileRequestsAreRefusedInKafkaConnectsFormatAndChangeNothing() throws IOException {
        hostileConnectorNames();
        hostilePathSegments();
        hostileQueryStrings();
        hostileHeaders();
        hostileBodies();
        hostileRequestLines();
        hostileConfluentRequests();
        hostileRedpandaRequests();
        hostilePipelineRequests();
        hostileReferences();
        HostileHealthRequests.send(answers, SENTINEL);
        HostileSetRequests.send(answers);
        HostileLagRequests.send(answers, SENTINEL);

        System.out.println("Hostile requests sent: " + answers.sent() + "; answers by status: " + answers.byStatus());
        assertTrue(answers.failures().isEmpty(), answers.failures().size() + " answers were wrong:\n" + String.join("\n", answers.failures()));

        // Still alive, and the sentinel is as it was.
        assertEquals(200, Http.get(api.url(), "/").status());
        Http.Response config = Http.get(api.url(), "/connectors/" + SENTINEL + "/config");
        assertEquals(200, config.status(), config.toString());
        assertEquals(Http.JSON.valueToTree(sentinelConfig), config.json());
        Http.Response list = Http.get(api.url(), "/connectors");
        assertEquals("[\"" + SENTINEL + "\"]", list.body(), "hostile requests created or deleted connectors");
    }

    // ---------------------------------------------------------------------------------------------
    // Families of hostile requests

    /** Names the worker cannot address are refused with a 400 wherever a name comes in. */
    private void hostileConnectorNames() throws IOException {
        List<String> names = List.of("a/b", "../etc", "/", "a\\b", "\\", "x".repeat(10_000), "x".repeat(256),
                "${env:HOME}", "a${x}b", "a{b}", "a%b", "a%41b", "..", ".", "a\ud800b", "\udc00", "", "   ", "a\u0000b",
                "a\nb", "a\u007fb");
        for (String name : names) {
            // Escaped, so that a lone surrogate reaches the server as such rather than as UTF-8's '?'.
            String body = Http.JSON.writer().with(JsonWriteFeature.ESCAPE_NON_ASCII)
                    .writeValueAsString(Map.of("name", name, "config", sentinelConfigWithout("name")));
            answers.expect(400, "POST", "/connectors", body);
            // (A blank name in the path is refused by the worker's own check: HostileWorkerRoutesTest.)
            if (!name.isEmpty() && !name.equals(".") && !name.equals("..") && !name.contains("/") && !name.contains("\\")
                    && name.length() < 5000 && !name.startsWith("\udc00") && !name.contains("\ud800") && !name.contains("%")
                    && !name.contains("\u0000") && !name.isBlank()) {
                answers.expect(400, "PUT", "/connectors/" + encode(name) + "/config", Http.json(sentinelConfigWithout("name")));
            }
        }
    }

    /** Path segments Jetty or the router may choke on, in every route that takes one. */
    private void hostilePathSegments() throws IOException {
        List<String> segments = List.of("a%00b", "%00", "%zz", "%", "%2", "a%2Fb", "a%2fb", "%2e%2e", "%2E", "..%2F..", "a%5Cb",
                "a%25b", "%C0%AF", "%FF", "%ED%A0%80", "a;b", "a%3Bb", ";", "a%0Ab", "a%0D%0Ab", "a%07b", "%20",
                "%E2%80%AE", "a%7Bb%7D", "%24%7Benv%3AHOME%7D", "x".repeat(10_000), "sentinel%00", "sentinel%2F..", "ghost;x=1");
        List<String[]> routes = List.of(
                new String[] {"GET", "/connectors/{}"}, new String[] {"GET", "/connectors/{}/config"},
                new String[] {"GET", "/connectors/{}/status"}, new String[] {"GET", "/connectors/{}/tasks"},
                new String[] {"GET", "/connectors/{}/tasks/0/status"}, new String[] {"GET", "/connectors/{}/topics"},
                new String[] {"GET", "/connectors/{}/offsets"}, new String[] {"GET", "/connectors/{}/history"},
                new String[] {"PUT", "/connectors/{}/pause"}, new String[] {"PUT", "/connectors/{}/stop"},
                new String[] {"POST", "/connectors/{}/restart"}, new String[] {"DELETE", "/connectors/{}"},
                new String[] {"PUT", "/connectors/{}/config"}, new String[] {"GET", "/connector-plugins/{}/config"},
                new String[] {"PUT", "/connector-plugins/{}/config/validate"}, new String[] {"GET", "/admin/loggers/{}"},
                new String[] {"GET", "/connectors/sentinel/tasks/{}/status"}, new String[] {"GET", "/clusters/{}/plugins"},
                new String[] {"GET", "/rollouts/{}"}, new String[] {"GET", "/clusters/{}/rollouts"},
                new String[] {"POST", "/clusters/{}/rollouts"});
        for (String segment : segments) {
            for (String[] route : routes) {
                if (segment.equals("%20") && route[1].equals("/connectors/{}/config")) {
                    // A blank name in the path is refused by the worker's own check: HostileWorkerRoutesTest.
                    continue;
                }
                String body = route[0].equals("PUT") && route[1].endsWith("/config") ? Http.json(sentinelConfigWithout("name"))
                        : route[1].endsWith("validate") ? Http.json(sentinelConfig) : null;
                answers.expectNoServerError(route[0], route[1].replace("{}", segment), body);
            }
        }
        for (String path : List.of("//connectors", "/connectors//config", "/connectors/sentinel//config", "///",
                "/connectors/./sentinel", "/connectors/../connectors", "/connectors/%2e%2e/connectors", "/%2e%2e/%2e%2e/etc/passwd",
                "/connectors/sentinel/../../admin/loggers", "/connectors%2F", "/connectors/sentinel%2Fconfig",
                "/connectors\\sentinel", "/connectors/sentinel/config;jsessionid=1", "/;/connectors", "/connectors;x/sentinel",
                "/connectors/sentinel/tasks/99999999999999999999/status", "/connectors/sentinel/tasks/-1/restart",
                "/connectors/sentinel/tasks/%2B1/status", "/events/%zz", "/nothing/here", "/connectors/sentinel/nothing")) {
            answers.expectNoServerError("GET", path, null);
        }
    }

    /** Query strings with bad encodings, unknown values and sizes. */
    private void hostileQueryStrings() throws IOException {
        for (String query : List.of("expand=%zz", "expand=%", "expand=bogus", "expand=", "expand=%00", "expand=status%00",
                "%zz=1", "=", "&&&", "expand=info&expand=%FF", "expand=" + "s".repeat(6000), "a=" + "%41".repeat(3000))) {
            answers.expectNoServerError("GET", "/connectors?" + query, null);
        }
        for (String value : List.of("maybe", "", "%zz", "TRUE1", "1", "yes", "%00")) {
            answers.expect(400, "POST", "/connectors/sentinel/restart?includeTasks=" + value, null);
            answers.expect(400, "POST", "/connectors/sentinel/restart?onlyFailed=" + value, null);
        }
        answers.expect(404, "POST", "/connectors/ghost/restart?includeTasks=false&onlyFailed=false", null);
        for (String query : List.of("from=garbage", "from=%zz", "from=-1", "cluster=", "connector=", "cluster=a&cluster=b",
                "from=" + "9".repeat(100))) {
            answers.expectError("GET", "/events?" + query, null);
        }
        answers.expectNoServerError("GET", "/connector-plugins?connectorsOnly=maybe", null);
        answers.expectNoServerError("GET", "/connector-plugins?connectorsOnly=%zz", null);
        answers.expectNoServerError("GET", "/connector-plugins/FileStreamSource/config?version=%zz", null);
        answers.expectNoServerError("GET", "/admin/loggers?%00", null);
        answers.expectNoServerError("PUT", "/admin/loggers/org.example?scope=%zz", "{\"level\":\"INFO\"}");
    }

    /** Headers too large, too many, of odd types and bytes. */
    private void hostileHeaders() throws IOException {
        List<String> headers = List.of("X-Big: " + "h".repeat(20_000), "X-Big: " + "h".repeat(9_000),
                "Content-Type: text/html", "Content-Type: application/json; charset=ISO-8859-1",
                "Content-Type: application/json; charset=bogus", "Content-Type: ", "Accept: text/html",
                "Accept: application/xml", "X-Request-Id: " + "r".repeat(500), "Idempotency-Key: " + "k".repeat(300),
                "Idempotency-Key: \u00e9t\u00e9", "Authorization: Basic %%%", "Authorization: Basic " + "A".repeat(5000),
                "Last-Event-ID: garbage", "Content-Length: -1", "Content-Length: abc", "Content-Length: 99999999999999999999",
                "Transfer-Encoding: bogus", "Expect: 999-continue", "Host: ", "X-Nul: a\u0000b");
        for (String header : headers) {
            for (String[] call : List.of(new String[] {"GET", "/connectors"}, new String[] {"POST", "/connectors"},
                    new String[] {"PUT", "/connectors/sentinel/config"}, new String[] {"GET", "/admin/loggers"})) {
                String body = call[0].equals("GET") ? null : "{\"not\":\"valid\"";
                if (header.startsWith("Last-Event-ID")) {
                    call = new String[] {"GET", "/events?from=garbage"};
                }
                answers.rawExpect(call[0] + " " + call[1] + " HTTP/1.1\r\nContent-Type: application/json\r\n" + header, body, false);
            }
        }
        StringBuilder many = new StringBuilder("GET /connectors HTTP/1.1");
        for (int i = 0; i < 2000; i++) {
            many.append("\r\nX-H").append(i).append(": v");
        }
        answers.rawExpect(many.toString(), null, false);
    }

    /** Malformed bodies to every endpoint that reads one. */
    private void hostileBodies() throws IOException {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        String deepObject = "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000);
        List<String> bodies = new ArrayList<>(List.of("", " ", "null", "true", "1", "\"text\"", "[]", "[1,2]", "{", "{not json",
                "{\"a\":1} x", "{\"a\":[1]}", "{\"a\":{\"b\":1}}", "{\"level\":[\"DEBUG\"]}", "{\"level\":{}}", "{\"level\":1e999999}",
                "{\"a\":1" + "0".repeat(5000) + "}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\u0000\"}", "{\"\\u0000\":\"x\"}", deep,
                deepObject, "\ufeff{}", "{\"a\":1,\"a\":2}", "{'a':'b'}", "{\"a\":NaN}", "/* c */ {}"));
        bodies.add("{\"x\":\"" + "y".repeat(1024 * 1024 + 10) + "\"}");
        for (String body : bodies) {
            answers.expectError("PUT", "/connector-plugins/FileStreamSource/config/validate", body);
            answers.expectError("PUT", "/admin/loggers/org.example.hostile", body);
            answers.expectError("POST", "/connectors", body);
            answers.expectError("PUT", "/connectors/sentinel/config", body);
            // A valid patch would change the sentinel: patches go to a connector that does not exist.
            answers.expectError("PATCH", "/connectors/ghost/config", body);
            answers.expectError("PATCH", "/connectors/sentinel/offsets", body);
            answers.expectNoServerError("PUT", "/connectors/ghost/pause?x=1&x=2", body.length() > 1000 ? null : body);
            answers.expectError("POST", "/rollouts", body);
        }
        // A rollout out of its bounds, or of what no worker has: refused whole, in the dialect's words.
        for (String body : List.of("{}", "{\"class\": \"FileStreamSource\"}", "{\"class\": 1, \"version\": \"1\"}",
                "{\"class\": \"FileStreamSource\", \"version\": \"9.9.9\"}",
                "{\"class\": \"com.example.Nothing\", \"version\": \"1.0\"}",
                "{\"class\": \"FileStreamSource\", \"version\": \"1\", \"canary\": 0}",
                "{\"class\": \"FileStreamSource\", \"version\": \"1\", \"batch\": 1e9}",
                "{\"class\": \"FileStreamSource\", \"version\": \"1\", \"watch_s\": 99999999999}",
                "{\"class\": \"FileStreamSource\", \"version\": \"1\", \"watch_s\": -1}",
                "{\"class\": \"FileStreamSource\", \"version\": \"1\", \"connectors\": \"sentinel\"}",
                "{\"class\": \"FileStreamSource\", \"version\": \"1\", \"connectors\": [\"a%00b\", 1]}",
                "{\"class\": \"FileStreamSource\", \"version\": \"1\", \"connectors\": [\"ghost\"]}")) {
            answers.expectError("POST", "/rollouts", body);
        }
        // Bytes that are not UTF-8, in bodies.
        byte[] latin1 = "{\"level\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        byte[] garbage = {(byte) 0xff, (byte) 0xfe, 0, 1, (byte) 0xc0, (byte) 0x80};
        for (byte[] body : List.of(latin1, garbage)) {
            for (String target : List.of("PUT /admin/loggers/org.example.hostile", "PUT /connector-plugins/FileStreamSource/config/validate",
                    "POST /connectors", "PATCH /connectors/sentinel/config")) {
                answers.rawExpectBytes((target + " HTTP/1.1\r\nContent-Type: application/json").getBytes(StandardCharsets.ISO_8859_1), body, true);
            }
        }
        // A chunked body whose chunks are malformed.
        answers.rawExpect("POST /connectors HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked",
                "zz\r\nabc\r\n0\r\n\r\n", true);
        // A validate body that names another plugin than the path.
        answers.expectError("PUT", "/connector-plugins/FileStreamSink/config/validate", Http.json(sentinelConfig));
        answers.expectError("PUT", "/connector-plugins/com.example.Nothing/config/validate", Http.json(sentinelConfig));
    }

    /** Request lines no client library would send. */
    private void hostileRequestLines() throws IOException {
        List<byte[]> lines = new ArrayList<>();
        for (String line : List.of("GET /" + "x".repeat(20_000) + " HTTP/1.1", "GET /connectors/" + "y".repeat(9_000) + " HTTP/1.1",
                "GET /connectors?" + "q".repeat(20_000) + " HTTP/1.1", "GET connectors HTTP/1.1", "GET * HTTP/1.1",
                "GET http://evil.example/connectors HTTP/1.1", "GET /connectors HTTP/9.9", "GET /connectors HTTP/1.1 extra",
                "G\u0000T /connectors HTTP/1.1", "FOO /connectors HTTP/1.1", "TRACE /connectors HTTP/1.1", "OPTIONS * HTTP/1.1",
                "DELETE /connectors/a%00b HTTP/1.1", "GET /connectors/a b HTTP/1.1", "GET /connectors/\u0001 HTTP/1.1",
                "GET /connectors/#frag HTTP/1.1", "GET /connectors/%zz HTTP/1.1", "GET /connectors/a%2Fb HTTP/1.1",
                "CONNECT 127.0.0.1:1 HTTP/1.1")) {
            lines.add(line.getBytes(StandardCharsets.ISO_8859_1));
        }
        lines.add(concat("GET /connectors/".getBytes(StandardCharsets.US_ASCII), new byte[] {(byte) 0xc3, (byte) 0x28},
                " HTTP/1.1".getBytes(StandardCharsets.US_ASCII)));
        lines.add(concat("GET /connectors/".getBytes(StandardCharsets.US_ASCII), new byte[] {(byte) 0xff, (byte) 0xfe},
                " HTTP/1.1".getBytes(StandardCharsets.US_ASCII)));
        for (byte[] line : lines) {
            answers.rawExpectBytes(line, null, false);
        }
        // The same refusals Jetty makes while it parses a request line (414, 400, 505), under each
        // dialect's base path: answered in that dialect's shape.
        String kafkaClusterId = api.core.services().kafkaClusterId();
        for (String base : List.of("/connect/v1/environments/env-default/clusters/" + kafkaClusterId + "/connectors",
                "/v1/kafka-connect/clusters/default/connectors", "/api/v1/connectors")) {
            for (String line : List.of("GET " + base + "/" + "x".repeat(9_000) + " HTTP/1.1", "GET " + base + "/%zz HTTP/1.1",
                    "GET " + base + "/a%00b HTTP/1.1", "DELETE " + base + "/a%zz?x=1 HTTP/1.1", "GET " + base + "/\u0001 HTTP/1.1",
                    "GET " + base + "/a\u007fb HTTP/1.1", "GET " + base + " HTTP/9.9", "GET " + base + "/x HTTP/1.1 extra")) {
                answers.rawExpectBytes(line.getBytes(StandardCharsets.ISO_8859_1), null, false);
            }
        }
    }

    /** The same families against Confluent Cloud's connect/v1 routes. */
    private void hostileConfluentRequests() throws IOException {
        String kafkaClusterId = api.core.services().kafkaClusterId();
        String base = "/connect/v1/environments/env-default/clusters/" + kafkaClusterId;
        for (String scope : List.of("/connect/v1/environments/env-x/clusters/" + kafkaClusterId,
                "/connect/v1/environments/env-default/clusters/lkc-x", "/connect/v1/environments/%00/clusters/%zz",
                "/connect/v1/environments/" + "e".repeat(5000) + "/clusters/x", "/connect/v1/environments//clusters/x")) {
            answers.expectError("GET", scope + "/connectors", null);
            answers.expectError("POST", scope + "/connectors", Http.json(Map.of("name", "x", "config", sentinelConfigWithout("name"))));
        }
        for (String segment : List.of("a%00b", "%zz", "a%2Fb", "%2e%2e", "a;b", "x".repeat(10_000), "%E2%80%AE", "a%7Bb%7D", "ghost")) {
            for (String[] route : List.of(new String[] {"GET", "/connectors/{}"}, new String[] {"GET", "/connectors/{}/config"},
                    new String[] {"GET", "/connectors/{}/status"}, new String[] {"GET", "/connectors/{}/tasks"},
                    new String[] {"GET", "/connectors/{}/offsets"}, new String[] {"GET", "/connectors/{}/offsets/request/status"},
                    new String[] {"PUT", "/connectors/{}/pause"}, new String[] {"PUT", "/connectors/{}/resume"},
                    new String[] {"POST", "/connectors/{}/restart"}, new String[] {"DELETE", "/connectors/{}"},
                    new String[] {"PUT", "/connectors/{}/config"}, new String[] {"POST", "/connectors/{}/offsets/request"},
                    new String[] {"PUT", "/connector-plugins/{}/config/validate"})) {
                String body = route[0].equals("GET") || route[0].equals("DELETE") ? null : "{\"not\": [\"a config\"]}";
                answers.expectNoServerError(route[0], base + route[1].replace("{}", segment), body);
            }
        }
        for (String query : List.of("expand=%zz", "expand=bogus", "expand=id,,info", "expand=%00", "expand=" + "s".repeat(6000),
                "expand=id&expand=nope", "expand=id%2Cnope")) {
            answers.expectNoServerError("GET", base + "/connectors?" + query, null);
        }
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        for (String body : List.of("", "null", "1", "[]", "{", "{not json", "{\"name\": 1}", "{\"name\": \"x\"}",
                "{\"name\": \"x\", \"config\": \"c\"}", "{\"name\": \"x\", \"config\": {\"a\": {}}}",
                "{\"name\": \"a/b\", \"config\": {\"connector.class\": \"FileStreamSource\"}}",
                "{\"name\": \"x\", \"config\": {}, \"offsets\": {}}", "{\"name\": \"x\", \"config\": {}, \"extra\": 1}",
                "{\"type\": \"MERGE\"}", "{\"type\": \"PATCH\"}", "{\"type\": \"PATCH\", \"offsets\": [1]}", deep)) {
            answers.expectError("POST", base + "/connectors", body);
            answers.expectError("PUT", base + "/connectors/ghost/config", body.startsWith("{\"name\"") ? "{\"a\": [1]}" : body);
            answers.expectError("POST", base + "/connectors/ghost/offsets/request", body);
            answers.expectNoServerError("PUT", base + "/connector-plugins/FileStreamSource/config/validate", body);
        }
        answers.expectError("GET", base + "/nothing/here", null);
        answers.expectError("DELETE", base + "/connectors", null);
    }

    /** The same families against Redpanda's Kafka Connect routes. */
    private void hostileRedpandaRequests() throws IOException {
        String base = "/v1/kafka-connect/clusters/default";
        for (String cluster : List.of("nope", "bad.name", "a%00b", "%zz", "c".repeat(200), "a%2Fb")) {
            answers.expectError("GET", "/v1/kafka-connect/clusters/" + cluster + "/connectors", null);
            answers.expectError("GET", "/v1/kafka-connect/clusters/" + cluster, null);
        }
        for (String segment : List.of("a%00b", "%zz", "a%2Fb", "%2e%2e", "a%7Bb%7D", "x".repeat(2000), "%E2%80%AE", "ghost", "a%20b")) {
            for (String[] route : List.of(new String[] {"GET", "/connectors/{}"}, new String[] {"GET", "/connectors/{}/config"},
                    new String[] {"GET", "/connectors/{}/status"}, new String[] {"GET", "/connectors/{}/topics"},
                    new String[] {"PUT", "/connectors/{}/pause"}, new String[] {"PUT", "/connectors/{}/stop"},
                    new String[] {"POST", "/connectors/{}/restart"}, new String[] {"DELETE", "/connectors/{}"},
                    new String[] {"PUT", "/connectors/{}/config"}, new String[] {"PUT", "/connectors/{}/topics/reset"},
                    new String[] {"GET", "/secrets/{}"}, new String[] {"PUT", "/secrets/{}"}, new String[] {"DELETE", "/secrets/{}"})) {
                String body = route[0].equals("GET") || route[0].equals("DELETE") ? null : "{\"not\": [\"a config\"]}";
                answers.expectError(route[0], base + route[1].replace("{}", segment), body);
            }
        }
        for (String query : List.of("page_size=1001", "page_size=-2", "page_size=abc", "page_size=%zz", "page_token=%zz",
                "page_token=bm90LWEtdG9rZW4", "page_token=" + "A".repeat(5000), "page_size=99999999999999")) {
            answers.expectError("GET", base + "/connectors?" + query, null);
            answers.expectError("GET", base + "/secrets?" + query, null);
        }
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        for (String body : List.of("", "null", "1", "[]", "{", "{not json", "{\"name\": 1}", "{\"name\": \"x\"}",
                "{\"name\": \"x\", \"config\": \"c\"}", "{\"name\": \"x y\", \"config\": {}}", deep,
                "{\"name\": \"" + "n".repeat(1025) + "\", \"config\": {}}", "{\"name\": \"A\", \"secret_data\": \"%%%\"}",
                "{\"name\": \"lower\", \"secret_data\": \"eA==\"}", "{\"name\": \"A\", \"secret_data\": \"/w==\"}",
                "{\"name\": \"A\", \"secret_data\": \"eA==\", \"labels\": {\"k\": 1}}")) {
            answers.expectError("POST", base + "/connectors", body);
            answers.expectError("POST", base + "/secrets", body);
            answers.expectError("PUT", base + "/connectors/ghost/config", body.startsWith("{\"name\"") ? "[1]" : body);
            answers.expectError("POST", base + "/connectors/ghost/restart", body.isEmpty() ? "{\"include_tasks\": 1}" : body);
        }
        answers.expectError("GET", "/v1/kafka-connect/nothing", null);
        answers.expectError("PATCH", base + "/connectors", "{}");
    }

    /**
     * Config provider references in the forms a worker reads (Kafka Connect's three-part form, empty
     * parts, several in a value, a sealed value with text around it): a named secret the cluster does
     * not have, or a sealed value no key opens, is refused in every form, and validating them is
     * never a 5xx.
     */
    private void hostileReferences() throws IOException {
        List<String> unknownSecrets = List.of("${secretsManager:x:NOPE}", "${secretsManager::NOPE}", "/d/${secretsManager:a:b:NOPE}",
                "${secretsManager:NOPE}${secretsManager:x:NOPE2}", "pre${secretsManager:p/q:NOPE}post", "${secretsManager:x:}");
        List<String> unopenable = List.of("${switchboard:nokey}", "${switchboard:k1:AAAA}", "x${switchboard:k1:AAAA}",
                "${switchboard::AAAA}", "${switchboard:k1:AAAA}${switchboard:k2:BBBB}");
        for (String value : unknownSecrets) {
            Map<String, String> config = sentinelConfigWithout("name");
            config.put("file", value);
            answers.expect(400, "POST", "/connectors", Http.json(Map.of("name", "ref-hostile", "config", config)));
            answers.expect(400, "PATCH", "/connectors/" + SENTINEL + "/config", Http.json(Map.of("file", value)));
            config.put("name", "ref-hostile");
            answers.expectNoServerError("PUT", "/connector-plugins/" + SOURCE + "/config/validate", Http.json(config));
        }
        for (String value : unopenable) {
            Map<String, String> config = sentinelConfigWithout("name");
            config.put("db.password", value);
            answers.expect(400, "POST", "/connectors", Http.json(Map.of("name", "ref-hostile", "config", config)));
            answers.expect(400, "PATCH", "/connectors/" + SENTINEL + "/config", Http.json(Map.of("db.password", value)));
        }
        for (String value : List.of("${", "${}", "${:}", "${::}", "${a:b:c:d}", "${{x:y}}", "$${env:X}", "${env:X}hunter2}",
                "}${env:X}", "${env:" + "x".repeat(5000) + "}")) {
            Map<String, String> config = new LinkedHashMap<>(sentinelConfig);
            config.put("db.password", value);
            answers.expectNoServerError("PUT", "/connector-plugins/" + SOURCE + "/config/validate", Http.json(config));
        }
    }

    /**
     * A secret value shaped like a placeholder without being exactly one reference is sealed and
     * hidden like any other secret; a value that is exactly one reference is shown as written.
     */
    @Test
    void placeholderShapedSecretValuesAreHidden() throws IOException {
        Map<String, String> shaped = new LinkedHashMap<>();
        shaped.put("db.password", "${env:X}hunter2-a}");
        shaped.put("api.token", "${env:X}${env:Y}hunter2-b}");
        shaped.put("sasl.secret", "${nocolon-hunter2-c}");
        shaped.put("auth.token", "${env:TOKEN}");
        Map<String, String> config = sentinelConfigWithout("name");
        config.putAll(shaped);
        Http.Response created = Http.call(api.url(), "POST", "/connectors", Http.json(Map.of("name", "shaped", "config", config)));
        assertEquals(201, created.status(), created.toString());
        for (String path : List.of("/connectors/shaped", "/connectors/shaped/config", "/connectors?expand=info",
                "/v1/kafka-connect/clusters/default/connectors/shaped")) {
            Http.Response shown = Http.get(api.url(), path);
            assertEquals(200, shown.status(), path);
            assertTrue(!shown.body().contains("hunter2"), path + " shows a secret: " + shown.body());
            assertTrue(shown.body().contains("${env:TOKEN}"), path + " hides a placeholder: " + shown.body());
        }
        assertEquals(204, Http.call(api.url(), "DELETE", "/connectors/shaped", null).status());
    }

    /** The same families against the typed pipeline routes (no database is ever reached: every body is refused first). */
    private void hostilePipelineRequests() throws IOException {
        for (String id : List.of("a%00b", "%zz", "Bad_Id", "x".repeat(3000), "a%2Fb", "..", "ghost")) {
            answers.expectError("GET", "/api/v1/connectors/" + id, null);
            answers.expectError("PATCH", "/api/v1/connectors/" + id, "{\"disabled\": true}");
            answers.expectError("POST", "/api/v1/connector/command/" + id, "{\"command\": \"Start\"}");
            answers.expectError("GET", "/api/v1/connector/history/" + id, null);
        }
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        for (String body : List.of("", "null", "1", "[]", "{", "{not json", "{\"source\": 1}", "{\"nope\": 1}", deep,
                "{\"source\": {\"postgres\": {\"connection\": {\"host\": 1}}}, \"sink\": {\"postgres\": {}}}",
                "{\"source\": {\"mysql\": {}}, \"sink\": {\"postgres\": {}}}", "{\"schedule\": {\"cron\": {}}}",
                "{\"source\": {\"postgres\": {\"connection\": {\"host\": \"h\", \"user\": \"u\", \"password\": \"p\", "
                        + "\"database\": \"d\", \"port\": 99999999}, \"replication_type\": {\"snapshot\": {}}}}}")) {
            answers.expectError("POST", "/api/v1/connectors", body);
            answers.expectError("POST", "/api/v1/connectors/ghost", body);
            answers.expectError("POST", "/api/v1/validate/source", body);
        }
        for (String command : List.of("{}", "{\"command\": 1}", "{\"command\": \"Explode\"}", "[]")) {
            answers.expectError("POST", "/api/v1/connector/command/ghost", command);
        }
        answers.expectError("POST", "/api/v1/validate/everything", "{}");
        answers.expectError("GET", "/api/v1/nothing", null);
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers

    private Map<String, String> sentinelConfigWithout(String key) {
        Map<String, String> config = new LinkedHashMap<>(sentinelConfig);
        config.remove(key);
        return config;
    }

    private static String encode(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
