package io.switchboard.schemas;

import io.switchboard.schemas.evolution.SchemaEvolutionGuard;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fails the build when a schema under src/main/avro can no longer read data written with any version of
 * it committed before: records already in the topics were written with those versions.
 */
class SchemaEvolutionTest {

    @Test
    void everySchemaReadsEveryCommittedVersionOfItself() {
        Path avro = Path.of(System.getProperty("basedir", "."), "src", "main", "avro");
        assertTrue(Files.isDirectory(avro), "no schema directory at " + avro.toAbsolutePath());
        List<String> problems = SchemaEvolutionGuard.check(avro);
        assertTrue(problems.isEmpty(), "Breaking schema changes:\n\n" + String.join("\n\n", problems));
    }
}
