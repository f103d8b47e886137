package io.switchboard.registry;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static io.switchboard.registry.EmbeddedSchemaRegistryTest.record;
import static io.switchboard.registry.RegistryHttp.schemaBody;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Two registry instances sharing one topic, written to at the same time, agree on every id and version. */
class ConcurrentRegistrationTest {
    private static final long AGREEMENT_TIMEOUT_MS = 60_000;

    private EmbeddedSchemaRegistry first;
    private EmbeddedSchemaRegistry second;
    private RegistryHttp firstHttp;
    private RegistryHttp secondHttp;
    private ExecutorService pool;
    private String topic;

    @BeforeEach
    void start() {
        topic = "_schemas_concurrent_" + UUID.randomUUID().toString().substring(0, 8);
        String bootstrap = TestKafka.shared().bootstrapServers();
        first = new EmbeddedSchemaRegistry(new EmbeddedSchemaRegistry.Settings(bootstrap,
                TestKafka.shared().registrySettings(), topic, "127.0.0.1", 0, java.util.Set.of(RegistryHttp.PASSWORD))).start();
        second = new EmbeddedSchemaRegistry(new EmbeddedSchemaRegistry.Settings(bootstrap,
                TestKafka.shared().registrySettings(), topic, "127.0.0.1", 0, java.util.Set.of(RegistryHttp.PASSWORD))).start();
        firstHttp = new RegistryHttp(first.url());
        secondHttp = new RegistryHttp(second.url());
        pool = Executors.newFixedThreadPool(8);
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
        second.close();
        first.close();
    }

    private record Registration(String subject, Schema schema, int id) {
    }

