package io.switchboard.schemas.wire;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde of a generated Avro record class in the Confluent wire format, with schemas kept in a
 * Schema Registry under the topic's subject ({@code <topic>-value}, or {@code <topic>-key} for keys).
 * Safe for concurrent use, as Kafka Streams needs.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {
    private final AvroSerializer<T> serializer;
    private final AvroDeserializer<T> deserializer;

    public AvroSerde(SchemaRegistryClient registry, Class<T> type, boolean isKey) {
        this.serializer = new AvroSerializer<>(registry, type, isKey);
        this.deserializer = new AvroDeserializer<>(registry, type);
    }

    /** The record class's schema. */
    public Schema schema() {
        return serializer.schema();
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}
