package io.switchboard.schemas.wire;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfluentWireFormatTest {

    @Test
    void headerIsMagicByteThenBigEndianId() {
        assertArrayEquals(new byte[]{0, 0x01, 0x02, 0x03, 0x04}, ConfluentWireFormat.header(0x01020304));
    }

    @Test
    void frameAndReadBack() {
        byte[] message = ConfluentWireFormat.frame(123456, new byte[]{7, 8, 9});
        assertEquals(8, message.length);
        assertEquals(123456, ConfluentWireFormat.readSchemaId(message));
        assertEquals(3, ConfluentWireFormat.payloadLength(message));
        assertEquals(7, message[ConfluentWireFormat.HEADER_SIZE]);
    }

    @Test
    void largestIdSurvives() {
        assertEquals(Integer.MAX_VALUE, ConfluentWireFormat.readSchemaId(ConfluentWireFormat.header(Integer.MAX_VALUE)));
    }

    @Test
    void rejectsAWrongMagicByte() {
        InvalidWireFormatException e = assertThrows(InvalidWireFormatException.class,
                () -> ConfluentWireFormat.readSchemaId(new byte[]{1, 0, 0, 0, 1, 42}));
        assertTrue(e.getMessage().contains("magic byte"), e.getMessage());
    }

    @Test
    void rejectsAMessageShorterThanTheHeader() {
        InvalidWireFormatException e = assertThrows(InvalidWireFormatException.class,
                () -> ConfluentWireFormat.readSchemaId(new byte[]{0, 0, 1}));
        assertTrue(e.getMessage().contains("3"), e.getMessage());
        assertThrows(InvalidWireFormatException.class, () -> ConfluentWireFormat.readSchemaId(new byte[0]));
    }

    @Test
    void headerNeedsRoom() {
        assertThrows(IllegalArgumentException.class, () -> ConfluentWireFormat.writeHeader(new byte[4], 1));
    }
}
