package io.switchboard.auth;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * API key hashes: bcrypt (Bouncy Castle's OpenBSDBCrypt), cost 12 unless asked otherwise, a random
 * 16-byte salt per hash, in the usual {@code $2y$12$...} form. Slow on purpose: a stolen users file
 * does not give the keys. Each hash carries its own cost, and checking one costs what it says.
 */
public final class SecretHashes {
    static final int COST = 12;
    static final int MIN_COST = 4;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** One hash of nothing anybody knows per cost, checked for a name that is not there. */
    private static final Map<Integer, String> DECOYS = new ConcurrentHashMap<>();
    private static final LongAdder CHECKS = new LongAdder();

    private SecretHashes() {
    }

    public static String hash(String secret) {
        return hash(secret, COST);
    }

    /** @param cost bcrypt's log2 of rounds, 4 to 31 */
    public static String hash(String secret, int cost) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return OpenBSDBCrypt.generate("2y", secret.toCharArray(), salt, cost);
    }

    /** How many keys were checked against a hash in this process: the bcrypt work done, for tests and metrics. */
    public static long checks() {
        return CHECKS.sum();
    }

    /** In constant time for a well-formed hash; false for a malformed one. */
    public static boolean matches(String secret, String hash) {
        CHECKS.increment();
        try {
            return OpenBSDBCrypt.checkPassword(hash, secret.toCharArray());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The cost a hash says it was made with; {@link #COST} for one that does not say. */
    static int cost(String hash) {
        String[] parts = hash.split("\\$");
        try {
            return parts.length > 2 ? Math.max(MIN_COST, Math.min(31, Integer.parseInt(parts[2]))) : COST;
        } catch (NumberFormatException e) {
            return COST;
        }
    }

    /**
     * Checks a key against a hash of that cost that no key matches: what an unknown name is made to
     * cost, so that it takes as long as a wrong key and names cannot be told by timing.
     */
    static void checkDecoy(String secret, int cost) {
        matches(secret, decoy(cost));
    }

    /** The decoy hash of this cost, made on first use (at most one per cost from 4 to 31). */
    static String decoy(int cost) {
        return DECOYS.computeIfAbsent(cost, c -> {
            byte[] random = new byte[16];
            RANDOM.nextBytes(random);
            return hash(HexFormat.of().formatHex(random), c);
        });
    }
}
