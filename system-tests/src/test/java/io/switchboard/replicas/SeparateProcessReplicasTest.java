package io.switchboard.replicas;

import io.switchboard.kafkaio.Topics;
import io.switchboard.testing.SecuredKafka;
import io.switchboard.kafka.KafkaIdentities;
import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.LifecycleEvents;
import io.switchboard.schemas.ConnectorCreated;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.registry.EmbeddedSchemaRegistry;
import io.switchboard.testing.Await;
import io.switchboard.testing.Http;
import io.switchboard.testing.ReplicaProcess;
import io.switchboard.testing.TestUsers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three Switchboard replicas, each a JVM of its own, on one real broker (in this JVM, so it can be
 * stopped and started again) and one schema registry. Any replica answers anything; a replica's
 * death or the broker's absence costs answers that say "retry", never an answer that lies.
 * The tests run in order: the last one kills a replica.
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeparateProcessReplicasTest {
    private static final Duration STARTUP = Duration.ofSeconds(180);
    private static final String LIFECYCLE_TOPIC = "switchboard.lifecycle";

    private Path dir;
    private SecuredKafka kafka;
    private EmbeddedSchemaRegistry registry;
    private final List<ReplicaProcess> replicas = new ArrayList<>();
    /** 503s that reads honouring Retry-After met before their answer, per test. */
    private final AtomicInteger retriedReads = new AtomicInteger();

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("switchboard-processes");
        kafka = SecuredKafka.start(dir.resolve("broker"));
        // The keyring the replicas share (ReplicaProcess reads it there), made first: the registry takes writes with credentials derived from it.
        registry = new EmbeddedSchemaRegistry(new EmbeddedSchemaRegistry.Settings(kafka.bootstrapServers(),
                kafka.clients(KafkaIdentities.CONTROL_PLANE).common(), "switchboard._schemas", "127.0.0.1", 0,
                io.switchboard.RegistryCredentials.accepted(io.switchboard.secrets.Keyring.loadOrCreate(dir.resolve("shared-secrets.key")))))
                .start();
        // With credentials on: replicas still read each other (their requests are signed), clients need a key.
        Path users = TestUsers.write(dir.resolve("users"), Map.of("load", "admin@*"));
        // One after another: three JVMs starting at once on two cores each take three times as long,
        // and a slow start is all the first one would show.
        for (int i = 1; i <= 3; i++) {
            ReplicaProcess replica = ReplicaProcess.start("replica-" + i, dir.resolve("replica-" + i),
                    "--users-file", users.toString(),
                    // Kafka as a user's replicas reach it: the control plane's settings file (SASL/PLAIN).
                    "--bootstrap-servers", kafka.bootstrapServers(), "--kafka-config", kafka.controlPlaneFile().toString(),
                    "--schema-registry-url", registry.url(),
                    "--embedded-worker", "false",
                    // Short enough that commands sent while the broker is away are answered 503 within
                    // the outage; long enough for a decision on a loaded 2-core machine, where three
                    // replicas, the broker and the clients share the cores.
                    "--command-timeout-ms", "15000");
            replicas.add(replica);
            Http.authorizeByDefault(replica.url(), TestUsers.basic("load"));
            replica.awaitHealthy(STARTUP);
        }
        // An outsider's internal request is refused, whatever its credentials.
        assertEquals(403, Http.get(replicas.get(0).url(), "/internal/stores/connectors?partition=0").status());
        // All three healthy at once, twice in a row: the group has settled with three members.
        Await.atMost(Duration.ofSeconds(120)).until("all replicas healthy together", () -> allHealthy() && pause(1000) && allHealthy());
    }

    @AfterAll
    void stop() {
        replicas.forEach(ReplicaProcess::close);
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        deleteQuietly(dir);
    }

    @Test
    @Order(1)
    void ninetyConnectorsCreatedThroughRandomReplicasReadTheSameThroughEvery() throws Exception {
        // Fifteen a partition on average: every replica owns some, and reads of every one cross replicas.
        int count = 90;
        Random random = new Random(4);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Http.Response>> creates = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = "spread-" + i;
            ReplicaProcess target = replicas.get(random.nextInt(replicas.size()));
            creates.add(pool.submit(() -> Http.call(target.url(), "POST", "/connectors",
                    Http.json(Map.of("name", name, "config", Load.config(name, 0))))));
        }
        // A create whose decision is slower than the command timeout is answered 503 "accepted and
        // will be applied": the client then reads the connector, as the answer tells it to. It must
        // appear; the reads below check it is the same through every replica.
        List<String> acceptedLate = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Http.Response created = creates.get(i).get();
            if (created.status() == 503 && created.json().path("message").asText().contains("will be applied")) {
                acceptedLate.add("spread-" + i);
                continue;
            }
            assertEquals(201, created.status(), "spread-" + i + ": " + created);
        }
        pool.shutdown();
        for (String name : acceptedLate) {
            Await.atMost(Duration.ofSeconds(120)).until(name + " accepted late is applied",
                    () -> read(replicas.get(0), "/connectors/" + name).status() == 200);
        }
        System.out.println("[replicas] " + count + " connectors: creates accepted but decided after the command timeout: " + acceptedLate.size());

        for (int i = 0; i < count; i++) {
            for (String path : List.of("/connectors/spread-" + i, "/connectors/spread-" + i + "/status")) {
                JsonNode first = null;
                for (ReplicaProcess replica : replicas) {
                    Http.Response answer = read(replica, path);
                    assertEquals(200, answer.status(), path + " through " + replica + ": " + answer);
                    if (first == null) {
                        first = answer.json();
                        assertEquals("spread-" + i, first.path("name").asText());
                    } else {
                        assertEquals(first, answer.json(), path + " through " + replica);
                    }
                }
            }
        }
        JsonNode firstExpanded = null;
        for (ReplicaProcess replica : replicas) {
            Set<String> names = new TreeSet<>();
            read(replica, "/connectors").json().forEach(n -> names.add(n.asText()));
            assertEquals(count, names.stream().filter(n -> n.startsWith("spread-")).count(), "list through " + replica);
            JsonNode expanded = read(replica, "/connectors?expand=status&expand=info").json();
            assertEquals(count, iterable(expanded.fieldNames()).stream().filter(n -> n.startsWith("spread-")).count());
            if (firstExpanded == null) {
                firstExpanded = expanded;
            } else {
                assertEquals(firstExpanded, expanded, "expanded list through " + replica);
            }
        }
        System.out.println("[replicas] " + count + " connectors: reads answered 503 before succeeding: " + retriedReads.getAndSet(0));
    }

    @Test
    @Order(2)
    void hundredConcurrentCreatesOfOneNameOverThreeReplicasGiveOne201() throws Exception {
        int clients = 100;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Http.Response>> answers = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            ReplicaProcess target = replicas.get(i % replicas.size());
            answers.add(pool.submit(() -> {
                go.await();
                return Http.call(target.url(), "POST", "/connectors",
                        Http.json(Map.of("name", "contended", "config", Load.config("contended", 0))));
            }));
        }
        go.countDown();
        Map<Integer, Integer> statuses = new HashMap<>();
        for (Future<Http.Response> answer : answers) {
            statuses.merge(answer.get().status(), 1, Integer::sum);
        }
        pool.shutdown();
        assertEquals(Map.of(201, 1, 409, clients - 1), statuses);
    }

    @Test
    @Order(3)
    void brokerStoppedForTwentySecondsUnderLoad() throws Exception {
        Map<String, Long> pids = new HashMap<>();
        replicas.forEach(r -> pids.put(r.name(), r.pid()));
        Load load = new Load("outage-", replicas, 3, 2);
        try {
            Await.atMost(Duration.ofSeconds(120)).until("some commands acknowledged", () -> load.acknowledged.size() >= 10);
            int port = kafka.broker().port();
            kafka.close();
            hold(Duration.ofSeconds(20)); // longer than the command timeout: commands sent meanwhile are told to retry
            kafka = SecuredKafka.start(dir.resolve("broker"), port, Topics.DEFAULT);
            long restarted = System.nanoTime();
            // Recovered: every replica has acknowledged a command sent after the broker came back.
            Await.atMost(Duration.ofSeconds(120)).until("every replica acknowledges commands again", () -> replicas.stream()
                    .allMatch(r -> load.commands.values().stream().anyMatch(o -> o.replica().equals(r.name())
                            && o.sentAtNanos() > restarted && o.acknowledged())));
        } finally {
            load.stop();
        }
        System.out.println("[replicas] broker outage: commands " + Load.snapshot(load.commandCounts)
                + ", reads " + Load.snapshot(load.readCounts) + " (slowest " + load.slowestReadMs.get() + " ms)"
                + ", unexpected " + load.unexpected.size());
        assertTrue(load.unexpected.isEmpty(), "answers no client should get: " + first(load.unexpected));
        assertTrue(load.commandCounts.containsKey("503") || load.readCounts.containsKey("503"),
                "requests made while the broker was away were told to retry: " + Load.snapshot(load.commandCounts));
        for (ReplicaProcess replica : replicas) {
            assertTrue(replica.isAlive(), replica + " is running");
            assertEquals(pids.get(replica.name()), replica.pid(), replica + " was not restarted");
        }
        // Every acknowledged command is there, through every replica.
        for (ReplicaProcess replica : replicas) {
            Set<String> names = names(replica);
            for (String name : load.acknowledged) {
                assertTrue(names.contains(name), name + " acknowledged but missing through " + replica);
            }
        }
    }

    @Test
    @Order(4)
    void killMinusNineOfOneReplicaUnderLoad() throws Exception {
        ReplicaProcess victim = replicas.get(2);
        List<ReplicaProcess> survivors = List.of(replicas.get(0), replicas.get(1));
        Load load = new Load("load-", replicas, 4, 3);
        Map<String, Integer> readsAfterKill;
        try {
            Await.atMost(Duration.ofSeconds(60)).until("some commands acknowledged", () -> load.acknowledged.size() >= 30);
            // Readers stop choosing the victim (as a load balancer would after its health check);
            // writers keep sending to it until it dies, so some commands are in flight there.
            load.readTargets = survivors;
            victim.kill();
            load.writeTargets = survivors;
            // Long enough for the group to notice the death (session timeout) and move its partitions,
            // and for reads after the move to outnumber the few that met it (the 5% bound below).
            hold(Duration.ofSeconds(25));
        } finally {
            load.stop();
        }
        readsAfterKill = Load.snapshot(load.readCounts);

        // The final state, once both survivors agree.
        Await.atMost(Duration.ofSeconds(120)).until("survivors agree on the connectors", () -> {
            try {
                Set<String> a = names(survivors.get(0));
                return a.containsAll(load.acknowledged) && a.equals(names(survivors.get(1)));
            } catch (AssertionError notYet) {
                return false;
            }
        });
        Set<String> finalNames = new HashSet<>();
        List<String> listed = new ArrayList<>();
        read(survivors.get(0), "/connectors").json().forEach(n -> listed.add(n.asText()));
        finalNames.addAll(listed);
        assertEquals(finalNames.size(), listed.size(), "no connector listed twice");

        // The killed replica's open transaction holds the lifecycle topic's last stable offset until
        // the broker aborts it (its timeout, 10 s, found by a check every 10 s): a read_committed read
        // ends there until then, short of events the survivors committed after it began.
        Map<String, Map<String, Integer>> seen = new HashMap<>();
        Await.atMost(Duration.ofSeconds(90)).until("the lifecycle topic readable past the killed replica's transaction", () -> {
            seen.put("created", createdEvents("load-"));
            return load.acknowledged.stream().allMatch(name -> seen.get("created").containsKey(name));
        });
        Map<String, Integer> created = seen.get("created");
        int acknowledged = 0;
        int failed = 0;
        int failedButApplied = 0;
        for (Load.Outcome outcome : load.commands.values()) {
            String name = outcome.name();
            int events = created.getOrDefault(name, 0);
            if (outcome.acknowledged()) {
                acknowledged++;
                assertEquals(201, outcome.status(), name);
                assertTrue(finalNames.contains(name), name + " was acknowledged but is not in the final state");
                assertEquals(1, events, name + " was acknowledged: created exactly once");
            } else {
                failed++;
                assertTrue(outcome.status() == 503 || outcome.status() == -1,
                        name + " got neither a success nor a retryable error: " + outcome);
                assertTrue(events <= 1, name + " created " + events + " times");
                assertEquals(events == 1, finalNames.contains(name), name + ": state and events agree");
                if (events == 1) {
                    failedButApplied++;
                }
            }
            if (finalNames.contains(name)) {
                // Whole, never half: the config is exactly what was sent.
                JsonNode config = read(survivors.get(1), "/connectors/" + name + "/config").json();
                Map<String, Object> expected = new HashMap<>(Load.config(name, Integer.parseInt(name.substring(5))));
                expected.put("name", name);
                assertEquals(Http.JSON.valueToTree(expected), config, name);
            }
        }
        for (String name : finalNames) {
            if (name.startsWith("load-")) {
                assertTrue(load.commands.containsKey(name), name + " exists but was never sent");
            }
        }
        int reads5xx = Load.fiveHundreds(load.readCounts);
        System.out.println("[replicas] kill -9: commands " + Load.snapshot(load.commandCounts)
                + " (acknowledged " + acknowledged + ", errors " + failed + " of which applied " + failedButApplied + ")"
                + ", reads " + readsAfterKill + " (5xx " + reads5xx + ", 404 of acknowledged " + load.staleMisses.get() + " for " + load.staleMissNames
                + ", slowest " + load.slowestReadMs.get() + " ms)"
                + ", unexpected " + load.unexpected.size());
        assertTrue(load.unexpected.isEmpty(), "answers no client should get: " + first(load.unexpected));
        assertTrue(acknowledged > 30, "the load kept being served: " + acknowledged);
        assertFalse(readsAfterKill.containsKey("500"));
        // The goal is no 5xx at all (reads fall back to standbys, then wait); a loaded 2-core
        // machine may stretch a rebalance past the bounded wait, which is a 503 with Retry-After
        // (checked above with every other answer), for a few reads.
        int reads = readsAfterKill.values().stream().mapToInt(Integer::intValue).sum();
        assertTrue(reads5xx * 20 <= reads, "reads answered 5xx: " + reads5xx + " of " + reads);
    }

    // ---------------------------------------------------------------------------------------------

    /** ConnectorCreated events on the lifecycle topic (read_committed, up to its end now) per connector name. */
    private Map<String, Integer> createdEvents(String prefix) {
        Map<String, Integer> counts = new HashMap<>();
        for (LifecycleEvent event : LifecycleEvents.upToNow(kafka.client(KafkaIdentities.EVENTS), registry.url(), LIFECYCLE_TOPIC)) {
            if (event.getConnector().startsWith(prefix) && event.getEvent() instanceof ConnectorCreated) {
                counts.merge(event.getConnector(), 1, Integer::sum);
            }
        }
        return counts;
    }

    private Set<String> names(ReplicaProcess replica) {
        Http.Response list = read(replica, "/connectors");
        assertEquals(200, list.status(), "list through " + replica + ": " + list);
        Set<String> names = new TreeSet<>();
        list.json().forEach(n -> names.add(n.asText()));
        return names;
    }

    /** A read as a client that honours Retry-After makes it (bounded): 503s are retried and counted. */
    private Http.Response read(ReplicaProcess replica, String path) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Http.Response answer = Http.get(replica.url(), path);
        while (answer.status() == 503 && System.nanoTime() < deadline) {
            assertNotNull(answer.header("Retry-After"), "a 503 says when to retry: " + answer);
            retriedReads.incrementAndGet();
            pause(1000L * Integer.parseInt(answer.header("Retry-After")));
            answer = Http.get(replica.url(), path);
        }
        return answer;
    }

    private boolean allHealthy() {
        return replicas.stream().allMatch(r -> {
            try {
                return Http.send(r.url(), "GET", "/health", null, Map.of()).status() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** Lets the load run for a while: the scenario itself lasts this long. */
    private static void hold(Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            pause(100);
        }
    }

    private static boolean pause(long ms) {
        try {
            Thread.sleep(ms);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String first(List<String> items) {
        synchronized (items) {
            return items.isEmpty() ? "" : items.size() + " such, first: " + items.subList(0, Math.min(5, items.size()));
        }
    }

    private static <T> List<T> iterable(Iterator<T> it) {
        List<T> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
