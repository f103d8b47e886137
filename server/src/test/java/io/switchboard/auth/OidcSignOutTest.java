package io.switchboard.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Signing out of an OIDC console session ends it on every replica, as an API key's session ends: the
 * sign-out is recorded by user (the replicas share the records through their keys topic), and every
 * token of that user issued before it is refused from then on, as a cookie and as a bearer token.
 */
class OidcSignOutTest {
    private static final String ISSUER = "https://issuer.example";
    private static HttpServer jwks;
    private static RSAKey key;
    private static String keysUrl;
    /** What the replicas' keys topic holds: one record of sign-outs, read by each replica. */
    private final Map<String, Long> signedOut = new ConcurrentHashMap<>();
    private final ConsoleSessions.Revocations shared = new ConsoleSessions.Revocations() {
        @Override
        public void signOut(String user) {
            signedOut.merge(user, System.currentTimeMillis(), Math::max);
        }

        @Override
        public long signedOutAt(String user) {
            return signedOut.getOrDefault(user, Long.MIN_VALUE);
        }
    };

    @BeforeAll
    static void start() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwks.createContext("/jwks.json", exchange -> {
            byte[] body = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        jwks.start();
        keysUrl = "http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks.json";
    }

    @AfterAll
    static void stop() {
        jwks.stop(0);
    }

    /** One replica: its own token checker and sign-in, sharing the sign-out records. */
    private OidcSignIn replica() {
        OidcTokens tokens = new OidcTokens(ISSUER, "switchboard", keysUrl, null);
        new Authenticator(null, tokens).sessions(() -> new byte[32], () -> List.of(new byte[32]), java.time.Clock.systemUTC(), shared);
        return new OidcSignIn(ISSUER, "console", tokens, HttpClient.newHttpClient());
    }

    private static String token(String subject, long issuedAt) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).audience("switchboard").subject(subject)
                .issueTime(new Date(issuedAt)).expirationTime(new Date(System.currentTimeMillis() + 600_000))
                .claim("switchboard_roles", List.of("operator@default")).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    @Test
    void aCopiedSessionCookieIsRefusedOnEveryReplicaAfterSignOut() throws Exception {
        OidcSignIn a = replica();
        OidcSignIn b = replica();
        String session = token("olga", System.currentTimeMillis() - 5_000);
        String other = token("otto", System.currentTimeMillis() - 5_000);
        assertEquals("olga", b.principal(session).orElseThrow().name());

        a.signOut(session);

        assertTrue(b.principal(session).isEmpty(), "replica b still took the signed-out session's cookie");
        assertTrue(a.principal(session).isEmpty(), "replica a still took the signed-out session's cookie");
        OidcTokens bearer = new OidcTokens(ISSUER, "switchboard", keysUrl, null);
        new Authenticator(null, bearer).sessions(() -> new byte[32], () -> List.of(new byte[32]), java.time.Clock.systemUTC(), shared);
        assertTrue(bearer.verify(session).isEmpty(), "the signed-out session's token still passed as a bearer token");
        // Another user's session, and the user's next sign-in, are not ended.
        assertEquals("otto", b.principal(other).orElseThrow().name());
        assertEquals("olga", b.principal(token("olga", System.currentTimeMillis() + 2_000)).orElseThrow().name());
    }
}
