package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.switchboard.access.RouteMatrix;
import io.switchboard.http.HttpServer.Route;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestUsers;
import io.switchboard.unit.UnitApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Access and authentication where they need the app: the routes it adds to the server's (health,
 * metrics, internal; and the named secrets', whose store is Kafka's) in the route x role matrix
 * ({@link RouteMatrix}; the server's own routes are its AccessMatrixTest's); metric series no
 * anonymous caller can mint; the access table of docs/access.md, the app's whole route table; the
 * recorded principal, read from the processor's history, for API keys and OIDC bearer tokens; a
 * viewer's redacted answers, history included; sealed values printed sealed with the app's keyring;
 * the embedded registry on loopback only. Sessions, sign-out, limits and the rest of auth are the
 * server's AuthTest, without a broker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AppAuthTest {
    private static final String ISSUER = "https://issuer.example";
    private Path dir;
    private SwitchboardFixture fx;
    private RSAKey key;
    private HttpServer jwks;
    private String base;
    private String kafkaClusterId;
    private RouteMatrix matrix;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("switchboard-auth");
        Path users = TestUsers.write(dir, RouteMatrix.GRANTS);
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] keys = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        jwks.createContext("/jwks.json", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, keys.length);
            exchange.getResponseBody().write(keys);
            exchange.close();
        });
        jwks.start();
        fx = new SwitchboardFixture(options -> options.flags("--users-file", users.toString(), "--oidc-issuer", ISSUER,
                "--oidc-audience", "switchboard", "--oidc-jwks-url", "http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks.json"));
        kafkaClusterId = Http.call(fx.app.url(), "GET", "/", null, Map.of()).json().path("kafka_cluster_id").asText();
        base = "/connect/v1/environments/env-default/clusters/" + kafkaClusterId;
        matrix = new RouteMatrix(fx.app.url(), kafkaClusterId, TestUsers::basic);
        Http.authorizeByDefault(fx.app.url(), TestUsers.basic("ada"));
    }

    @AfterAll
    void stop() {
        fx.close();
        jwks.stop(0);
        SwitchboardFixture.deleteQuietly(dir);
    }

    /** The routes the app serves that the server alone does not: what the server's matrix leaves to this one. */
    @Test
    void everyRouteTheAppAddsAnswersWhatItsDeclarationSays() {
        Set<String> servers;
        try (UnitApi server = new UnitApi(UnitApi.Security.NONE)) {
            servers = server.server.routes().stream().filter(r -> !r.path().startsWith(UnitApi.NAMED_SECRETS))
                    .map(r -> r.method() + " " + r.path()).collect(Collectors.toSet());
        }
        List<Route> apps = fx.app.routes().stream().filter(r -> !servers.contains(r.method() + " " + r.path())).toList();
        for (String path : List.of("/health", "/metrics", "/internal/", UnitApi.NAMED_SECRETS)) {
            assertTrue(apps.stream().anyMatch(r -> r.path().startsWith(path)), "the app's routes include " + path);
        }
        RouteMatrix.Outcome outcome = matrix.check(apps);
        assertTrue(outcome.wrong().isEmpty(), outcome.describe());
    }

    @Test
    void noCallerChoosesAMetricSeries() {
        long before = httpSeries();
        for (int i = 0; i < 200; i++) {
            matrix.call("GET", "/health", null, null, null, Map.of("X-HTTP-Method-Override", "M" + i));
            matrix.call("M" + i, "/connectors", null, null, null);
            matrix.call("GET", "/no/such/path/" + i, null, null, null);
        }
        long after = httpSeries();
        assertTrue(after - before <= 10, "anonymous callers minted " + (after - before) + " series");
    }

    /** How many series of the HTTP timer /metrics shows. */
    private long httpSeries() {
        RouteMatrix.Answer metrics = matrix.call("GET", "/metrics", null, TestUsers.basic("sam"), null);
        assertEquals(200, metrics.status());
        return metrics.body().lines().filter(line -> line.startsWith("switchboard_http_requests_seconds_count")).count();
    }

    /**
     * docs/access.md is the route table as it is: regenerate it with
     * {@code mvn -pl integration-tests -am verify -Dtest=AppAuthTest -Dsurefire.failIfNoSpecifiedTests=false -Dswitchboard.writeAccessTable=true}.
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

    /** Health answers without credentials; no answer may be content-sniffed. */
    @Test
    void healthIsOpenAndNotSniffed() {
        Http.Response health = Http.call(fx.app.url(), "GET", "/health", null, Map.of("Authorization", ""));
        assertEquals(200, health.status());
        assertEquals("nosniff", health.header("X-Content-Type-Options"));
    }

    private Http.Response as(String authorization, String method, String path, Object body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", authorization);
        return Http.call(fx.app.url(), method, path, body == null ? null : Http.json(body), headers);
    }

    private static Map<String, Object> connector(String name) {
        return Map.of("name", name, "config", Map.of("connector.class", "FileStreamSource", "file", "/tmp/switchboard-test-files/" + name, "topic", "t",
                "db.user", "reader"));
    }

    private String token(String subject, List<String> roles, long expiresInSeconds, RSAKey signingKey) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).audience("switchboard").subject(subject)
                .expirationTime(new Date(System.currentTimeMillis() + expiresInSeconds * 1000)).claim("switchboard_roles", roles).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signingKey.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(signingKey));
        return "Bearer " + jwt.serialize();
    }

    @Test
    void aViewerSeesKeysNotValuesInEveryAnswer() {
        String erin = TestUsers.basic("erin");
        String vera = TestUsers.basic("vera");
        assertEquals(201, as(erin, "POST", "/connectors", connector("seen")).status());
        assertEquals(200, as(erin, "PATCH", "/connectors/seen/config", Map.of("file", "/tmp/switchboard-test-files/seen-v2", "extra", "seen-extra")).status());
        List<String> paths = List.of("/connectors/seen", "/connectors/seen/config", "/connectors/seen/tasks",
                "/connectors/seen/history", "/connectors?expand=info", "/clusters/default/connectors/seen/history",
                base + "/connectors/seen", base + "/connectors/seen/config", base + "/connectors?expand=info",
                "/v1/kafka-connect/clusters/default/connectors/seen", "/v1/kafka-connect/clusters/default/connectors/seen/config",
                "/v1/kafka-connect/clusters/default/connectors");
        for (String path : paths) {
            Http.Response answer = as(vera, "GET", path, null);
            assertEquals(200, answer.status(), path + ": " + answer.body());
            assertFalse(answer.body().contains("/tmp/switchboard-test-files/seen") || answer.body().contains("seen-extra") || answer.body().contains("reader"),
                    "a viewer reads values at " + path + ": " + answer.body());
        }
        // The history names what changed, for a viewer too.
        String history = as(vera, "GET", "/connectors/seen/history", null).body();
        assertTrue(history.contains("\"extra\"") && history.contains("\"file\""), history);
        assertTrue(as(erin, "GET", "/connectors/seen/history", null).body().contains("/tmp/switchboard-test-files/seen-v2"));
        assertEquals(204, as(erin, "DELETE", "/connectors/seen", null).status());
    }

    @Test
    void aRefusedPatchPrintsSealedValuesSealed() {
        String erin = TestUsers.basic("erin");
        // Sealed by Switchboard as it stores it (a secret key's value); a sealed value pasted in is refused.
        Map<String, Object> sealed = Map.of("name", "sealed-file", "config", Map.of("connector.class", "FileStreamSource",
                "file", "/tmp/switchboard-test-files/sealed-file.txt", "db.password", "opened-secret", "topic", "t"));
        assertEquals(201, as(erin, "POST", "/connectors", sealed).status());
        Http.Response refused = as(erin, "PATCH", "/connectors/sealed-file/config", Collections.singletonMap("connector.class", null));
        assertEquals(400, refused.status(), refused.body());
        assertTrue(refused.body().contains("contains no connector type"), refused.body());
        assertFalse(refused.body().contains("opened-secret"), refused.body());
        assertEquals(204, as(erin, "DELETE", "/connectors/sealed-file", null).status());
    }

    @Test
    void theRecordedPrincipalIsTheAuthenticatedOne() {
        assertEquals(401, as(TestUsers.basic("mallory", "guess"), "POST", "/connectors", connector("forged")).status());
        assertEquals(201, as(TestUsers.basic("erin"), "POST", "/connectors", connector("audited")).status());
        JsonNode versions = Http.get(fx.app.url(), "/connectors/audited/history").json().path("versions");
        assertEquals("erin", versions.get(0).path("principal").asText());
        assertFalse(Http.get(fx.app.url(), "/connectors").body().contains("forged"));
        assertEquals(204, as(TestUsers.basic("erin"), "DELETE", "/connectors/audited", null).status());
    }

    @Test
    void bearerTokensFromTheIssuerAreChecked() throws Exception {
        String viewer = token("tina", List.of("viewer@default"), 300, key);
        assertEquals(200, as(viewer, "GET", "/connectors", null).status());
        assertEquals(403, as(viewer, "POST", "/connectors", connector("by-token")).status());
        String editor = token("ted", List.of("editor@*"), 300, key);
        assertEquals(201, as(editor, "POST", "/connectors", connector("by-token")).status());
        assertEquals("ted", Http.get(fx.app.url(), "/connectors/by-token/history").json().path("versions").get(0).path("principal").asText());
        assertEquals(401, as(token("ted", List.of("editor@*"), -120, key), "GET", "/connectors", null).status(), "expired");
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("k1").generate();
        assertEquals(401, as(token("ted", List.of("admin@*"), 300, stranger), "GET", "/connectors", null).status(), "not the issuer's key");
        assertEquals(204, as(editor, "DELETE", "/connectors/by-token", null).status());
    }

    /**
     * With credentials the API listens on every interface; the embedded registry, which takes
     * writes and has no authentication, stays on loopback: from another address nothing answers
     * there, so nobody can delete or replace the subjects every command is written under.
     */
    @Test
    void theEmbeddedRegistryListensOnLoopbackOnly() throws Exception {
        InetAddress outside = nonLoopbackAddress();
        assumeTrue(outside != null, "this host has no address but loopback");
        int registryPort = URI.create(fx.app.schemaRegistryUrl()).getPort();
        assertEquals(200, Http.call(fx.app.schemaRegistryUrl(), "GET", "/subjects", null, Map.of()).status(),
                "the registry answers on loopback");
        try (Socket api = new Socket()) {
            api.connect(new InetSocketAddress(outside, fx.app.port()), 2000);
        }
        try (Socket registry = new Socket()) {
            registry.connect(new InetSocketAddress(outside, registryPort), 2000);
            fail("the registry accepts connections at " + outside.getHostAddress() + ":" + registryPort);
        } catch (IOException refused) {
            // Not listening there.
        }
    }

    private static InetAddress nonLoopbackAddress() throws SocketException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                    return address;
                }
            }
        }
        return null;
    }

    @Test
    void internalEndpointsRefuseOutsiders() {
        Http.Response outsider = as(TestUsers.basic("ada"), "GET", "/internal/stores/connectors?partition=0", null);
        assertEquals(403, outsider.status(), outsider.body());
    }
}
