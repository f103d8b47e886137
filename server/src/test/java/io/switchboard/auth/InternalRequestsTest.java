package io.switchboard.auth;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InternalRequestsTest {
    private static final Clock AT = Clock.fixed(Instant.parse("2026-11-25T08:00:00Z"), ZoneOffset.UTC);
    private final byte[] old = "old-session-key-0123456789abcdef".getBytes();
    private final byte[] current = "new-session-key-0123456789abcdef".getBytes();

    @Test
    void aRequestSignedWithAKeyStillAcceptedVerifiesOneSignedWithAnotherDoesNot() {
        AtomicReference<byte[]> signing = new AtomicReference<>(old);
        InternalRequests sender = new InternalRequests(signing::get, () -> List.of(old), "b:8083", AT);
        String[] beforeRotation = sender.sign("b:8083", "GET", "/internal/stores/connectors?partition=0");
        signing.set(current);
        String[] afterRotation = sender.sign("b:8083", "GET", "/internal/stores/connectors?partition=0");

        InternalRequests rotated = new InternalRequests(() -> current, () -> List.of(current, old), "b:8083", AT);
        assertTrue(rotated.verify("GET", "/internal/stores/connectors?partition=0", beforeRotation[1], beforeRotation[3]));
        assertTrue(rotated.verify("GET", "/internal/stores/connectors?partition=0", afterRotation[1], afterRotation[3]));
        assertFalse(rotated.verify("GET", "/internal/stores/connectors?partition=1", afterRotation[1], afterRotation[3]),
                "signed for another path");

        InternalRequests stranger = new InternalRequests(() -> "another-key-0123456789abcdef0123".getBytes(),
                () -> List.of("another-key-0123456789abcdef0123".getBytes()), "b:8083", AT);
        String[] forged = stranger.sign("b:8083", "GET", "/internal/stores/connectors?partition=0");
        assertFalse(rotated.verify("GET", "/internal/stores/connectors?partition=0", forged[1], forged[3]));
        InternalRequests onlyCurrent = new InternalRequests(() -> current, () -> List.of(current), "b:8083", AT);
        assertFalse(onlyCurrent.verify("GET", "/internal/stores/connectors?partition=0", beforeRotation[1], beforeRotation[3]),
                "a key no longer accepted");
    }

    /** A request signed for one replica is refused by another: a captured one cannot be replayed elsewhere. */
    @Test
    void aRequestSignedForOneReplicaIsRefusedByAnother() {
        InternalRequests sender = new InternalRequests(() -> current, () -> List.of(current), "a:8083", AT);
        String[] forB = sender.sign("b:8083", "GET", "/internal/stores/connectors?partition=0");
        InternalRequests b = new InternalRequests(() -> current, () -> List.of(current), "b:8083", AT);
        InternalRequests c = new InternalRequests(() -> current, () -> List.of(current), "c:8083", AT);
        assertTrue(b.verify("GET", "/internal/stores/connectors?partition=0", forB[1], forB[3]));
        assertFalse(c.verify("GET", "/internal/stores/connectors?partition=0", forB[1], forB[3]), "replayed on another replica");
    }

    /**
     * During a rolling upgrade, replicas of the earlier version sign without naming the replica: the
     * new ones still accept that form, or reads between old and new replicas would fail until the
     * last one is upgraded. What the new ones send is never in that form.
     */
    @Test
    void aRequestSignedTheEarlierWayIsStillAcceptedButNeverSent() {
        String at = String.valueOf(AT.millis());
        String earlier = InternalRequests.unnamedSignature(current, "GET", "/internal/stores/connectors?partition=0", at);
        InternalRequests b = new InternalRequests(() -> current, () -> List.of(current), "b:8083", AT);
        assertTrue(b.verify("GET", "/internal/stores/connectors?partition=0", earlier, at), "an earlier replica's read");
        assertFalse(b.verify("GET", "/internal/stores/connectors?partition=1", earlier, at), "signed for another path");
        String[] sent = b.sign("c:8083", "GET", "/internal/stores/connectors?partition=0");
        assertFalse(earlier.equals(sent[1]), "this version names the replica in what it sends");
    }
}
