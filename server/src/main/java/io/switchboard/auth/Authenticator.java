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

    /**
     * Console sessions for the users of the users file; null when there is none (OIDC only). The
     * same sign-outs end OIDC tokens issued before them ({@link OidcTokens#revokedBy}).
     */
    public ConsoleSessions sessions(Supplier<byte[]> signingKey, Supplier<List<byte[]>> acceptedKeys, Clock clock,
                                    ConsoleSessions.Revocations revocations) {
        if (tokens != null) {
            tokens.revokedBy(revocations);
        }
        return users == null ? null : new ConsoleSessions(users, signingKey, acceptedKeys, clock, revocations);
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
     * Whether this header is a guess worth counting: a Basic user and key, or a bearer token. A
     * malformed header is refused without checking anything, so it guesses nothing and costs nothing.
     */
    public boolean checksCredentials(String authorization) {
        if (authorization == null) {
            return false;
        }
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return tokens != null;
        }
        if (users == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            return decoded.indexOf(':') > 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Empty for a header that is missing, malformed or not valid. */
    public Optional<Principal> authenticate(String authorization) {
        return authenticate(authorization, true);
    }

    /**
     * As {@link #authenticate(String)}, but no key is hashed: an API key passes only if it was
     * verified before (bearer tokens are checked as always: a signature check is cheap).
     */
    public Optional<Principal> authenticateWithoutHashing(String authorization) {
        return authenticate(authorization, false);
    }

    private Optional<Principal> authenticate(String authorization, boolean mayHash) {
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
            if (colon <= 0) {
                return Optional.empty();
            }
            String name = decoded.substring(0, colon);
            String secret = decoded.substring(colon + 1);
            return mayHash ? users.authenticate(name, secret) : users.remembered(name, secret);
        }
        if (tokens != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return tokens.verify(authorization.substring(7).trim());
        }
        return Optional.empty();
    }
}
