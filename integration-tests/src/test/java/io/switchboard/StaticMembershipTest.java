package io.switchboard;

import io.switchboard.testing.TestReplicas;
import io.switchboard.api.SharedKafka;
import io.switchboard.secrets.Keyring;
import org.apache.kafka.common.Metric;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Static group membership ({@code --instance-id}): a replica stopped cleanly and started again
 * under the same identity, within the group's session, takes its partitions back and the other
 * replica never holds them meanwhile (one rebalance when it returns, in which nothing moves);
 * without an identity the same restart hands the partitions to the other replica and back, which
 * shows that the watch sees a hand-over.
 */
class StaticMembershipTest {
    private Path dir;
    private final List<SwitchboardApp> running = new ArrayList<>();
    private String prefix;

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
    void aReplicaRestartedUnderItsIdentityTakesItsPartitionsBackWithoutAHandOver() throws Exception {
        Restart restart = restartFirstWatchingSecond("replica-0", "replica-1");
        System.out.println("With static membership: " + restart);
        assertEquals(restart.tasksBefore(), restart.tasksEverHeld(),
                "the other replica took partitions of the one restarting under its identity");
        // Kafka Streams' subscription carries each task's offsets, which differ when the member
        // comes back, so its return is one rebalance, in which nothing moves.
        assertTrue(restart.rebalances() <= 1, restart::toString);
    }

    @Test
    void withoutAnIdentityTheSameRestartHandsThePartitionsOverAndBack() throws Exception {
        Restart restart = restartFirstWatchingSecond(null, null);
        System.out.println("Without static membership: " + restart);
        assertTrue(restart.tasksEverHeld().size() > restart.tasksBefore().size(), restart::toString);
        assertTrue(restart.rebalances() >= 2, restart::toString);
    }

    @Test
    void aSecondProcessUnderTheSameIdentityStopsTheFirstsProcessorRatherThanTakingTurns() throws Exception {
        dir = Files.createTempDirectory("switchboard-static");
        prefix = SharedKafka.newPrefix();
        SwitchboardApp first = start("a", "replica-0");
        awaitOwns(first);
        SwitchboardApp second = start("b", "replica-0");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (first.streams().state() != KafkaStreams.State.ERROR) {
            assertTrue(System.nanoTime() < deadline, () -> "the first process still runs: " + first.streams().state());
            Thread.sleep(100);
        }
        awaitOwns(second);
        var live = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(first.url() + "/health/live")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(503, live.statusCode(), live::body);
        System.out.println("The fenced process: " + first.streams().state() + ", /health/live " + live.body());
        // The second keeps its partitions: the first did not come back under the identity.
        Thread.sleep(3_000);
        assertTrue(owns(second), "the second process lost the partitions");
    }

    private static void awaitOwns(SwitchboardApp app) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!owns(app)) {
            assertTrue(System.nanoTime() < deadline, "the replica never owned partitions");
            Thread.sleep(100);
        }
    }

    @Test
    void anIdentityKafkaWouldRefuseIsRefusedAtStart() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> StaticMembership.apply("pod/0", new java.util.Properties()));
        assertEquals("--instance-id takes letters, digits, '.', '_' and '-' (at most 249), not 'pod/0'", refused.getMessage());
    }

    /** What the second replica saw while the first stopped and started again. */
    record Restart(Set<String> tasksBefore, Set<String> tasksEverHeld, int rebalances) {
    }

    private Restart restartFirstWatchingSecond(String firstId, String secondId) throws Exception {
        dir = Files.createTempDirectory("switchboard-static");
        prefix = SharedKafka.newPrefix();
        SwitchboardApp first = start("a", firstId);
        SwitchboardApp second = start("b", secondId);
        awaitBothOwnPartitions(first, second);
        double before = rebalances(second);
        Set<String> tasksBefore = activeTasks(second);
        Set<String> held = ConcurrentHashMap.newKeySet();
        held.addAll(tasksBefore);
        ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor();
        watch.scheduleAtFixedRate(() -> held.addAll(activeTasks(second)), 0, 20, TimeUnit.MILLISECONDS);
        try {
            first.close();
            running.remove(first);
            // Within the group's session (10 s): a pod replaced by its StatefulSet comes back as quickly.
            SwitchboardApp again = start("a", firstId);
            awaitBothOwnPartitions(again, second);
            // Long enough for a rebalance the restart caused to have begun and been counted.
            Thread.sleep(3_000);
            awaitBothOwnPartitions(again, second);
        } finally {
            watch.shutdownNow();
        }
        return new Restart(tasksBefore, Set.copyOf(held), (int) (rebalances(second) - before));
    }

    private static Set<String> activeTasks(SwitchboardApp app) {
        return app.streams().metadataForLocalThreads().stream().flatMap(t -> t.activeTasks().stream())
                .map(task -> task.taskId().toString()).collect(Collectors.toSet());
    }

    private SwitchboardApp start(String name, String instanceId) throws IOException {
        Keyring.loadOrCreate(dir.resolve("shared-secrets.key"));
        SwitchboardApp app = SwitchboardApp.start(TestReplicas.defaults().withPort(0).withSchemaRegistryPort(0)
                .withDataDir(dir.resolve(name)).withBootstrapServers(SharedKafka.broker().bootstrapServers())
                .withTopicPrefix(prefix).withEmbeddedWorker(false).withSecretsKeyFile(dir.resolve("shared-secrets.key"))
                .withInstanceId(instanceId));
        running.add(app);
        return app;
    }

    /** Until both run and each holds active tasks: the partitions are split between them. */
    private static void awaitBothOwnPartitions(SwitchboardApp one, SwitchboardApp other) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!(owns(one) && owns(other))) {
            assertTrue(System.nanoTime() < deadline, "the replicas never split the partitions");
            Thread.sleep(100);
        }
    }

    private static boolean owns(SwitchboardApp app) {
        return app.streams().state() == KafkaStreams.State.RUNNING
                && app.streams().metadataForLocalThreads().stream().mapToInt(t -> t.activeTasks().size()).sum() > 0
                && app.streams().metadataForLocalThreads().stream().map(ThreadMetadata::threadState).allMatch("RUNNING"::equals);
    }

    /** The rebalances the replica's group members took part in, by their consumers' own count. */
    private static double rebalances(SwitchboardApp app) {
        return app.streams().metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals("rebalance-total") && e.getKey().group().equals("consumer-coordinator-metrics"))
                .map(java.util.Map.Entry::getValue).map(Metric::metricValue)
                .mapToDouble(value -> ((Number) value).doubleValue()).sum();
    }
}
