package io.switchboard.schemas.evolution;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;

/** Entry point of the schema evolution guard for tests in other packages. */
public final class SchemaEvolutionGuard {
    private static final Logger log = LoggerFactory.getLogger(SchemaEvolutionGuard.class);

    private SchemaEvolutionGuard() {
    }

    /** Problems with the directory's schemas against their committed versions; empty when all is well. */
    public static List<String> check(Path avroDirectory) {
        return new SchemaEvolutionChecker(log::info).checkDirectory(avroDirectory);
    }
}
