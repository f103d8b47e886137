package io.switchboard.apply;

import io.switchboard.apply.Documents.Node;
import io.switchboard.apply.Documents.Place;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Strimzi's offsets fields of a {@code KafkaConnector}, read as Strimzi acts on them: only when the
 * annotation {@value #ANNOTATION} asks ({@code list}, {@code alter} or {@code reset}), with
 * {@code spec.listOffsets.toConfigMap.name} naming where {@code list} writes the offsets and
 * {@code spec.alterOffsets.fromConfigMap.name} where {@code alter} reads them. Here a ConfigMap is a
 * file beside the document's, {@code <name>.json}, holding Kafka Connect's offsets body. Pure: the
 * CLI does the reading, writing and calls ({@code ApplyCommand}).
 */
public final class OffsetsOperations {
    static final String ANNOTATION = "strimzi.io/connector-offsets";
    /** A ConfigMap's name (DNS-1123), which is also a file name with no directory in it. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    public enum Kind { LIST, ALTER, RESET }

    /** One operation on a connector's offsets; {@code file} is null for a reset. */
    public record Operation(Kind kind, String cluster, String connector, Path file, String origin) {
    }

    private final Documents documents;
    private final List<Operation> operations = new ArrayList<>();

    OffsetsOperations(Documents documents) {
        this.documents = documents;
    }

    List<Operation> operations() {
        return List.copyOf(operations);
    }

    /** Reads a KafkaConnector's offsets fields and its annotation; a problem for each field out of shape. */
    void read(Place at, Map<String, Node> metadata, Map<String, Node> spec, String cluster, String connector) {
        String list = configMap(at, spec.get("listOffsets"), "spec.listOffsets", "toConfigMap");
        String alter = configMap(at, spec.get("alterOffsets"), "spec.alterOffsets", "fromConfigMap");
        Node annotations = metadata.get("annotations");
        if (annotations == null || connector == null) {
            return;
        }
        Map<String, String> given = documents.strings(at, annotations, "metadata.annotations");
        String asked = given.get(ANNOTATION);
        if (asked == null) {
            return;
        }
        String field = "metadata.annotations." + ANNOTATION;
        Path beside = Path.of(at.file()).toAbsolutePath().getParent();
        switch (asked.toLowerCase(Locale.ROOT)) {
            case "list" -> add(at, annotations, Kind.LIST, cluster, connector, list, beside, "spec.listOffsets.toConfigMap.name", field);
            case "alter" -> add(at, annotations, Kind.ALTER, cluster, connector, alter, beside, "spec.alterOffsets.fromConfigMap.name", field);
            case "reset" -> operations.add(new Operation(Kind.RESET, cluster, connector, null, origin(at)));
            default -> documents.problem(at.at(annotations), field, "must be list, alter or reset, not " + asked);
        }
    }

    private void add(Place at, Node node, Kind kind, String cluster, String connector, String name, Path beside, String needs,
                     String field) {
        if (name == null) {
            documents.problem(at.at(node), field, kind.name().toLowerCase(Locale.ROOT) + " needs " + needs);
            return;
        }
        operations.add(new Operation(kind, cluster, connector, (beside == null ? Path.of(name + ".json") : beside.resolve(name + ".json")),
                origin(at)));
    }

    /** The ConfigMap's name under {@code field.<key>.name}, or null when the field is absent or out of shape. */
    private String configMap(Place at, Node node, String field, String key) {
        if (node == null || node.value() == null) {
            return null;
        }
        Map<String, Node> outer = documents.map(at, node, field);
        if (outer == null) {
            return null;
        }
        documents.onlyFields(at, outer, field + ".", Set.of(key));
        Node inner = outer.get(key);
        if (inner == null) {
            documents.problem(at.at(node), field + "." + key, "is required");
            return null;
        }
        Map<String, Node> ref = documents.map(at, inner, field + "." + key);
        if (ref == null) {
            return null;
        }
        documents.onlyFields(at, ref, field + "." + key + ".", Set.of("name"));
        String name = documents.text(at, ref.get("name"), field + "." + key + ".name", true);
        if (name != null && !NAME.matcher(name).matches()) {
            documents.problem(at.at(ref.get("name")), field + "." + key + ".name", "must be a ConfigMap's name (lower case letters,"
                    + " digits, '-' and '.'), not " + (name.length() > 64 ? name.substring(0, 64) + "..." : name));
            return null;
        }
        return name;
    }

    private static String origin(Place at) {
        return at.file() + " document " + at.document();
    }
}
