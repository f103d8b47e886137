package io.switchboard.kafkaio;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;

/**
 * Signs records and checks their signatures: an HMAC-SHA256 ({@link Hmacs}) over the topic's name, the record's
 * key and value bytes, exactly as they are on the topic, and every header but the signature's (names and
 * values, in order: a header added, removed or changed breaks it), carried in the header {@value #HEADER} as
 * {@code <key id>:<base64url of the 32-byte MAC>}. Only holders of the keys can sign; a record with
 * no signature, a signature by a key id not held here, or one that does not match its bytes is told
 * apart ({@link Verdict}). Deterministic (the same bytes are signed the same way every time) and
 * safe for any number of threads.
 */
public final class RecordSignatures {
    /** The header that carries a record's signature. */
    public static final String HEADER = "switchboard.signature";
    private static final int MAC_LENGTH = Hmacs.LENGTH;

    /** What a record's signature says of it; {@link #reason()} is a bounded label. */
    public enum Verdict {
        SIGNED("signed"),
        /** No signature header (or an empty one). */
        UNSIGNED("unsigned"),
        /** Signed with a key id not held here: never held, or removed. */
        UNKNOWN_KEY("unknown_key"),
        /** A signature that does not match the record's bytes, or cannot be read. */
        BAD_SIGNATURE("bad_signature");

        private final String reason;

        Verdict(String reason) {
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    private final String signingId;
    /** One MAC initialised per key id, cloned for each use (a MAC is not thread-safe; a clone skips the key setup). */
    private final Map<String, Mac> macs;

    /**
     * @param keys the keys by id, in order: the first signs, every one verifies
     */
    public RecordSignatures(Map<String, byte[]> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("Signing records needs at least one key");
        }
        Map<String, Mac> initialised = new LinkedHashMap<>();
        keys.forEach((id, key) -> {
            if (id.isEmpty() || id.indexOf(':') >= 0) {
                throw new IllegalArgumentException("A signing key id is not empty and has no ':'");
            }
            initialised.put(id, Hmacs.keyed(key));
        });
        this.macs = Map.copyOf(initialised);
        this.signingId = keys.keySet().iterator().next();
    }

    /**
     * Signatures under keys derived for one purpose from base keys (each is HMAC-SHA256 of the base key
     * over {@code purpose}), with the base keys' ids: the same base keys give the same signing keys
     * everywhere, and a key derived for one purpose signs nothing valid for another.
     *
     * @param baseKeys the base keys by id, in order: the first signs
     */
    public static RecordSignatures derived(Map<String, byte[]> baseKeys, KeyPurpose purpose) {
        Map<String, byte[]> derived = new LinkedHashMap<>();
        baseKeys.forEach((id, key) -> derived.put(id, Hmacs.derive(key, purpose)));
        return new RecordSignatures(derived);
    }

    /** The id of the key that signs. */
    public String signingId() {
        return signingId;
    }

    /** Signs the record: replaces any signature header with this key's signature of these bytes and the other headers. */
    public void sign(String topic, byte[] key, byte[] value, Headers headers) {
        headers.remove(HEADER);
        byte[] signature = compute(macs.get(signingId), topic, key, value, headers);
        headers.add(HEADER, (signingId + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(signature))
                .getBytes(StandardCharsets.US_ASCII));
    }

    /** Checks the record's signature (its last signature header) against its bytes and its other headers. */
    public Verdict verify(String topic, byte[] key, byte[] value, Headers headers) {
        Header header = headers == null ? null : headers.lastHeader(HEADER);
        if (header == null || header.value() == null || header.value().length == 0) {
            return Verdict.UNSIGNED;
        }
        String text = new String(header.value(), StandardCharsets.US_ASCII);
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            return Verdict.BAD_SIGNATURE;
        }
        Mac mac = macs.get(text.substring(0, colon));
        if (mac == null) {
            return Verdict.UNKNOWN_KEY;
        }
        byte[] claimed;
        try {
            claimed = Base64.getUrlDecoder().decode(text.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            return Verdict.BAD_SIGNATURE;
        }
        if (claimed.length != MAC_LENGTH) {
            return Verdict.BAD_SIGNATURE;
        }
        return MessageDigest.isEqual(claimed, compute(mac, topic, key, value, headers)) ? Verdict.SIGNED : Verdict.BAD_SIGNATURE;
    }

    /**
     * The MAC of the topic, key, value and the headers but the signature's (their number, then each
     * name and value), each length-prefixed (-1 for a null key or value), so no two records sign alike.
     */
    private static byte[] compute(Mac prototype, String topic, byte[] key, byte[] value, Headers headers) {
        Mac mac = copy(prototype);
        byte[] name = topic.getBytes(StandardCharsets.UTF_8);
        update(mac, name);
        update(mac, key);
        update(mac, value);
        List<Header> signed = new ArrayList<>();
        if (headers != null) {
            for (Header header : headers) {
                if (!HEADER.equals(header.key())) {
                    signed.add(header);
                }
            }
        }
        length(mac, signed.size());
        for (Header header : signed) {
            update(mac, header.key().getBytes(StandardCharsets.UTF_8));
            update(mac, header.value());
        }
        return mac.doFinal();
    }

    private static void update(Mac mac, byte[] bytes) {
        length(mac, bytes == null ? -1 : bytes.length);
        if (bytes != null) {
            mac.update(bytes);
        }
    }

    private static void length(Mac mac, int length) {
        mac.update((byte) (length >>> 24));
        mac.update((byte) (length >>> 16));
        mac.update((byte) (length >>> 8));
        mac.update((byte) length);
    }

    private static Mac copy(Mac prototype) {
        try {
            return (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("This JVM's " + Hmacs.ALGORITHM + " cannot be copied", e);
        }
    }

    @Override
    public String toString() {
        return "RecordSignatures[signing with " + signingId + ", verifying " + macs.keySet() + "]";
    }
}
