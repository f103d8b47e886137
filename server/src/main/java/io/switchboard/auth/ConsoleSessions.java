package io.switchboard.auth;

import io.switchboard.kafkaio.Hmacs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Console sessions: a user who signs in with an API key gets a cookie that any replica accepts,
 * holding no secret: the user's name, when the session ends, a stamp of the user's key and an
 * HMAC over them with a key derived from the replicas' shared session key (so a session value can
 * never pass as a replica's request signature, nor the reverse).
 *
 * <p>Invariants: a session ends at its expiry, when the user leaves the users file, or when the
 * user's key changes, or when the user signs out on any replica (every session of that user issued
 * before then ends: {@link Revocations}); the grants are those the users file gives now, never those of sign-in time.
 * The cookie is HttpOnly, SameSite=Strict, Secure over HTTPS, and counts only for the console's
 * pages and the event stream they read ({@link #counts}); the JSON APIs take headers only, so a
 * browser's cookie never carries a write to them.
 */
public final class ConsoleSessions {
    public static final String COOKIE = "switchboard_session";
    static final Duration LIFETIME = Duration.ofHours(8);

    private final UsersFile users;
    private final Supplier<byte[]> signingKey;
    private final Supplier<List<byte[]>> acceptedKeys;
    private final Clock clock;
    private final Revocations revocations;

    /** Sign-outs, shared by the replicas (through their keys topic, see {@link ReplicaKeys}). */
    public interface Revocations {
        /** Ends every session of this user issued until now. */
        void signOut(String user);

        /** When the user last signed out (millis); {@link Long#MIN_VALUE} if never. */
        long signedOutAt(String user);
    }

    public ConsoleSessions(UsersFile users, Supplier<byte[]> signingKey, Supplier<List<byte[]>> acceptedKeys, Clock clock,
                           Revocations revocations) {
        this.revocations = revocations;
        this.users = users;
        this.signingKey = signingKey;
        this.acceptedKeys = acceptedKeys;
        this.clock = clock;
    }

    /** Whether a session cookie counts for this request: the console's pages and actions, and reading the event stream. */
    public static boolean counts(String method, String path) {
        return path.startsWith("/console/") || path.equals("/console") || ("GET".equals(method) && path.equals("/events"));
    }

    /** A new session's cookie value for a user who has just proved their key. */
    public String issue(String name) {
        String stamp = users.keyStamp(name).orElseThrow(() -> new IllegalArgumentException("not a user: " + name));
        String user = Base64.getUrlEncoder().withoutPadding().encodeToString(name.getBytes(StandardCharsets.UTF_8));
        String expires = String.valueOf(clock.millis() + LIFETIME.toMillis());
        return user + "." + expires + "." + stamp + "." + mac(signingKey.get(), user, expires, stamp);
    }

    /** The principal of a valid session cookie value; empty for anything else. */
    public Optional<Principal> principal(String cookie) {
        if (cookie == null || cookie.length() > 512) {
            return Optional.empty();
        }
        String[] parts = cookie.split("\\.", -1);
        if (parts.length != 4) {
            return Optional.empty();
        }
        long expires;
        String name;
        try {
            expires = Long.parseLong(parts[1]);
            name = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (expires <= clock.millis() || expires > clock.millis() + LIFETIME.toMillis()
                || expires - LIFETIME.toMillis() <= revocations.signedOutAt(name)) {
            return Optional.empty();
        }
        byte[] given = parts[3].getBytes(StandardCharsets.US_ASCII);
        for (byte[] key : acceptedKeys.get()) {
            if (MessageDigest.isEqual(mac(key, parts[0], parts[1], parts[2]).getBytes(StandardCharsets.US_ASCII), given)) {
                return users.sessionPrincipal(name, parts[2]);
            }
        }
        return Optional.empty();
    }

    /** Ends every session of the user whose valid session cookie this is, on every replica; nothing for any other value. */
    public void signOut(String cookie) {
        principal(cookie).ifPresent(principal -> revocations.signOut(principal.name()));
    }

    /** The Set-Cookie value that starts a session. */
    public static String setCookie(String value, boolean secure) {
        return COOKIE + "=" + value + "; Path=/; Max-Age=" + LIFETIME.toSeconds() + "; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : "");
    }

    /** The Set-Cookie value that ends it. */
    public static String clearCookie(boolean secure) {
        return COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    private static String mac(byte[] replicaKey, String user, String expires, String stamp) {
        byte[] signed = Hmacs.of(Hmacs.derive(replicaKey, io.switchboard.kafkaio.KeyPurpose.CONSOLE_SESSIONS), user + "\n" + expires + "\n" + stamp);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(signed);
    }
}
