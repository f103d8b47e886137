package io.switchboard.schemas.evolution;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The comparison itself, on schemas held in strings. */
class SchemaEvolutionCheckerTest {
    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    private static final String STATE = """
            {"type": "enum", "name": "State", "namespace": "t", "symbols": ["ON", "OFF"], "default": "ON"}""";
    private static final String V1 = """
            {"type": "record", "name": "Thing", "namespace": "t", "fields": [
              {"name": "name", "type": "string"},
              {"name": "count", "type": "int"},
              {"name": "state", "type": "State"}
            ]}""";

    private static Schema thing(String fields) {
        return NamedTypeParser.parse("{\"type\": \"record\", \"name\": \"Thing\", \"namespace\": \"t\", \"fields\": [" + fields + "]}",
                List.of(STATE));
    }

    private static Optional<String> compare(Schema current) {
        return SchemaEvolutionChecker.compare("schemas/src/main/avro/Thing.avsc", COMMIT, current, NamedTypeParser.parse(V1, List.of(STATE)));
    }

    @Test
    void anOptionalFieldWithADefaultIsCompatible() {
        Schema current = thing("""
                {"name": "name", "type": "string"}, {"name": "count", "type": "int"}, {"name": "state", "type": "State"},
                {"name": "note", "type": ["null", "string"], "default": null}""");
        assertEquals(Optional.empty(), compare(current));
    }

    @Test
    void removingAFieldAndWideningATypeAreCompatible() {
        Schema current = thing("""
                {"name": "name", "type": "string"}, {"name": "count", "type": "long"}""");
        assertEquals(Optional.empty(), compare(current));
    }

    @Test
    void aFieldAddedWithoutADefaultIsNot() {
        Schema current = thing("""
                {"name": "name", "type": "string"}, {"name": "count", "type": "int"}, {"name": "state", "type": "State"},
                {"name": "owner", "type": "string"}""");
        String message = compare(current).orElseThrow();
        assertTrue(message.contains("schemas/src/main/avro/Thing.avsc"), message);
        assertTrue(message.contains(COMMIT), message);
        assertTrue(message.contains("READER_FIELD_MISSING_DEFAULT_VALUE"), message);
        assertTrue(message.contains("owner"), message);
    }

    @Test
    void aChangedTypeIsNot() {
        Schema current = thing("""
                {"name": "name", "type": "string"}, {"name": "count", "type": "string"}, {"name": "state", "type": "State"}""");
        String message = compare(current).orElseThrow();
        assertTrue(message.contains("TYPE_MISMATCH"), message);
        assertTrue(message.contains("/fields/1"), message);
    }

    @Test
    void aRemovedEnumSymbolIsNotWhenTheEnumHasNoDefault() {
        String strictState = """
                {"type": "enum", "name": "State", "namespace": "t", "symbols": ["ON"]}""";
        Schema current = NamedTypeParser.parse(V1, List.of(strictState));
        Optional<String> problem = SchemaEvolutionChecker.compare("Thing.avsc", COMMIT, current, NamedTypeParser.parse(V1, List.of(STATE)));
        assertTrue(problem.orElseThrow().contains("MISSING_ENUM_SYMBOLS"), problem.get());
    }

    @Test
    void namedTypesAreFoundInWhicheverOrderTheDefinitionsCome() {
        String holder = """
                {"type": "record", "name": "Holder", "namespace": "t", "fields": [{"name": "thing", "type": "Thing"}]}""";
        String unrelated = """
                {"type": "fixed", "name": "Hash", "namespace": "t", "size": 4}""";
        Schema parsed = NamedTypeParser.parse(holder, List.of(V1, unrelated, STATE));
        assertEquals("Thing", parsed.getField("thing").schema().getName());
        assertThrows(AvroRuntimeException.class, () -> NamedTypeParser.parse(holder, List.of(STATE)));
    }
}
