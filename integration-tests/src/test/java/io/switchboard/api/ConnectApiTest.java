package io.switchboard.api;

import io.switchboard.kafka.KafkaIdentities;
import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.SwitchboardFixture.Answer;
import io.switchboard.examples.LifecycleConsumer;
import io.switchboard.testing.Await;
import io.switchboard.testing.Http;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Kafka Connect's connector endpoints over real HTTP, against a real broker and Kafka Streams. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectApiTest {
    private SwitchboardFixture fx;

    @BeforeAll
    void start() {
        fx = SharedReplica.plain();
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    static Map<String, Object> config(String name) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("connector.class", "org.apache.kafka.connect.file.FileStreamSourceConnector");
        config.put("file", "/tmp/switchboard-test-files/" + name + ".txt");
        config.put("topic", name + "-lines");
        return config;
    }

    static String createBody(String name) {
        return SwitchboardFixture.json(Map.of("name", name, "config", config(name)));
    }

    private Set<String> names() {
        Answer list = fx.call("GET", "/connectors", null);
        assertEquals(200, list.status());
        Set<String> names = new TreeSet<>();
        list.json().forEach(n -> names.add(n.asText()));
        return names;
    }

    @Test
    void servesItsOpenApiDocument() {
        Answer document = fx.call("GET", "/openapi.yaml", null);
        assertEquals(200, document.status());
        assertTrue(document.header("Content-Type").startsWith("application/yaml"), document.header("Content-Type"));
        assertTrue(document.body().startsWith("openapi: 3."), document.body());
        assertTrue(document.body().contains("/connectors/{connector}/offsets:"), "the document names every route");
    }

    @Test
    void rootAndHealth() {
        Answer root = fx.call("GET", "/", null);
        assertEquals(200, root.status());
        assertTrue(root.json().has("version"));
        assertTrue(root.json().has("commit"));
        assertFalse(root.json().get("kafka_cluster_id").asText().isEmpty());

        Answer health = fx.call("GET", "/health", null);
        assertEquals(200, health.status());
        assertEquals("healthy", health.json().get("status").asText());
    }

    /** Every accepted change is a lifecycle event, in order, with who asked; refused or no-op commands are none. */
    @Test
    void acceptedCommandsArePublishedAsLifecycleEventsInOrder() {
        assertEquals(201, fx.call("POST", "/connectors", createBody("evented")).status());
        assertEquals(409, fx.call("POST", "/connectors", createBody("evented")).status());
        Map<String, Object> changed = config("evented");
        changed.put("topic", "evented-v2");
        assertEquals(200, fx.call("PUT", "/connectors/evented/config", SwitchboardFixture.json(changed)).status());
        assertEquals(200, fx.call("PUT", "/connectors/evented/config", SwitchboardFixture.json(changed)).status());
        assertEquals(202, fx.call("PUT", "/connectors/evented/pause", null).status());
        assertEquals(204, fx.call("DELETE", "/connectors/evented", null).status());

        List<String> lines = new ArrayList<>();
        LifecycleConsumer.consume(fx.kafka.clients(KafkaIdentities.EVENTS), fx.app.schemaRegistryUrl(),
                fx.topics().lifecycle(), "events-test", Duration.ofSeconds(10), event -> {
                    if (event.getConnector().equals("evented")) {
                        lines.add(LifecycleConsumer.describe(event));
                    }
                    return lines.size() < 4;
                });
        assertEquals(4, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).contains(" v1 ConnectorCreated keys [connector.class, file, name, topic], RUNNING"), lines.get(0));
        assertTrue(lines.get(1).contains(" v2 ConnectorConfigChanged added [], removed [], changed [topic]"), lines.get(1));
        assertTrue(lines.get(2).contains(" v3 TargetStateChanged RUNNING -> PAUSED"), lines.get(2));
        assertTrue(lines.get(3).contains(" v4 ConnectorDeleted"), lines.get(3));
        assertTrue(lines.get(0).contains("(request "), lines.get(0));
    }

    @Test
    void errorMessagesNeverShowSecrets() {
        Answer answer = fx.call("POST", "/connectors",
                "{\"name\":\"leaky\",\"config\":{\"database.password\":\"hunter2\",\"topic\":\"t\"}}");
        assertEquals(400, answer.status());
        assertFalse(answer.body().contains("hunter2"), answer.body());
        assertTrue(answer.body().contains("****************"), answer.body());
    }

    @Test
    void workerFactsAre503WithoutAWorker() {
        Answer plugins = fx.call("GET", "/connector-plugins", null);
        assertEquals(503, plugins.status());
        assertEquals(503, plugins.json().get("error_code").asInt());
        assertEquals("1", plugins.header("Retry-After"));
    }

    @Test
    void connectorLifecycleThroughEveryEndpoint() {
        Answer created = fx.call("POST", "/connectors", createBody("life"));
        assertEquals(201, created.status(), created.body());
        assertEquals("life", created.json().get("name").asText());
        assertEquals("life", created.json().get("config").get("name").asText(), "config.name is filled in");
        assertEquals("source", created.json().get("type").asText());
        assertTrue(created.json().get("tasks").isArray());
        assertTrue(created.header("Location").endsWith("/connectors/life"), created.header("Location"));

        // Read-your-writes: the 201 means the store already has it.
        Answer info = fx.call("GET", "/connectors/life", null);
        assertEquals(200, info.status());
        assertEquals("life-lines", info.json().get("config").get("topic").asText());
        assertTrue(names().contains("life"));

        Answer config = fx.call("GET", "/connectors/life/config", null);
        assertEquals(200, config.status());
        assertEquals("/tmp/switchboard-test-files/life.txt", config.json().get("file").asText());

        Map<String, Object> updated = config("life");
        updated.put("topic", "life-v2");
        Answer put = fx.call("PUT", "/connectors/life/config", SwitchboardFixture.json(updated));
        assertEquals(200, put.status(), put.body());
        assertEquals("life-v2", fx.call("GET", "/connectors/life/config", null).json().get("topic").asText());

        Answer samePut = fx.call("PUT", "/connectors/life/config", SwitchboardFixture.json(updated));
        assertEquals(200, samePut.status());

        Map<String, Object> patch = new HashMap<>();
        patch.put("tasks.max", "3");
        patch.put("file", null);
        Answer patched = fx.call("PATCH", "/connectors/life/config", SwitchboardFixture.json(patch));
        assertEquals(200, patched.status(), patched.body());
        JsonNode afterPatch = fx.call("GET", "/connectors/life/config", null).json();
        assertEquals("3", afterPatch.get("tasks.max").asText());
        assertFalse(afterPatch.has("file"));

        for (String action : List.of("pause", "resume", "stop", "resume")) {
            Answer answer = fx.call("PUT", "/connectors/life/" + action, null);
            assertEquals(action.equals("stop") ? 204 : 202, answer.status(), action + ": " + answer.body());
            assertEquals("", answer.body());
        }

        Answer status = fx.call("GET", "/connectors/life/status", null);
        assertEquals(200, status.status());
        assertEquals("UNASSIGNED", status.json().get("connector").get("state").asText());
        assertEquals(0, status.json().get("tasks").size());

        Answer deleted = fx.call("DELETE", "/connectors/life", null);
        assertEquals(204, deleted.status());
        assertEquals(404, fx.call("GET", "/connectors/life", null).status());
        assertFalse(names().contains("life"));
    }

    @Test
    void putConfigCreatesWith201() {
        Answer put = fx.call("PUT", "/connectors/by-put/config", SwitchboardFixture.json(config("by-put")));
        assertEquals(201, put.status(), put.body());
        assertEquals("by-put", put.json().get("name").asText());
        assertNotNull(put.header("Location"));
    }

    @Test
    void initialStateIsKept() {
        Map<String, Object> body = new HashMap<>();
        body.put("name", "starts-paused");
        body.put("config", config("starts-paused"));
        body.put("initial_state", "paused");
        assertEquals(201, fx.call("POST", "/connectors", SwitchboardFixture.json(body)).status());
        // Pausing an already paused connector is accepted and changes nothing: no version is recorded.
        assertEquals(202, fx.call("PUT", "/connectors/starts-paused/pause", null).status());
        assertEquals(202, fx.call("PUT", "/connectors/starts-paused/resume", null).status());
        JsonNode versions = historyVersions("starts-paused", 2);
        assertEquals("ConnectorCreated", versions.get(0).get("event").asText(), versions.toString());
        assertEquals("PAUSED", versions.get(0).get("target_state").asText(), versions.toString());
        assertEquals("TargetStateChanged", versions.get(1).get("event").asText(), versions.toString());
        assertEquals("RUNNING", versions.get(1).get("target_state").asText(), versions.toString());
    }

    /**
     * Pause, resume and stop are answered once decided, like every other command: here the processor
     * is held, so no decision can come and no answer either (nor a read of the connector, which waits
     * for the commands ahead of it); once it goes on, the pause is decided, answered 202 and in the
     * history, after the create. (Answered once durable, a pause could be acknowledged while a
     * delete ahead of it in the partition made it impossible.)
     */
    @Test
    void targetStateChangesAreAnsweredOnceDecided() throws Exception {
        assertEquals(201, fx.call("POST", "/connectors", createBody("held")).status());
        fx.app.streams().pause();
        CompletableFuture<Answer> paused;
        try {
            paused = CompletableFuture.supplyAsync(() -> fx.call("PUT", "/connectors/held/pause", null));
            Await.holds("no answer to the pause while the processor is held", Duration.ofSeconds(1), () -> !paused.isDone());
        } finally {
            fx.app.streams().resume();
        }
        assertEquals(202, paused.get(60, TimeUnit.SECONDS).status());
        assertEquals(204, fx.call("PUT", "/connectors/held/stop", null).status());
        JsonNode versions = historyVersions("held", 3);
        assertEquals("PAUSED", versions.get(1).get("target_state").asText(), versions.toString());
        assertEquals("STOPPED", versions.get(2).get("target_state").asText(), versions.toString());
    }

    /** The recorded versions of a connector, once there are {@code count} of them. */
    private JsonNode historyVersions(String name, int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        Answer answer;
        do {
            answer = fx.call("GET", "/connectors/" + name + "/history", null);
            if (answer.status() == 200 && answer.json().get("versions").size() >= count) {
                return answer.json().get("versions");
            }
        } while (System.nanoTime() < deadline);
        throw new AssertionError("history of " + name + " never had " + count + " versions: " + answer.body());
    }

    @Test
    void listExpandsStatusAndInfo() {
        assertEquals(201, fx.call("POST", "/connectors", createBody("expand-me")).status());
        JsonNode both = fx.call("GET", "/connectors?expand=status&expand=info", null).json();
        JsonNode entry = both.get("expand-me");
        assertNotNull(entry, both.toString());
        assertEquals("expand-me", entry.get("info").get("name").asText());
        assertEquals("UNASSIGNED", entry.get("status").get("connector").get("state").asText());

        JsonNode statusOnly = fx.call("GET", "/connectors?expand=status", null).json();
        assertFalse(statusOnly.get("expand-me").has("info"));
        assertTrue(statusOnly.get("expand-me").has("status"));
    }

    @Test
    void unknownConnectorsAre404Everywhere() {
        for (String[] call : List.of(
                new String[]{"GET", "/connectors/nope", null},
                new String[]{"GET", "/connectors/nope/config", null},
                new String[]{"GET", "/connectors/nope/status", null},
                new String[]{"DELETE", "/connectors/nope", null},
                new String[]{"PATCH", "/connectors/nope/config", "{\"topic\":\"x\"}"},
                new String[]{"PUT", "/connectors/nope/pause", null},
                new String[]{"PUT", "/connectors/nope/resume", null},
                new String[]{"PUT", "/connectors/nope/stop", null})) {
            Answer answer = fx.call(call[0], call[1], call[2]);
            assertEquals(404, answer.status(), call[0] + " " + call[1] + ": " + answer.body());
            assertEquals(404, answer.json().get("error_code").asInt());
            assertTrue(answer.json().get("message").asText().contains("nope"), answer.body());
        }
    }

    /** Every kind of bad input gets a 4xx JSON error and leaves the store as it was. */
    @Test
    void badInputIsRefusedWithJsonErrorsAndChangesNothing() {
        assertEquals(201, fx.call("POST", "/connectors", createBody("stable")).status());
        Set<String> before = names();
        String stableConfig = fx.call("GET", "/connectors/stable/config", null).body();

        Map<String, Object> nullValue = config("nulls");
        nullValue.put("topic", null);
        Map<String, Object> wrongName = config("stable");
        wrongName.put("name", "other");
        Map<String, Object> noClass = config("no-class");
        noClass.remove("connector.class");
        Map<String, Object> unknownClass = config("unknown-class");
        unknownClass.put("connector.class", "com.example.NoSuchConnector");
        String big = "{\"name\":\"big\",\"config\":{\"connector.class\":\"FileStreamSource\",\"x\":\""
                + "a".repeat(1024 * 1024 + 10) + "\"}}";

        List<String[]> cases = List.of(
                new String[]{"POST", "/connectors", "{not json", "malformed JSON"},
                new String[]{"POST", "/connectors", "[1,2]", "an array instead of an object"},
                new String[]{"POST", "/connectors", "{\"name\":\"x\",\"config\":\"text\"}", "config of the wrong type"},
                new String[]{"POST", "/connectors", "{\"name\":{\"a\":1},\"config\":{}}", "name of the wrong type"},
                new String[]{"POST", "/connectors", "{\"name\":\"x\"}", "no config"},
                new String[]{"POST", "/connectors", "{\"config\":" + SwitchboardFixture.json(config("x")) + "}", "no name"},
                new String[]{"POST", "/connectors", "{\"name\":\"  \",\"config\":" + SwitchboardFixture.json(config("x")) + "}", "empty name"},
                new String[]{"POST", "/connectors", "{\"name\":\"bad\\u0007name\",\"config\":" + SwitchboardFixture.json(config("x")) + "}", "control characters"},
                new String[]{"POST", "/connectors", SwitchboardFixture.json(Map.of("name", "stable", "config", wrongName)), "config.name differs"},
                new String[]{"POST", "/connectors", SwitchboardFixture.json(Map.of("name", "nulls", "config", nullValue)), "null config value"},
                new String[]{"POST", "/connectors", SwitchboardFixture.json(Map.of("name", "no-class", "config", noClass)), "no connector.class"},
                new String[]{"POST", "/connectors", SwitchboardFixture.json(Map.of("name", "unknown-class", "config", unknownClass)), "unknown connector class"},
                new String[]{"POST", "/connectors", "{\"name\":\"x\",\"config\":{},\"initial_state\":\"SIDEWAYS\"}", "bad initial_state"},
                new String[]{"POST", "/connectors", "", "no body"},
                new String[]{"POST", "/connectors", big, "body over 1 MiB"},
                new String[]{"PUT", "/connectors/stable/config", SwitchboardFixture.json(nullValue), "PUT with a null value"},
                new String[]{"PUT", "/connectors/stable/config", SwitchboardFixture.json(wrongName), "PUT with another name"},
                new String[]{"PUT", "/connectors/stable/config", "{\"a\":[1]}", "PUT with an array value"},
                new String[]{"PUT", "/connectors/stable/config", "nope", "PUT with malformed JSON"},
                new String[]{"PATCH", "/connectors/stable/config", "{\"connector.class\":null}", "PATCH removing the connector class"},
                new String[]{"GET", "/no/such/route", null, "unknown route"},
                new String[]{"DELETE", "/connectors", null, "wrong method"},
                new String[]{"POST", "/connectors/stable/config", "{}", "wrong method on a connector"});
        for (String[] c : cases) {
            Answer answer = fx.call(c[0], c[1], c[2]);
            String what = c[3] + " -> " + answer.status() + " " + answer.body();
            assertTrue(answer.status() >= 400 && answer.status() < 500, what);
            JsonNode error = answer.json();
            assertNotNull(error.get("error_code"), what);
            assertEquals(answer.status(), error.get("error_code").asInt(), what);
            assertFalse(error.get("message").asText().isBlank(), what);
            assertFalse(answer.body().contains("\tat "), "no stack traces: " + what);
        }
        assertEquals(405, fx.call("DELETE", "/connectors", null).status());
        assertEquals(404, fx.call("GET", "/no/such/route", null).status());
        assertEquals(before, names(), "bad input created nothing");
        assertEquals(stableConfig, fx.call("GET", "/connectors/stable/config", null).body(), "bad input changed nothing");
    }

    @Test
    void recordsThatAreNotCommandsGoToTheDeadLetterTopicAndProcessingGoesOn() throws Exception {
        Map<String, Object> producerConfig = fx.kafka.client(KafkaIdentities.CONTROL_PLANE);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(fx.topics().commands(), "default/garbage",
                    "definitely not a command".getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>(fx.topics().commands(), "default/garbage",
                    new byte[]{0, 0, 0, 0, 99, 1, 2})).get();
        }
        assertEquals(201, fx.call("POST", "/connectors", createBody("after-garbage")).status());

        Map<String, Object> consumerConfig = fx.kafka.client(KafkaIdentities.CONTROL_PLANE, Map.of(ConsumerConfig.GROUP_ID_CONFIG, "dlq-check",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        List<byte[]> deadLetters = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(fx.topics().deadLetters()));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (deadLetters.size() < 2 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    deadLetters.add(r.value());
                }
            }
        }
        assertEquals(2, deadLetters.size());
        assertEquals("definitely not a command", new String(deadLetters.get(0), StandardCharsets.UTF_8));
        assertFalse(names().contains("garbage"));
    }

    /**
     * Idempotency-Key: a retried write gets its first answer again (a retried create 201, not 409; a
     * retried delete 204, not 404); the key reused for another request is refused with 422; a bad
     * key with 400.
     */
    @Test
    void retriedWritesWithAnIdempotencyKeyGetTheFirstAnswerAgain() {
        String url = fx.app.url();
        Map<String, String> key = Map.of("Idempotency-Key", "create-idem-1");
        Http.Response first = Http.call(url, "POST", "/connectors", createBody("idem"), key);
        assertEquals(201, first.status(), first.body());
        Http.Response retry = Http.call(url, "POST", "/connectors", createBody("idem"), key);
        assertEquals(201, retry.status(), "a retry is answered as the first create was: " + retry.body());
        assertEquals(first.json(), retry.json());
        assertEquals(409, fx.call("POST", "/connectors", createBody("idem")).status(), "without the key it is a second create");

        Map<String, Object> other = config("idem");
        other.put("topic", "elsewhere");
        Http.Response misuse = Http.call(url, "POST", "/connectors",
                SwitchboardFixture.json(Map.of("name", "idem", "config", other)), key);
        assertEquals(422, misuse.status(), misuse.body());
        assertEquals("Idempotency-Key create-idem-1 was already used for a different request to connector idem",
                misuse.json().path("message").asText());
        assertEquals("/tmp/switchboard-test-files/idem.txt", fx.call("GET", "/connectors/idem/config", null).json().path("file").asText(),
                "a refused reuse changes nothing");

        for (String bad : new String[]{"", "x".repeat(256), "with space", "tab\tkey"}) {
            Http.Response refused = Http.call(url, "PUT", "/connectors/idem/pause", null,
                    Map.of("Idempotency-Key", bad));
            assertEquals(400, refused.status(), bad);
            assertEquals(400, refused.json().path("error_code").asInt());
        }

        Map<String, String> deleteKey = Map.of("Idempotency-Key", "delete-idem-1");
        assertEquals(204, Http.call(url, "DELETE", "/connectors/idem", null, deleteKey).status());
        assertEquals(204, Http.call(url, "DELETE", "/connectors/idem", null, deleteKey).status(),
                "a retried delete is answered as the first");
        assertEquals(404, fx.call("DELETE", "/connectors/idem", null).status());
    }

    /** A value in the sealed form that this keyring cannot open is refused: no connector could ever get it. */
    @Test
    void sealedLookingValuesThatDoNotOpenAreRefused() {
        for (String forged : new String[]{"${switchboard:nokey:AAAA}", "${switchboard:no-key-id}"}) {
            Map<String, Object> config = config("forged");
            config.put("db.password", forged);
            Answer refused = fx.call("POST", "/connectors", SwitchboardFixture.json(Map.of("name", "forged", "config", config)));
            assertEquals(400, refused.status(), refused.body());
            assertTrue(refused.json().path("message").asText().startsWith("The value of db.password is in Switchboard's sealed form"),
                    refused.body());
            assertFalse(refused.body().contains("AAAA"), "the value is not quoted back");
        }
        assertEquals(404, fx.call("GET", "/connectors/forged", null).status());
        assertEquals(201, fx.call("POST", "/connectors", createBody("forged")).status());
        Answer patched = fx.call("PATCH", "/connectors/forged/config", "{\"db.password\":\"${switchboard:nokey:AAAA}\"}");
        assertEquals(400, patched.status(), patched.body());
        assertEquals(204, fx.call("DELETE", "/connectors/forged", null).status());
    }
}
