package io.switchboard.schemas.evolution;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The schema evolution guard: every schema file, as it is now, must read data written with every version
 * of it ever committed. Records already in topics were written with those versions.
 */
final class SchemaEvolutionChecker {
    private final Consumer<String> report;

    /** @param report told what was checked and why something could not be */
    SchemaEvolutionChecker(Consumer<String> report) {
        this.report = report;
    }

    /** Checks every .avsc file of the directory against its git history; returns one message per problem. */
    List<String> checkDirectory(Path avroDirectory) {
        Map<String, String> current = readSchemaFiles(avroDirectory);
        SchemaHistory history;
        try {
            history = SchemaHistory.of(avroDirectory);
        } catch (SchemaHistory.Missing e) {
            return List.of(e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        for (String name : current.keySet()) {
            problems.addAll(checkFile(history, avroDirectory, name, current));
        }
        return problems;
    }

    private List<String> checkFile(SchemaHistory history, Path directory, String name, Map<String, String> current) {
        String file = history.repoPath(directory.resolve(name));
        Schema reader;
        try {
            reader = NamedTypeParser.parse(current.get(name), othersThan(name, current).values());
        } catch (AvroRuntimeException e) {
            return List.of(file + " does not parse: " + e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        List<SchemaHistory.Revision> revisions = history.revisions(directory.resolve(name), report);
        for (SchemaHistory.Revision revision : revisions) {
            Schema writer;
            try {
                writer = NamedTypeParser.parse(revision.content(), definitionsAt(history, revision.commit(), file, name, current));
            } catch (AvroRuntimeException e) {
                report.accept(file + " as committed in " + revision.commit() + " does not parse (" + e.getMessage() + "); skipped");
                continue;
            }
            compare(file, revision.commit(), reader, writer).ifPresent(problems::add);
        }
        report.accept(file + ": checked against " + revisions.size() + " committed version(s)");
        return problems;
    }

    /** The other schema files as they were in the commit, or as they are now where the commit lacks them. */
    private static List<String> definitionsAt(SchemaHistory history, String commit, String file, String name, Map<String, String> current) {
        String directory = file.contains("/") ? file.substring(0, file.lastIndexOf('/') + 1) : "";
        List<String> definitions = new ArrayList<>();
        othersThan(name, current).forEach((other, now) ->
                definitions.add(history.show(commit, directory + other).orElse(now)));
        return definitions;
    }

    private static Map<String, String> othersThan(String name, Map<String, String> files) {
        Map<String, String> others = new LinkedHashMap<>(files);
        others.remove(name);
        return others;
    }

    /**
     * Whether data written with the previous schema can be read with the current one.
     *
     * @return a message naming the file, the commit and Avro's description of the incompatibility; empty when compatible
     */
    static Optional<String> compare(String file, String commit, Schema current, Schema previous) {
        SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(current, previous);
        if (result.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return Optional.empty();
        }
        StringBuilder message = new StringBuilder()
                .append(file).append(": the current schema cannot read data written with the version committed in ")
                .append(commit).append('.');
        result.getResult().getIncompatibilities().forEach(i -> message.append("\n  - ").append(i.getType())
                .append(" at '").append(i.getLocation()).append("': ").append(i.getMessage()));
        message.append("\nAvro says: ").append(result.getDescription());
        return Optional.of(message.toString());
    }

    /** The directory's .avsc files by name, sorted. */
    static Map<String, String> readSchemaFiles(Path directory) {
        Map<String, String> files = new LinkedHashMap<>();
        try (Stream<Path> paths = Files.list(directory)) {
            for (Path path : paths.filter(p -> p.getFileName().toString().endsWith(".avsc")).sorted().toList()) {
                files.put(path.getFileName().toString(), Files.readString(path, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }
}
