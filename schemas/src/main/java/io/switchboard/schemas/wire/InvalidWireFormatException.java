package io.switchboard.schemas.wire;

import org.apache.kafka.common.errors.SerializationException;

/** Bytes that are not a Confluent-framed Avro message, or that name a schema id the registry does not know. */
public class InvalidWireFormatException extends SerializationException {
    public InvalidWireFormatException(String message) {
        super(message);
    }

    public InvalidWireFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
