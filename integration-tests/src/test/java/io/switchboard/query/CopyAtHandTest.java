package io.switchboard.query;

import io.switchboard.SwitchboardApp;
import io.switchboard.api.SharedKafka;
import io.switchboard.processor.StoreNames;
import io.switchboard.rules.ConnectorKey;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.secrets.Keyring;
import io.switchboard.testing.Await;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestReplicas;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the pre-flight's early owner check reads ({@link CopyAtHand}), on two real replicas that
 * share the partitions, each holding a standby copy of the other's: a connector is at hand on the
 * replica whose active copy holds it and nowhere else (never from a standby copy, never by asking
 * another replica), and nothing is at hand when the copy cannot be trusted or read.
 */
class CopyAtHandTest {
    private static final int CONNECTORS = 8;
    /** The pause fence of the replicas' own session (10 s, a heartbeat every 2 s). */
    private static final PauseFence FENCE = PauseFence.ticked(new SessionTimers(10_000, 2_000));

    private Path dir;
    private String prefix;
    private final List<SwitchboardApp> running = new ArrayList<>();

    @AfterEach
    void stop() {
        running.forEach(SwitchboardApp::close);
        SharedKafka.deleteTopics(prefix);
        if (dir != null) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                // left in the temporary directory
            }
        }
    }

    @Test
    void aConnectorIsAtHandOnlyWhereItsPartitionsActiveCopyIsAndOnlyWhenThatCopyMayAnswer() throws Exception {
        dir = Files.createTempDirectory("switchboard-at-hand");
        prefix = SharedKafka.newPrefix();
        SwitchboardApp first = start("a");
        SwitchboardApp second = start("b");
        Await.atMost(Duration.ofSeconds(120)).until("the replicas to split the partitions", () -> owns(first) && owns(second));
        List<ConnectorKey> keys = new ArrayList<>();
        for (int i = 0; i < CONNECTORS; i++) {
            String name = "at-hand-" + i;
            Http.Response created = Http.call(first.url(), "POST", "/connectors", "{\"name\":\"" + name + "\",\"config\":"
                    + "{\"connector.class\":\"org.apache.kafka.connect.file.FileStreamSinkConnector\",\"topics\":\"t\"}}");
            assertEquals(201, created.status(), created::toString);
            keys.add(new ConnectorKey("default", name));
        }
        CopyAtHand atFirst = new CopyAtHand(first.streams(), self(first), FENCE);
        CopyAtHand atSecond = new CopyAtHand(second.streams(), self(second), FENCE);

        // Each connector on exactly one replica: the one Kafka Streams places its active copy on. Until
        // the group has settled a connector may be at hand nowhere, never on both.
        List<String> places = Await.atMost(Duration.ofSeconds(60)).until("every connector to be at hand on one replica", () -> {
            List<String> where = new ArrayList<>();
            for (ConnectorKey key : keys) {
                boolean onFirst = present(atFirst, key);
                boolean onSecond = present(atSecond, key);
                assertTrue(!(onFirst && onSecond), key + " is at hand on both replicas, a standby copy answered");
                HostInfo active = activeHost(first, key);
                where.add(onFirst && self(first).equals(active) ? "first"
                        : onSecond && self(second).equals(active) ? "second" : "nowhere");
            }
            return where;
        }, where -> !where.contains("nowhere"));
        // The partitions are split: both replicas answer some, so each also has the others as standby copies only.
        assertTrue(places.contains("first") && places.contains("second"), "at hand: " + places);
        for (ConnectorKey key : keys) {
            assertEquals(key.name(), (present(atFirst, key) ? atFirst : atSecond).connector(key)
                    .map(ConnectorState::getName).orElse(null));
        }

        // Not there: nothing at hand on either replica.
        ConnectorKey absent = new ConnectorKey("default", "never-created");
        assertTrue(atFirst.connector(absent).isEmpty() && atSecond.connector(absent).isEmpty(), "a connector never created is at hand");
        // A replica whose address is not the active copy's: nothing at hand, though the store is here.
        CopyAtHand elsewhere = new CopyAtHand(first.streams(), new HostInfo("127.0.0.1", 1), FENCE);
        assertTrue(keys.stream().allMatch(key -> elsewhere.connector(key).isEmpty()),
                "at hand on a replica that is not the active copy's host");
        // Copies the pause fence distrusts (a replica just thawed): nothing at hand.
        CopyAtHand fenced = new CopyAtHand(first.streams(), self(first), () -> false);
        assertTrue(keys.stream().allMatch(key -> fenced.connector(key).isEmpty()), "at hand from copies the pause fence distrusts");

        // A processor stopped: nothing at hand, and nothing thrown.
        first.close();
        running.remove(first);
        assertTrue(keys.stream().allMatch(key -> atFirst.connector(key).isEmpty()), "at hand once the processor is stopped");
    }

    private static boolean present(CopyAtHand atHand, ConnectorKey key) {
        Optional<ConnectorState> held = atHand.connector(key);
        return held.isPresent();
    }

    private static HostInfo activeHost(SwitchboardApp app, ConnectorKey key) {
        KeyQueryMetadata metadata = app.streams().queryMetadataForKey(StoreNames.CONNECTORS, key.toString(), new StringSerializer());
        return metadata == null ? null : metadata.activeHost();
    }

    private static HostInfo self(SwitchboardApp app) {
        URI url = URI.create(app.url());
        return new HostInfo(url.getHost(), url.getPort());
    }

    private SwitchboardApp start(String name) throws IOException {
        Keyring.loadOrCreate(dir.resolve("shared-secrets.key"));
        SwitchboardApp app = SwitchboardApp.start(SharedKafka.broker().replica(TestReplicas.defaults().port(0).schemaRegistryPort(0)
                .dataDir(dir.resolve(name))
                .topicPrefix(prefix).embeddedWorker(false).secretsKeyFile(dir.resolve("shared-secrets.key"))
                .commandTimeout(Duration.ofSeconds(60)).build()));
        running.add(app);
        return app;
    }

    private static boolean owns(SwitchboardApp app) {
        return app.streams().state() == KafkaStreams.State.RUNNING
                && app.streams().metadataForLocalThreads().stream().mapToInt(t -> t.activeTasks().size()).sum() > 0
                && app.streams().metadataForLocalThreads().stream().map(ThreadMetadata::threadState).allMatch("RUNNING"::equals);
    }
}
