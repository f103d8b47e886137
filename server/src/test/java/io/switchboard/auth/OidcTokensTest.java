package io.switchboard.auth;

import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What OpenID Connect settings Switchboard refuses to start with. */
class OidcTokensTest {

    @Test
    void anIssuerWithoutAnAudienceIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new OidcTokens("https://issuer.example", null, null, null));
        assertTrue(e.getMessage().contains("--oidc-audience"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new OidcTokens("https://issuer.example", " ", null, null));
    }

    @Test
    void keysComeOverHttpsOrFromThisHost() {
        assertThrows(IllegalArgumentException.class, () -> new OidcTokens("http://issuer.example", "switchboard", null, null));
        assertThrows(IllegalArgumentException.class,
                () -> OidcTokens.requireSafeKeys(URI.create("http://keys.example/jwks.json")));
        assertDoesNotThrow(() -> OidcTokens.requireSafeKeys(URI.create("https://keys.example/jwks.json")));
        assertDoesNotThrow(() -> OidcTokens.requireSafeKeys(URI.create("http://127.0.0.1:8080/jwks.json")));
        assertDoesNotThrow(() -> new OidcTokens("https://issuer.example", "switchboard", null, null));
    }
}
