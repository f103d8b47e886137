package io.switchboard.auth;

import io.switchboard.kafkaio.Hmacs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;

/**
 * Replica-to-replica requests ({@code /internal/...}), signed as Kafka Connect signs its internal
 * requests: an HMAC-SHA256 over the replica it is for (its advertised host and port), the method,
 * the path and query, and a timestamp, with the session
 * key the replicas share through Kafka ({@link ReplicaKeys}; only replicas can open it), sent in
 * {@value #SIGNATURE} and {@value #TIMESTAMP}. A request more than {@link #WINDOW_MS} old or new
 * is refused, so a captured one cannot be replayed later, and one signed for another replica is
 * refused too, so a captured one cannot be replayed on the other replicas meanwhile.
 */
public final class InternalRequests {
    public static final String SIGNATURE = "X-Switchboard-Signature";
    public static final String TIMESTAMP = "X-Switchboard-Timestamp";
    static final long WINDOW_MS = 60_000;
    private final Supplier<byte[]> signingKey;
    private final Supplier<List<byte[]>> acceptedKeys;
    private final Clock clock;
    private final String self;

    /**
     * @param signingKey   the key requests are signed with now ({@link ReplicaKeys#signingKey})
     * @param acceptedKeys the keys a request may be signed with: the signing key and those it replaced
     *                     ({@link ReplicaKeys#acceptedKeys})
     * @param self         this replica as the others address it: {@code host:port} of its advertised URL
     */
    public InternalRequests(Supplier<byte[]> signingKey, Supplier<List<byte[]>> acceptedKeys, String self, Clock clock) {
        this.self = self;
        this.signingKey = signingKey;
        this.acceptedKeys = acceptedKeys;
        this.clock = clock;
    }

    /** The two headers to send with a request to the replica at {@code target} (host:port): name, value, name, value. */
    public String[] sign(String target, String method, String pathAndQuery) {
        String at = String.valueOf(clock.millis());
        return new String[] {SIGNATURE, signature(signingKey.get(), target, method, pathAndQuery, at), TIMESTAMP, at};
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
        boolean verified = false;
        for (byte[] key : acceptedKeys.get()) {
            verified |= MessageDigest.isEqual(signature(key, self, method, pathAndQuery, timestamp).getBytes(StandardCharsets.US_ASCII), given);
        }
        return verified;
    }

    private static String signature(byte[] key, String target, String method, String pathAndQuery, String timestamp) {
        byte[] mac = Hmacs.of(key, target + "\n" + method + "\n" + pathAndQuery + "\n" + timestamp);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac);
    }
}
