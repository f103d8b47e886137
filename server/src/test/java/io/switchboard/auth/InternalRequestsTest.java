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
        InternalRequests sender = new InternalRequests(signing::get, () -> List.of(old), AT);
        String[] beforeRotation = sender.sign("GET", "/internal/stores/connectors?partition=0");
        signing.set(current);
        String[] afterRotation = sender.sign("GET", "/internal/stores/connectors?partition=0");

        InternalRequests rotated = new InternalRequests(() -> current, () -> List.of(current, old), AT);
        assertTrue(rotated.verify("GET", "/internal/stores/connectors?partition=0", beforeRotation[1], beforeRotation[3]));
        assertTrue(rotated.verify("GET", "/internal/stores/connectors?partition=0", afterRotation[1], afterRotation[3]));
        assertFalse(rotated.verify("GET", "/internal/stores/connectors?partition=1", afterRotation[1], afterRotation[3]),
                "signed for another path");

        InternalRequests stranger = new InternalRequests(() -> "another-key-0123456789abcdef0123".getBytes(),
                () -> List.of("another-key-0123456789abcdef0123".getBytes()), AT);
        String[] forged = stranger.sign("GET", "/internal/stores/connectors?partition=0");
        assertFalse(rotated.verify("GET", "/internal/stores/connectors?partition=0", forged[1], forged[3]));
        InternalRequests onlyCurrent = new InternalRequests(() -> current, () -> List.of(current), AT);
        assertFalse(onlyCurrent.verify("GET", "/internal/stores/connectors?partition=0", beforeRotation[1], beforeRotation[3]),
                "a key no longer accepted");
    }
}
