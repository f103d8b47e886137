package io.switchboard.secrets;

import io.switchboard.kafkaio.Hmacs;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;

/**
 * Seals a secret config value as {@code ${switchboard:KEY-ID:CIPHERTEXT}}: AES-256-GCM under the
 * keyring's current key, in the form of a Kafka Connect config provider placeholder, so a worker
 * with {@code io.switchboard.worker.SecretConfigProvider} opens it only when a connector starts.
 *
 * <p>Sealing is deterministic: the nonce is an HMAC of the key name and value, so sealing the same
 * value for the same key again gives the same text, and a config that changes nothing compares
 * equal. What that reveals is only whether two sealed values of one key are equal.
 */
public final class SecretBox {
    public static final String PREFIX = "${switchboard:";
    /**
     * The key name a replicas' session key sealed without a purpose ({@link #seal}) is sealed under:
     * such a value may still be stored, and the worker's channel refuses it
     * ({@link #openConnectorValue}).
     */
    static final String LEGACY_SESSION_KEY_FIELD = "replica-session-key";
    /** Marks a ciphertext sealed for a purpose ({@link #sealFor}); base64url has no dot. */
    private static final String BOUND = "2.";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final Keyring keyring;

    public SecretBox(Keyring keyring) {
        this.keyring = keyring;
    }

    /** Whether the whole value is one reference to the {@code switchboard} provider (read by {@link ConfigReferences}). */
    public static boolean isSealed(String value) {
        return ConfigReferences.whole(value).filter(ConfigReferences.Reference::isSealed).isPresent();
    }

    /** The id of the key that sealed a value. */
    public static String keyIdOf(String sealed) {
        return ConfigReferences.whole(sealed).map(ConfigReferences.Reference::path).orElse("");
    }

    /**
     * A token for one purpose, derived from the keyring's current key (base64url, 256 bits): every
     * replica of a deployment, holding the same keyring, derives the same one, and it reveals nothing
     * of the key.
     */
    public String derivedToken(io.switchboard.kafkaio.KeyPurpose purpose) {
        return java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(io.switchboard.kafkaio.Hmacs.derive(keyring.current().key().getEncoded(), purpose));
    }

