package io.switchboard.auth;

import io.switchboard.core.ServiceException;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The PKCE parts of signing in at the issuer that need no issuer. */
class OidcSignInTest {

    @Test
    void theCodeChallengeIsRfc7636sS256() {
        // RFC 7636, appendix B.
        assertEquals("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                OidcSignIn.challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
    }

    @Test
    void aCallbackWithoutTheFlowOrWithAnotherStateIsRefusedBeforeTheIssuerIsAsked() {
        // No issuer answers at this address: a refusal here is made before any request to it.
        OidcSignIn signIn = new OidcSignIn("http://127.0.0.1:9", "client", null, HttpClient.newHttpClient());
        OidcSignIn.Finish noFlow = signIn.finish("code", "state", null, "http://127.0.0.1/cb", false);
        assertNull(noFlow.sessionCookie());
        assertNotNull(noFlow.refusal());
        OidcSignIn.Finish otherState = signIn.finish("code", "state-b", "state-a.verifier", "http://127.0.0.1/cb", false);
        assertNull(otherState.sessionCookie());
        assertTrue(otherState.refusal().contains("state"), otherState.refusal());
    }

    @Test
    void anIssuerOutOfReachIsAnUnavailableNeverAServerFailure() {
        // Nothing listens at this address: the discovery document cannot be read.
        OidcSignIn signIn = new OidcSignIn("http://127.0.0.1:9", "client", null, HttpClient.newHttpClient());
        Assertions.assertThrows(ServiceException.Unavailable.class,
                () -> signIn.start("http://127.0.0.1/cb", false));
    }
}
