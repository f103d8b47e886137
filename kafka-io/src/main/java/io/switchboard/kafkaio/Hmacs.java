package io.switchboard.kafkaio;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * The one keyed hash of Switchboard, HMAC-SHA256, and the one way a key is derived from another for a
 * purpose: every signature (commands, states, decisions and the other records replicas act on,
 * requests between replicas, console sessions), the keyring's fingerprint and the nonce of a sealed
 * value are made with it. Here because this module is below every module that needs it.
 */
public final class Hmacs {
    /** The JCA name of the MAC. */
    public static final String ALGORITHM = "HmacSHA256";
    /** The length of a MAC, in bytes. */
    public static final int LENGTH = 32;

    private Hmacs() {
    }

    /** A MAC under {@code key}, ready for its input: for input given in pieces, or a prototype to clone. */
    public static Mac keyed(byte[] key) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is not available", e);
        }
    }

    /** The MAC under {@code key} of the parts, one after the other. */
    public static byte[] of(byte[] key, byte[]... parts) {
        Mac mac = keyed(key);
        for (byte[] part : parts) {
            mac.update(part);
        }
        return mac.doFinal();
    }

    /** The MAC under {@code key} of the text's UTF-8 bytes. */
    public static byte[] of(byte[] key, String text) {
        return of(key, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A key derived from {@code key} for one purpose ({@link KeyPurpose}, which lists them all): the MAC
     * of the purpose's text under the key. A key derived for one purpose signs nothing valid for another, and reveals nothing
     * of the key it was derived from.
     */
    public static byte[] derive(byte[] key, KeyPurpose purpose) {
        return of(key, purpose.text());
    }
}