    /** Starts every task at once and waits for all of them. */
    private <T> List<T> together(List<Callable<T>> tasks) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        for (Callable<T> task : tasks) {
            futures.add(pool.submit(() -> {
                go.await();
                return task.call();
            }));
        }
        go.countDown();
        List<T> results = new ArrayList<>();
        for (Future<T> future : futures) {
            results.add(future.get(120, TimeUnit.SECONDS));
        }
        return results;
    }

    private static Callable<Registration> registering(RegistryHttp http, String subject, Schema schema) {
        return () -> {
            RegistryHttp.Response response = http.post("/subjects/" + subject + "/versions", schemaBody(schema));
            assertEquals(200, response.status(), response.toString());
            return new Registration(subject, schema, response.json().get("id").intValue());
        };
    }

    @Test
    void differentSchemasFromBothInstancesGetDistinctIdsThatBothAgreeOn() throws Exception {
        List<Callable<Registration>> tasks = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            RegistryHttp http = i % 2 == 0 ? firstHttp : secondHttp;
            tasks.add(registering(http, "subject-" + i + "-value", record("Schema" + i)));
        }
        List<Registration> registrations = together(tasks);

        Set<Integer> ids = new HashSet<>();
        for (Registration r : registrations) {
            assertTrue(ids.add(r.id()), "id " + r.id() + " was handed out twice: " + registrations);
        }
        for (Registration r : registrations) {
            for (RegistryHttp http : List.of(firstHttp, secondHttp)) {
                JsonNode found = http.get("/schemas/ids/" + r.id()).json();
                assertEquals(r.schema(), new Schema.Parser().parse(found.get("schema").textValue()));
                JsonNode latest = http.get("/subjects/" + r.subject() + "/versions/latest").json();
                assertEquals(r.id(), latest.get("id").intValue(), r.subject());
                assertEquals(1, latest.get("version").intValue(), r.subject());
            }
        }
        awaitAgreement(() -> firstHttp.get("/subjects").body(), () -> secondHttp.get("/subjects").body());
    }

    @Test
    void concurrentVersionsOfOneSubjectAreNumberedOnceForAll() throws Exception {
        String subject = "shared-value";
        List<Callable<Registration>> tasks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            // Each adds a different optional field: all BACKWARD compatible with each other.
            tasks.add(registering(i % 2 == 0 ? firstHttp : secondHttp, subject, record("Shared", "field" + i)));
        }
        List<Registration> registrations = together(tasks);

        Map<Integer, Schema> byId = new HashMap<>();
        for (Registration r : registrations) {
            assertEquals(null, byId.put(r.id(), r.schema()), "id " + r.id() + " given to two schemas");
        }
        awaitAgreement(() -> firstHttp.get("/subjects/" + subject + "/versions").body(),
                () -> secondHttp.get("/subjects/" + subject + "/versions").body());
        assertEquals("[1,2,3,4,5,6,7,8,9,10]", firstHttp.get("/subjects/" + subject + "/versions").body());
        for (int version = 1; version <= 10; version++) {
            String path = "/subjects/" + subject + "/versions/" + version;
            JsonNode a = firstHttp.get(path).json();
            assertEquals(a, secondHttp.get(path).json());
            assertEquals(byId.get(a.get("id").intValue()), new Schema.Parser().parse(a.get("schema").textValue()));
        }
    }

    @Test
    void theSameSchemaFromBothInstancesGetsOneIdAndOneVersion() throws Exception {
        Schema schema = record("Twice");
        List<Callable<Registration>> tasks = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            tasks.add(registering(i % 2 == 0 ? firstHttp : secondHttp, i < 4 ? "twice-value" : "twice-too-value", schema));
        }
        List<Registration> registrations = together(tasks);

        Set<Integer> ids = new HashSet<>();
        registrations.forEach(r -> ids.add(r.id()));
        assertEquals(1, ids.size(), registrations.toString());
        for (RegistryHttp http : List.of(firstHttp, secondHttp)) {
            assertEquals("[1]", http.get("/subjects/twice-value/versions").body());
            assertEquals("[1]", http.get("/subjects/twice-too-value/versions").body());
        }
    }

    @Test
    void aNewInstanceReplaysToTheSameState() throws Exception {
        List<Callable<Registration>> tasks = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            tasks.add(registering(i % 2 == 0 ? firstHttp : secondHttp, "replay-value", record("Replay", "f" + i)));
        }
        together(tasks);
        awaitAgreement(() -> firstHttp.get("/subjects/replay-value/versions").body(),
                () -> secondHttp.get("/subjects/replay-value/versions").body());

        try (EmbeddedSchemaRegistry third = new EmbeddedSchemaRegistry(new EmbeddedSchemaRegistry.Settings(TestKafka.shared().bootstrapServers(),
                TestKafka.shared().registrySettings(), topic, "127.0.0.1", 0, java.util.Set.of(RegistryHttp.PASSWORD))).start()) {
            RegistryHttp thirdHttp = new RegistryHttp(third.url());
            for (int version = 1; version <= 8; version++) {
                String path = "/subjects/replay-value/versions/" + version;
                assertEquals(firstHttp.get(path).body(), thirdHttp.get(path).body());
            }
        }
    }

    @Test
    void aSchemaRegisteredThroughOneInstanceIsFoundAtOnceThroughTheOther() {
        for (int i = 0; i < 10; i++) {
            int id = firstHttp.post("/subjects/seen-" + i + "-value/versions", schemaBody(record("Seen" + i))).json().get("id").intValue();
            RegistryHttp.Response other = secondHttp.get("/schemas/ids/" + id);
            assertEquals(200, other.status(), "a miss catches up with the log before answering: " + other);
            assertEquals(200, secondHttp.get("/subjects/seen-" + i + "-value/versions/latest").status());
        }
    }

    /** Polls until both sides give the same answer; the instances read the log at their own pace. */
    private static void awaitAgreement(Supplier<String> a, Supplier<String> b) throws InterruptedException {
        long deadline = System.currentTimeMillis() + AGREEMENT_TIMEOUT_MS;
        String left = a.get();
        String right = b.get();
        while (!left.equals(right)) {
            if (System.currentTimeMillis() > deadline) {
                fail("The instances disagree: " + left + " vs " + right);
            }
            Thread.sleep(50);
            left = a.get();
            right = b.get();
        }
    }
}
