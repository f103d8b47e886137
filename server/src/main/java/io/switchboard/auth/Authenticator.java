package io.switchboard.auth;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** Who an Authorization header says the caller is: an API key over Basic, or an OIDC bearer token. */
public final class Authenticator {
    private final UsersFile users;
    private final OidcTokens tokens;

    /** Either may be null (that kind of credential is then refused). */
    public Authenticator(UsersFile users, OidcTokens tokens) {
        this.users = users;
        this.tokens = tokens;
    }

    /** Console sessions for the users of the users file; null when there is none (OIDC only). */
    public ConsoleSessions sessions(Supplier<byte[]> signingKey, Supplier<List<byte[]>> acceptedKeys, Clock clock) {
        return users == null ? null : new ConsoleSessions(users, signingKey, acceptedKeys, clock);
    }

    /** The console's sign-in at the OIDC issuer as {@code clientId}; null without OIDC tokens or a client id. */
    public OidcSignIn oidcSignIn(String issuer, String clientId) {
        return tokens == null || clientId == null || clientId.isBlank() ? null : new OidcSignIn(issuer, clientId, tokens,
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
    }

    /** The WWW-Authenticate value of a 401: the schemes this server takes. */
    public String challenge() {
        StringBuilder challenge = new StringBuilder();
        if (users != null) {
            challenge.append("Basic realm=\"switchboard\", charset=\"UTF-8\"");
        }
        if (tokens != null) {
            challenge.append(challenge.isEmpty() ? "" : ", ").append("Bearer realm=\"switchboard\"");
        }
        return challenge.toString();
    }

    /**
     * The name a header claims, for counting failed logins: a Basic user name (at most 64
     * characters), "bearer" for any token, "none" or "other" otherwise. Never the secret.
     */
    public String claimedName(String authorization) {
        if (authorization == null) {
            return "none";
        }
        if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                String user = colon < 0 ? decoded : decoded.substring(0, colon);
                return "basic:" + (user.length() > 64 ? user.substring(0, 64) : user);
            } catch (IllegalArgumentException e) {
                return "other";
            }
        }
        return authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? "bearer" : "other";
    }

    /** Empty for a header that is missing, malformed or not valid. */
    public Optional<Principal> authenticate(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        if (users != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            int colon = decoded.indexOf(':');
            return colon <= 0 ? Optional.empty() : users.authenticate(decoded.substring(0, colon), decoded.substring(colon + 1));
        }
        if (tokens != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return tokens.verify(authorization.substring(7).trim());
        }
        return Optional.empty();
    }
}
