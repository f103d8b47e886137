package io.switchboard.api;

import io.switchboard.testing.OptionsBuilder;
import io.switchboard.testing.SecuredKafka;
import io.switchboard.kafka.KafkaIdentities;
import io.switchboard.testing.CommandHold;
import io.switchboard.testing.CommandWriter;
import io.switchboard.testing.TestReplicas;
import io.switchboard.testing.SignedRecordsProducer;
import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.SwitchboardApp;
import io.switchboard.SwitchboardOptions;
import io.switchboard.api.SwitchboardFixture.Answer;
import io.switchboard.kafka.KafkaReplicaKeys;
import io.switchboard.kafkaio.Topics;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.PutConnectorConfig;
import io.switchboard.schemas.TargetState;
import io.switchboard.schemas.TaskObservation;
import io.switchboard.schemas.wire.AvroSerializer;
import io.switchboard.schemas.wire.HttpSchemaRegistryClient;
import io.switchboard.secrets.Keyring;
import io.switchboard.testing.ApiContract;
import io.switchboard.testing.Await;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two replicas on one broker split the command partitions between them; each answers every read,
 * forwarding keys the other owns and gathering lists from both. The broker is the test JVM's
 * ({@link SharedKafka}); the replicas keep to a prefix of their own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicasTest {
    private Path dir;
    private SecuredKafka kafka;
    private String prefix;
    private Topics topics;
    private final List<SwitchboardApp> replicas = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("switchboard-replicas");
        kafka = SharedKafka.broker();
        prefix = SharedKafka.newPrefix();
        topics = new Topics(prefix);
        SwitchboardApp first = SwitchboardApp.start(options("one"));
        replicas.add(first);
        replicas.add(SwitchboardApp.start(OptionsBuilder.from(options("two")).schemaRegistryUrl(first.schemaRegistryUrl()).build()));
        replicas.forEach(replica -> ApiContract.watch(replica.url()));
        // Wait until both replicas own partitions: the list answers the same on each.
        Await.atMost(Duration.ofSeconds(120)).until("both replicas RUNNING in one group",
                () -> replicas.stream().allMatch(r -> r.streams().state() == KafkaStreams.State.RUNNING)
                        && replicas.get(0).streams().metadataForAllStreamsClients().size() == 2);
    }

    private SwitchboardOptions options(String name) {
        // Replicas share one keyring, as they must (it opens sealed values and signs their requests to each other).
        Keyring.loadOrCreate(dir.resolve("shared-secrets.key"));
        return kafka.replica(TestReplicas.defaults().port(0).schemaRegistryPort(0)
                .dataDir(dir.resolve(name)).topicPrefix(prefix).embeddedWorker(false)
                .secretsKeyFile(dir.resolve("shared-secrets.key")).build());
    }

    @AfterAll
    void stop() {
        replicas.forEach(SwitchboardApp::close);
        if (prefix != null) {
            SharedKafka.deleteTopics(prefix);
        }
        SwitchboardFixture.deleteQuietly(dir);
    }

    /**
     * A read as a client that honours Retry-After makes it: while partitions move between replicas
     * a read may be answered 503, and is then tried again.
     */
    private static Answer read(String url, String path) {
        return Await.atMost(Duration.ofSeconds(60)).poll(() -> SwitchboardFixture.call(url, "GET", path, null), answer -> {
            if (answer.status() == 503) {
                assertEquals("1", answer.header("Retry-After"));
                return false;
            }
            return true;
        });
    }

    /**
     * The owner of a connector's partition says it does not exist only once it has decided every
     * command that was in the partition when the read arrived: with every command held, a create
     * is in the command topic, undecided; a read of it through either replica waits rather than
     * answering 404, and once the processors go on it finds the connector. (A partition's new owner
     * that had not yet decided again a create its old owner had answered denied an acknowledged
     * write this way; the fault run caught it.)
     */
    @Test
    void aReadDoesNotDenyAConnectorWhoseCreateIsAheadOfItUndecided() throws Exception {
        List<Answer> reads = readWhileUndecided("ahead", new CreateConnector(new HashMap<>(Map.of(
                "connector.class", "FileStreamSource", "tasks.max", "1", "file", "/tmp/switchboard-test-files/ahead.txt", "topic", "ahead")),
                TargetState.RUNNING, null));
        for (Answer answer : reads) {
            assertEquals(200, answer.status(), answer.body());
        }
    }

    /**
     * Nor does a read answer a config that a command ahead of it replaces: the owner's copy answers
     * once it has decided every command in the partition. A replica cannot tell a command nobody has
     * decided from one a previous owner decided, answered and did not commit before it died (the
     * copy of its successor is then a version behind until it decides it again); the fault run
     * caught reads answered from such a copy.
     */
    @Test
    void aReadDoesNotAnswerAConfigThatACommandAheadOfItReplaces() throws Exception {
        Answer created = SwitchboardFixture.call(replicas.get(0).url(), "POST", "/connectors", ConnectApiTest.createBody("behind"));
        assertEquals(201, created.status(), created.body());
        List<Answer> reads = readWhileUndecided("behind", new PutConnectorConfig(new HashMap<>(Map.of(
                "connector.class", "FileStreamSource", "tasks.max", "1", "file", "/tmp/switchboard-test-files/behind-replaced.txt", "topic", "behind"))));
        for (Answer answer : reads) {
            assertEquals(200, answer.status(), answer.body());
            assertEquals("/tmp/switchboard-test-files/behind-replaced.txt", answer.json().path("config").path("file").asText(), answer.body());
        }
    }

    /**
     * Sends a command straight to the command topic while every command behind a {@link CommandHold}
     * is undecided, reads the connector through every replica meanwhile, lets the processors go on,
     * and answers what those reads answered.
     */
    private List<Answer> readWhileUndecided(String connector, Object action) throws Exception {
        ConnectorCommand command = ConnectorCommand.newBuilder()
                .setCommandId(UUID.randomUUID().toString()).setCluster("default").setConnector(connector)
                .setIssuedAt(System.currentTimeMillis()).setAction(action).build();
        List<CompletableFuture<Answer>> reads = new ArrayList<>();
        try (CommandHold held = CommandHold.on(kafka.client(KafkaIdentities.CONTROL_PLANE), topics.commands());
             CommandWriter writer = new CommandWriter(kafka.client(KafkaIdentities.CONTROL_PLANE), replicas.get(0).schemaRegistryUrl(),
                     dir.resolve("shared-secrets.key"))) {
            writer.send(topics.commands(), command);
            for (SwitchboardApp replica : replicas) {
                reads.add(CompletableFuture.supplyAsync(
                        () -> SwitchboardFixture.call(replica.url(), "GET", "/connectors/" + connector, null)));
            }
            // The reads reach the replicas and wait there while the command is undecided.
            Await.holds("every read unanswered while the command ahead of it is undecided", Duration.ofSeconds(2),
                    () -> reads.stream().noneMatch(CompletableFuture::isDone));
        }
        List<Answer> answers = new ArrayList<>();
        for (CompletableFuture<Answer> read : reads) {
            answers.add(read.get(60, TimeUnit.SECONDS));
        }
        assertNoStreamThreadReplaced();
        return answers;
    }

    /**
     * Holding the decisions and letting them go, again and again, costs no replica its stream
     * thread: each replica keeps the one it started with, and the group does not rebalance for a
     * replacement. (Held with {@code KafkaStreams#pause}, the resume of the standby tasks stopped the
     * thread on both replicas every time, KAFKA-20731, and a create was then not decided in 30 s.)
     */
    @Test
    void decisionsHeldAndLetGoCostNoReplicaItsStreamThread() throws Exception {
        for (int round = 0; round < 3; round++) {
            String name = "held-" + round;
            awaitStandbysCurrent();
            Future<Answer> created;
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try (CommandHold held = CommandHold.on(kafka.client(KafkaIdentities.CONTROL_PLANE), topics.commands())) {
                created = pool.submit(() -> SwitchboardFixture.call(replicas.get(1).url(), "POST", "/connectors",
                        ConnectApiTest.createBody(name)));
                Await.holds("the create unanswered while it is held", Duration.ofSeconds(1), () -> !created.isDone());
            } finally {
                pool.shutdown();
            }
            assertEquals(201, created.get(60, TimeUnit.SECONDS).status(), name);
        }
        awaitStandbysCurrent();
        assertNoStreamThreadReplaced();
    }

    /** Each replica still runs the one stream thread it started ({@code ...-StreamThread-1}): none failed and was replaced. */
    private void assertNoStreamThreadReplaced() {
        for (SwitchboardApp replica : replicas) {
            List<String> threads = replica.streams().metadataForLocalThreads().stream().map(ThreadMetadata::threadName).toList();
            assertTrue(threads.size() == 1 && threads.get(0).endsWith("-StreamThread-1"),
                    "the stream threads of " + replica.url() + ": " + threads);
        }
    }

    /**
     * A connector's incident timeline is in the store of the replica that owns its partition: the
     * other replica's console reads it from there. Observations go to their topic as a data plane
     * sends them (these replicas run none).
     */
    @Test
    void everyReplicaShowsEveryConnectorsTimeline() throws Exception {
        int count = 6;
        for (int i = 0; i < count; i++) {
            Answer created = SwitchboardFixture.call(replicas.get(i % 2).url(), "POST", "/connectors", ConnectApiTest.createBody("incident-" + i));
            assertEquals(201, created.status(), created.body());
        }
        // Signed with the replicas' keyring, as a data plane signs them.
        try (KafkaProducer<String, ConnectorObservation> producer = SignedRecordsProducer.of(kafka.client(KafkaIdentities.CONTROL_PLANE),
                new AvroSerializer<>(HttpSchemaRegistryClient.authenticated(replicas.get(0).schemaRegistryUrl(), io.switchboard.RegistryCredentials
                        .userInfo(Keyring.loadOrCreate(dir.resolve("shared-secrets.key")))), ConnectorObservation.class, false),
                Keyring.loadOrCreate(dir.resolve("shared-secrets.key")))) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topics.observations(), "default/incident-" + i,
                        ConnectorObservation.newBuilder().setCluster("default").setConnector("incident-" + i)
                                .setObservedAt(System.currentTimeMillis()).setState("RUNNING").setWorkerId("w:8083")
                                .setTasks(List.of(new TaskObservation(0, "FAILED", "w:8083",
                                        "java.io.IOException: incident-" + i + " lost its source", "1")))
                                .setTaskConfigs(List.of(Map.of("task.number", "0"))).build())).get();
            }
        }
        for (int i = 0; i < count; i++) {
            for (SwitchboardApp replica : replicas) {
                String path = "/console/clusters/default/connectors/incident-" + i + "/timeline";
                String lost = "incident-" + i + " lost its source";
                Answer page = Await.atMost(Duration.ofSeconds(60)).poll(() -> read(replica.url(), path), answer -> answer.body().contains(lost));
                assertEquals(200, page.status(), page.body());
                assertTrue(page.body().contains("java.io.IOException: incident-" + i + " lost its source"),
                        "incident-" + i + " through " + replica.url() + ": " + page.body());
            }
        }
    }

    @Test
    void everyReplicaAnswersEveryReadTheSame() {
        int count = 40;
        for (int i = 0; i < count; i++) {
            String url = replicas.get(i % 2).url();
            Answer created = SwitchboardFixture.call(url, "POST", "/connectors", ConnectApiTest.createBody("spread-" + i));
            assertEquals(201, created.status(), created.body());
        }
        for (int i = 0; i < count; i++) {
            JsonNode expected = null;
            for (SwitchboardApp replica : replicas) {
                Answer info = read(replica.url(), "/connectors/spread-" + i);
                assertEquals(200, info.status(), "spread-" + i + " through " + replica.url() + ": " + info.body());
                if (expected == null) {
                    expected = info.json();
                } else {
                    assertEquals(expected, info.json());
                }
            }
        }
        for (SwitchboardApp replica : replicas) {
            Answer list = read(replica.url(), "/connectors");
            long spread = new ArrayList<JsonNode>() {{ list.json().forEach(this::add); }}.stream()
                    .filter(n -> n.asText().startsWith("spread-")).count();
            assertEquals(count, spread, "list through " + replica.url());
        }
    }

    /**
     * A pause is answered once decided, through either replica: with every command held, nothing
     * is decided and no answer comes; once they go on, both answer 202 and the history shows one
     * pause. (An answer given once the command was durable, before its decision, could acknowledge
     * a pause that a delete ahead of it in the partition then made impossible.)
     */
    @Test
    void aTargetStateChangeIsAnsweredOnceDecidedThroughEitherReplica() throws Exception {
        int count = 6;
        for (int i = 0; i < count; i++) {
            assertEquals(201, SwitchboardFixture.call(replicas.get(0).url(), "POST", "/connectors",
                    ConnectApiTest.createBody("standby-" + i)).status());
        }
        awaitStandbysCurrent();
        ExecutorService pool = Executors.newFixedThreadPool(2 * count);
        List<Future<Answer>> answers = new ArrayList<>();
        try (CommandHold held = CommandHold.on(kafka.client(KafkaIdentities.CONTROL_PLANE), topics.commands())) {
            for (int i = 0; i < count; i++) {
                String path = "/connectors/standby-" + i + "/pause";
                for (SwitchboardApp replica : replicas) {
                    answers.add(pool.submit(() -> SwitchboardFixture.call(replica.url(), "PUT", path, null)));
                }
            }
            // Every command is durable long before this; none may be answered while nothing is decided.
            awaitStandbysCurrent();
            assertEquals(0, answers.stream().filter(Future::isDone).count(), "answered before any decision");
        }
        for (Future<Answer> answer : answers) {
            assertEquals(202, answer.get().status(), answer.get().body());
        }
        pool.shutdown();
        for (int i = 0; i < count; i++) {
            // Decided once the processors go on: the connector's history shows it paused, once.
            String path = "/connectors/standby-" + i + "/history";
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            Answer history;
            boolean paused;
            do {
                history = read(replicas.get(1).url(), path);
                JsonNode versions = history.status() == 200 ? history.json().get("versions") : null;
                paused = versions != null && versions.size() == 2
                        && "PAUSED".equals(versions.get(1).path("target_state").asText());
            } while (!paused && System.nanoTime() < deadline);
            assertTrue(paused, path + ": " + history.body());
        }
    }

    /**
     * A resume sent after a delete was answered is refused through either replica: a replica with
     * only a standby copy must not answer early from it, since the copy can still hold the connector
     * the delete removed (the early answer was then a 202 for a change never applied).
     */
    @Test
    void aResumeAfterADeleteWasAnsweredIsRefusedThroughEitherReplica() throws Exception {
        for (int i = 0; i < 30; i++) {
            String name = "deleted-" + i;
            assertEquals(201, SwitchboardFixture.call(replicas.get(0).url(), "POST", "/connectors",
                    ConnectApiTest.createBody(name)).status());
            for (SwitchboardApp replica : replicas) {
                assertEquals(200, read(replica.url(), "/connectors/" + name).status());
            }
            awaitStandbysCurrent();
            SwitchboardApp deleting = replicas.get(i % 2);
            SwitchboardApp resuming = replicas.get((i + 1) % 2);
            assertEquals(204, SwitchboardFixture.call(deleting.url(), "DELETE", "/connectors/" + name, null).status());
            Answer resumed = SwitchboardFixture.call(resuming.url(), "PUT", "/connectors/" + name + "/resume", null);
            assertEquals(404, resumed.status(), name + " resumed through the replica that did not delete it: " + resumed.body());
        }
    }

    /** Until every standby copy of the connectors store on each replica has caught up with its changelog. */
    private void awaitStandbysCurrent() {
        // A copy that has read every record is still one behind the end: the transaction's commit marker.
        // Kafka Streams can list a changelog partition twice while a task moves ("Duplicate key", an
        // IllegalStateException): the wait asks again.
        Await.atMost(Duration.ofSeconds(60)).until("the standby copies to catch up (the connectors store's lags per replica)",
                () -> replicas.stream().map(replica -> replica.streams().allLocalStorePartitionLags().getOrDefault("connectors", Map.of()))
                        .toList(),
                lags -> lags.stream().allMatch(each -> each.size() == 6 && each.values().stream().allMatch(lag -> lag.offsetLag() <= 1)));
    }

    /** History is read on the replica that owns the connector, whichever replica is asked. */
    @Test
    void aReplicaWithAnotherKeyringRefusesToStartSayingSo() {
        SwitchboardOptions own = kafka.replica(TestReplicas.defaults().port(0).schemaRegistryPort(0)
                .dataDir(dir.resolve("three")).topicPrefix(prefix).embeddedWorker(false)
                .schemaRegistryUrl(replicas.get(0).schemaRegistryUrl()).build());
        KafkaReplicaKeys.KeyringMismatch refused = Assertions.assertThrows(
                KafkaReplicaKeys.KeyringMismatch.class, () -> SwitchboardApp.start(own).close());
        assertTrue(refused.getMessage().contains("not the one the other replicas on this Kafka seal with"), refused.getMessage());
        assertTrue(refused.getMessage().contains("--secrets-key-file"), refused.getMessage());
        // The two replicas still answer each other.
        assertEquals(200, read(replicas.get(1).url(), "/connectors").status());
    }

    @Test
    void everyReplicaAnswersHistoryTheSame() {
        int count = 10;
        for (int i = 0; i < count; i++) {
            String url = replicas.get(i % 2).url();
            assertEquals(201, SwitchboardFixture.call(url, "POST", "/connectors", ConnectApiTest.createBody("told-" + i)).status());
            assertEquals(202, SwitchboardFixture.call(replicas.get((i + 1) % 2).url(), "PUT", "/connectors/told-" + i + "/pause", null).status());
            assertEquals(204, SwitchboardFixture.call(url, "DELETE", "/connectors/told-" + i, null).status());
        }
        for (int i = 0; i < count; i++) {
            JsonNode expected = null;
            for (SwitchboardApp replica : replicas) {
                Answer history = read(replica.url(), "/connectors/told-" + i + "/history");
                assertEquals(200, history.status(), "told-" + i + " through " + replica.url() + ": " + history.body());
                assertEquals(3, history.json().get("versions").size(), history.body());
                assertEquals("ConnectorDeleted", history.json().get("versions").get(2).get("event").asText());
                if (expected == null) {
                    expected = history.json();
                } else {
                    assertEquals(expected, history.json());
                }
            }
        }
        for (SwitchboardApp replica : replicas) {
            assertEquals(404, read(replica.url(), "/connectors/never-told/history").status());
        }
    }

    @Test
    void concurrentCreatesOfOneNameThroughBothReplicasGiveOne201() throws Exception {
        int clients = 20;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> statuses = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            String url = replicas.get(i % 2).url();
            statuses.add(pool.submit(() -> {
                go.await();
                Answer answer = SwitchboardFixture.call(url, "POST", "/connectors", ConnectApiTest.createBody("both-ways"));
                if (answer.status() != 201 && answer.status() != 409) {
                    throw new AssertionError("unexpected " + answer.status() + " " + answer.body());
                }
                return answer.status();
            }));
        }
        go.countDown();
        int created = 0;
        int conflicts = 0;
        for (Future<Integer> f : statuses) {
            int status = f.get();
            if (status == 201) {
                created++;
            } else if (status == 409) {
                conflicts++;
            }
        }
        pool.shutdown();
        assertEquals(1, created);
        assertEquals(clients - 1, conflicts);
    }

    /**
     * Named secrets are decided by one writer at a time across replicas: of 16 creates of one
     * secret through both replicas, exactly one creates it; of 16 deletes, exactly one deletes it.
     */
    @Test
    void concurrentCreatesAndDeletesOfOneSecretThroughBothReplicasGiveOneSuccessEach() throws Exception {
        String secrets = "/v1/kafka-connect/clusters/default/secrets";
        List<Integer> created = concurrently(16, url -> SwitchboardFixture.call(url, "POST", secrets,
                "{\"name\": \"RACED\", \"secret_data\": \"" + Base64.getEncoder().encodeToString(
                        ("value-" + url).getBytes(StandardCharsets.UTF_8)) + "\"}"));
        assertEquals(1, created.stream().filter(status -> status == 201).count(), created.toString());
        assertEquals(15, created.stream().filter(status -> status == 409).count(), created.toString());
        for (SwitchboardApp replica : replicas) {
            assertEquals(200, SwitchboardFixture.call(replica.url(), "GET", secrets + "/RACED", null).status());
        }

        List<Integer> deleted = concurrently(16, url -> SwitchboardFixture.call(url, "DELETE", secrets + "/RACED", null));
        assertEquals(1, deleted.stream().filter(status -> status == 204).count(), deleted.toString());
        assertEquals(15, deleted.stream().filter(status -> status == 404).count(), deleted.toString());
        for (SwitchboardApp replica : replicas) {
            assertEquals(404, SwitchboardFixture.call(replica.url(), "GET", secrets + "/RACED", null).status());
        }
    }

    /** The statuses of {@code clients} calls started together, alternating between the replicas. */
    private List<Integer> concurrently(int clients, Function<String, Answer> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                String url = replicas.get(i % 2).url();
                statuses.add(pool.submit(() -> {
                    go.await();
                    return call.apply(url).status();
                }));
            }
            go.countDown();
            List<Integer> answered = new ArrayList<>();
            for (Future<Integer> f : statuses) {
                answered.add(f.get());
            }
            return answered;
        } finally {
            pool.shutdown();
        }
    }
}
