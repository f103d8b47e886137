package io.switchboard.api;

import io.switchboard.SwitchboardApp;
import io.switchboard.kafka.KafkaIdentities;
import io.switchboard.kafkaio.Topics;
import io.switchboard.registry.EmbeddedSchemaRegistry;
import io.switchboard.testing.Await;
import io.switchboard.testing.ConnectWorker;
import io.switchboard.testing.TestReplicas;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A move between two real Connect clusters with two replicas, one of which is stopped mid-move:
 * the replica that reconciles the source's (or the target's) cluster (it holds that cluster's lease),
 * at the moment between two of the move's steps. The other replica finishes the move: a FileStream source that
 * read 5,000 lines before the move and 5,000 after has each of the 10,000 lines in the topic
 * once, and a poll of both workers every 100 ms never sees two running copies.
 *
 * <p>The replicas share a schema registry of their own (as a deployment's replicas share an external
 * one), so that the one stopped takes no registry with it. The moment is held with a gate in front of the source cluster's worker ({@link GatedWorker}):
 * the step the data plane is to take next is refused there until the replica is stopped.
 */
class MoveWithAReplicaKilledTest {
    private static final Duration WITHIN = Duration.ofSeconds(120);
    private static final int LINES = 5_000;
    private static ConnectWorker west;
    private static ConnectWorker east;
    private static GatedWorker gate;
    /** The same in front of the target cluster's worker. */
    private static GatedWorker eastGate;
    /** The replicas' schema registry, of neither of them: it outlives the replica stopped. */
    private static EmbeddedSchemaRegistry registry;
    /** The keyring both replicas are given, from which the registry's writer credentials derive. */
    private static java.nio.file.Path keyring;
    private static final List<Path> FILES = new ArrayList<>();
    private SwitchboardFixture fx;
    private SwitchboardApp second;

    @BeforeAll
    static void startWorkers() throws IOException {
        west = ConnectWorker.start(SharedKafka.broker());
        east = ConnectWorker.start(SharedKafka.broker());
        gate = GatedWorker.in(west.url());
        eastGate = GatedWorker.in(east.url());
        Map<String, String> settings = new java.util.HashMap<>();
        SharedKafka.broker().client(KafkaIdentities.CONTROL_PLANE).forEach((k, v) -> settings.put(k, String.valueOf(v)));
        settings.remove("bootstrap.servers");
        // The replicas' keyring, made first: the registry takes writes with the credentials derived from it.
        keyring = java.nio.file.Files.createTempDirectory("move-keyring").resolve("secrets.key");
        registry = new EmbeddedSchemaRegistry(new EmbeddedSchemaRegistry.Settings(SharedKafka.broker().bootstrapServers(), settings,
                new Topics(SharedKafka.newPrefix()).schemas(), EmbeddedSchemaRegistry.LOOPBACK, 0,
                io.switchboard.RegistryCredentials.accepted(io.switchboard.secrets.Keyring.loadOrCreate(keyring)))).start();
    }

    @AfterAll
    static void stopWorkers() throws IOException {
        if (gate != null) {
            gate.close();
        }
        if (eastGate != null) {
            eastGate.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (east != null) {
            east.close();
        }
        if (west != null) {
            west.close();
        }
        for (Path file : FILES) {
            Files.deleteIfExists(file);
        }
    }

    @AfterEach
    void stopReplicas() {
        gate.open();
        eastGate.open();
        if (second != null) {
            second.close();
        }
        if (fx != null) {
            fx.close();
        }
    }

    /** Two replicas of one deployment, both reconciling default (through the gate) and east when they hold their leases. */
    private List<SwitchboardApp> startReplicas() {
        String clusters = "default=" + gate.url() + ",east=" + eastGate.url();
        fx = new SwitchboardFixture(options -> options.connectClusters(clusters).schemaRegistryUrl(registry.url()).secretsKeyFile(keyring));
        second = SwitchboardApp.start(fx.kafka.replica(fx.options().dataDir(fx.dir.resolve("second"))
                .secretsKeyFile(keyring)
                .schemaRegistryUrl(registry.url()).connectClusters(clusters).build()));
        List<SwitchboardApp> replicas = List.of(fx.app, second);
        Await.atMost(WITHIN).until("both replicas RUNNING in one group",
                () -> replicas.stream().allMatch(r -> r.streams().state() == KafkaStreams.State.RUNNING)
                        && fx.app.streams().metadataForAllStreamsClients().size() == 2);
        return replicas;
    }

    private static boolean reconciles(SwitchboardApp replica, String cluster) {
        return replica.reconcilerLoops().stream().anyMatch(loop -> loop.cluster().equals(cluster) && loop.isLeader());
    }

    private static String stateOn(String workerUrl, String name) {
        return TwoCopiesPoll.stateOn(workerUrl, name);
    }

    /**
     * The moment: the target runs on east, and the source, stopped on default, is not deleted
     * yet (its delete is held at the gate) when the replica reconciling default stops.
     */
    @Test
    void aReplicaStoppedBetweenTheTargetsStartAndTheSourcesDeleteLosesNothing() throws Exception {
        String name = "killed-after-start";
        moveWithAReplicaStopped(name, gate, "default", "DELETE", "/connectors/" + name,
                () -> "RUNNING".equals(stateOn(east.url(), name)) && "STOPPED".equals(stateOn(west.url(), name)) && gate.refused() > 0);
    }

    /**
     * Earlier: the source shows stopped on default, and the data plane's read of its offsets (which
     * the target is created with) is held at the gate when the replica reconciling default stops.
     */
    @Test
    void aReplicaStoppedBeforeTheStoppedSourcesOffsetsAreReadLosesNothing() throws Exception {
        String name = "killed-after-stop";
        moveWithAReplicaStopped(name, gate, "default", "GET", "/connectors/" + name + "/offsets",
                () -> "STOPPED".equals(stateOn(west.url(), name)) && "ABSENT".equals(stateOn(east.url(), name)) && gate.refused() > 0);
    }

    /**
     * Between the target's create and its offsets set: the target exists on east, stopped, and the
     * worker's change of its offsets is held at east's gate when the replica reconciling east stops.
     */
    @Test
    void aReplicaStoppedBeforeTheTargetsOffsetsAreSetLosesNothing() throws Exception {
        String name = "killed-after-create";
        moveWithAReplicaStopped(name, eastGate, "east", "PATCH", "/connectors/" + name + "/offsets",
                () -> "STOPPED".equals(stateOn(east.url(), name)) && "STOPPED".equals(stateOn(west.url(), name)) && eastGate.refused() > 0);
    }

    /**
     * @param held    the gate that holds the step back
     * @param cluster the cluster whose lease holder is stopped (the one behind {@code held})
     */
    private void moveWithAReplicaStopped(String name, GatedWorker held, String cluster, String heldMethod, String heldPath,
                                         java.util.function.BooleanSupplier moment) throws Exception {
        List<SwitchboardApp> replicas = startReplicas();
        NumberedLines numbered = new NumberedLines(name + "-line-");
        String topic = name + "-" + System.nanoTime();
        Path input = TestReplicas.FILES.resolve(topic + ".txt");
        FILES.add(input);
        numbered.append(input, 1, LINES);
        String config = "{\"connector.class\":\"FileStreamSource\",\"file\":\"" + input + "\",\"topic\":\"" + topic + "\"}";
        SwitchboardFixture.Answer created = SwitchboardFixture.call(fx.app.url(), "POST", "/connectors",
                "{\"name\":\"" + name + "\",\"config\":" + config + "}");
        assertEquals(201, created.status(), created.body());
        Map<String, Object> reader = fx.kafka.client(KafkaIdentities.USER);
        Await.atMost(WITHIN).until("the first lines in the topic", () -> NumberedLines.total(numbered.emitted(reader, topic)), n -> n == LINES);

        TwoCopiesPoll twoCopies = TwoCopiesPoll.start(west.url(), east.url(), name);
        try {
            held.shut(heldMethod, heldPath);
            SwitchboardFixture.Answer moved = SwitchboardFixture.call(fx.app.url(), "POST", "/clusters/default/connectors/" + name + "/move",
                    "{\"to\":\"east\"}");
            assertEquals(202, moved.status(), moved.body());
            Await.atMost(WITHIN).until("the moment to stop a replica (" + heldMethod + " " + heldPath + " held)", moment::getAsBoolean);
            SwitchboardApp stopped = Await.atMost(WITHIN).until("one replica to reconcile " + cluster,
                    () -> replicas.stream().filter(r -> reconciles(r, cluster)).toList(), holders -> holders.size() == 1).get(0);
            SwitchboardApp survivor = stopped == fx.app ? second : fx.app;
            stopped.close();
            held.open();
            System.out.printf("stopped the replica reconciling %s at %s %s (%d held)%n", cluster, heldMethod, heldPath, held.refused());

            Await.atMost(WITHIN).until("running on east", () -> SwitchboardFixture.call(survivor.url(), "GET",
                    "/clusters/east/connectors/" + name + "/status", null).json().path("connector").path("state").asText(), "RUNNING"::equals);
            Await.atMost(WITHIN).until("gone from default", () -> SwitchboardFixture.call(survivor.url(), "GET", "/connectors/" + name, null)
                    .status(), s -> s == 404);
            Await.atMost(WITHIN).until("gone from default's worker", () -> stateOn(west.url(), name), "ABSENT"::equals);
            numbered.append(input, LINES + 1, 2 * LINES);
            Map<String, Integer> all = Await.atMost(WITHIN).until("every line in the topic", () -> numbered.emitted(reader, topic),
                    counts -> NumberedLines.total(counts) >= 2 * LINES);
            Await.holds("no line emitted twice", Duration.ofSeconds(3),
                    () -> NumberedLines.total(numbered.emitted(reader, topic)) == 2 * LINES);
            assertEquals(2 * LINES, all.size(), "each line once");
            assertTrue(all.values().stream().allMatch(count -> count == 1), "each line once");
        } finally {
            twoCopies.close();
        }
        twoCopies.assertNeverTwo();
    }
}
