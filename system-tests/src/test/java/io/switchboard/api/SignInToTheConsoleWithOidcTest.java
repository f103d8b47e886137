package io.switchboard.api;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.Cookie;
import com.microsoft.playwright.options.SameSiteAttribute;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.switchboard.testing.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Signing in to the console at an OpenID Connect issuer, in a real browser: the authorization code
 * flow with PKCE against an issuer on another site (here {@code localhost}, the console on
 * {@code 127.0.0.1}), which grants only a code whose verifier matches the challenge it was shown.
 * The issuer is this test's own small server: discovery, authorize (a consent page), token and keys.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(OneBrowserAtATime.class)
class SignInToTheConsoleWithOidcTest {
    private static final String CHROMIUM = System.getProperty("switchboard.chromium", "/usr/bin/chromium");
    private static final String CLIENT = "switchboard-console";
    private SwitchboardFixture fx;
    private HttpServer idp;
    private String issuer;
    private RSAKey key;
    private Playwright playwright;
    private Browser browser;
    /** The challenge and redirect URI of each code the issuer handed out. */
    private final Map<String, String[]> codes = new ConcurrentHashMap<>();
    private final List<String> tokenRequests = new CopyOnWriteArrayList<>();

    @BeforeAll
    void start() throws Exception {
        assumeTrue(Files.isExecutable(Paths.get(CHROMIUM)) || System.getenv("CI") != null, CHROMIUM + " is not installed");
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        idp = HttpServer.create(new InetSocketAddress(0), 0);
        issuer = "http://localhost:" + idp.getAddress().getPort();
        idp.createContext("/.well-known/openid-configuration", exchange -> send(exchange, 200, "application/json",
                Http.json(Map.of("issuer", issuer, "authorization_endpoint", issuer + "/authorize",
                        "token_endpoint", issuer + "/token", "jwks_uri", issuer + "/.well-known/jwks.json"))));
        idp.createContext("/.well-known/jwks.json", exchange -> send(exchange, 200, "application/json",
                new JWKSet(key.toPublicJWK()).toString()));
        idp.createContext("/authorize", this::authorize);
        idp.createContext("/token", this::token);
        idp.start();
        fx = new SwitchboardFixture(options -> options.flags("--oidc-issuer", issuer, "--oidc-audience", "switchboard",
                "--oidc-client-id", CLIENT));
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(Paths.get(CHROMIUM))
                .setHeadless(true).setArgs(List.of("--no-sandbox")));
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
        if (fx != null) {
            fx.close();
        }
        if (idp != null) {
            idp.stop(0);
        }
    }

    /** Asks for consent: a code for olga, the operator, bound to the challenge and redirect URI. */
    private void authorize(HttpExchange exchange) throws IOException {
        Map<String, String> query = form(exchange.getRequestURI().getRawQuery());
        if (!"code".equals(query.get("response_type")) || !CLIENT.equals(query.get("client_id"))
                || !"S256".equals(query.get("code_challenge_method")) || query.get("code_challenge") == null) {
            send(exchange, 400, "text/plain", "not a PKCE code request: " + query);
            return;
        }
        String code = "code-" + codes.size();
        codes.put(code, new String[]{query.get("code_challenge"), query.get("redirect_uri")});
        // The user's consent, on the issuer's own page: the way back is a navigation the issuer's site starts.
        String back = query.get("redirect_uri") + "?code=" + code + "&state=" + URLEncoder.encode(query.get("state"),
                StandardCharsets.UTF_8);
        send(exchange, 200, "text/html", "<!DOCTYPE html><html><body><a id=\"consent\" href=\"" + back.replace("&", "&amp;")
                + "\">Allow Switchboard</a></body></html>");
    }

    /** Grants a token only for a known code, its redirect URI and the verifier of its challenge. */
    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> body = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        tokenRequests.add(body.toString());
        String[] issued = codes.remove(body.getOrDefault("code", ""));
        String verifier = body.getOrDefault("code_verifier", "");
        if (issued == null || !"authorization_code".equals(body.get("grant_type")) || !CLIENT.equals(body.get("client_id"))
                || !issued[1].equals(body.get("redirect_uri")) || !issued[0].equals(s256(verifier))) {
            send(exchange, 400, "application/json", "{\"error\":\"invalid_grant\"}");
            return;
        }
        try {
            JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).audience("switchboard").subject("olga")
                    .issueTime(new Date()).expirationTime(new Date(System.currentTimeMillis() + 600_000)).claim("switchboard_roles", List.of("operator@default"))
                    .build();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), claims);
            jwt.sign(new RSASSASigner(key));
            send(exchange, 200, "application/json", Http.json(Map.of("access_token", jwt.serialize(), "token_type", "Bearer",
                    "expires_in", 600)));
        } catch (Exception e) {
            send(exchange, 500, "text/plain", e.toString());
        }
    }

    @Test
    void aUserSignsInAtTheIssuerWithPkceForASessionOnlyTheConsoleTakes() {
        BrowserContext context = browser.newContext();
        try {
            Page page = context.newPage();
            page.setDefaultTimeout(60_000);
            page.navigate(fx.app.url() + "/console/");
            assertTrue(page.url().endsWith("/console/sign-in"), page.url());
            page.click("text=Sign in with your identity provider");
            assertTrue(page.url().startsWith(issuer + "/authorize?"), page.url());
            page.click("#consent");
            page.waitForURL(fx.app.url() + "/console/");
            assertThat(page.locator("h1")).isVisible();
            assertFalse(page.content().contains("Sign in with your identity provider"), "signed in: the overview, not the form");

            Cookie session = context.cookies().stream()
                    .filter(c -> c.name.equals("switchboard_oidc_session")).findFirst().orElseThrow();
            assertTrue(session.httpOnly);
            assertEquals(SameSiteAttribute.STRICT, session.sameSite);
            assertTrue(context.cookies().stream().noneMatch(c -> c.name.equals("switchboard_oidc_flow")), "the flow's cookie is spent");
            assertEquals(1, tokenRequests.size());
            assertTrue(tokenRequests.get(0).contains("code_verifier="), tokenRequests.get(0));

            // The token is the session: only the console and its event stream take it.
            Map<String, String> cookie = Map.of("Cookie", "switchboard_oidc_session=" + session.value);
            assertEquals(200, Http.call(fx.app.url(), "GET", "/console/connectors", null, cookie).status());
            assertEquals(401, Http.call(fx.app.url(), "GET", "/connectors", null, cookie).status());
            String tampered = session.value.substring(0, session.value.length() - 4) + "AAAA";
            assertEquals(401, Http.call(fx.app.url(), "GET", "/console/connectors", null,
                    Map.of("Cookie", "switchboard_oidc_session=" + tampered)).status());
        } finally {
            context.close();
        }
    }

    @Test
    void aCallbackThisBrowserDidNotStartIsRefused() throws Exception {
        // A code the issuer gave someone else's flow, brought to this browser without its flow cookie (login CSRF).
        Http.Response start = Http.call(fx.app.url(), "GET", "/console/sign-in/oidc", null, Map.of());
        assertEquals(303, start.status(), start.body());
        String flow = start.header("Set-Cookie");
        assertTrue(flow.contains("HttpOnly") && flow.contains("SameSite=Lax") && flow.contains("Path=/console/sign-in/oidc"), flow);
        Map<String, String> query = form(URI.create(start.header("Location")).getRawQuery());
        assertEquals(CLIENT, query.get("client_id"));
        assertEquals("S256", query.get("code_challenge_method"));
        String state = query.get("state");
        codes.put("stolen", new String[]{query.get("code_challenge"), query.get("redirect_uri")});
        Http.Response noFlow = Http.call(fx.app.url(), "GET", "/console/sign-in/oidc/callback?code=stolen&state=" + state, null, Map.of());
        assertEquals(401, noFlow.status(), noFlow.body());
        String flowValue = flow.substring(flow.indexOf('=') + 1, flow.indexOf(';'));
        Http.Response otherState = Http.call(fx.app.url(), "GET", "/console/sign-in/oidc/callback?code=stolen&state=not-" + state, null,
                Map.of("Cookie", "switchboard_oidc_flow=" + flowValue));
        assertEquals(401, otherState.status(), otherState.body());
        assertFalse(String.valueOf(otherState.header("Set-Cookie")).contains("switchboard_oidc_session=ey"), "no session");
        assertEquals(400, Http.call(fx.app.url(), "GET", "/console/sign-in/oidc/callback?error=access_denied", null, Map.of()).status());
    }

    private static Map<String, String> form(String encoded) {
        Map<String, String> fields = new HashMap<>();
        if (encoded == null) {
            return fields;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return fields;
    }

    private static String s256(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
