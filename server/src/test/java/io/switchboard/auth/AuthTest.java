package io.switchboard.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.sun.net.httpserver.HttpServer;
import io.switchboard.events.EventsResource;
import io.switchboard.testing.Await;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestUsers;
import io.switchboard.unit.UnitApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who may do what, over real HTTP on the server's whole surface ({@link UnitApi}, the core in
 * memory): API keys from a users file (re-read when it changes), OIDC bearer tokens checked against
 * a JWKS the test serves; 401 and 403 in every dialect's shape; roles; viewers reading configs
 * redacted, in answers and event streams; console sessions ended by signing out; event streams
 * capped per principal; failed logins limited per client address, behind a trusted proxy too.
 * What needs the app (its health and internal routes, the processor's history, the embedded
 * registry, the keyring the app loads) is the app's AppAuthTest.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuthTest {
    private static final String ISSUER = "https://issuer.example";
    /** The one trusted reverse proxy: the tests' own address. */
    private static final String TRUSTED_PROXY = "127.0.0.1";
    /** Another loopback address, which is no trusted proxy. */
    private static final String UNTRUSTED_PEER = "127.0.0.2";
    private static final HttpClient STREAMING = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private Path dir;
    private Path users;
    private UnitApi api;
    private HttpServer jwks;
    private String base;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("switchboard-auth");
        Map<String, String> grants = new LinkedHashMap<>();
        grants.put("vera", "viewer@default");
        grants.put("otto", "operator@default");
        grants.put("erin", "editor@default");
        grants.put("ada", "admin@*");
        grants.put("pat", "editor@prod");
        grants.put("sam", "viewer@default");
        users = TestUsers.write(dir, grants);
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] keys = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        jwks.createContext("/jwks.json", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, keys.length);
            exchange.getResponseBody().write(keys);
            exchange.close();
        });
        jwks.start();
        api = new UnitApi(UnitApi.Security.NONE.withUsersFile(users)
                .withOidc(ISSUER, "switchboard", "http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks.json")
                .withTrustedProxies(TRUSTED_PROXY + "/32"));
        base = api.confluentBase();
        Http.authorizeByDefault(api.url(), TestUsers.basic("ada"));
    }

    @AfterAll
    void stop() throws IOException {
        api.close();
        jwks.stop(0);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private Http.Response as(String authorization, String method, String path, Object body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", authorization);
        return Http.call(api.url(), method, path, body == null ? null : Http.json(body), headers);
    }

    private static Map<String, Object> connector(String name) {
        return Map.of("name", name, "config", Map.of("connector.class", "FileStreamSource", "file", "/tmp/" + name, "topic", "t",
                "db.user", "reader"));
    }

    @Test
    void withoutCredentialsEveryDialectAnswers401InItsShape() {
        Map<String, Http.Response> answers = new LinkedHashMap<>();
        for (String path : List.of("/connectors", "/clusters/default/connectors", base + "/connectors",
                "/v1/kafka-connect/clusters/default/connectors", "/api/v1/connectors", "/events", "/connector-plugins")) {
            answers.put(path, Http.call(api.url(), "GET", path, null, Map.of("Authorization", "")));
        }
        answers.forEach((path, answer) -> {
            assertEquals(401, answer.status(), path + " " + answer.body());
            assertTrue(answer.header("WWW-Authenticate").contains("Basic realm=\"switchboard\""), path);
            assertTrue(answer.header("WWW-Authenticate").contains("Bearer"), path);
        });
        assertEquals(401, answers.get("/connectors").json().path("error_code").asInt());
        assertEquals(401, answers.get(base + "/connectors").json().path("error").path("code").asInt());
        assertEquals("UNAUTHENTICATED", answers.get("/v1/kafka-connect/clusters/default/connectors").json().path("code").asText());
        assertEquals(401, answers.get("/api/v1/connectors").json().path("status").asInt());
        assertEquals(200, Http.call(api.url(), "GET", "/", null, Map.of("Authorization", "")).status());
        assertEquals(401, as(TestUsers.basic("erin", "wrong"), "GET", "/connectors", null).status());
        assertEquals(401, as(TestUsers.basic("nobody"), "GET", "/connectors", null).status());
    }

    @Test
    void rolesDecideWhatEachMayDo() {
        String erin = TestUsers.basic("erin");
        String otto = TestUsers.basic("otto");
        String vera = TestUsers.basic("vera");
        String pat = TestUsers.basic("pat");
        assertEquals(201, as(erin, "POST", "/connectors", connector("matrix")).status());
        assertEquals(403, as(otto, "POST", "/connectors", connector("matrix-2")).status());
        assertEquals(403, as(vera, "PUT", "/connectors/matrix/pause", null).status());
        assertEquals(202, as(otto, "PUT", "/connectors/matrix/pause", null).status());
        assertEquals(403, as(otto, "DELETE", "/connectors/matrix", null).status());
        assertEquals(403, as(pat, "GET", "/connectors", null).status(), "a role on another cluster gives nothing here");
        assertEquals(403, as(erin, "PUT", "/admin/loggers/org.example", Map.of("level", "DEBUG")).status());
        assertTrue(as(TestUsers.basic("ada"), "PUT", "/admin/loggers/org.example", Map.of("level", "DEBUG")).status() != 403);
        Http.Response forbidden = as(vera, "PUT", base + "/connectors/matrix/pause", null);
        assertEquals(403, forbidden.json().path("error").path("code").asInt(), forbidden.body());
        assertEquals("PERMISSION_DENIED", as(vera, "DELETE", "/v1/kafka-connect/clusters/default/connectors/matrix", null)
                .json().path("code").asText());

        // A viewer reads which keys a config has, not their values.
        JsonNode config = as(vera, "GET", "/connectors/matrix/config", null).json();
        assertEquals("****************", config.path("file").asText(), config.toString());
        assertEquals("****************", as(vera, "GET", "/connectors/matrix", null).json().path("config").path("topic").asText());
        assertEquals("/tmp/matrix", as(otto, "GET", "/connectors/matrix/config", null).json().path("file").asText());

        // Redpanda's cluster list shows only the clusters a principal has a role on.
        assertEquals(0, as(pat, "GET", "/v1/kafka-connect/clusters", null).json().path("clusters").size());
        assertEquals(1, as(vera, "GET", "/v1/kafka-connect/clusters", null).json().path("clusters").size());
        // A viewer's event stream redacts config values too.
        String events = firstEvent(vera, "/events?cluster=default&connector=matrix&from=earliest");
        assertTrue(events.contains("****************") && !events.contains("/tmp/matrix"), events);
        assertEquals(204, as(erin, "DELETE", "/connectors/matrix", null).status());
    }

    /** Every event stream shows what the caller may see: pat's grant is on another cluster only. */
    @Test
    void anEventStreamShowsAViewerKeysNotValues() {
        String erin = TestUsers.basic("erin");
        String vera = TestUsers.basic("vera");
        assertEquals(201, as(erin, "POST", "/connectors", connector("seen")).status());
        String all = firstEvent(vera, "/events?from=earliest");
        assertTrue(all.contains("\"cluster\":\"default\"") && !all.contains("/tmp/"), all);
        assertEquals(403, as(TestUsers.basic("pat"), "GET", "/events?cluster=default&from=earliest", null).status());
        assertEquals(204, as(erin, "DELETE", "/connectors/seen", null).status());
    }

    /** The first event's data line of a stream, read as a viewer would. */
    private String firstEvent(String authorization, String path) {
        try {
            HttpResponse<Stream<String>> response = STREAMING.send(HttpRequest
                    .newBuilder(URI.create(api.url() + path)).header("Authorization", authorization)
                    .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertEquals(200, response.statusCode());
            try (Stream<String> lines = response.body()) {
                return lines.filter(l -> l.startsWith("data:")).findFirst().orElse("");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theUsersFileIsReadAgainWhenItChanges() throws Exception {
        assertEquals(401, as(TestUsers.basic("newcomer"), "GET", "/connectors", null).status());
        String hash = SecretHashes.hash("pw");
        // No waiting for the clock to tick: a file's version is its modification time and its size,
        // and a line more changes the size within the same second too.
        Files.writeString(users, Files.readString(users) + "newcomer:" + hash + ":viewer@*\n");
        Await.atMost(Duration.ofSeconds(10)).until("the newcomer let in (200)",
                () -> as(TestUsers.basic("newcomer"), "GET", "/connectors", null), answer -> answer.status() == 200);
    }

    /** Signing out of the console ends the session: a copy of its cookie no longer works either. */
    @Test
    void signingOutEndsTheSessionNotOnlyTheBrowsersCopy() {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("Authorization", null);
        form.put("HX-Request", "true");
        form.put("Content-Type", "application/x-www-form-urlencoded");
        Http.Response signedIn = Http.call(api.url(), "POST", "/console/sign-in", "user=erin&key=" + TestUsers.KEY, form);
        assertEquals(204, signedIn.status(), signedIn.body());
        String setCookie = signedIn.header("Set-Cookie");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        Map<String, String> page = new LinkedHashMap<>();
        page.put("Authorization", null);
        page.put("Accept", "text/html");
        page.put("Cookie", cookie);
        assertEquals(200, Http.call(api.url(), "GET", "/console/", null, page).status());

        Map<String, String> signOut = new LinkedHashMap<>(page);
        signOut.put("HX-Request", "true");
        assertEquals(204, Http.call(api.url(), "POST", "/console/sign-out", null, signOut).status());
        Http.Response copied = Http.call(api.url(), "GET", "/console/", null, page);
        assertTrue(copied.status() == 303 || copied.status() == 401, "a copied cookie still works after sign-out: " + copied.status());
        // Signing in again gives a session that works.
        Http.Response again = Http.call(api.url(), "POST", "/console/sign-in", "user=erin&key=" + TestUsers.KEY, form);
        String fresh = again.header("Set-Cookie");
        page.put("Cookie", fresh.substring(0, fresh.indexOf(';')));
        assertEquals(200, Http.call(api.url(), "GET", "/console/", null, page).status());
    }

    /** Authenticated answers are kept by no cache; no answer may be content-sniffed. */
    @Test
    void answersAreNotCachedNorSniffed() {
        Http.Response read = as(TestUsers.basic("vera"), "GET", "/connectors", null);
        assertEquals(200, read.status());
        assertEquals("no-store", read.header("Cache-Control"));
        assertEquals("nosniff", read.header("X-Content-Type-Options"));
        Http.Response refused = as(TestUsers.basic("vera"), "POST", "/connectors", connector("sniffed"));
        assertEquals(403, refused.status());
        assertEquals("nosniff", refused.header("X-Content-Type-Options"));
        assertEquals("nosniff", Http.call(api.url(), "GET", "/", null, Map.of("Authorization", "")).header("X-Content-Type-Options"));
    }

    /** One principal holds at most a few event streams, and the others still get theirs. */
    @Test
    void eventStreamsAreCappedPerPrincipal() throws Exception {
        String events = "/events?connector=capped";
        List<HttpResponse<InputStream>> open = new ArrayList<>();
        try {
            for (int i = 0; i < EventsResource.MAX_STREAMS_PER_PRINCIPAL; i++) {
                HttpResponse<InputStream> stream = openStream(events, TestUsers.basic("sam"));
                open.add(stream);
                assertEquals(200, stream.statusCode());
            }
            HttpResponse<InputStream> extra = openStream(events, TestUsers.basic("sam"));
            open.add(extra);
            assertEquals(429, extra.statusCode(), "one principal holds more than "
                    + EventsResource.MAX_STREAMS_PER_PRINCIPAL + " streams");
            HttpResponse<InputStream> other = openStream(events, TestUsers.basic("otto"));
            open.add(other);
            assertEquals(200, other.statusCode());
        } finally {
            for (HttpResponse<InputStream> stream : open) {
                stream.body().close();
            }
        }
    }

    private HttpResponse<InputStream> openStream(String path, String authorization) throws IOException, InterruptedException {
        return STREAMING.send(HttpRequest.newBuilder(URI.create(api.url() + path)).header("Accept", "text/event-stream")
                .header("Authorization", authorization).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    /**
     * Behind a trusted proxy, failed logins are counted per client address as the proxy names it in
     * X-Forwarded-For; from any other peer the header is not read, so a client cannot move its count
     * to an address it makes up.
     */
    @Test
    @Order(Integer.MAX_VALUE - 1)
    void failedLoginsCountPerForwardedClientOnlyBehindATrustedProxy() throws IOException {
        // An untrusted peer claiming a new address with each wrong key is still limited as itself.
        int status = 0;
        for (int i = 0; i < 40 && status != 429; i++) {
            status = get(UNTRUSTED_PEER, TestUsers.basic("otto", "wrong-" + i), "198.51.100." + i);
        }
        assertEquals(429, status, "an untrusted peer's X-Forwarded-For spread its failed logins over made-up addresses");
        assertEquals(429, get(UNTRUSTED_PEER, TestUsers.basic("otto", "wrong"), "198.51.100.200"),
                "an untrusted peer's X-Forwarded-For moved it to another address");

        // Through the trusted proxy, the client it names is limited, not the proxy nor another client.
        status = 0;
        for (int i = 0; i < 40 && status != 429; i++) {
            status = get(TRUSTED_PROXY, TestUsers.basic("otto", "wrong-" + i), "198.51.100.9, 203.0.113.7");
        }
        assertEquals(429, status, "the client a trusted proxy names was never limited");
        assertEquals(401, get(TRUSTED_PROXY, TestUsers.basic("otto", "wrong"), "203.0.113.8"),
                "another client behind the trusted proxy is limited with the one that failed");
        assertEquals(401, get(TRUSTED_PROXY, TestUsers.basic("otto", "wrong"), null),
                "the trusted proxy's own address is limited for its client's failures");

        // An IPv6 client is one client per /64: rotating through it does not escape the limit.
        status = 0;
        for (int i = 0; i < 40 && status != 429; i++) {
            status = get(TRUSTED_PROXY, TestUsers.basic("otto", "wrong-" + i), "2001:db8:5:6::" + Integer.toHexString(i + 1));
        }
        assertEquals(429, status, "an IPv6 client rotating through its /64 was never limited");
        assertEquals(401, get(TRUSTED_PROXY, TestUsers.basic("otto", "wrong"), "2001:db8:5:7::1"),
                "another /64 is limited with the one that failed");
    }

    /** The status of a GET /connectors sent from a given local address, with an X-Forwarded-For header unless null. */
    private int get(String from, String authorization, String forwardedFor) throws IOException {
        int port = api.server.port();
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(30_000);
            String request = "GET /connectors HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: " + authorization
                    + (forwardedFor == null ? "" : "\r\nX-Forwarded-For: " + forwardedFor) + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String statusLine = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            assertNotNull(statusLine, "no answer");
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }

    /**
     * Failed logins are counted per address, whatever name they claim; a limited address gets 429
     * without its keys being hashed, but a user's right key (verified before) still works from
     * there: twenty wrong keys for a name never lock that user out.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void wrongKeysForANameNeverRefuseItsRightKey() {
        // Last: this address is then limited for a minute.
        assertEquals(200, as(TestUsers.basic("otto"), "GET", "/connectors", null).status());
        int status = 0;
        for (int i = 0; i < 40 && status != 429; i++) {
            status = as(TestUsers.basic("otto", "wrong-" + i), "GET", "/connectors", null).status();
        }
        assertEquals(429, status);
        assertNotNull(as(TestUsers.basic("otto", "wrong"), "GET", "/connectors", null).header("Retry-After"));
        // The right key still works, for otto and for the others at this address.
        assertEquals(200, as(TestUsers.basic("otto"), "GET", "/connectors", null).status(), "otto's right key is refused");
        assertEquals(200, as(TestUsers.basic("vera"), "GET", "/connectors", null).status());
        assertEquals(429, as(TestUsers.basic("someone-else", "guess"), "GET", "/connectors", null).status(),
                "the limit is the address's, whatever name it claims");
    }
}
