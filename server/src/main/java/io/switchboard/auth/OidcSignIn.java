package io.switchboard.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.core.ServiceException;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Signing in to the console at the OpenID Connect issuer: the authorization code flow with PKCE
 * (RFC 7636, S256) for a public client. The issuer's endpoints come from its discovery document
 * ({@code <issuer>/.well-known/openid-configuration}), fetched over HTTPS (HTTP on loopback only)
 * when first needed.
 *
 * <p>The flow's state and code verifier wait in a short-lived cookie scoped to the sign-in paths
 * (SameSite=Lax: the issuer's redirect back is a cross-site navigation); the callback takes a code
 * only with the state it was started with. The access token the code is exchanged for is checked
 * by the same {@link OidcTokens} policy as a bearer token (signature, issuer, audience, expiry,
 * roles), and becomes the session: an HttpOnly, SameSite=Strict cookie that lives no longer than
 * the token and counts where a key's session does ({@link ConsoleSessions#counts}). Signing out
 * ends it on every replica: every token of the user issued (its {@code iat}, which a session's token
 * must have) before the sign-out is refused from then on, as a cookie and as a bearer token.
 */
public final class OidcSignIn {
    public static final String START = "/console/sign-in/oidc";
    public static final String CALLBACK = "/console/sign-in/oidc/callback";
    /** Holds the access token of a signed-in console session. */
    public static final String SESSION_COOKIE = "switchboard_oidc_session";
    public static final String FLOW_COOKIE = "switchboard_oidc_flow";
    private static final Duration FLOW_LIFETIME = Duration.ofMinutes(10);
    private static final int MAX_TOKEN_LENGTH = 3_500;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String issuer;
    private final String clientId;
    private final OidcTokens tokens;
    private final HttpClient http;
    private volatile Endpoints endpoints;

    /** Where the issuer takes the user's consent and exchanges codes. */
    record Endpoints(URI authorization, URI token) {
    }

    /** Where to send the browser, and the flow cookie to set on the way. */
    public record Start(String location, String flowCookie) {
    }

    /** A session: the Set-Cookie value, or why there is none (never the token itself). */
    public record Finish(String sessionCookie, String refusal) {
    }

    public OidcSignIn(String issuer, String clientId, OidcTokens tokens, HttpClient http) {
        this.issuer = issuer.replaceAll("/+$", "");
        this.clientId = clientId;
        this.tokens = tokens;
        this.http = http;
    }

    /** The authorization request for a browser that will come back to {@code redirectUri}. */
    public Start start(String redirectUri, boolean secure) {
        String state = random();
        String verifier = random();
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", clientId);
        query.put("redirect_uri", redirectUri);
        query.put("scope", "openid");
        query.put("state", state);
        query.put("code_challenge", challenge(verifier));
        query.put("code_challenge_method", "S256");
        URI authorization = endpoints().authorization();
        String location = authorization + (authorization.getRawQuery() == null ? "?" : "&") + form(query);
        String cookie = FLOW_COOKIE + "=" + state + "." + verifier + "; Path=" + START + "; Max-Age="
                + FLOW_LIFETIME.toSeconds() + "; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "");
        return new Start(location, cookie);
    }

    /** The session for the code the issuer sent back, if the state is the flow's and the token passes. */
    public Finish finish(String code, String state, String flowCookie, String redirectUri, boolean secure) {
        if (flowCookie == null || state == null || code == null || code.length() > 2_048) {
            return new Finish(null, "The sign-in did not start here, or took longer than "
                    + FLOW_LIFETIME.toMinutes() + " minutes: sign in again");
        }
        int dot = flowCookie.indexOf('.');
        if (dot <= 0 || !MessageDigest.isEqual(flowCookie.substring(0, dot).getBytes(StandardCharsets.US_ASCII),
                state.getBytes(StandardCharsets.US_ASCII))) {
            return new Finish(null, "The sign-in's state does not match the one this browser started with: sign in again");
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri);
        form.put("client_id", clientId);
        form.put("code_verifier", flowCookie.substring(dot + 1));
        JsonNode answer;
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoints().token())
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(form(form))).build(), HttpResponse.BodyHandlers.ofString());
            answer = JSON.readTree(response.body());
            if (response.statusCode() != 200) {
                return new Finish(null, "The issuer refused the code (" + response.statusCode() + " "
                        + answer.path("error").asText("no error given") + ")");
            }
        } catch (IOException e) {
            return new Finish(null, "The issuer could not be reached to exchange the code; sign in again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Finish(null, "Interrupted");
        }
        String token = answer.path("access_token").asText("");
        if (token.isEmpty() || token.length() > MAX_TOKEN_LENGTH || tokens.verify(token).isEmpty()) {
            return new Finish(null, "The issuer's access token is not one Switchboard takes (a signed JWT for audience"
                    + " this server is configured with, unexpired, within " + MAX_TOKEN_LENGTH + " characters)");
        }
        if (tokens.claims(token).map(claims -> claims.getIssueTime() == null).orElse(true)) {
            // A session must end at sign-out, which ends the tokens issued before it: one needs its issue time.
            return new Finish(null, "The issuer's access token has no issue time (iat), which a console session needs"
                    + " so that signing out ends it");
        }
        long lifetime = Math.min(answer.path("expires_in").asLong(ConsoleSessions.LIFETIME.toSeconds()),
                ConsoleSessions.LIFETIME.toSeconds());
        return new Finish(SESSION_COOKIE + "=" + token + "; Path=/; Max-Age=" + Math.max(lifetime, 0)
                + "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : ""), null);
    }

    /** The Set-Cookie values that end the flow and an OIDC session. */
    public static List<String> clearCookies(boolean secure) {
        String flags = "; Max-Age=0; HttpOnly" + (secure ? "; Secure" : "");
        return List.of(FLOW_COOKIE + "=; Path=" + START + flags + "; SameSite=Lax",
                SESSION_COOKIE + "=; Path=/" + flags + "; SameSite=Strict");
    }

    private Endpoints endpoints() {
        Endpoints known = endpoints;
        if (known != null) {
            return known;
        }
        URI discovery = URI.create(issuer + "/.well-known/openid-configuration");
        OidcTokens.requireSafeKeys(discovery);
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(discovery).timeout(Duration.ofSeconds(10))
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
            JsonNode document = response.statusCode() == 200 ? JSON.readTree(response.body()) : JSON.createObjectNode();
            String authorization = document.path("authorization_endpoint").asText("");
            String token = document.path("token_endpoint").asText("");
            if (authorization.isEmpty() || token.isEmpty()) {
                throw new ServiceException.Unavailable("The identity provider's discovery document ("
                        + discovery + ") names no authorization_endpoint and token_endpoint", 30);
            }
            OidcTokens.requireSafeKeys(URI.create(token));
            known = new Endpoints(URI.create(authorization), URI.create(token));
        } catch (IOException | IllegalArgumentException e) {
            // Answered as the identity provider being out of reach (503), never as a failure of this server.
            throw new ServiceException.Unavailable("The identity provider's discovery document ("
                    + discovery + ") could not be read; sign in again shortly", 30);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException.Unavailable("Interrupted", 30);
        }
        endpoints = known;
        return known;
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** Whether a cookie value may be an access token at all (checked before any signature). */
    public static boolean plausible(String cookie) {
        return cookie != null && !cookie.isEmpty() && cookie.length() <= MAX_TOKEN_LENGTH;
    }

    /** The principal of an OIDC session cookie: the token checked as a bearer token is (a signed-out one refused). */
    public Optional<Principal> principal(String cookie) {
        return plausible(cookie) ? tokens.verify(cookie) : Optional.empty();
    }

    /**
     * Ends the OIDC session this cookie holds, and every other token issued to its user until now,
     * on every replica (through the same sign-out records as API key sessions, {@link ReplicaKeys});
     * nothing for a value that is not a valid session.
     */
    public void signOut(String cookie) {
        principal(cookie).ifPresent(principal -> tokens.signOut(principal.name()));
    }
}
