package io.switchboard.registry;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompatibilityLevelTest {
    private static final Schema V1 = parse("[{\"name\": \"a\", \"type\": \"string\"}]");
    /** Adds an optional field: both old and new can read each other. */
    private static final Schema V2 = parse("[{\"name\": \"a\", \"type\": \"string\"}, {\"name\": \"b\", \"type\": [\"null\", \"int\"], \"default\": null}]");
    /** Adds a required field: cannot read V1 data, but V1 can read its data. */
    private static final Schema REQUIRED_ADDED = parse("[{\"name\": \"a\", \"type\": \"string\"}, {\"name\": \"c\", \"type\": \"long\"}]");
    /** Drops the required field a: can read V1 data, but V1 cannot read its data. */
    private static final Schema REQUIRED_DROPPED = parse("[{\"name\": \"b\", \"type\": [\"null\", \"int\"], \"default\": null}]");

    private static Schema parse(String fields) {
        return new Schema.Parser().parse("{\"type\": \"record\", \"name\": \"R\", \"fields\": " + fields + "}");
    }

    @Test
    void backwardMeansTheNewSchemaReadsTheOld() {
        assertTrue(CompatibilityLevel.BACKWARD.incompatibilities(V2, List.of(V1)).isEmpty());
        List<String> problems = CompatibilityLevel.BACKWARD.incompatibilities(REQUIRED_ADDED, List.of(V1));
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).contains("READER_FIELD_MISSING_DEFAULT_VALUE"), problems.get(0));
        assertTrue(CompatibilityLevel.BACKWARD.incompatibilities(REQUIRED_DROPPED, List.of(V1)).isEmpty());
    }

    @Test
    void forwardMeansTheOldSchemaReadsTheNew() {
        assertTrue(CompatibilityLevel.FORWARD.incompatibilities(REQUIRED_ADDED, List.of(V1)).isEmpty());
        assertFalse(CompatibilityLevel.FORWARD.incompatibilities(REQUIRED_DROPPED, List.of(V1)).isEmpty());
    }

    @Test
    void fullMeansBoth() {
        assertTrue(CompatibilityLevel.FULL.incompatibilities(V2, List.of(V1)).isEmpty());
        assertFalse(CompatibilityLevel.FULL.incompatibilities(REQUIRED_ADDED, List.of(V1)).isEmpty());
        assertFalse(CompatibilityLevel.FULL.incompatibilities(REQUIRED_DROPPED, List.of(V1)).isEmpty());
    }

    @Test
    void plainLevelsLookOnlyAtTheLatestVersion() {
        // REQUIRED_ADDED cannot read V1, but it can read REQUIRED_ADDED-shaped data, the latest.
        List<Schema> history = List.of(V1, REQUIRED_ADDED);
        assertTrue(CompatibilityLevel.BACKWARD.incompatibilities(REQUIRED_ADDED, history).isEmpty());
        assertFalse(CompatibilityLevel.BACKWARD_TRANSITIVE.incompatibilities(REQUIRED_ADDED, history).isEmpty());
    }

    @Test
    void noneAcceptsAnything() {
        assertTrue(CompatibilityLevel.NONE.incompatibilities(Schema.create(Schema.Type.INT), List.of(V1)).isEmpty());
        assertTrue(CompatibilityLevel.FULL_TRANSITIVE.incompatibilities(V1, List.of()).isEmpty());
    }

    @Test
    void parsesNamesInAnyCase() {
        assertEquals(CompatibilityLevel.FULL_TRANSITIVE, CompatibilityLevel.parse("full_transitive").orElseThrow());
        assertEquals(CompatibilityLevel.NONE, CompatibilityLevel.parse(" NONE ").orElseThrow());
        assertTrue(CompatibilityLevel.parse("sideways").isEmpty());
        assertTrue(CompatibilityLevel.parse(null).isEmpty());
    }
}
