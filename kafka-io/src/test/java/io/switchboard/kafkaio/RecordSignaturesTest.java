package io.switchboard.kafkaio;

import io.switchboard.kafkaio.RecordSignatures.Verdict;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class RecordSignaturesTest {
    private static final String TOPIC = "switchboard.commands";
    private static final byte[] KEY = "default/orders".getBytes(StandardCharsets.UTF_8);
    private static final byte[] VALUE = {0, 0, 0, 0, 7, 1, 2, 3, 4};

    private static byte[] material(int seed) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) seed);
        return key;
    }

    private static final RecordSignatures REPLICA = RecordSignatures.derived(ordered("k2", material(2), "k1", material(1)), io.switchboard.kafkaio.KeyPurpose.RECORDS);

    private static Map<String, byte[]> ordered(Object... idsAndKeys) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (int i = 0; i < idsAndKeys.length; i += 2) {
            keys.put((String) idsAndKeys[i], (byte[]) idsAndKeys[i + 1]);
        }
        return keys;
    }

    private static Headers signed(RecordSignatures by, String topic, byte[] key, byte[] value) {
        Headers headers = new RecordHeaders();
        by.sign(topic, key, value, headers);
        return headers;
    }

    @Test
    void aRecordSignedByAHeldKeyVerifies() {
        Headers headers = signed(REPLICA, TOPIC, KEY, VALUE);
        assertEquals(Verdict.SIGNED, REPLICA.verify(TOPIC, KEY, VALUE, headers));
        assertEquals("k2", new String(headers.lastHeader(RecordSignatures.HEADER).value(), StandardCharsets.US_ASCII).split(":")[0],
                "the first key signs and is named");
        // Another holder of the same keyring (another replica) verifies it too.
        RecordSignatures peer = RecordSignatures.derived(ordered("k2", material(2), "k1", material(1)), io.switchboard.kafkaio.KeyPurpose.RECORDS);
        assertEquals(Verdict.SIGNED, peer.verify(TOPIC, KEY, VALUE, headers));
    }

    @Test
    void signingIsDeterministic() {
        assertArrayEquals(signed(REPLICA, TOPIC, KEY, VALUE).lastHeader(RecordSignatures.HEADER).value(),
                signed(REPLICA, TOPIC, KEY, VALUE).lastHeader(RecordSignatures.HEADER).value());
    }

    @Test
    void aTamperedKeyValueOrTopicDoesNotVerify() {
        Headers headers = signed(REPLICA, TOPIC, KEY, VALUE);
        byte[] value = VALUE.clone();
        value[8] ^= 1;
        assertEquals(Verdict.BAD_SIGNATURE, REPLICA.verify(TOPIC, KEY, value, headers), "value");
        assertEquals(Verdict.BAD_SIGNATURE, REPLICA.verify(TOPIC, "default/other".getBytes(StandardCharsets.UTF_8), VALUE, headers), "key");
        assertEquals(Verdict.BAD_SIGNATURE, REPLICA.verify("switchboard.observations", KEY, VALUE, headers), "topic");
        assertEquals(Verdict.BAD_SIGNATURE, REPLICA.verify(TOPIC, null, VALUE, headers), "no key");
        // The fields are length-prefixed: moving a byte from the key to the value is another record.
        byte[] shorterKey = Arrays.copyOf(KEY, KEY.length - 1);
        byte[] longerValue = new byte[VALUE.length + 1];
        longerValue[0] = KEY[KEY.length - 1];
        System.arraycopy(VALUE, 0, longerValue, 1, VALUE.length);
        assertEquals(Verdict.BAD_SIGNATURE, REPLICA.verify(TOPIC, shorterKey, longerValue, headers), "shifted bytes");
    }

    @Test
    void aKeyIdNotHeldIsUnknown() {
        RecordSignatures stranger = RecordSignatures.derived(ordered("k9", material(9)), io.switchboard.kafkaio.KeyPurpose.RECORDS);
        assertEquals(Verdict.UNKNOWN_KEY, REPLICA.verify(TOPIC, KEY, VALUE, signed(stranger, TOPIC, KEY, VALUE)));
        // A key removed from the keyring: what it signed no longer verifies.
        Headers byOld = signed(RecordSignatures.derived(ordered("k1", material(1)), io.switchboard.kafkaio.KeyPurpose.RECORDS), TOPIC, KEY, VALUE);
        assertEquals(Verdict.SIGNED, REPLICA.verify(TOPIC, KEY, VALUE, byOld));
        RecordSignatures rotated = RecordSignatures.derived(ordered("k2", material(2)), io.switchboard.kafkaio.KeyPurpose.RECORDS);
        assertEquals(Verdict.UNKNOWN_KEY, rotated.verify(TOPIC, KEY, VALUE, byOld));
    }

    @Test
    void aKnownIdWithAnotherKeyOrPurposeDoesNotVerify() {
        RecordSignatures impostor = RecordSignatures.derived(ordered("k2", material(7)), io.switchboard.kafkaio.KeyPurpose.RECORDS);
        assertEquals(Verdict.BAD_SIGNATURE, REPLICA.verify(TOPIC, KEY, VALUE, signed(impostor, TOPIC, KEY, VALUE)));
        RecordSignatures otherPurpose = RecordSignatures.derived(ordered("k2", material(2)), io.switchboard.kafkaio.KeyPurpose.STATES);
        assertEquals(Verdict.BAD_SIGNATURE, REPLICA.verify(TOPIC, KEY, VALUE, signed(otherPurpose, TOPIC, KEY, VALUE)));
        // The base key itself (not derived for the purpose) signs nothing valid either.
        RecordSignatures base = new RecordSignatures(ordered("k2", material(2)));
        assertEquals(Verdict.BAD_SIGNATURE, REPLICA.verify(TOPIC, KEY, VALUE, signed(base, TOPIC, KEY, VALUE)));
    }

    @Test
    void aMissingOrMalformedSignatureIsRefused() {
        assertEquals(Verdict.UNSIGNED, REPLICA.verify(TOPIC, KEY, VALUE, new RecordHeaders()));
        assertEquals(Verdict.UNSIGNED, REPLICA.verify(TOPIC, KEY, VALUE, null));
        assertEquals(Verdict.UNSIGNED, REPLICA.verify(TOPIC, KEY, VALUE, header(new byte[0])));
        assertEquals(Verdict.BAD_SIGNATURE, REPLICA.verify(TOPIC, KEY, VALUE, header("no-colon".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(Verdict.BAD_SIGNATURE, REPLICA.verify(TOPIC, KEY, VALUE, header("k2:***".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(Verdict.BAD_SIGNATURE, REPLICA.verify(TOPIC, KEY, VALUE, header("k2:AAAA".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(Verdict.BAD_SIGNATURE, REPLICA.verify(TOPIC, KEY, VALUE, header(":AAAA".getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void signingReplacesASignatureTheRecordAlreadyHad() {
        Headers headers = header("k9:forged".getBytes(StandardCharsets.US_ASCII));
        REPLICA.sign(TOPIC, KEY, VALUE, headers);
        assertEquals(1, headers.toArray().length);
        assertEquals(Verdict.SIGNED, REPLICA.verify(TOPIC, KEY, VALUE, headers));
        assertNotEquals(Verdict.SIGNED, REPLICA.verify(TOPIC, KEY, VALUE, header("k9:forged".getBytes(StandardCharsets.US_ASCII))));
    }

    private static Headers header(byte[] value) {
        Headers headers = new RecordHeaders();
        headers.add(RecordSignatures.HEADER, value);
        return headers;
    }
}
