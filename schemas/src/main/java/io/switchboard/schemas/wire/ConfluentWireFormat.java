package io.switchboard.schemas.wire;

import java.nio.ByteBuffer;

/**
 * Confluent's framing of a serialised record: the magic byte 0, the writer schema's id as four
 * big-endian bytes, then the Avro binary encoding of the record.
 */
public final class ConfluentWireFormat {
    public static final byte MAGIC_BYTE = 0;
    /** Bytes before the Avro payload. */
    public static final int HEADER_SIZE = 5;

    private ConfluentWireFormat() {
    }

    /** The five header bytes for a schema id. */
    public static byte[] header(int schemaId) {
        byte[] header = new byte[HEADER_SIZE];
        writeHeader(header, schemaId);
        return header;
    }

    /** Writes the header into the first five bytes of {@code target}. */
    public static void writeHeader(byte[] target, int schemaId) {
        if (target.length < HEADER_SIZE) {
            throw new IllegalArgumentException("A wire-format header needs " + HEADER_SIZE + " bytes, the target has " + target.length);
        }
        target[0] = MAGIC_BYTE;
        target[1] = (byte) (schemaId >>> 24);
        target[2] = (byte) (schemaId >>> 16);
        target[3] = (byte) (schemaId >>> 8);
        target[4] = (byte) schemaId;
    }

    /** The whole message: header then payload. */
    public static byte[] frame(int schemaId, byte[] avroPayload) {
        byte[] message = new byte[HEADER_SIZE + avroPayload.length];
        writeHeader(message, schemaId);
        System.arraycopy(avroPayload, 0, message, HEADER_SIZE, avroPayload.length);
        return message;
    }

    /**
     * The writer schema id of a framed message.
     *
     * @throws InvalidWireFormatException when the message is shorter than the header or does not start with the magic byte
     */
    public static int readSchemaId(byte[] message) {
        if (message.length < HEADER_SIZE) {
            throw new InvalidWireFormatException("A Confluent-framed message has at least " + HEADER_SIZE
                    + " bytes (magic byte and schema id); this one has " + message.length);
        }
        if (message[0] != MAGIC_BYTE) {
            throw new InvalidWireFormatException("Unknown magic byte " + message[0]
                    + ": the message was not written in the Confluent wire format (expected " + MAGIC_BYTE + ")");
        }
        return ByteBuffer.wrap(message, 1, 4).getInt();
    }

    /** Bytes of Avro payload in a framed message. */
    public static int payloadLength(byte[] message) {
        return Math.max(0, message.length - HEADER_SIZE);
    }
}
