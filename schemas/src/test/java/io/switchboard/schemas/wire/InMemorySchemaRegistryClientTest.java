package io.switchboard.schemas.wire;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InMemorySchemaRegistryClientTest {
    private static final Schema V1 = SchemaBuilder.record("Thing").fields().requiredString("name").endRecord();
    private static final Schema V2 = SchemaBuilder.record("Thing").fields()
            .requiredString("name").optionalString("colour").endRecord();
    private static final Schema BREAKING = SchemaBuilder.record("Thing").fields()
            .requiredString("name").requiredLong("size").endRecord();

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

    @Test
    void idsStartAtOneAndRepeatForTheSameSchema() {
        assertEquals(1, registry.register("a-value", V1));
        assertEquals(1, registry.register("a-value", new Schema.Parser().parse(V1.toString())));
        assertEquals(2, registry.register("a-value", V2));
        assertEquals(List.of(1, 2), registry.versions("a-value"));
    }

    @Test
    void theSameSchemaUnderAnotherSubjectKeepsItsId() {
        int id = registry.register("a-value", V1);
        assertEquals(id, registry.register("b-value", V1));
        assertEquals(List.of("a-value", "b-value"), registry.subjects());
    }

    @Test
    void schemasAreFoundById() {
        int id = registry.register("a-value", V2);
        assertEquals(V2, registry.schemaById(id));
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class, () -> registry.schemaById(99));
        assertEquals(404, e.status());
        assertEquals(SchemaRegistryException.SCHEMA_NOT_FOUND, e.errorCode());
    }

    @Test
    void aBreakingChangeIsRefused() {
        registry.register("a-value", V1);
        assertTrue(registry.testCompatibility("a-value", V2));
        assertFalse(registry.testCompatibility("a-value", BREAKING));
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class, () -> registry.register("a-value", BREAKING));
        assertEquals(409, e.status());
        assertEquals(SchemaRegistryException.INCOMPATIBLE_SCHEMA, e.errorCode());
        assertTrue(e.getMessage().contains("size"), e.getMessage());
    }

    @Test
    void anythingIsCompatibleWithAnUnknownSubject() {
        assertTrue(registry.testCompatibility("nobody-value", BREAKING));
    }
}
