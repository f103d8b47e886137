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
    private static final int INITIAL_BUFFER_BYTES = 1024;
    /**
     * Each thread writes into a buffer of its own that it keeps between records, so that a record
     * costs one array of its own size rather than every doubling of a fresh buffer; one that grew
     * past this is let go after use, so a thread keeps at most this much.
     */
    static final int KEPT_BUFFER_BYTES = 16 * 1024;
    private static final ThreadLocal<Buffer> BUFFERS = ThreadLocal.withInitial(Buffer::new);

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
        Buffer out = BUFFERS.get();
        out.reset();
        out.writeBytes(ConfluentWireFormat.header(schemaId));
        try {
            out.encoder = EncoderFactory.get().binaryEncoder(out, out.encoder);
            writer.write(data, out.encoder);
            out.encoder.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            // The encoder may still hold part of this record: neither it nor the buffer is used again.
            BUFFERS.remove();
            throw new SerializationException("Cannot write a " + schema.getFullName() + " for topic " + topic + ": " + e.getMessage(), e);
        } finally {
            if (out.capacity() > KEPT_BUFFER_BYTES) {
                BUFFERS.remove();
            }
        }
    }

    /** A thread's output buffer and the encoder over it. */
    private static final class Buffer extends ByteArrayOutputStream {
        BinaryEncoder encoder;

        Buffer() {
            super(INITIAL_BUFFER_BYTES);
        }

        int capacity() {
            return buf.length;
        }
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
