package io.switchboard.dataplane;

import io.switchboard.api.SharedKafka;
import io.switchboard.testing.OptionsBuilder;
import io.switchboard.testing.SecuredKafka;
import io.switchboard.SwitchboardApp;
import io.switchboard.SwitchboardOptions;
import java.util.Map;
import io.switchboard.processor.StoreNames;
import io.switchboard.secrets.Keyring;
import io.switchboard.testing.Await;
import io.switchboard.testing.TestReplicas;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static io.switchboard.dataplane.Probe.call;
import static io.switchboard.dataplane.Probe.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two replicas on one broker reconcile one external worker: the replica that holds the cluster's
 * lease reads the desired connectors from the connectors store's changelog, so its full passes ask
 * the other replica nothing of the connectors store, although the other replica owns some of the
 * store's partitions, while the connectors created, changed and deleted through the other replica
 * are still reconciled, and what is changed directly on the worker is still repaired.
 */
class DesiredStateFromChangelogTest {
    private static final int CONNECTORS = 12;
    /**
     * Not {@code default}: the lease holder of cluster default also runs the pipelines' scheduler,
     * which lists that cluster's connectors from the store on its own clock.
     */
    private static final String CLUSTER = "east";
    /**
     * The test waits for full passes (seven of them): a pass every 2 s rather than the default 10 s
     * is the same pass, sooner.
     */
    private static final Duration FULL_PASS_EVERY = Duration.ofSeconds(2);

