package io.switchboard.api;

import io.switchboard.kafka.KafkaIdentities;
import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.kafkaio.Topics;
import io.switchboard.testing.TopicScan;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An editor's configs that would reach the control plane, on a real replica with its embedded
 * worker: each is refused with a 400 in its dialect's error format naming the topic, group or key,
 * before any worker sees it, and nothing lands on the command topic. The replica's topic prefix is
 * the test's own, not the default: the policy follows the deployment's prefix.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControlPlaneTopicsApiTest {
    private SwitchboardFixture fx;
    private Topics topics;
    private Path files;

    @BeforeAll
    void start() throws Exception {
        files = Files.createTempDirectory("control-plane-topics");
        fx = new SwitchboardFixture(options -> options.embeddedWorker(true).fileConnectorsDir(files));
        topics = fx.topics();
    }

    @AfterAll
    void stop() {
        fx.close();
        SwitchboardFixture.deleteQuietly(files);
    }

    private Map<String, String> fileSource(String topic) throws Exception {
        Path lines = Files.writeString(files.resolve("lines-" + System.nanoTime() + ".txt"), "forged\nrecords\n");
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "FileStreamSource");
        config.put("file", lines.toString());
        config.put("topic", topic);
        return config;
    }

    private Map<String, String> fileSink(String key, String value) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "FileStreamSink");
        config.put("file", files.resolve("sink.txt").toString());
        config.put(key, value);
        return config;
    }

    private static String spec(String name, Map<String, String> config) {
        return SwitchboardFixture.json(Map.of("name", name, "config", config));
    }

    /** A Kafka Connect 400 whose message names {@code named}. */
    private static void assertConnect400(SwitchboardFixture.Answer answer, String policy, String named) {
        assertEquals(400, answer.status(), answer.body());
        assertEquals(400, answer.json().path("error_code").asInt(), answer.body());
        String message = answer.json().path("message").asText();
        assertTrue(message.startsWith("Connector config refused by policy " + policy + ": "), message);
        assertTrue(message.contains(named), message);
    }

    @Test
    void theEditorsReproductionsAreRefusedInKafkaConnectsFormat() throws Exception {
        SwitchboardFixture.Answer direct = fx.call("POST", "/connectors", spec("forge", fileSource(topics.commands())));
        assertConnect400(direct, "control-plane-topics", "topic " + topics.commands() + " belongs to the control plane");

        Map<String, String> routed = fileSource("orders");
        routed.put("transforms", "r");
        routed.put("transforms.r.type", "org.apache.kafka.connect.transforms.RegexRouter");
        routed.put("transforms.r.regex", ".*");
        routed.put("transforms.r.replacement", topics.commands());
        assertConnect400(fx.call("POST", "/connectors", spec("forge-routed", routed)), "control-plane-topics", topics.commands());

        // The worker's own config topic, through the same router under a dotted alias, or a type with a trailing space.
        String workerConfigs = topics.embeddedWorkerGroup() + "-configs";
        Map<String, String> dotted = fileSource("plain");
        dotted.put("transforms", "r.x");
        dotted.put("transforms.r.x.type", "org.apache.kafka.connect.transforms.RegexRouter");
        dotted.put("transforms.r.x.regex", ".*");
        dotted.put("transforms.r.x.replacement", workerConfigs);
        assertConnect400(fx.call("POST", "/connectors", spec("rr1", dotted)), "control-plane-topics", "transforms.r.x.replacement");
        Map<String, String> spaced = new LinkedHashMap<>(routed);
        spaced.put("transforms.r.type", "org.apache.kafka.connect.transforms.RegexRouter ");
        spaced.put("transforms.r.replacement", workerConfigs);
        assertConnect400(fx.call("POST", "/connectors", spec("rr2", spaced)), "control-plane-topics", workerConfigs);

        assertConnect400(fx.call("POST", "/connectors", spec("copy-keys", fileSink("topics", topics.replicaKeys()))),
                "control-plane-topics", topics.replicaKeys());
        assertConnect400(fx.call("POST", "/connectors", spec("copy-all", fileSink("topics.regex", topics.prefix() + "\\..*"))),
                "control-plane-topics", "topics.regex");
        assertConnect400(fx.call("PUT", "/connectors/copy-dlq/config", SwitchboardFixture.json(fileSinkWith("errors.deadletterqueue.topic.name",
                topics.decisions()))), "control-plane-topics", topics.decisions());
        assertConnect400(fx.call("POST", "/connectors", spec("group", fileSinkWith("consumer.override.group.id", topics.applicationId()))),
                "control-plane-topics", "consumer group " + topics.applicationId());
        assertConnect400(fx.call("POST", "/connectors", spec("elsewhere", fileSinkWith("consumer.override.bootstrap.servers", "127.0.0.1:1"))),
                "client-overrides", "consumer.override.bootstrap.servers");

        // A reference is resolved by the worker only, after every check: refused where it would choose code or a topic,
        // although the named secrets exist (an editor creates and changes them).
        java.util.Base64.Encoder base64 = java.util.Base64.getEncoder();
        assertEquals(201, fx.call("POST", "/v1/kafka-connect/clusters/default/secrets", SwitchboardFixture.json(Map.of("name", "T",
                "secret_data", base64.encodeToString((topics.embeddedWorkerGroup() + "-configs").getBytes())))).status());
        assertEquals(201, fx.call("POST", "/v1/kafka-connect/clusters/default/secrets", SwitchboardFixture.json(Map.of("name", "C",
                "secret_data", base64.encodeToString("org.apache.kafka.connect.file.FileStreamSourceConnector".getBytes())))).status());
        assertConnect400(fx.call("POST", "/connectors", spec("peek", fileSink("topics", "${secretsManager:T}"))),
                "config-references", "topics holds a config provider reference");
        Map<String, String> classByReference = fileSink("topics", "orders");
        classByReference.put("connector.class", "${secretsManager:C}");
        assertConnect400(fx.call("POST", "/connectors", spec("fs2", classByReference)), "config-references", "connector.class");

        // A config that obeys, then a patch that would not: the patch is refused, the connector kept as it was.
        assertEquals(201, fx.call("POST", "/connectors", spec("fine", fileSink("topics", "orders"))).status());
        assertConnect400(fx.call("PATCH", "/connectors/fine/config", "{\"topics\": \"" + topics.lifecycle() + "\"}"),
                "control-plane-topics", topics.lifecycle());
        assertEquals("orders", fx.call("GET", "/connectors/fine/config", null).json().path("topics").asText());
        // Names that merely look alike are the users'.
        assertEquals(201, fx.call("POST", "/connectors", spec("alike", fileSink("topics", topics.prefix() + "x"))).status());

        for (String refused : new String[] {"forge", "forge-routed", "copy-keys", "copy-all", "copy-dlq", "group", "elsewhere", "peek", "fs2", "rr1", "rr2"}) {
            assertEquals(404, fx.call("GET", "/connectors/" + refused, null).status(), refused);
        }
        // No command for a refused connector reached the command topic, and none of the forged lines did.
        String commands = TopicScan.text(fx.kafka.client(KafkaIdentities.CONTROL_PLANE), topics.commands());
        assertTrue(commands.contains("alike"), "the accepted ones are there");
        for (String refused : new String[] {"forge", "copy-keys", "copy-all", "copy-dlq", "elsewhere", "forged"}) {
            assertFalse(commands.contains(refused), refused);
        }
    }

    /**
     * Debezium's file signal channel is refused with a 400 in Kafka Connect's format, on a create and
     * on a validation alike, before any worker sees it; a router's replacement with a leading space,
     * which Connect trims, is judged as the control-plane topic it reaches.
     */
    @Test
    void debeziumsFileSignalsAndATrimmedReplacementAreRefused() throws Exception {
        Map<String, String> signals = new LinkedHashMap<>();
        signals.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        signals.put("database.hostname", "127.0.0.1");
        signals.put("database.dbname", "postgres");
        signals.put("topic.prefix", "g2");
        signals.put("signal.enabled.channels", "source,file");
        signals.put("signal.file", "../secrets.key");
        assertConnect400(fx.call("POST", "/connectors", spec("g2", signals)), "debezium-classes-and-files", "signal.enabled.channels");
        assertConnect400(fx.call("PUT", "/connector-plugins/io.debezium.connector.postgresql.PostgresConnector/config/validate",
                SwitchboardFixture.json(signals)), "debezium-classes-and-files", "file");

        Map<String, String> routed = fileSink("topics", "orders");
        routed.put("connector.class", "FileStreamSource");
        routed.remove("topics");
        routed.put("topic", "orders");
        routed.put("transforms", "r");
        routed.put("transforms.r.type", "org.apache.kafka.connect.transforms.RegexRouter");
        routed.put("transforms.r.regex", ".*");
        routed.put("transforms.r.replacement", " " + topics.commands());
        assertConnect400(fx.call("POST", "/connectors", spec("g5", routed)), "control-plane-topics", topics.commands());
        for (String refused : new String[] {"g2", "g5"}) {
            assertEquals(404, fx.call("GET", "/connectors/" + refused, null).status(), refused);
        }
    }

    private Map<String, String> fileSinkWith(String key, String value) {
        Map<String, String> config = fileSink("topics", "orders");
        config.put(key, value);
        return config;
    }

    @Test
    void confluentAndRedpandaAnswerInTheirOwnFormats() throws Exception {
        String kafkaClusterId = fx.call("GET", "/", null).json().path("kafka_cluster_id").asText();
        SwitchboardFixture.Answer confluent = fx.call("POST", "/connect/v1/environments/env-default/clusters/" + kafkaClusterId + "/connectors",
                spec("cc-forge", fileSource(topics.commands())));
        assertEquals(400, confluent.status(), confluent.body());
        JsonNode error = confluent.json().path("error");
        assertEquals(400, error.path("code").asInt(), confluent.body());
        assertTrue(error.path("message").asText().contains("refused by policy control-plane-topics: topic " + topics.commands()),
                confluent.body());

        SwitchboardFixture.Answer redpanda = fx.call("POST", "/v1/kafka-connect/clusters/default/connectors",
                spec("rp-forge", fileSink("topics", topics.observations())));
        assertEquals(400, redpanda.status(), redpanda.body());
        assertEquals("INVALID_ARGUMENT", redpanda.json().path("code").asText(), redpanda.body());
        JsonNode violation = redpanda.json().path("details").get(1).path("field_violations").get(0);
        assertEquals("topics", violation.path("field").asText(), redpanda.body());
        assertTrue(violation.path("description").asText().startsWith("Connector config refused by policy control-plane-topics: topic "
                + topics.observations()), redpanda.body());

        SwitchboardFixture.Answer referenced = fx.call("POST", "/v1/kafka-connect/clusters/default/connectors",
                spec("rp-peek", fileSink("topics", "${secretsManager:T}")));
        assertEquals(400, referenced.status(), referenced.body());
        JsonNode refusedKey = referenced.json().path("details").get(1).path("field_violations").get(0);
        assertEquals("topics", refusedKey.path("field").asText(), referenced.body());
        assertTrue(refusedKey.path("description").asText().startsWith("Connector config refused by policy config-references: topics"),
                referenced.body());
        SwitchboardFixture.Answer confluentReference = fx.call("POST", "/connect/v1/environments/env-default/clusters/" + kafkaClusterId
                + "/connectors", spec("cc-peek", fileSink("topics", "${secretsManager:T}")));
        assertEquals(400, confluentReference.status(), confluentReference.body());
        assertTrue(confluentReference.json().path("error").path("message").asText().contains("refused by policy config-references: topics"),
                confluentReference.body());
    }

    /**
     * Eight creates whose {@code topics.regex} would take java.util.regex longer than any request
     * may (matched against a control-plane topic's name, it backtracks for hours), sent together,
     * hold none of the write pre-flight's threads: they and a plain create sent after them are each
     * answered within the test's bound of ten seconds, which a busy machine does not reach.
     */
    @Test
    void catastrophicRegexesDoNotHoldTheWritePreflight() throws Exception {
        assertEquals(201, fx.call("POST", "/connectors", spec("warm", fileSink("topics", "warm"))).status());
        String catastrophic = ".*".repeat(24) + "Z";
        java.util.List<java.util.concurrent.CompletableFuture<SwitchboardFixture.Answer>> creates = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String name = "backtrack-" + i;
            creates.add(java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> fx.call("POST", "/connectors", spec(name, fileSink("topics.regex", catastrophic)))));
        }
        Thread.sleep(300);
        var plain = java.util.concurrent.CompletableFuture.supplyAsync(() -> fx.call("POST", "/connectors", spec("plain", fileSink("topics", "plain"))));
        SwitchboardFixture.Answer answer = plain.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(201, answer.status(), answer.body());
        for (var create : creates) {
            SwitchboardFixture.Answer created = create.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(201, created.status(), created.body());
        }
    }

    /**
     * A FileStream connector reads and writes under the directory given for file connectors only:
     * the replica's own files (its Kafka identities under the data directory) are refused, by name,
     * in Kafka Connect's format; a file under the directory is accepted.
     */
    @Test
    void fileConnectorsReadOnlyUnderTheirDirectory() throws Exception {
        Path identities = fx.dir.resolve("replica").resolve("kafka-identities.properties");
        SwitchboardFixture.Answer refused = fx.call("POST", "/connectors", spec("rd-src", fileSourceOf(identities.toString(), "rd-lines")));
        assertConnect400(refused, "file-connectors", "file (" + identities + ") is outside " + files.toRealPath());
        assertConnect400(fx.call("POST", "/connectors", spec("rd-rel", fileSourceOf("data/secrets.key", "rd-lines"))),
                "file-connectors", "relative");
        assertConnect400(fx.call("POST", "/connectors", spec("rd-up", fileSourceOf(files + "/../" + fx.dir.getFileName()
                + "/replica/kafka-identities.properties", "rd-lines"))),
                "file-connectors", "'..'");
        // A link under the directory to the replica's keyring: judged where it leads.
        Path keyring = fx.dir.resolve("replica").resolve("secrets.key");
        assertTrue(Files.exists(keyring), "the keyring is under the data directory");
        Path link = Files.createSymbolicLink(files.resolve("innocent.txt"), keyring);
        assertConnect400(fx.call("POST", "/connectors", spec("rd-link", fileSourceOf(link.toString(), "rd-lines"))),
                "file-connectors", "which is " + keyring.toRealPath() + ", is outside");
        for (String name : new String[] {"rd-src", "rd-rel", "rd-up", "rd-link"}) {
            assertEquals(404, fx.call("GET", "/connectors/" + name, null).status(), name);
        }

        Path inside = Files.writeString(files.resolve("orders.txt"), "one\ntwo\n");
        SwitchboardFixture.Answer accepted = fx.call("POST", "/connectors", spec("in-dir", fileSourceOf(inside.toString(), "in-dir-lines")));
        assertEquals(201, accepted.status(), accepted.body());
    }

    private static Map<String, String> fileSourceOf(String file, String topic) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "FileStreamSource");
        config.put("file", file);
        config.put("topic", topic);
        return config;
    }

    @Test
    void aSetWithAnItemNamingTheControlPlaneIsRefused() throws Exception {
        SwitchboardFixture.Answer applied = fx.call("POST", "/sets/guarded/apply", SwitchboardFixture.json(Map.of("connectors",
                java.util.List.of(Map.of("name", "set-forge", "config", fileSource(topics.commands()))))));
        assertTrue(applied.status() == 400 || applied.status() == 422, applied.body());
        assertTrue(applied.body().contains("refused by policy control-plane-topics"), applied.body());
        assertEquals(404, fx.call("GET", "/connectors/set-forge", null).status());
    }
}
