package io.switchboard.query;

import io.switchboard.core.ReadConsistency;
import io.switchboard.kafka.KafkaIdentities;
import io.switchboard.SwitchboardApp;
import io.switchboard.api.SharedKafka;
import io.switchboard.kafkaio.Topics;
import io.switchboard.processor.CommandProgress;
import io.switchboard.rules.ConnectorKey;
import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.wire.AvroSerde;
import io.switchboard.schemas.wire.InMemorySchemaRegistryClient;
import io.switchboard.secrets.Keyring;
import io.switchboard.testing.Await;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestReplicas;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A read that could not be answered at its first attempt is answered at a later one once what it
 * must cover is covered: each attempt takes a reading of the command topic and of the group's
 * committed offsets begun since it began, rather than judging by the first attempt's reading.
 *
 * <p>A real replica's processor and stores, read through a {@link ConnectorQueries} of the test's
 * own that judges the owner's copy by a consumer group of the test's (nothing committed yet) and a
 * progress that has processed nothing: the copy is then covered only once that group has committed
 * every command, as a copy that has just become active is covered only once its previous owner's
 * group committed. The group commits after the first attempt failed.
 */
class ReadRetryCoverageTest {
    private static final Duration READ_WAIT = Duration.ofSeconds(10);

    private Path dir;
    private String prefix;
    private SwitchboardApp app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        SharedKafka.deleteTopics(prefix);
        if (dir != null) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                // left in the temporary directory
            }
        }
    }

    @Test
    void aRetriedReadTakesAFreshReadingAndIsAnsweredOnceTheGroupHasCommitted() throws Exception {
        dir = Files.createTempDirectory("switchboard-read-retry");
        prefix = SharedKafka.newPrefix();
        Keyring.loadOrCreate(dir.resolve("shared-secrets.key"));
        app = SwitchboardApp.start(SharedKafka.broker().replica(TestReplicas.defaults().port(0).schemaRegistryPort(0)
                .dataDir(dir.resolve("a"))
                .topicPrefix(prefix).embeddedWorker(false).secretsKeyFile(dir.resolve("shared-secrets.key"))
                .commandTimeout(Duration.ofSeconds(60)).build()));
        Http.Response created = Http.call(app.url(), "POST", "/connectors", "{\"name\":\"retried\",\"config\":"
                + "{\"connector.class\":\"org.apache.kafka.connect.file.FileStreamSinkConnector\",\"topics\":\"t\"}}");
        assertEquals(201, created.status(), created::toString);
        ConnectorKey key = new ConnectorKey("default", "retried");

        String commands = new Topics(prefix).commands();
        String group = prefix + "-read-retry-test";
        try (Admin admin = Admin.create(SharedKafka.broker().client(KafkaIdentities.CONTROL_PLANE))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(commands)).allTopicNames().get(30, TimeUnit.SECONDS).get(commands).partitions()
                    .forEach(p -> latest.put(new TopicPartition(commands, p.partition()), OffsetSpec.latest()));
            URI url = URI.create(app.url());
            InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
            ConnectorQueries queries = new ConnectorQueries(app.streams(),
                    new ReplicaRouter(app.streams(), new HostInfo(url.getHost(), url.getPort())),
                    new RemoteStores(Duration.ofSeconds(1), RemoteStores.Signing.NONE, Optional.empty()),
                    new AvroSerde<>(registry, ConnectorState.class, false),
                    new AvroSerde<>(registry, ConnectorObservation.class, false),
                    new AvroSerde<>(registry, ConnectorHistory.class, false), latest.size(), READ_WAIT, 4,
                    SessionTimers.kafkaDefaults());
            // The replica's own reads answer: its copy holds the connector.
            Await.atMost(Duration.ofSeconds(60)).until("the replica to answer the connector",
                    () -> Http.call(app.url(), "GET", "/connectors/retried", null).status() == 200);
            queries.checkCoverage(new CommandProgress(), admin, commands, group);

            long started = System.nanoTime();
            CompletableFuture<Optional<ConnectorState>> read =
                    CompletableFuture.supplyAsync(() -> queries.connector(key, ReadConsistency.LINEARIZABLE));
            // The first attempt found the group's commits short of the command topic's end: the read waits.
            Await.atMost(Duration.ofSeconds(5)).until("the read to wait after its first attempt",
                    () -> queries.waitingReads() == 1 || read.isDone());
            assertTrue(!read.isDone(), "answered before the group committed anything: " + outcome(read));

            Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
            admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS)
                    .forEach((tp, info) -> ends.put(tp, new OffsetAndMetadata(info.offset())));
            admin.alterConsumerGroupOffsets(group, ends).all().get(30, TimeUnit.SECONDS);
            long committedAt = System.nanoTime();

            Optional<ConnectorState> answer;
            try {
                answer = read.get(READ_WAIT.toSeconds() + 10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                fail("the read was not answered once the group had committed every command, but after "
                        + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms: " + e.getCause());
                return;
            }
            Duration afterCommit = Duration.ofNanos(System.nanoTime() - committedAt);
            assertEquals("retried", answer.map(ConnectorState::getName).orElse(null));
            assertTrue(afterCommit.compareTo(Duration.ofSeconds(3)) < 0,
                    "answered " + afterCommit.toMillis() + " ms after the commit: a retry waited for something other than a new reading");
        }
    }

    private static String outcome(CompletableFuture<?> read) {
        try {
            return String.valueOf(read.getNow(null));
        } catch (RuntimeException e) {
            return e.toString();
        }
    }
}
