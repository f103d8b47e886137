package io.switchboard.schemas.wire;

import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.TargetState;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AvroSerdeTest {
    /** CommandDecision as first released: without 'message' and 'state', which came later with defaults. */
    private static final Schema DECISION_V1 = new Schema.Parser().parse("""
            {"type": "record", "name": "CommandDecision", "namespace": "io.switchboard.schemas",
             "fields": [
               {"name": "commandId", "type": "string"},
               {"name": "cluster", "type": "string"},
               {"name": "connector", "type": "string"},
               {"name": "outcome", "type": {"type": "enum", "name": "Outcome",
                 "symbols": ["CREATED", "UPDATED", "UNCHANGED", "DELETED", "NOT_FOUND", "CONFLICT", "REJECTED", "ARCHIVED"]}}
             ]}""");

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

    static ConnectorState state(String name) {
        return ConnectorState.newBuilder()
                .setCluster("main")
                .setName(name)
                .setConfig(Map.of("connector.class", "FileStreamSource", "tasks.max", "1"))
                .setTargetState(TargetState.PAUSED)
                .setVersion(3)
                .setCreatedAt(1_700_000_000_000L)
                .setUpdatedAt(1_700_000_100_000L)
                .setLastCommandId("cmd-3")
                .build();
    }

    static ConnectorCommand createCommand() {
        return ConnectorCommand.newBuilder()
                .setCommandId("cmd-1")
                .setCluster("main")
                .setConnector("files")
                .setPrincipal("alice")
                .setIssuedAt(42L)
                .setAction(CreateConnector.newBuilder()
                        .setConfig(Map.of("connector.class", "FileStreamSource"))
                        .setInitialState(TargetState.STOPPED)
                        .build())
                .build();
    }

    @Test
    void roundTripsAValue() {
        AvroSerde<ConnectorState> serde = new AvroSerde<>(registry, ConnectorState.class, false);
        ConnectorState state = state("files");
        byte[] bytes = serde.serializer().serialize("connectors", state);
        assertEquals(ConfluentWireFormat.MAGIC_BYTE, bytes[0]);
        assertEquals(registry.register("connectors-value", ConnectorState.getClassSchema()), ConfluentWireFormat.readSchemaId(bytes));
        assertEquals(state, serde.deserializer().deserialize("connectors", bytes));
    }

    @Test
    void roundTripsAUnionOfRecords() {
        AvroSerde<ConnectorCommand> serde = new AvroSerde<>(registry, ConnectorCommand.class, false);
        ConnectorCommand command = createCommand();
        ConnectorCommand read = serde.deserializer().deserialize("commands", serde.serializer().serialize("commands", command));
        assertEquals(command, read);
        assertInstanceOf(CreateConnector.class, read.getAction());
    }

    @Test
    void keysAndValuesUseTheirOwnSubjects() {
        new AvroSerde<>(registry, ConnectorState.class, true).serializer().serialize("t", state("a"));
        new AvroSerde<>(registry, ConnectorState.class, false).serializer().serialize("t", state("a"));
        assertEquals(List.of("t-key", "t-value"), registry.subjects());
    }

    @Test
    void nullIsATombstoneBothWays() {
        AvroSerde<ConnectorState> serde = new AvroSerde<>(registry, ConnectorState.class, false);
        assertNull(serde.serializer().serialize("connectors", null));
        assertNull(serde.deserializer().deserialize("connectors", null));
        assertTrue(registry.subjects().isEmpty(), "a tombstone registers nothing");
    }

    @Test
    void readsDataWrittenWithAnOlderSchemaIntoTheCurrentClass() throws IOException {
        int oldId = registry.register("decisions-value", DECISION_V1);
        GenericRecord old = new GenericData.Record(DECISION_V1);
        old.put("commandId", "cmd-9");
        old.put("cluster", "main");
        old.put("connector", "files");
        old.put("outcome", new GenericData.EnumSymbol(DECISION_V1.getField("outcome").schema(), "UPDATED"));
        byte[] bytes = ConfluentWireFormat.frame(oldId, encode(DECISION_V1, old));

        CommandDecision read = new AvroSerde<>(registry, CommandDecision.class, false).deserializer().deserialize("decisions", bytes);

        assertEquals("cmd-9", read.getCommandId());
        assertEquals(Outcome.UPDATED, read.getOutcome());
        assertNull(read.getMessage(), "a field added later takes its default");
        assertNull(read.getState(), "a field added later takes its default");
    }

    @Test
    void anEnumSymbolTheReaderDoesNotKnowBecomesTheDefault() throws IOException {
        int oldId = registry.register("decisions-value", DECISION_V1);
        GenericRecord old = new GenericData.Record(DECISION_V1);
        old.put("commandId", "cmd-9");
        old.put("cluster", "main");
        old.put("connector", "files");
        old.put("outcome", new GenericData.EnumSymbol(DECISION_V1.getField("outcome").schema(), "ARCHIVED"));

        CommandDecision read = new AvroSerde<>(registry, CommandDecision.class, false).deserializer()
                .deserialize("decisions", ConfluentWireFormat.frame(oldId, encode(DECISION_V1, old)));

        assertEquals(Outcome.REJECTED, read.getOutcome());
    }

    @Test
    void aWrongMagicByteIsAnInvalidWireFormat() {
        AvroSerde<ConnectorState> serde = new AvroSerde<>(registry, ConnectorState.class, false);
        byte[] bytes = serde.serializer().serialize("connectors", state("files"));
        bytes[0] = 1;
        InvalidWireFormatException e = assertThrows(InvalidWireFormatException.class,
                () -> serde.deserializer().deserialize("connectors", bytes));
        assertTrue(e.getMessage().contains("magic byte"), e.getMessage());
    }

    @Test
    void aTruncatedHeaderIsAnInvalidWireFormat() {
        AvroSerde<ConnectorState> serde = new AvroSerde<>(registry, ConnectorState.class, false);
        assertThrows(InvalidWireFormatException.class, () -> serde.deserializer().deserialize("connectors", new byte[]{0, 0, 0}));
        assertThrows(InvalidWireFormatException.class, () -> serde.deserializer().deserialize("connectors", new byte[0]));
    }

    @Test
    void aTruncatedPayloadIsASerializationException() {
        AvroSerde<ConnectorState> serde = new AvroSerde<>(registry, ConnectorState.class, false);
        byte[] bytes = serde.serializer().serialize("connectors", state("files"));
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 10);
        SerializationException e = assertThrows(SerializationException.class,
                () -> serde.deserializer().deserialize("connectors", truncated));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void anUnknownSchemaIdIsAnInvalidWireFormat() {
        AvroSerde<ConnectorState> serde = new AvroSerde<>(registry, ConnectorState.class, false);
        byte[] bytes = ConfluentWireFormat.frame(4242, new byte[]{2, 'a'});
        InvalidWireFormatException e = assertThrows(InvalidWireFormatException.class,
                () -> serde.deserializer().deserialize("connectors", bytes));
        assertTrue(e.getMessage().contains("4242"), e.getMessage());
    }

    @Test
    void aFailingRegistryIsASerializationException() {
        SchemaRegistryClient down = new SchemaRegistryClient() {
            @Override
            public int register(String subject, Schema schema) {
                throw new SchemaRegistryException("connection refused", null);
            }

            @Override
            public Schema schemaById(int id) {
                throw new SchemaRegistryException("connection refused", null);
            }

            @Override
            public boolean testCompatibility(String subject, Schema schema) {
                throw new SchemaRegistryException("connection refused", null);
            }
        };
        AvroSerde<ConnectorState> serde = new AvroSerde<>(down, ConnectorState.class, false);
        assertThrows(SerializationException.class, () -> serde.serializer().serialize("connectors", state("x")));
        SerializationException e = assertThrows(SerializationException.class,
                () -> serde.deserializer().deserialize("connectors", ConfluentWireFormat.frame(1, new byte[]{0})));
        assertTrue(!(e instanceof InvalidWireFormatException), "an unreachable registry does not make the data invalid");
    }

    @Test
    void aRecordMissingARequiredFieldIsASerializationException() {
        AvroSerde<ConnectorState> serde = new AvroSerde<>(registry, ConnectorState.class, false);
        ConnectorState broken = state("files");
        broken.setName(null);
        assertThrows(SerializationException.class, () -> serde.serializer().serialize("connectors", broken));
    }

    @Test
    void aFailedWriteLeavesNothingBehindForTheNextRecordOfTheThread() {
        AvroSerde<ConnectorState> serde = new AvroSerde<>(registry, ConnectorState.class, false);
        ConnectorState broken = state("files");
        // The cluster is written before the missing name is found.
        broken.setName(null);
        assertThrows(SerializationException.class, () -> serde.serializer().serialize("connectors", broken));
        ConnectorState next = state("next");
        byte[] bytes = serde.serializer().serialize("connectors", next);
        assertEquals(next, serde.deserializer().deserialize("connectors", bytes));
        assertArrayEquals(bytes, new AvroSerde<>(registry, ConnectorState.class, false).serializer().serialize("connectors", next));
    }

    @Test
    void recordsLargerAndSmallerThanTheKeptBufferFollowEachOtherOnOneThread() {
        AvroSerde<ConnectorState> serde = new AvroSerde<>(registry, ConnectorState.class, false);
        for (int length : new int[]{10, 3 * AvroSerializer.KEPT_BUFFER_BYTES, 5, 3_000, 2 * AvroSerializer.KEPT_BUFFER_BYTES, 0}) {
            ConnectorState state = state("files");
            state.setConfig(Map.of("connector.class", "FileStreamSource", "file", "x".repeat(length)));
            assertEquals(state, serde.deserializer().deserialize("connectors", serde.serializer().serialize("connectors", state)),
                    "a value of " + length + " characters");
        }
    }

    @Test
    void theRegistryIsAskedOncePerTopicAndSchemaId() {
        CountingClient counting = new CountingClient(registry);
        AvroSerde<ConnectorState> serde = new AvroSerde<>(counting, ConnectorState.class, false);
        for (int i = 0; i < 100; i++) {
            byte[] bytes = serde.serializer().serialize("connectors", state("c" + i));
            serde.deserializer().deserialize("connectors", bytes);
        }
        assertEquals(1, counting.registrations.get());
        assertEquals(1, counting.lookups.get());
    }

    @Test
    void isSafeToShareBetweenThreads() throws Exception {
        AvroSerde<ConnectorState> serde = new AvroSerde<>(registry, ConnectorState.class, false);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 2000; i++) {
                        ConnectorState state = state("t" + thread + "-" + i);
                        String topic = "topic-" + (i % 3);
                        if (state.equals(serde.deserializer().deserialize(topic, serde.serializer().serialize(topic, state)))) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }
            for (Future<Integer> result : results) {
                assertEquals(2000, result.get(120, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static byte[] encode(Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static final class CountingClient implements SchemaRegistryClient {
        final AtomicInteger registrations = new AtomicInteger();
        final AtomicInteger lookups = new AtomicInteger();
        private final SchemaRegistryClient delegate;

        CountingClient(SchemaRegistryClient delegate) {
            this.delegate = delegate;
        }

        @Override
        public int register(String subject, Schema schema) {
            registrations.incrementAndGet();
            return delegate.register(subject, schema);
        }

        @Override
        public Schema schemaById(int id) {
            lookups.incrementAndGet();
            return delegate.schemaById(id);
        }

        @Override
        public boolean testCompatibility(String subject, Schema schema) {
            return delegate.testCompatibility(subject, schema);
        }
    }
}
