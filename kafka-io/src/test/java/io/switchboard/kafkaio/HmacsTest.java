package io.switchboard.kafkaio;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HmacsTest {
    private static final byte[] JEFE = "Jefe".getBytes(StandardCharsets.US_ASCII);

    /** RFC 4231, test case 2. */
    @Test
    void isHmacSha256() {
        assertEquals("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                HexFormat.of().formatHex(Hmacs.of(JEFE, "what do ya want for nothing?")));
    }

    @Test
    void theMacOfPartsIsTheMacOfTheirBytesOneAfterTheOther() {
        assertArrayEquals(Hmacs.of(JEFE, "what do ya want for nothing?"),
                Hmacs.of(JEFE, "what do ya ".getBytes(StandardCharsets.UTF_8), new byte[0], "want for nothing?".getBytes(StandardCharsets.UTF_8)));
        assertArrayEquals(Hmacs.of(JEFE, KeyPurpose.RECORDS.text()), Hmacs.derive(JEFE, KeyPurpose.RECORDS));
        assertEquals(Hmacs.LENGTH, Hmacs.derive(JEFE, KeyPurpose.RECORDS).length);
    }

    @Test
    void everyPurposeDerivesAKeyOfItsOwn() {
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (KeyPurpose purpose : KeyPurpose.values()) {
            assertTrue(keys.add(HexFormat.of().formatHex(Hmacs.derive(JEFE, purpose))), purpose + " derives another purpose's key");
        }
    }
}
