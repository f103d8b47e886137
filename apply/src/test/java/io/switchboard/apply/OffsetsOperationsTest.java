package io.switchboard.apply;

import io.switchboard.apply.DesiredStateFiles.Options;
import io.switchboard.apply.DesiredStateFiles.Source;
import io.switchboard.apply.OffsetsOperations.Kind;
import io.switchboard.apply.OffsetsOperations.Operation;
import io.switchboard.secrets.Redactor;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Strimzi's listOffsets and alterOffsets, read as Strimzi acts on them: only when its annotation asks. */
class OffsetsOperationsTest {
    private static final Options OPTIONS = new Options(null, "default", Map.<String, String>of()::get, Redactor.DEFAULT, Set.of());

    private static String connector(String annotation, String offsetsFields) {
        return """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaConnector
                metadata:
                  name: orders-source
                  labels: {strimzi.io/cluster: east}
                """ + (annotation == null ? "" : "  annotations: {strimzi.io/connector-offsets: " + annotation + "}\n") + """
                spec:
                  class: FileStreamSource
                  state: stopped
                  config: {file: /tmp/switchboard-test-files/orders.txt, topic: orders}
                """ + offsetsFields;
    }

    private static final String FIELDS = """
              listOffsets:
                toConfigMap: {name: orders-offsets}
              alterOffsets:
                fromConfigMap: {name: orders-offsets-wanted}
            """;

    private static List<Operation> read(String text) {
        return DesiredStateFiles.readAll(List.of(new Source("/repo/connectors/orders.yaml", text)), OPTIONS).offsets();
    }

    @Test
    void theAnnotationSaysWhichOperationAndTheFieldsWhichFile() {
        assertEquals(List.of(), read(connector(null, FIELDS)), "without the annotation, as in Strimzi, nothing is done");
        assertEquals(List.of(new Operation(Kind.LIST, "east", "orders-source", Path.of("/repo/connectors/orders-offsets.json"),
                "/repo/connectors/orders.yaml document 1")), read(connector("list", FIELDS)));
        assertEquals(List.of(new Operation(Kind.ALTER, "east", "orders-source", Path.of("/repo/connectors/orders-offsets-wanted.json"),
                "/repo/connectors/orders.yaml document 1")), read(connector("alter", FIELDS)));
        assertEquals(List.of(new Operation(Kind.RESET, "east", "orders-source", null, "/repo/connectors/orders.yaml document 1")),
                read(connector("reset", "")));
    }

    @Test
    void fieldsOutOfShapeAndOperationsWithoutTheirFileAreProblemsNamingTheField() {
        for (String[] bad : new String[][]{
                {connector("alter", ""), "metadata.annotations.strimzi.io/connector-offsets: alter needs spec.alterOffsets.fromConfigMap.name"},
                {connector("list", ""), "list needs spec.listOffsets.toConfigMap.name"},
                {connector("rewind", ""), "must be list, alter or reset, not rewind"},
                {connector(null, "  listOffsets: {toConfigMap: {name: ../../etc/passwd}}\n"), "must be a ConfigMap's name"},
                {connector(null, "  listOffsets: {toFile: x}\n"), "spec.listOffsets.toFile"},
                {connector(null, "  alterOffsets: {fromConfigMap: {}}\n"), "spec.alterOffsets.fromConfigMap.name"}}) {
            DesiredStateException problems = assertThrows(DesiredStateException.class, () -> read(bad[0]), bad[1]);
            assertTrue(problems.problems().toString().contains(bad[1]), problems.problems() + " should say " + bad[1]);
        }
    }
}