    @Test
    void theLeaseHoldersFullPassesReadNoOtherReplicaAndStillReconcile() throws Exception {
        Path dir = Files.createTempDirectory("switchboard-desired-changelog");
        List<SwitchboardApp> replicas = new ArrayList<>();
        // The test JVM's broker: the two replicas keep to a prefix of their own, the worker to a group of its own.
        SecuredKafka kafka = SharedKafka.broker();
        String prefix = SharedKafka.newPrefix();
        try {
            EmbeddedConnectWorker worker = EmbeddedConnectWorker.start(kafka.bootstrapServers(), null,
                    prefix + "-changelog-connect", 0, kafka.workerProperties(Map.of()));
            try {
                SwitchboardApp one = SwitchboardApp.start(options(dir, "one", kafka, worker, prefix));
                replicas.add(one);
                replicas.add(SwitchboardApp.start(OptionsBuilder.from(options(dir, "two", kafka, worker, prefix))
                        .schemaRegistryUrl(one.schemaRegistryUrl()).build()));
                Await.atMost(Duration.ofSeconds(120)).until("both replicas RUNNING in one group",
                        () -> replicas.stream().allMatch(r -> r.streams().state() == KafkaStreams.State.RUNNING)
                                && one.streams().metadataForAllStreamsClients().size() == 2);
                SwitchboardApp leader = Await.atMost(Duration.ofSeconds(60)).until("one replica to hold the lease of cluster " + CLUSTER,
                        () -> replicas.stream().filter(DesiredStateFromChangelogTest::reconciles).toList(),
                        holders -> holders.size() == 1).get(0);
                SwitchboardApp other = replicas.get(0) == leader ? replicas.get(1) : replicas.get(0);

                // Created through the replica that does not reconcile: the lease holder carries them out.
                for (int i = 0; i < CONNECTORS; i++) {
                    Probe.Answer created = call(api(other), "POST", "/connectors", body("fed-" + i, "/tmp/switchboard-test-files/fed-" + i + ".txt"));
                    assertEquals(201, created.status(), created.body());
                }
                for (int i = 0; i < CONNECTORS; i++) {
                    String name = "fed-" + i;
                    eventually(name + " RUNNING on the worker", () -> workerState(worker, name), "RUNNING"::equals);
                }
                List<String> ownedByOther = new ArrayList<>();
                for (int i = 0; i < CONNECTORS; i++) {
                    if (other.streams().queryMetadataForKey(StoreNames.CONNECTORS, CLUSTER + "/fed-" + i, Serdes.String().serializer())
                            .activeHost().port() == other.port()) {
                        ownedByOther.add("fed-" + i);
                    }
                }
                assertTrue(!ownedByOther.isEmpty(), "the other replica owns some of the connectors' partitions");

                // Changed directly on the worker: one connector of the other replica's partitions deleted, a stray added.
                String repaired = ownedByOther.get(0);
                long passes = passes(leader);
                awaitPasses(leader, passes + 1);
                long connectorReads = leader.replicaReads(StoreNames.CONNECTORS);
                long statusReads = leader.replicaReads(StoreNames.STATUSES);
                passes = passes(leader);
                assertEquals(204, call(worker.url(), "DELETE", "/connectors/" + repaired, null).status());
                eventually(repaired + " gone from the worker", () -> call(worker.url(), "GET", "/connectors/" + repaired, null).status(),
                        status -> status == 404);
                assertEquals(201, call(worker.url(), "POST", "/connectors", body("stray", "/tmp/switchboard-test-files/stray.txt")).status());
                eventually(repaired + " put back on the worker by a full pass", () -> workerState(worker, repaired), "RUNNING"::equals);
                eventually("the stray deleted by a full pass", () -> call(worker.url(), "GET", "/connectors/stray", null).status(),
                        status -> status == 404);
                awaitPasses(leader, passes + 2);
                long readsOfConnectors = leader.replicaReads(StoreNames.CONNECTORS) - connectorReads;
                long readsOfStatuses = leader.replicaReads(StoreNames.STATUSES) - statusReads;
                System.out.printf("lease holder: %d full passes, %d reads of the other replica's connectors store, %d of its statuses store%n",
                        passes(leader) - passes, readsOfConnectors, readsOfStatuses);
                assertEquals(0, readsOfConnectors, "the lease holder's full passes read no other replica's connectors store");
                assertTrue(reconciles(leader), "the lease stayed where it was while it was measured");

                // Still reconciled: a change and a delete through the other replica, and a connector created after.
                assertEquals(200, call(api(other), "PUT", "/connectors/fed-1/config",
                        config("/tmp/switchboard-test-files/fed-1-changed.txt")).status());
                eventually("fed-1's new config on the worker", () -> call(worker.url(), "GET", "/connectors/fed-1/config", null)
                        .json().path("file").asText(), "/tmp/switchboard-test-files/fed-1-changed.txt"::equals);
                assertEquals(204, call(api(other), "DELETE", "/connectors/fed-2", null).status());
                eventually("fed-2 gone from the worker", () -> call(worker.url(), "GET", "/connectors/fed-2", null).status(),
                        status -> status == 404);
                assertEquals(201, call(api(other), "POST", "/connectors", body("late", "/tmp/switchboard-test-files/late.txt")).status());
                eventually("late RUNNING on the worker", () -> workerState(worker, "late"), "RUNNING"::equals);
                // And the next full passes keep them so: the deleted one is not put back, the new one not taken for a stray.
                awaitPasses(leader, passes(leader) + 2);
                assertEquals(404, call(worker.url(), "GET", "/connectors/fed-2", null).status());
                assertEquals("RUNNING", workerState(worker, "late"));
            } finally {
                // The replicas and the worker stop side by side: each waits on its own group's leaving.
                List<AutoCloseable> all = new ArrayList<>(replicas);
                all.add(worker);
                closeTogether(all);
            }
        } finally {
            SharedKafka.deleteTopics(prefix);
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Closes each on a thread of its own and waits for all; the first failure is thrown. */
    static void closeTogether(List<? extends AutoCloseable> closeables) throws Exception {
        List<Exception> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> closing = new ArrayList<>();
        for (AutoCloseable closeable : closeables) {
            Thread thread = new Thread(() -> {
                try {
                    closeable.close();
                } catch (Exception e) {
                    failures.add(e);
                }
            }, "test-close");
            thread.start();
            closing.add(thread);
        }
        for (Thread thread : closing) {
            thread.join();
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }

    private static SwitchboardOptions options(Path dir, String name, SecuredKafka kafka, EmbeddedConnectWorker worker, String prefix) {
        // Replicas share one keyring, as they must (it signs their requests to each other).
        Keyring.loadOrCreate(dir.resolve("shared-secrets.key"));
        return kafka.replica(TestReplicas.defaults().port(0).schemaRegistryPort(0).dataDir(dir.resolve(name))
                .topicPrefix(prefix).connectClusters(CLUSTER + "=" + worker.url())
                .secretsKeyFile(dir.resolve("shared-secrets.key")).fullPassEvery(FULL_PASS_EVERY).build());
    }

    /** The replica's Kafka Connect API for the cluster. */
    private static String api(SwitchboardApp replica) {
        return replica.url() + "/clusters/" + CLUSTER;
    }

    private static boolean reconciles(SwitchboardApp replica) {
        return replica.reconcilerLoops().stream().anyMatch(loop -> loop.cluster().equals(CLUSTER) && loop.isLeader());
    }

    private static long passes(SwitchboardApp replica) {
        return replica.reconcilerLoops().stream().filter(loop -> loop.cluster().equals(CLUSTER))
                .mapToLong(ReconcilerLoop::fullPasses).sum();
    }

    /** Waits for the replica's full passes to reach {@code count}, and for the last of them to end. */
    private static void awaitPasses(SwitchboardApp replica, long count) {
        eventually("full pass " + count + " begun", () -> passes(replica), n -> n >= count + 1);
    }

    private static String config(String file) {
        return "{\"connector.class\":\"FileStreamSource\",\"file\":\"" + file + "\",\"topic\":\"changelog-fed\",\"tasks.max\":\"1\"}";
    }

    private static String body(String name, String file) {
        return "{\"name\":\"" + name + "\",\"config\":" + config(file) + "}";
    }

    private static String workerState(EmbeddedConnectWorker worker, String name) {
        return call(worker.url(), "GET", "/connectors/" + name + "/status", null).json().path("connector").path("state").asText();
    }
}
