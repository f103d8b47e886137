package io.switchboard.unit;

import io.switchboard.auth.ReplicaKeys;

import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The replicas' shared keys of one replica alone, in memory: one random session key, and its sign-outs. */
public final class InMemoryReplicaKeys implements ReplicaKeys {
    private final byte[] key = new byte[32];
    private final Map<String, Long> signedOut = new ConcurrentHashMap<>();

    public InMemoryReplicaKeys() {
        new SecureRandom().nextBytes(key);
    }

    @Override
    public byte[] signingKey() {
        return key.clone();
    }

    @Override
    public List<byte[]> acceptedKeys() {
        return List.of(key.clone());
    }

    @Override
    public void signOut(String user) {
        signedOut.merge(user, System.currentTimeMillis(), Math::max);
    }

    @Override
    public long signedOutAt(String user) {
        return signedOut.getOrDefault(user, Long.MIN_VALUE);
    }
}
