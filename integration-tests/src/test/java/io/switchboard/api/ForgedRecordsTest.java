package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.commands.CommandSignatures;
import io.switchboard.dataplane.EmbeddedConnectWorker;
import io.switchboard.kafka.KafkaIdentities;
import io.switchboard.kafkaio.CommandRecords;
import io.switchboard.kafkaio.RecordSignatures;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.wire.AvroDeserializer;
import io.switchboard.schemas.wire.AvroSerializer;
import io.switchboard.schemas.wire.HttpSchemaRegistryClient;
import io.switchboard.schemas.wire.SchemaRegistryClient;
import io.switchboard.secrets.Keyring;
import io.switchboard.testing.Await;
import io.switchboard.testing.SecuredKafka;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The records the data plane and the replicas act on, besides commands, are taken only as a
 * replica wrote them: a {@code DELETED} decision written to the decisions topic by someone who may
 * write it (unsigned, signed with another keyring, or a replica's own decision copied again after the
 * connector was made again) does not stop or delete the connector on a real worker, not even for a
 * moment; a forged observation is not taken as the connector's status; and a deleted connector's
 * state, copied back into the connectors changelog after its tombstone, does not make it again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForgedRecordsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Full passes, which take the desired state from the connectors changelog, often: a few within each check. */
    private static final Duration FULL_PASS_EVERY = Duration.ofSeconds(2);
    private EmbeddedConnectWorker worker;
    private SwitchboardFixture fx;

    @BeforeAll
    void start() {
        SecuredKafka kafka = SharedKafka.broker();
        worker = EmbeddedConnectWorker.start(kafka.bootstrapServers(), null, "forged-records-" + UUID.randomUUID().toString().substring(0, 8),
                0, kafka.workerProperties(Map.of()));
        fx = new SwitchboardFixture(options -> options.connectClusters("default=" + worker.url())
                .fullPassEvery(FULL_PASS_EVERY));
    }

    @AfterAll
    void stop() {
        if (fx != null) {
            fx.close();
        }
        if (worker != null) {
            worker.close();
        }
    }

    @Test
    void aForgedOrCopiedDeletedDecisionLeavesTheConnectorOnTheWorker() throws Exception {
        // A replica's own DELETED decision, to copy later: the connector made and deleted.
        assertEquals(201, fx.call("POST", "/connectors", ConnectApiTest.createBody("victim")).status());
        awaitOnWorker("victim", "RUNNING");
        assertEquals(204, fx.call("DELETE", "/connectors/victim", null).status());
        Await.atMost(Duration.ofSeconds(60)).until("victim gone from the worker", () -> worker("victim").statusCode() == 404);
        ConsumerRecord<byte[], byte[]> deleted = decisionRecord("victim", Outcome.DELETED);
        assertEquals(201, fx.call("POST", "/connectors", ConnectApiTest.createBody("victim")).status());
        awaitOnWorker("victim", "RUNNING");

        SchemaRegistryClient registry = fx.registryWriter();
        AvroSerializer<CommandDecision> decisions = new AvroSerializer<>(registry, CommandDecision.class, false);
        String topic = fx.topics().decisions();
        byte[] key = "default/victim".getBytes(StandardCharsets.UTF_8);
        RecordSignatures stranger = CommandSignatures.records(Keyring.parse(Keyring.newKeyLine()));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(fx.kafka.client(KafkaIdentities.CONTROL_PLANE),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            // With the control plane's own client: unsigned, then signed with a keyring the replicas do not hold.
            RecordHeaders unsigned = new RecordHeaders();
            producer.send(new ProducerRecord<>(topic, null, key, decisions.serialize(topic, unsigned, forgedDelete()), unsigned)).get();
            RecordHeaders signed = new RecordHeaders();
            byte[] value = decisions.serialize(topic, signed, forgedDelete());
            CommandRecords.stampAndSign(stranger, topic, key, value, signed, System.currentTimeMillis());
            producer.send(new ProducerRecord<>(topic, null, key, value, signed)).get();
            // The replica's own decision, byte for byte with its headers.
            producer.send(new ProducerRecord<>(topic, deleted.partition(), deleted.key(), deleted.value(), deleted.headers())).get();
        }
        Await.holds("victim still RUNNING on the worker", Duration.ofSeconds(5), () -> workerState("victim"), "RUNNING"::equals);
        Await.atMost(Duration.ofSeconds(60)).until("the three refused and counted", () -> refused("decisions", "unsigned") == 1
                && refused("decisions", "unknown_key") == 1 && refused("decisions", "replayed") == 1);
        assertEquals(200, fx.call("GET", "/connectors/victim", null).status());

        // The API's own delete still deletes it from the worker at once.
        assertEquals(204, fx.call("DELETE", "/connectors/victim", null).status());
        Await.atMost(Duration.ofSeconds(60)).until("victim deleted from the worker", () -> worker("victim").statusCode() == 404);
    }

    @Test
    void aForgedObservationIsNotTakenAsTheConnectorsStatus() throws Exception {
        assertEquals(201, fx.call("POST", "/connectors", ConnectApiTest.createBody("observed")).status());
        awaitOnWorker("observed", "RUNNING");
        Await.atMost(Duration.ofSeconds(60)).until("observed RUNNING as the data plane reports it",
                () -> fx.call("GET", "/connectors/observed/status", null).body(), body -> body.contains("\"RUNNING\""));
        SchemaRegistryClient registry = fx.registryWriter();
        AvroSerializer<ConnectorObservation> observations = new AvroSerializer<>(registry, ConnectorObservation.class, false);
        String topic = fx.topics().observations();
        byte[] key = "default/observed".getBytes(StandardCharsets.UTF_8);
        ConnectorObservation forged = ConnectorObservation.newBuilder().setCluster("default").setConnector("observed")
                .setObservedAt(System.currentTimeMillis() + 60_000).setState("FAILED").setTrace("forged-trace").setTasks(List.of()).build();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(fx.kafka.client(KafkaIdentities.CONTROL_PLANE),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            RecordHeaders unsigned = new RecordHeaders();
            producer.send(new ProducerRecord<>(topic, null, key, observations.serialize(topic, unsigned, forged), unsigned)).get();
        }
        Await.holds("the status the worker reports, not the forged one", Duration.ofSeconds(5),
                () -> fx.call("GET", "/connectors/observed/status", null).body(),
                status -> status.contains("\"RUNNING\"") && !status.contains("forged-trace") && !status.contains("FAILED"));
        Await.atMost(Duration.ofSeconds(60)).until("refused and counted", () -> refused("observations", "unsigned") == 1);
        assertEquals("RUNNING", workerState("observed"));
    }

    @Test
    void aDeletedConnectorsStateCopiedBackIntoTheChangelogDoesNotMakeItAgain() throws Exception {
        assertEquals(201, fx.call("POST", "/connectors", ConnectApiTest.createBody("ghost")).status());
        awaitOnWorker("ghost", "RUNNING");
        ConsumerRecord<byte[], byte[]> state = lastRecord(fx.topics().connectorsChangelog(), "default/ghost");
        assertEquals(204, fx.call("DELETE", "/connectors/ghost", null).status());
        Await.atMost(Duration.ofSeconds(60)).until("ghost gone from the worker", () -> worker("ghost").statusCode() == 404);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(fx.kafka.client(KafkaIdentities.CONTROL_PLANE),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(state.topic(), state.partition(), state.key(), state.value(), state.headers())).get();
        }
        Await.holds("ghost not on the worker, through full passes", FULL_PASS_EVERY.multipliedBy(4), () -> worker("ghost").statusCode(),
                status -> status == 404);
        assertEquals(404, fx.call("GET", "/connectors/ghost", null).status());
        Await.atMost(Duration.ofSeconds(60)).until("the copy refused and counted", () -> refused("connectors-changelog", "replayed") >= 1);
    }

    /** The last record of the topic with this key, as it is on the topic (read to its end, again until there is one). */
    private ConsumerRecord<byte[], byte[]> lastRecord(String topic, String key) {
        return Await.atMost(Duration.ofSeconds(20)).until("a record of " + key + " in " + topic, () -> {
            ConsumerRecord<byte[], byte[]> last = null;
            for (ConsumerRecord<byte[], byte[]> record : readToNow(topic)) {
                if (record.key() != null && key.equals(new String(record.key(), StandardCharsets.UTF_8)) && record.value() != null) {
                    last = record;
                }
            }
            return last;
        }, record -> record != null);
    }

    /**
     * Every committed record now in the topic: read from its start, without a group, up to the end
     * offsets it had when the read began (read_committed: its last stable offsets).
     */
    private List<ConsumerRecord<byte[], byte[]>> readToNow(String topic) {
        Map<String, Object> settings = fx.kafka.client(KafkaIdentities.CONTROL_PLANE, Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, Duration.ofSeconds(30)) < ends.get(p))) {
                assertTrue(System.nanoTime() < deadline, "read " + topic + " to its end offsets " + ends + " within 60 s");
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private static CommandDecision forgedDelete() {
        return CommandDecision.newBuilder().setCommandId(UUID.randomUUID().toString()).setCluster("default").setConnector("victim")
                .setOutcome(Outcome.DELETED).build();
    }

    /** The decision record of the decisions topic for this connector and outcome, as it is on the topic. */
    private ConsumerRecord<byte[], byte[]> decisionRecord(String connector, Outcome outcome) {
        AvroDeserializer<CommandDecision> values = new AvroDeserializer<>(HttpSchemaRegistryClient.anonymous(fx.app.schemaRegistryUrl()),
                CommandDecision.class);
        Map<String, Object> settings = fx.kafka.client(KafkaIdentities.CONTROL_PLANE, Map.of(ConsumerConfig.GROUP_ID_CONFIG,
                "decision-capture-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(fx.topics().decisions()));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    CommandDecision decision = values.deserialize(record.topic(), record.headers(), record.value());
                    if (decision.getConnector().equals(connector) && decision.getOutcome() == outcome) {
                        return record;
                    }
                }
            }
        }
        throw new AssertionError("No " + outcome + " decision of " + connector);
    }

    private long refused(String topic, String reason) {
        String metrics = fx.call("GET", "/metrics", null).body();
        Matcher m = Pattern.compile("switchboard_records_refused_total\\{([^}]*)} ([0-9.E]+)").matcher(metrics);
        while (m.find()) {
            if (m.group(1).contains("reason=\"" + reason + "\"") && m.group(1).contains("topic=\"" + topic + "\"")) {
                return (long) Double.parseDouble(m.group(2));
            }
        }
        return -1;
    }

    private void awaitOnWorker(String name, String state) {
        Await.atMost(Duration.ofSeconds(120)).until(name + " " + state + " on the worker", () -> state.equals(workerState(name)));
    }

    private String workerState(String name) throws Exception {
        HttpResponse<String> status = worker(name + "/status");
        if (status.statusCode() != 200) {
            return "HTTP " + status.statusCode();
        }
        JsonNode json = SwitchboardFixture.JSON.readTree(status.body());
        return json.path("connector").path("state").asText();
    }

    private HttpResponse<String> worker(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(worker.url() + "/connectors/" + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
