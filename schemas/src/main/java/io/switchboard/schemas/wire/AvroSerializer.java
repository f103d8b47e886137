package io.switchboard.schemas.wire;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes a generated Avro record in the Confluent wire format. The record class's schema is registered
 * under the topic's subject the first time the topic is seen; later calls make no registry call.
 * A null record becomes null bytes (a tombstone). Safe for concurrent use.
 */
public final class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {
    private static final int INITIAL_BUFFER_BYTES = 128;

    private final SchemaRegistryClient registry;
    private final Schema schema;
    private final boolean isKey;
    private final SpecificDatumWriter<T> writer;
    private final Map<String, Integer> schemaIdsByTopic = new ConcurrentHashMap<>();

    public AvroSerializer(SchemaRegistryClient registry, Class<T> type, boolean isKey) {
        SpecificData model = SpecificData.getForClass(type);
        this.registry = registry;
        this.schema = model.getSchema(type);
        this.isKey = isKey;
        this.writer = new SpecificDatumWriter<>(schema, model);
    }

    /** The schema written, the record class's own. */
    public Schema schema() {
        return schema;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        int schemaId = schemaId(topic);
        ByteArrayOutputStream out = new ByteArrayOutputStream(INITIAL_BUFFER_BYTES);
        out.writeBytes(ConfluentWireFormat.header(schemaId));
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writer.write(data, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot write a " + schema.getFullName() + " for topic " + topic + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private int schemaId(String topic) {
        Integer cached = schemaIdsByTopic.get(topic);
        if (cached != null) {
            return cached;
        }
        String subject = SubjectNames.forTopic(topic, isKey);
        int id;
        try {
            id = registry.register(subject, schema);
        } catch (SchemaRegistryException e) {
            throw new SerializationException("Cannot register " + schema.getFullName() + " under subject " + subject + ": " + e.getMessage(), e);
        }
        schemaIdsByTopic.putIfAbsent(topic, id);
        return id;
    }
}
