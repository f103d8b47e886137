package io.switchboard.api;

import io.switchboard.kafka.KafkaIdentities;
import io.switchboard.api.SwitchboardFixture.Answer;
import io.switchboard.commands.CommandSignatures;
import io.switchboard.kafkaio.RecordSignatures;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.TargetState;
import io.switchboard.schemas.wire.AvroSerializer;
import io.switchboard.secrets.Keyring;
import io.switchboard.testing.Await;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Commands only replicas author: a well-formed command that someone who can write the command topic
 * put there in another principal's name, unsigned or signed with a key the replicas do not hold, is
 * never decided by a real replica; the API's own commands still are.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForgedCommandsTest {
    private SwitchboardFixture fx;

    @BeforeAll
    void start() {
        fx = new SwitchboardFixture();
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    private static ConnectorCommand forgedCreate(String connector) {
        Map<String, String> config = new HashMap<>(Map.of(
                "connector.class", "org.apache.kafka.connect.file.FileStreamSourceConnector",
                "file", "/tmp/switchboard-test-files/forged.txt", "topic", "forged-lines", "name", connector));
        return ConnectorCommand.newBuilder().setCommandId(UUID.randomUUID().toString()).setCluster("default")
                .setConnector(connector).setPrincipal("admin").setRequestId("forged-request").setIssuedAt(System.currentTimeMillis())
                .setAction(new CreateConnector(config, TargetState.RUNNING, null)).build();
    }

    private long refused(String reason) {
        String metrics = fx.call("GET", "/metrics", null).body();
        Matcher m = Pattern.compile("switchboard_commands_refused_total\\{reason=\"" + reason + "\"[^}]*} ([0-9.E]+)").matcher(metrics);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
    }

    @Test
    void aCommandNoReplicaSignedIsNeverDecided() throws Exception {
        String topic = fx.topics().commands();
        Map<String, Object> settings = fx.kafka.client(KafkaIdentities.CONTROL_PLANE);
        // The project's own schema classes and wire format, with a plain producer: a create in admin's name.
        try (KafkaProducer<String, ConnectorCommand> producer = new KafkaProducer<>(settings, new StringSerializer(),
                new AvroSerializer<>(fx.registryWriter(), ConnectorCommand.class, false))) {
            producer.send(new ProducerRecord<>(topic, "default/forged", forgedCreate("forged"))).get();
        }
        // Signed, but with a keyring the replicas do not hold (a key of its own, under an id they do not know).
        RecordSignatures stranger = CommandSignatures.of(Keyring.parse(Keyring.newKeyLine()));
        AvroSerializer<ConnectorCommand> serializer = new AvroSerializer<>(fx.registryWriter(),
                ConnectorCommand.class, false);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer())) {
            RecordHeaders headers = new RecordHeaders();
            byte[] key = "default/forged".getBytes(StandardCharsets.UTF_8);
            byte[] value = serializer.serialize(topic, headers, forgedCreate("forged"));
            stranger.sign(topic, key, value, headers);
            producer.send(new ProducerRecord<>(topic, null, key, value, headers)).get();
        }

        Await.atMost(Duration.ofSeconds(60)).until("both records refused and counted",
                () -> refused("unsigned") == 1 && refused("unknown_key") == 1);
        assertEquals(0, refused("bad_signature"));
        assertEquals(404, fx.call("GET", "/connectors/forged", null).status(), "not created");
        assertEquals(404, fx.call("GET", "/connectors/forged/history", null).status(), "no history entry");
        assertFalse(fx.call("GET", "/connectors", null).body().contains("forged"));
        List<String> reasons = deadLetterReasons(List.of("unsigned", "unknown_key"));
        assertTrue(reasons.containsAll(List.of("unsigned", "unknown_key")), "both in the dead-letter topic, saying why: " + reasons);

        // The API's own create of the same connector is decided as ever, in its own principal's name.
        Answer created = fx.call("POST", "/connectors", ConnectApiTest.createBody("forged"));
        assertEquals(201, created.status(), created.body());
        assertEquals(200, fx.call("GET", "/connectors/forged", null).status());
        String history = fx.call("GET", "/connectors/forged/history", null).body();
        assertFalse(history.contains("forged-request") || history.contains("\"admin\""), "nothing of the forged commands: " + history);
        assertEquals(1, refused("unsigned"), "the API's command is not refused");
        assertEquals(1, refused("unknown_key"));
    }

    /**
     * The review's recipe on a real replica: a connector is made and deleted, the delete's record is
     * copied from the command topic with its headers, the connector is made again, and the copy is
     * written again, to its own partition and to another: neither is decided, and the connector stays.
     */
    @Test
    void aCapturedDeleteWrittenAgainAfterTheConnectorIsMadeAgainIsNeverDecided() throws Exception {
        String topic = fx.topics().commands();
        assertEquals(201, fx.call("POST", "/connectors", ConnectApiTest.createBody("replayed")).status());
        assertEquals(204, fx.call("DELETE", "/connectors/replayed", null).status());
        ConsumerRecord<byte[], byte[]> delete = lastCommandOf("default/replayed", topic);
        assertEquals(TimestampType.LOG_APPEND_TIME, delete.timestampType(), "the command topic's times are the broker's");
        assertEquals(201, fx.call("POST", "/connectors", ConnectApiTest.createBody("replayed")).status());
        String history = fx.call("GET", "/connectors/replayed/history", null).body();

        int partitions;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(fx.kafka.client(KafkaIdentities.CONTROL_PLANE),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            partitions = producer.partitionsFor(topic).size();
            producer.send(new ProducerRecord<>(topic, delete.partition(), delete.key(), delete.value(), delete.headers())).get();
            producer.send(new ProducerRecord<>(topic, (delete.partition() + 1) % partitions, delete.key(), delete.value(),
                    delete.headers())).get();
        }
        assertTrue(partitions > 1, "a topic of several partitions");
        Await.atMost(Duration.ofSeconds(60)).until("both copies refused and counted",
                () -> refused("replayed") == 1 && refused("wrong_partition") == 1);
        assertEquals(200, fx.call("GET", "/connectors/replayed", null).status(), "the connector made again is still there");
        assertEquals(history, fx.call("GET", "/connectors/replayed/history", null).body(), "no entry in anyone's name");
        List<String> reasons = deadLetterReasons(List.of("replayed", "wrong_partition"));
        assertTrue(reasons.containsAll(List.of("replayed", "wrong_partition")), "both copies in the dead-letter topic: " + reasons);
    }

    /**
     * A copy written after the replica restarted: the ids of the commands decided lately are held in
     * memory only, and read again from the command topic before the restarted replica decides
     * anything, so a captured pause written again after the connector was resumed is refused as a
     * replay, and the connector keeps running.
     */
    @Test
    void aCapturedPauseWrittenAgainAfterTheReplicaRestartedIsNeverDecided() throws Exception {
        String topic = fx.topics().commands();
        assertEquals(201, fx.call("POST", "/connectors", ConnectApiTest.createBody("restarted")).status());
        assertEquals(202, fx.call("PUT", "/connectors/restarted/pause", null).status());
        ConsumerRecord<byte[], byte[]> pause = commandsOf("default/restarted", topic, 2).get(1);
        assertEquals(202, fx.call("PUT", "/connectors/restarted/resume", null).status());
        fx.restart();
        String history = fx.call("GET", "/connectors/restarted/history", null).body();
        long before = Math.max(0, refused("replayed"));

        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(fx.kafka.client(KafkaIdentities.CONTROL_PLANE),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, pause.partition(), pause.key(), pause.value(), pause.headers())).get();
        }
        Await.atMost(Duration.ofSeconds(60)).until("the copy refused as a replay", () -> refused("replayed") == before + 1);
        assertEquals(history, fx.call("GET", "/connectors/restarted/history", null).body(), "no entry for the copy");
    }

    /** The last record of the command topic with this key, as it is on the topic. */
    private ConsumerRecord<byte[], byte[]> lastCommandOf(String key, String topic) {
        return commandsOf(key, topic, 2).get(1);
    }

    /** The first {@code count} records of the command topic with this key, as they are on the topic. */
    private List<ConsumerRecord<byte[], byte[]>> commandsOf(String key, String topic, int count) {
        Map<String, Object> settings = fx.kafka.client(KafkaIdentities.CONTROL_PLANE, Map.of(ConsumerConfig.GROUP_ID_CONFIG,
                "replay-capture", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        List<ConsumerRecord<byte[], byte[]>> of = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (of.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.key() != null && key.equals(new String(record.key(), StandardCharsets.UTF_8))) {
                        of.add(record);
                    }
                }
            }
        }
        assertTrue(of.size() >= count, "the connector's first " + count + " commands: " + of.size());
        return of.subList(0, count);
    }

    /** The reasons of the dead-letter topic's records, read until they hold {@code wanted} (or a minute passed). */
    private List<String> deadLetterReasons(List<String> wanted) {
        Map<String, Object> settings = fx.kafka.client(KafkaIdentities.CONTROL_PLANE, Map.of(ConsumerConfig.GROUP_ID_CONFIG,
                "forged-check-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        List<String> reasons = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(fx.topics().deadLetters()));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!reasons.containsAll(wanted) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    Header reason = record.headers().lastHeader("switchboard.refused.reason");
                    reasons.add(reason == null ? null : new String(reason.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return reasons;
    }
}
