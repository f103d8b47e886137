package io.switchboard.secrets;

import java.nio.charset.StandardCharsets;

/**
 * How much of every replica's memory named secrets may take: each is held sealed in memory by every
 * replica, and read back from its topic at every start. A value holds at most {@link #maxSecretBytes}
 * bytes (UTF-8, before sealing) and a cluster at most {@link #maxSecretsPerCluster} secrets.
 *
 * @param maxSecretBytes       the largest value of one secret ({@code --max-secret-bytes})
 * @param maxSecretsPerCluster the most secrets one cluster holds ({@code --max-secrets-per-cluster})
 */
public record SecretBounds(int maxSecretBytes, int maxSecretsPerCluster) {
    public static final int DEFAULT_MAX_SECRET_BYTES = 64 * 1024;
    public static final int DEFAULT_MAX_SECRETS_PER_CLUSTER = 1000;
    public static final SecretBounds DEFAULT = new SecretBounds(DEFAULT_MAX_SECRET_BYTES, DEFAULT_MAX_SECRETS_PER_CLUSTER);

    public SecretBounds {
        if (maxSecretBytes < 1 || maxSecretsPerCluster < 1) {
            throw new IllegalArgumentException("--max-secret-bytes and --max-secrets-per-cluster are at least 1 ("
                    + maxSecretBytes + ", " + maxSecretsPerCluster + ")");
        }
    }

    /** Why the value cannot be a secret's, or null. */
    public String valueProblem(String value) {
        int bytes = value == null ? 0 : value.getBytes(StandardCharsets.UTF_8).length;
        return bytes <= maxSecretBytes ? null
                : "the secret is " + bytes + " bytes long; a secret holds at most " + maxSecretBytes + " bytes (--max-secret-bytes)";
    }

    /** Why a cluster that holds {@code held} secrets cannot take another, or null. */
    public String countProblem(String cluster, int held) {
        return held < maxSecretsPerCluster ? null
                : "cluster " + cluster + " holds " + held + " secrets; a cluster holds at most " + maxSecretsPerCluster
                        + " (--max-secrets-per-cluster): delete one first";
    }
}
