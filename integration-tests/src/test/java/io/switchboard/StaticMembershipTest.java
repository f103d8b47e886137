package io.switchboard;

import io.switchboard.kafka.KafkaIdentities;
import io.switchboard.testing.Await;
import io.switchboard.testing.TestReplicas;
import io.switchboard.api.SharedKafka;
import io.switchboard.secrets.Keyring;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Static group membership ({@code --instance-id}): a replica stopped cleanly under its identity
 * leaves the group at once, so that its partitions move to the other replica without waiting out
 * its session; a second process under the same identity fences the first; an identity Kafka would
 * refuse is refused at start. A replica closed leaves no thread of its reads running.
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
    void aReplicaStoppedCleanlyUnderItsIdentityLeavesTheGroupAndItsPartitionsMoveAtOnce() throws Exception {
        dir = Files.createTempDirectory("switchboard-static");
        prefix = SharedKafka.newPrefix();
        SwitchboardApp first = start("a", "replica-0");
        SwitchboardApp second = start("b", "replica-1");
        awaitBothOwnPartitions(first, second);
        Set<String> every = new java.util.HashSet<>(activeTasks(first));
        every.addAll(activeTasks(second));
        String group = new io.switchboard.kafkaio.Topics(prefix).applicationId();
        assertTrue(instanceIds(group).stream().anyMatch(id -> id.startsWith("replica-0")), () -> "members: " + instanceIds(group));
        first.close();
        running.remove(first);
        // Right after the stop, not a session (10 s) later: the member is gone, so nothing waits for it.
        Set<String> members = instanceIds(group);
        assertTrue(members.stream().noneMatch(id -> id.startsWith("replica-0")),
                () -> "the stopped replica still holds its place in the group: " + members);
        Await.atMost(Duration.ofSeconds(60)).until("the other replica to hold every task " + every, () -> activeTasks(second),
                held -> held.containsAll(every));
    }

    @Test
    void aSecondProcessUnderTheSameIdentityStopsTheFirstsProcessorRatherThanTakingTurns() throws Exception {
        dir = Files.createTempDirectory("switchboard-static");
        prefix = SharedKafka.newPrefix();
        SwitchboardApp first = start("a", "replica-0");
        awaitOwns(first);
        SwitchboardApp second = start("b", "replica-0");
        Await.atMost(Duration.ofSeconds(60)).until("the first process to stop (ERROR)", () -> first.streams().state(),
                KafkaStreams.State.ERROR::equals);
        awaitOwns(second);
        var live = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(first.url() + "/health/live")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(503, live.statusCode(), live::body);
        System.out.println("The fenced process: " + first.streams().state() + ", /health/live " + live.body());
        // The second keeps its partitions: the first did not come back under the identity.
        Await.holds("the second process to keep its partitions", Duration.ofSeconds(3), () -> owns(second));
    }

    /**
     * The threads a replica's reads use (the lease's renewals, the readings of the command topic's
     * ends and of the copies' lags) stop with it, so that a JVM starting many replicas piles none up.
     */
    @Test
    void aReplicaClosedLeavesNoneOfItsReadsThreadsRunning() throws Exception {
        dir = Files.createTempDirectory("switchboard-static");
        prefix = SharedKafka.newPrefix();
        Set<Thread> before = readThreads();
        SwitchboardApp app = start("a", "replica-0");
        awaitOwns(app);
        var read = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(app.url() + "/connectors")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, read.statusCode(), read::body);
        Set<Thread> its = readThreads();
        its.removeAll(before);
        Set<String> names = its.stream().map(Thread::getName).collect(Collectors.toSet());
        assertTrue(names.containsAll(Set.of("switchboard-kafka-lease", "switchboard-command-ends")), () -> "its reads' threads: " + names);
        app.close();
        running.remove(app);
        Await.atMost(Duration.ofSeconds(10)).until("its reads' threads to stop", () -> its.stream().filter(Thread::isAlive)
                .map(Thread::getName).sorted().toList(), List::isEmpty);
    }

    /** The live threads of the names a replica's reads give theirs. */
    private static Set<Thread> readThreads() {
        Set<String> names = Set.of("switchboard-kafka-lease", "switchboard-command-ends", "switchboard-store-lags");
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && names.contains(t.getName()))
                .collect(Collectors.toCollection(java.util.HashSet::new));
    }

    private static void awaitOwns(SwitchboardApp app) {
        Await.atMost(Duration.ofSeconds(120)).until("the replica to own partitions", () -> owns(app));
    }

    @Test
    void anIdentityKafkaWouldRefuseIsRefusedAtStart() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> StaticMembership.apply("pod/0", new java.util.Properties()));
        assertEquals("--instance-id takes letters, digits, '.', '_' and '-' (at most 249), not 'pod/0'", refused.getMessage());
    }

    private static Set<String> activeTasks(SwitchboardApp app) {
        return app.streams().metadataForLocalThreads().stream().flatMap(t -> t.activeTasks().stream())
                .map(task -> task.taskId().toString()).collect(Collectors.toSet());
    }

    private SwitchboardApp start(String name, String instanceId) throws IOException {
        Keyring.loadOrCreate(dir.resolve("shared-secrets.key"));
        SwitchboardApp app = SwitchboardApp.start(SharedKafka.broker().replica(TestReplicas.defaults().port(0).schemaRegistryPort(0)
                .dataDir(dir.resolve(name))
                .topicPrefix(prefix).embeddedWorker(false).secretsKeyFile(dir.resolve("shared-secrets.key"))
                .instanceId(instanceId).build()));
        running.add(app);
        return app;
    }

    /** The group instance ids of the command processor group's members, as the broker describes them now. */
    private static Set<String> instanceIds(String group) {
        try (Admin admin = Admin.create(SharedKafka.broker().client(KafkaIdentities.CONTROL_PLANE))) {
            return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get(30, TimeUnit.SECONDS).members().stream()
                    .map(member -> member.groupInstanceId().orElse("(none)")).collect(Collectors.toSet());
        } catch (Exception e) {
            throw new IllegalStateException("Could not describe group " + group, e);
        }
    }

    /** Until both run and each holds active tasks: the partitions are split between them. */
    private static void awaitBothOwnPartitions(SwitchboardApp one, SwitchboardApp other) {
        Await.atMost(Duration.ofSeconds(120)).until("the replicas to split the partitions", () -> owns(one) && owns(other));
    }

    private static boolean owns(SwitchboardApp app) {
        return app.streams().state() == KafkaStreams.State.RUNNING
                && app.streams().metadataForLocalThreads().stream().mapToInt(t -> t.activeTasks().size()).sum() > 0
                && app.streams().metadataForLocalThreads().stream().map(ThreadMetadata::threadState).allMatch("RUNNING"::equals);
    }
}
