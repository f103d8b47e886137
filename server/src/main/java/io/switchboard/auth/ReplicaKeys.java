package io.switchboard.auth;

import java.util.List;

/**
 * What the replicas of one Switchboard share, the server's port to it: the session key that signs
 * replica-to-replica requests ({@link InternalRequests}) and console sessions ({@link ConsoleSessions}),
 * with the keys it replaced that are still accepted, and the console's sign-outs. The app shares
 * them through a Kafka topic; the server's own tests keep them in memory.
 */
public interface ReplicaKeys extends ConsoleSessions.Revocations {
    /** The key this replica signs with: the newest it knows. */
    byte[] signingKey();

    /** The keys a request may be signed with, newest first. */
    List<byte[]> acceptedKeys();
}
