package io.switchboard.auth;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

import java.security.SecureRandom;

/**
 * API key hashes: bcrypt (Bouncy Castle's OpenBSDBCrypt), cost 12, a random 16-byte salt per hash,
 * in the usual {@code $2y$12$...} form. Slow on purpose: a stolen users file does not give the keys.
 */
public final class SecretHashes {
    static final int COST = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private SecretHashes() {
    }

    public static String hash(String secret) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return OpenBSDBCrypt.generate("2y", secret.toCharArray(), salt, COST);
    }

    /** In constant time for a well-formed hash; false for a malformed one. */
    public static boolean matches(String secret, String hash) {
        try {
            return OpenBSDBCrypt.checkPassword(hash, secret.toCharArray());
        } catch (RuntimeException e) {
            return false;
        }
    }
}
