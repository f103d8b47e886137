package io.switchboard.registry;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Confluent's compatibility levels, checked with Avro's reader/writer rules. BACKWARD: the new schema
 * can read data written with the existing one; FORWARD: the existing one can read data written with the
 * new one; FULL: both. Plain levels compare with the latest version, TRANSITIVE ones with every version.
 */
public enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    private final boolean newReadsOld;
    private final boolean oldReadsNew;
    private final boolean transitive;

    CompatibilityLevel(boolean newReadsOld, boolean oldReadsNew, boolean transitive) {
        this.newReadsOld = newReadsOld;
        this.oldReadsNew = oldReadsNew;
        this.transitive = transitive;
    }

    /** The level named, in any letter case; empty for an unknown name. */
    public static Optional<CompatibilityLevel> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(name.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public boolean transitive() {
        return transitive;
    }

    /**
     * Why the candidate may not follow the existing versions, one description per problem; empty when it may.
     *
     * @param existing the subject's versions, oldest first
     */
    public List<String> incompatibilities(Schema candidate, List<Schema> existing) {
        if (existing.isEmpty()) {
            return List.of();
        }
        List<Schema> compared = transitive ? existing : List.of(existing.get(existing.size() - 1));
        List<String> problems = new ArrayList<>();
        for (Schema previous : compared) {
            problems.addAll(against(candidate, previous));
        }
        return problems;
    }

    /** Why the candidate and one existing version are incompatible at this level, ignoring transitivity. */
    public List<String> against(Schema candidate, Schema existing) {
        List<String> problems = new ArrayList<>();
        if (newReadsOld) {
            problems.addAll(readProblems(candidate, existing, "the new schema cannot read data written with an existing one"));
        }
        if (oldReadsNew) {
            problems.addAll(readProblems(existing, candidate, "an existing schema cannot read data written with the new one"));
        }
        return problems;
    }

    private static List<String> readProblems(Schema reader, Schema writer, String what) {
        SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return List.of();
        }
        return result.getResult().getIncompatibilities().stream()
                .map(i -> what + ": " + i.getType() + " at '" + i.getLocation() + "': " + i.getMessage())
                .toList();
    }
}
