package io.switchboard.schemas.wire;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Schema Registry held in this process, for tests of topologies and serdes. It behaves like a
 * Confluent registry at its default level: ids are global and start at 1, the same schema always gets
 * the same id (under any subject), and a new version must be BACKWARD compatible with the subject's
 * latest one (the new schema can read data written with the latest).
 */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {
    private final Map<String, Integer> idsByCanonicalSchema = new HashMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, List<Integer>> versionsBySubject = new HashMap<>();

    @Override
    public synchronized int register(String subject, Schema schema) {
        String canonical = schema.toString();
        Integer existingId = idsByCanonicalSchema.get(canonical);
        List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        if (existingId != null && versions.contains(existingId)) {
            return existingId;
        }
        String incompatibility = backwardIncompatibility(versions, schema);
        if (incompatibility != null) {
            throw new SchemaRegistryException(409, SchemaRegistryException.INCOMPATIBLE_SCHEMA,
                    "Schema being registered is incompatible with the latest schema of subject '" + subject + "': " + incompatibility);
        }
        int id = existingId != null ? existingId : schemasById.size() + 1;
        if (existingId == null) {
            idsByCanonicalSchema.put(canonical, id);
            schemasById.put(id, new Schema.Parser().parse(canonical));
        }
        versions.add(id);
        return id;
    }

    @Override
    public synchronized Schema schemaById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw new SchemaRegistryException(404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + id + " not found");
        }
        return schema;
    }

    @Override
    public synchronized boolean testCompatibility(String subject, Schema schema) {
        return backwardIncompatibility(versionsBySubject.getOrDefault(subject, List.of()), schema) == null;
    }

    /** The subjects registered so far, for assertions in tests. */
    public synchronized List<String> subjects() {
        return versionsBySubject.entrySet().stream()
                .filter(e -> !e.getValue().isEmpty())
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
    }

    /** The ids of a subject's versions, oldest first. */
    public synchronized List<Integer> versions(String subject) {
        return List.copyOf(versionsBySubject.getOrDefault(subject, List.of()));
    }

    private String backwardIncompatibility(List<Integer> versions, Schema candidate) {
        if (versions.isEmpty()) {
            return null;
        }
        Schema latest = schemasById.get(versions.get(versions.size() - 1));
        SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(candidate, latest);
        if (result.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return null;
        }
        return result.getResult().getIncompatibilities().stream()
                .map(i -> i.getType() + " at " + i.getLocation() + ": " + i.getMessage())
                .toList()
                .toString();
    }
}
