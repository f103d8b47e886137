package io.switchboard.auth;

import io.switchboard.access.Role;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

import java.net.MalformedURLException;
import java.net.URI;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * OpenID Connect bearer tokens, checked with Nimbus JOSE+JWT against the issuer's JWKS
 * ({@code <issuer>/.well-known/jwks.json} unless {@code --oidc-jwks-url} says otherwise; keys
 * cached and refetched, rate limited, when a token names an unknown key): an RS256 or ES256
 * signature, {@code iss}, {@code aud}, {@code exp} and {@code nbf} (60 s of clock skew). Roles come
 * from a claim (default {@code switchboard_roles}) holding "role@scope" strings.
 */
public final class OidcTokens {
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final String rolesClaim;
    private volatile ConsoleSessions.Revocations revocations;

    public OidcTokens(String issuer, String audience, String jwksUrl, String rolesClaim) {
        if (audience == null || audience.isBlank()) {
            // Without it, a token the issuer gave any other application would be taken as one for Switchboard.
            throw new IllegalArgumentException("--oidc-audience is required with --oidc-issuer: tokens must name Switchboard "
                    + "as their audience");
        }
        this.rolesClaim = rolesClaim == null ? "switchboard_roles" : rolesClaim;
        String keys = jwksUrl != null ? jwksUrl : issuer.replaceAll("/+$", "") + "/.well-known/jwks.json";
        requireSafeKeys(URI.create(keys));
        JWKSource<SecurityContext> source;
        try {
            source = JWKSourceBuilder.create(URI.create(keys).toURL()).retrying(true).build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("not a JWKS URL: " + keys);
        }
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), source));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(audience,
                new JWTClaimsSet.Builder().issuer(issuer).build(), new HashSet<>(List.of("sub", "exp")));
        claims.setMaxClockSkew(60);
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** The issuer's keys decide who gets in: they are fetched over HTTPS, or over HTTP from this host only. */
    static void requireSafeKeys(URI keys) {
        String host = keys.getHost() == null ? "" : keys.getHost();
        boolean loopback = host.equals("localhost") || host.equals("::1") || host.equals("[::1]") || host.startsWith("127.");
        if (!"https".equalsIgnoreCase(keys.getScheme()) && !("http".equalsIgnoreCase(keys.getScheme()) && loopback)) {
            throw new IllegalArgumentException("The OIDC keys URL " + keys + " must be https (http only on loopback): "
                    + "whoever can change what it answers could sign tokens Switchboard accepts");
        }
    }

    /**
     * Sign-outs, by {@link #signedOutName}: a token issued ({@code iat}) at or before its user's last
     * sign-out is no longer taken, on any replica, as a console session or a bearer token; set once,
     * before requests are served. A token without {@code iat} cannot be told apart and is not ended
     * by a sign-out (the console's sign-in takes none, see {@link OidcSignIn}).
     */
    void revokedBy(ConsoleSessions.Revocations revocations) {
        this.revocations = revocations;
    }

    /** The name a sign-out of this OIDC subject is recorded under: apart from API key users (whose names hold no colon). */
    static String signedOutName(String subject) {
        return "oidc:" + subject;
    }

    /** Ends every token of this subject issued until now, on every replica. */
    void signOut(String subject) {
        ConsoleSessions.Revocations known = revocations;
        if (known != null) {
            known.signOut(signedOutName(subject));
        }
    }

    /** The token's principal, or empty when it is not valid (its signature, issuer, audience or times) or was signed out. */
    public Optional<Principal> verify(String token) {
        return claims(token).flatMap(this::principal);
    }

    /** The valid token's claims: signature, issuer, audience, times, and not issued before its user's sign-out. */
    Optional<JWTClaimsSet> claims(String token) {
        try {
            JWTClaimsSet claims = processor.process(token, null);
            ConsoleSessions.Revocations known = revocations;
            Date issued = claims.getIssueTime();
            if (known != null && issued != null && issued.getTime() <= known.signedOutAt(signedOutName(claims.getSubject()))) {
                return Optional.empty();
            }
            return Optional.of(claims);
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** The principal the claims name, with the grants of its roles claim; empty when a grant does not read. */
    private Optional<Principal> principal(JWTClaimsSet claims) {
        try {
            Map<String, Role> grants = new LinkedHashMap<>();
            Object roles = claims.getClaim(rolesClaim);
            if (roles instanceof List<?> list) {
                for (Object grant : list) {
                    grants.putAll(Principal.grants(String.valueOf(grant)));
                }
            } else if (roles instanceof String text) {
                grants.putAll(Principal.grants(text));
            }
            return Optional.of(new Principal(claims.getSubject(), grants));
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
