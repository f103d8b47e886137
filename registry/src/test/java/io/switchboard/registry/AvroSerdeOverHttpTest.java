package io.switchboard.registry;

import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.TargetState;
import io.switchboard.schemas.wire.AvroSerde;
import io.switchboard.schemas.wire.ConfluentWireFormat;
import io.switchboard.schemas.wire.HttpSchemaRegistryClient;
import io.switchboard.schemas.wire.InvalidWireFormatException;
import io.switchboard.schemas.wire.SchemaRegistryException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The serde with the HTTP client, talking to the embedded registry. */
class AvroSerdeOverHttpTest {
    private static EmbeddedSchemaRegistry registry;

    @BeforeAll
    static void start() {
        registry = new EmbeddedSchemaRegistry(new EmbeddedSchemaRegistry.Settings(TestKafka.shared().bootstrapServers(),
                TestKafka.shared().registrySettings(), "_schemas_serde_test", "127.0.0.1", 0, java.util.Set.of(RegistryHttp.PASSWORD))).start();
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void roundTripsThroughTheRegistry() {
        AvroSerde<ConnectorState> writer = new AvroSerde<>(RegistryHttp.client(registry.url()), ConnectorState.class, false);
        AvroSerde<ConnectorState> reader = new AvroSerde<>(RegistryHttp.client(registry.url()), ConnectorState.class, false);
        ConnectorState state = ConnectorState.newBuilder().setCluster("main").setName("files")
                .setConfig(Map.of("connector.class", "FileStreamSource", "tasks.max", "1")).setTargetState(TargetState.PAUSED)
                .setVersion(3).setCreatedAt(1_700_000_000_000L).setUpdatedAt(1_700_000_100_000L).setLastCommandId("cmd-3").build();
        byte[] bytes = writer.serializer().serialize("connectors", state);
        assertEquals(state, reader.deserializer().deserialize("connectors", bytes), "a second client finds the schema by id");

        AvroSerde<ConnectorCommand> commands = new AvroSerde<>(RegistryHttp.client(registry.url()), ConnectorCommand.class, true);
        ConnectorCommand command = ConnectorCommand.newBuilder().setCommandId("cmd-1").setCluster("main").setConnector("files")
                .setPrincipal("alice").setIssuedAt(42L).setAction(CreateConnector.newBuilder()
                        .setConfig(Map.of("connector.class", "FileStreamSource")).setInitialState(TargetState.STOPPED).build())
                .build();
        assertEquals(command, commands.deserializer().deserialize("commands", commands.serializer().serialize("commands", command)));
    }

    @Test
    void readsDataWrittenWithAnOlderRegisteredSchema() throws IOException {
        Schema v1 = SchemaBuilder.record("CommandDecision").namespace("io.switchboard.schemas").fields()
                .requiredString("commandId").requiredString("cluster").requiredString("connector")
                .name("outcome").type().enumeration("Outcome").symbols("CREATED", "UPDATED", "REJECTED").noDefault()
                .endRecord();
        HttpSchemaRegistryClient client = RegistryHttp.client(registry.url());
        int oldId = client.register("decisions-value", v1);
        assertTrue(client.testCompatibility("decisions-value", CommandDecision.getClassSchema()));

        GenericRecord old = new GenericData.Record(v1);
        old.put("commandId", "c1");
        old.put("cluster", "main");
        old.put("connector", "files");
        old.put("outcome", new GenericData.EnumSymbol(v1.getField("outcome").schema(), "CREATED"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(v1).write(old, encoder);
        encoder.flush();

        AvroSerde<CommandDecision> serde = new AvroSerde<>(RegistryHttp.client(registry.url()), CommandDecision.class, false);
        CommandDecision read = serde.deserializer().deserialize("decisions", ConfluentWireFormat.frame(oldId, out.toByteArray()));
        assertEquals(Outcome.CREATED, read.getOutcome());
        assertNull(read.getState());

        byte[] current = serde.serializer().serialize("decisions", read);
        assertFalse(oldId == ConfluentWireFormat.readSchemaId(current), "the current class registers as a new version");
        assertEquals(read, serde.deserializer().deserialize("decisions", current));
    }

    @Test
    void anIdTheRegistryDoesNotKnowIsAnInvalidWireFormat() {
        AvroSerde<ConnectorState> serde = new AvroSerde<>(RegistryHttp.client(registry.url()), ConnectorState.class, false);
        assertThrows(InvalidWireFormatException.class,
                () -> serde.deserializer().deserialize("connectors", ConfluentWireFormat.frame(987654, new byte[]{0})));
    }

    @Test
    void aBreakingSchemaIsRefusedWithTheRegistrysCodes() {
        HttpSchemaRegistryClient client = RegistryHttp.client(registry.url());
        Schema v1 = SchemaBuilder.record("Breakable").fields().requiredString("a").endRecord();
        Schema breaking = SchemaBuilder.record("Breakable").fields().requiredString("a").requiredInt("b").endRecord();
        client.register("breakable-value", v1);
        assertFalse(client.testCompatibility("breakable-value", breaking));
        assertTrue(client.testCompatibility("never-registered-value", breaking));
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class, () -> client.register("breakable-value", breaking));
        assertEquals(409, e.status());
        assertEquals(409, e.errorCode());
    }
}
