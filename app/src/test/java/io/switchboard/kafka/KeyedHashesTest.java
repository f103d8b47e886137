package io.switchboard.kafka;

import io.switchboard.auth.ConsoleSessions;
import io.switchboard.auth.InternalRequests;
import io.switchboard.auth.UsersFile;
import io.switchboard.kafkaio.Hmacs;
import io.switchboard.kafkaio.RecordSignatures;
import io.switchboard.secrets.Keyring;
import io.switchboard.secrets.SecretBox;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Everything Switchboard keys with HMAC-SHA256 gives the same bytes for the same keys and inputs as
 * it always did: what was signed or sealed before (commands and states in Kafka, sealed values in
 * stored configs, the keyring's fingerprint, sessions and replica requests in flight) still verifies
 * or opens. Each value here was taken from the code as it was.
 */
class KeyedHashesTest {
    private static final byte[] KEY = filled(7);
    private static final Keyring KEYRING = Keyring.parse("k1=" + Base64.getEncoder().encodeToString(filled(3)));
    private static final Clock AT = Clock.fixed(Instant.parse("2026-11-25T08:00:00Z"), ZoneOffset.UTC);

    private static byte[] filled(int seed) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) seed);
        return key;
    }

    @Test
    void recordSignaturesAndTheirDerivedKeys() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("switchboard.issued", "1800000000000".getBytes(StandardCharsets.US_ASCII));
        RecordSignatures.derived(Map.of("k1", KEY), io.switchboard.kafkaio.KeyPurpose.COMMANDS)
                .sign("switchboard.commands", "default/orders".getBytes(StandardCharsets.UTF_8), new byte[] {0, 1, 2}, headers);
        assertEquals("k1:51MhhhddtRrz468-zV-o0qwTF23a0TBZGVmJO872Bgg", new String(headers.lastHeader(RecordSignatures.HEADER).value(), StandardCharsets.US_ASCII));
    }

    @Test
    void sealedValuesAndTheKeyringsFingerprint() {
        assertEquals("${switchboard:k1:CQ7Kb7Weg68NAJh0xwi-8oZlTp--mKFaxm9QJxAOS9nZtw}", new SecretBox(KEYRING).seal("database.password", "s3cret"));
        assertEquals("7a3L3hs3V7Q458BIpazApZuTsaGPpwxZRs42k42A6w8", Base64.getUrlEncoder().withoutPadding().encodeToString(
                Hmacs.of(KEY, "switchboard keyring fingerprint v1")));
    }

    @Test
    void replicaRequestsAndConsoleSessions(@TempDir Path dir) throws Exception {
        String[] signed = new InternalRequests(() -> KEY, () -> List.of(KEY), "b:8083", AT).sign("b:8083", "GET", "/internal/stores/x");
        assertEquals("OVjQLCuoV1k8yjsTERffNH7DIxZZatfX0CWiakTYw9k", signed[1]);
        Path users = Files.writeString(dir.resolve("users"),
                "alice:$2y$12$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234:viewer@*\n");
        ConsoleSessions sessions = new ConsoleSessions(new UsersFile(users), () -> KEY, () -> List.of(KEY), AT,
                new ConsoleSessions.Revocations() {
                    @Override
                    public void signOut(String user) {
                    }

                    @Override
                    public long signedOutAt(String user) {
                        return Long.MIN_VALUE;
                    }
                });
        assertEquals("YWxpY2U.1795622400000.af4533c36f3c423e.mmM-cmIj1F0kitcR5-HKR8T8XYvwdtL6LDFUSJ0JQuQ", sessions.issue("alice"));
    }
}
