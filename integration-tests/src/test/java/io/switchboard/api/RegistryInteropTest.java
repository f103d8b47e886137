package io.switchboard.api;

import io.switchboard.kafka.KafkaIdentities;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.schemas.ConnectorConfigChanged;
import io.switchboard.schemas.ConnectorCreated;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.schemas.TargetStateChanged;
import io.switchboard.schemas.wire.AvroDeserializer;
import io.switchboard.schemas.wire.ConfluentWireFormat;
import io.switchboard.schemas.wire.HttpSchemaRegistryClient;
import io.switchboard.testing.Http;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Lifecycle events interoperate with an independent Schema Registry client: the npm package
 * {@code @kafkajs/confluent-schema-registry}, run by node against Switchboard's embedded registry,
 * decodes the bytes Switchboard wrote to the lifecycle topic, registers the event schema and gets
 * Switchboard's id back, and encodes an event that Switchboard's own deserializer reads. Skipped
 * only where node is not installed (CI installs it). On the test JVM's secured replica
 * ({@link SharedReplica#withUsers}), whose lifecycle topic it reads for its own connector's events.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryInteropTest {
    private static final Path NODE_DIR = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
            .resolve("src/test/node");
    private String topic;
    private SwitchboardFixture fx;

    @BeforeAll
    void start() throws Exception {
        assumeTrue(run(List.of("node", "--version"), null, 30).exit() == 0, "node is not installed");
        if (!Files.isDirectory(NODE_DIR.resolve("node_modules/@kafkajs/confluent-schema-registry"))) {
            Result install = run(List.of("npm", "ci", "--no-audit", "--no-fund"), null, 300);
            assertEquals(0, install.exit(), "npm ci failed: " + install.err());
        }
        // Principals are recorded only when authenticated: these are the test's users.
        fx = SharedReplica.withUsers(Map.of("alice", "editor@*", "admin", "admin@*"), "admin");
        topic = fx.topics().lifecycle();
    }

    @AfterAll
    void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    record Result(int exit, String out, String err) {
    }

    private static Result run(List<String> command, String stdin, int timeoutSeconds) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).directory(NODE_DIR.toFile()).start();
        } catch (IOException notInstalled) {
            return new Result(-1, "", notInstalled.toString());
        }
        try (var in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        Thread errReader = new Thread(() -> {
            try {
                process.getErrorStream().transferTo(err);
            } catch (IOException ignored) {
                // process ended
            }
        });
        errReader.start();
        process.getInputStream().transferTo(out);
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish in " + timeoutSeconds + " s");
        }
        errReader.join();
        return new Result(process.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The raw bytes of a connector's lifecycle events, read with a plain byte-array consumer. */
    private List<byte[]> rawEvents(String key, int expected) {
        List<byte[]> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(fx.kafka.client(KafkaIdentities.CONTROL_PLANE, Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(new String(record.key(), StandardCharsets.UTF_8))) {
                        values.add(record.value());
                    }
                }
            }
        }
        assertEquals(expected, values.size(), "events of " + key);
        return values;
    }

    @Test
    void anIndependentClientReadsAndWritesLifecycleEventsThroughSwitchboardsRegistry() throws Exception {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("connector.class", "org.apache.kafka.connect.file.FileStreamSourceConnector");
        config.put("file", "/tmp/switchboard-test-files/ünïcode ✓.txt");
        config.put("topic", "interop-lines");
        Map<String, String> alice = Map.of("Authorization",
                "Basic " + Base64.getEncoder().encodeToString("alice:pw".getBytes(StandardCharsets.UTF_8)));
        assertEquals(201, Http.call(fx.app.url(), "POST", "/connectors",
                Http.json(Map.of("name", "registry-interop", "config", config)), alice).status());
        assertEquals(200, Http.call(fx.app.url(), "PATCH", "/connectors/registry-interop/config",
                Http.json(Map.of("tasks.max", "3")), alice).status());
        assertEquals(202, Http.call(fx.app.url(), "PUT", "/connectors/registry-interop/pause", null, alice).status());

        List<byte[]> raw = rawEvents("default/registry-interop", 3);
        AvroDeserializer<LifecycleEvent> switchboard = new AvroDeserializer<>(
                HttpSchemaRegistryClient.anonymous(fx.app.schemaRegistryUrl()), LifecycleEvent.class);
        List<LifecycleEvent> decodedHere = raw.stream().map(bytes -> switchboard.deserialize(topic, bytes)).toList();
        int topicSchemaId = ConfluentWireFormat.readSchemaId(raw.get(0));

        ObjectNode request = Http.JSON.createObjectNode();
        request.put("registry", fx.app.schemaRegistryUrl());
        // The registry takes writes with the deployment's writer credentials only (HTTP Basic, as Confluent's clients send them).
        String[] userInfo = fx.registryUserInfo().split(":", 2);
        request.putObject("auth").put("username", userInfo[0]).put("password", userInfo[1]);
        ArrayNode decode = request.putArray("decode");
        raw.forEach(bytes -> decode.add(Base64.getEncoder().encodeToString(bytes)));
        request.putObject("register")
                .put("subject", topic + "-value")
                .put("schema", LifecycleEvent.getClassSchema().toString());
        request.putArray("encode").add(Http.JSON.readTree("""
                {"commandId": "from-node-1", "cluster": "default", "connector": "written-by-node",
                 "version": 7, "occurredAt": 1700000000123, "principal": null, "requestId": "node-req",
                 "event": {"io.switchboard.schemas.ConnectorConfigChanged": {
                   "config": {"topic": "t-✓", "tasks.max": "2"},
                   "added": ["tasks.max"], "removed": ["file"], "changed": ["topic"]}}}
                """));
        Result node = run(List.of("node", "interop.js"), Http.JSON.writeValueAsString(request), 120);
        assertEquals(0, node.exit(), "node failed: " + node.err());
        JsonNode answer = Http.JSON.readTree(node.out());

        // The npm client read what Switchboard wrote, field for field.
        JsonNode decodedThere = answer.get("decoded");
        assertEquals(3, decodedThere.size());
        for (int i = 0; i < 3; i++) {
            LifecycleEvent expected = decodedHere.get(i);
            JsonNode actual = decodedThere.get(i);
            assertEquals(expected.getCommandId(), actual.get("commandId").asText());
            assertEquals("registry-interop", actual.get("connector").asText());
            assertEquals(expected.getVersion(), actual.get("version").asLong());
            assertEquals(expected.getOccurredAt(), actual.get("occurredAt").asLong());
            assertEquals("alice", actual.get("principal").asText());
            assertEquals(expected.getRequestId(), actual.get("requestId").asText());
        }
        ConnectorCreated created = assertInstanceOf(ConnectorCreated.class, decodedHere.get(0).getEvent());
        JsonNode createdThere = decodedThere.get(0).get("event").get("io.switchboard.schemas.ConnectorCreated");
        assertEquals(created.getConfig(), Http.JSON.convertValue(createdThere.get("config"), Map.class));
        assertEquals("/tmp/switchboard-test-files/ünïcode ✓.txt", createdThere.get("config").get("file").asText());
        assertEquals("RUNNING", createdThere.get("targetState").asText());
        JsonNode changedThere = decodedThere.get(1).get("event").get("io.switchboard.schemas.ConnectorConfigChanged");
        assertEquals("tasks.max", changedThere.get("added").get(0).asText());
        assertEquals("3", changedThere.get("config").get("tasks.max").asText());
        JsonNode pausedThere = decodedThere.get(2).get("event").get("io.switchboard.schemas.TargetStateChanged");
        TargetStateChanged paused = assertInstanceOf(TargetStateChanged.class, decodedHere.get(2).getEvent());
        assertEquals(paused.getCurrent().name(), pausedThere.get("current").asText());

        // Registering the same schema through Switchboard's registry gives the id on the topic.
        assertEquals(topicSchemaId, answer.get("registeredId").asInt());
        assertEquals(topicSchemaId, answer.get("latestId").asInt());

        // Switchboard's deserializer reads what the npm client encoded.
        byte[] fromNode = Base64.getDecoder().decode(answer.get("encoded").get(0).asText());
        assertEquals(0, fromNode[0], "magic byte");
        assertEquals(topicSchemaId, ConfluentWireFormat.readSchemaId(fromNode));
        LifecycleEvent event = switchboard.deserialize(topic, fromNode);
        assertEquals("from-node-1", event.getCommandId());
        assertEquals("written-by-node", event.getConnector());
        assertEquals(7L, event.getVersion());
        assertEquals(1_700_000_000_123L, event.getOccurredAt());
        assertNull(event.getPrincipal());
        assertEquals("node-req", event.getRequestId());
        ConnectorConfigChanged changed = assertInstanceOf(ConnectorConfigChanged.class, event.getEvent());
        assertEquals(Map.of("topic", "t-✓", "tasks.max", "2"), changed.getConfig());
        assertEquals(List.of("file"), changed.getRemoved());
        assertEquals(List.of("topic"), changed.getChanged());
    }
}
