package io.switchboard.auth;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;

/**
 * Replica-to-replica requests ({@code /internal/...}), signed as Kafka Connect signs its internal
 * requests: an HMAC-SHA256 over the method, the path and query, and a timestamp, with the session
 * key the replicas share through Kafka ({@link ReplicaKeys}; only replicas can open it), sent in
 * {@value #SIGNATURE} and {@value #TIMESTAMP}. A request more than {@link #WINDOW_MS} old or new
 * is refused, so a captured one cannot be replayed later.
 */
public final class InternalRequests {
    public static final String SIGNATURE = "X-Switchboard-Signature";
    public static final String TIMESTAMP = "X-Switchboard-Timestamp";
    static final long WINDOW_MS = 60_000;
    private final Supplier<byte[]> signingKey;
    private final Supplier<List<byte[]>> acceptedKeys;
    private final Clock clock;

    /** With the session keys the replicas share through Kafka. */
    public InternalRequests(ReplicaKeys keys, Clock clock) {
        this(keys::signingKey, keys::acceptedKeys, clock);
    }

    /**
     * @param signingKey   the key requests are signed with now
     * @param acceptedKeys the keys a request may be signed with (the signing key and those it replaced)
     */
    public InternalRequests(Supplier<byte[]> signingKey, Supplier<List<byte[]>> acceptedKeys, Clock clock) {
        this.signingKey = signingKey;
        this.acceptedKeys = acceptedKeys;
        this.clock = clock;
    }

    /** The two headers to send with a request: name, value, name, value. */
    public String[] sign(String method, String pathAndQuery) {
        String at = String.valueOf(clock.millis());
        return new String[] {SIGNATURE, signature(signingKey.get(), method, pathAndQuery, at), TIMESTAMP, at};
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
        byte[] given = signature.getBytes(StandardCharsets.US_ASCII);
        for (byte[] key : acceptedKeys.get()) {
            if (MessageDigest.isEqual(signature(key, method, pathAndQuery, timestamp).getBytes(StandardCharsets.US_ASCII), given)) {
                return true;
            }
        }
        return false;
    }

    private static String signature(byte[] key, String method, String pathAndQuery, String timestamp) {
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
