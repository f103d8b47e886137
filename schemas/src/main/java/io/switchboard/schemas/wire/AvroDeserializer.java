package io.switchboard.schemas.wire;

import io.switchboard.schemas.AvroTrust;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads Confluent-framed Avro into a generated record class. The writer schema is fetched by the id in
 * the frame and resolved against the class's schema, so data written with an older (or newer, compatible)
 * schema is read into the current class. Null bytes become a null record (a tombstone). Safe for
 * concurrent use; one reader is kept per writer schema id.
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
    private final SchemaRegistryClient registry;
    private final Schema readerSchema;
    private final SpecificData model;
    private final Map<Integer, SpecificDatumReader<T>> readersBySchemaId = new ConcurrentHashMap<>();

    public AvroDeserializer(SchemaRegistryClient registry, Class<T> type) {
        AvroTrust.install();
        this.registry = registry;
        this.model = SpecificData.getForClass(type);
        this.readerSchema = model.getSchema(type);
    }

    /** The schema read into, the record class's own. */
    public Schema schema() {
        return readerSchema;
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        int schemaId = ConfluentWireFormat.readSchemaId(data);
        SpecificDatumReader<T> reader = readerFor(schemaId, topic);
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, ConfluentWireFormat.HEADER_SIZE,
                ConfluentWireFormat.payloadLength(data), null);
        try {
            return reader.read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot read a " + readerSchema.getFullName() + " written with schema "
                    + schemaId + " from topic " + topic + " (" + data.length + " bytes; truncated or corrupt?): " + e, e);
        }
    }

    private SpecificDatumReader<T> readerFor(int schemaId, String topic) {
        SpecificDatumReader<T> reader = readersBySchemaId.get(schemaId);
        if (reader != null) {
            return reader;
        }
        Schema writerSchema;
        try {
            writerSchema = registry.schemaById(schemaId);
        } catch (SchemaRegistryException e) {
            if (e.status() == 404) {
                throw new InvalidWireFormatException("Unknown schema id " + schemaId + " in a message from topic " + topic
                        + ": the registry does not know it (" + e.getMessage() + ")", e);
            }
            throw new SerializationException("Cannot fetch schema " + schemaId + " for a message from topic " + topic + ": " + e.getMessage(), e);
        }
        SpecificDatumReader<T> created = new SpecificDatumReader<>(writerSchema, readerSchema, model);
        SpecificDatumReader<T> previous = readersBySchemaId.putIfAbsent(schemaId, created);
        return previous != null ? previous : created;
    }
}