    public String seal(String field, String plaintext) {
        Keyring.Key key = keyring.current();
        byte[] clear = plaintext.getBytes(StandardCharsets.UTF_8);
        try {
            byte[] nonce = Arrays.copyOf(nonceMac(key.key(), field, clear), NONCE_BYTES);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.key(), new GCMParameterSpec(TAG_BITS, nonce));
            byte[] sealed = cipher.doFinal(clear);
            byte[] out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
            return PREFIX + key.id() + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(out) + "}";
        } catch (GeneralSecurityException e) {
            throw new SecretException("Cannot seal the value of " + field + ": " + e.getClass().getSimpleName());
        }
    }

    /** The value a sealed text stands for. */
    public String open(String sealed) {
        ConfigReferences.Reference reference = ConfigReferences.whole(sealed)
                .filter(ConfigReferences.Reference::isSealed).orElseThrow(() -> new SecretException("Not a sealed value"));
        if (reference.path().isEmpty()) {
            throw new SecretException("A sealed value names its key: ${switchboard:KEY-ID:CIPHERTEXT}");
        }
        return open(reference.path(), reference.key());
    }

    /** Opens the ciphertext part of a sealed value, sealed with the given key. */
    public String open(String keyId, String ciphertext) {
        Keyring.Key key = keyring.byId(keyId).orElseThrow(() -> new SecretException(
                "The key " + keyId + " that sealed this value is not in the keyring"));
        try {
            byte[] in = Base64.getUrlDecoder().decode(ciphertext);
            if (in.length < NONCE_BYTES + TAG_BITS / 8) {
                throw new SecretException("A sealed value is too short");
            }
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.key(), new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new SecretException("A sealed value is not base64");
        } catch (GeneralSecurityException e) {
            throw new SecretException("A sealed value does not open with key " + keyId + " (altered, or another key)");
        }
    }

    /**
     * Seals a value of the control plane's own (the replicas' session key), bound to its purpose as
     * the cipher's associated data: it opens only with {@link #openFor} and the same purpose, never
     * as a connector's value ({@link #openConnectorValue}), so a worker asked to open it opens nothing.
     */
    public String sealFor(String purpose, String plaintext) {
        Keyring.Key key = keyring.current();
        byte[] clear = plaintext.getBytes(StandardCharsets.UTF_8);
        try {
            byte[] nonce = Arrays.copyOf(nonceMac(key.key(), "purpose:" + purpose, clear), NONCE_BYTES);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.key(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(purpose.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(clear);
            byte[] out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
            return PREFIX + key.id() + ":" + BOUND + Base64.getUrlEncoder().withoutPadding().encodeToString(out) + "}";
        } catch (GeneralSecurityException e) {
            throw new SecretException("Cannot seal a value for " + purpose + ": " + e.getClass().getSimpleName());
        }
    }

    /**
     * Opens what {@link #sealFor} sealed for {@code purpose}; a value sealed without a purpose (with
     * {@link #seal}) opens as it was sealed.
     */
    public String openFor(String purpose, String sealed) {
        ConfigReferences.Reference reference = ConfigReferences.whole(sealed)
                .filter(ConfigReferences.Reference::isSealed).orElseThrow(() -> new SecretException("Not a sealed value"));
        if (!reference.key().startsWith(BOUND)) {
            return open(reference.path(), reference.key());
        }
        Keyring.Key key = keyring.byId(reference.path()).orElseThrow(() -> new SecretException(
                "The key " + reference.path() + " that sealed this value is not in the keyring"));
        try {
            byte[] in = Base64.getUrlDecoder().decode(reference.key().substring(BOUND.length()));
            if (in.length < NONCE_BYTES + TAG_BITS / 8) {
                throw new SecretException("A sealed value is too short");
            }
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.key(), new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            cipher.updateAAD(purpose.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new SecretException("A sealed value is not base64");
        } catch (GeneralSecurityException e) {
            throw new SecretException("A sealed value does not open for " + purpose + " with key " + reference.path());
        }
    }

    /**
     * What the embedded worker's channel opens: a connector's sealed value, and nothing sealed for
     * the control plane. A value bound to a purpose ({@link #sealFor}) is refused, and so is a
     * replicas' session key sealed without one, told exactly by its nonce (derived from the key
     * name it was sealed under and the value).
     */
    public String openConnectorValue(String keyId, String ciphertext) {
        if (ciphertext.startsWith(BOUND)) {
            throw new SecretException("A value sealed for the control plane is not a connector's");
        }
        String clear = open(keyId, ciphertext);
        Keyring.Key key = keyring.byId(keyId).orElseThrow();
        byte[] nonce = Arrays.copyOf(Base64.getUrlDecoder().decode(ciphertext), NONCE_BYTES);
        byte[] sessionNonce = Arrays.copyOf(nonceMac(key.key(), LEGACY_SESSION_KEY_FIELD, clear.getBytes(StandardCharsets.UTF_8)), NONCE_BYTES);
        if (java.security.MessageDigest.isEqual(nonce, sessionNonce)) {
            throw new SecretException("A value sealed for the control plane is not a connector's");
        }
        return clear;
    }

    /** The MAC of the key name, a zero byte and the value, under a key derived from the sealing key for nonces. */
    private static byte[] nonceMac(SecretKeySpec key, String field, byte[] clear) {
        return Hmacs.of(Hmacs.derive(key.getEncoded(), io.switchboard.kafkaio.KeyPurpose.SEALING_NONCES), field.getBytes(StandardCharsets.UTF_8), new byte[] {0}, clear);
    }

    /** A value that cannot be sealed or opened; its message never quotes the value. */
    public static final class SecretException extends RuntimeException {
        public SecretException(String message) {
            super(message);
        }
    }
}
