package io.switchboard.auth;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;

/**
 * Replica-to-replica requests ({@code /internal/...}), signed as Kafka Connect signs its internal
 * requests: an HMAC-SHA256 over the method, the path and query, and a timestamp, with a key derived
 * from the keyring every replica shares (so only replicas can make one), sent in
 * {@value #SIGNATURE} and {@value #TIMESTAMP}. A request more than {@link #WINDOW_MS} old or new
 * is refused, so a captured one cannot be replayed later.
 */
public final class InternalRequests {
    public static final String SIGNATURE = "X-Switchboard-Signature";
    public static final String TIMESTAMP = "X-Switchboard-Timestamp";
    static final long WINDOW_MS = 60_000;
    private final byte[] key;
    private final Clock clock;

    /** @param keyringSecret the shared keyring's key material, from which the signing key is derived */
    public InternalRequests(byte[] keyringSecret, Clock clock) {
        this.key = hmac(keyringSecret, "switchboard internal requests v1".getBytes(StandardCharsets.UTF_8));
        this.clock = clock;
    }

    /** The two headers to send with a request: name, value, name, value. */
    public String[] sign(String method, String pathAndQuery) {
        String at = String.valueOf(clock.millis());
        return new String[] {SIGNATURE, signature(method, pathAndQuery, at), TIMESTAMP, at};
    }

    public boolean verify(String method, String pathAndQuery, String signature, String timestamp) {
        if (signature == null || timestamp == null) {
            return false;
        }
        long at;
        try {
            at = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(clock.millis() - at) > WINDOW_MS) {
            return false;
        }
        return MessageDigest.isEqual(signature(method, pathAndQuery, timestamp).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
    }

    private String signature(String method, String pathAndQuery, String timestamp) {
        byte[] mac = hmac(key, (method + "\n" + pathAndQuery + "\n" + timestamp).getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac);
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
