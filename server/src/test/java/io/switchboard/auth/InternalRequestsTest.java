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
     * The form replicas of an earlier version sent, without the replica it is for, is refused: a
     * signature is good only for the replica it names.
     */
    @Test
    void aRequestSignedWithoutNamingTheReplicaIsRefused() {
        String at = String.valueOf(AT.millis());
        String unnamed = unnamedSignature(current, "GET", "/internal/stores/connectors?partition=0", at);
        InternalRequests b = new InternalRequests(() -> current, () -> List.of(current), "b:8083", AT);
        assertFalse(b.verify("GET", "/internal/stores/connectors?partition=0", unnamed, at), "the unnamed form was accepted");
        String[] sent = b.sign("b:8083", "GET", "/internal/stores/connectors?partition=0");
        assertTrue(b.verify("GET", "/internal/stores/connectors?partition=0", sent[1], sent[3]), "the named form");
    }

    /** The signature replicas before the named form sent: HMAC-SHA256 of method, path and timestamp. */
    private static String unnamedSignature(byte[] key, String method, String pathAndQuery, String timestamp) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(
                    (method + "\n" + pathAndQuery + "\n" + timestamp).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
