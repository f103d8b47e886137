package io.switchboard.dataplane;

import io.switchboard.api.SharedKafka;
import io.switchboard.testing.SecuredKafka;
import io.switchboard.testing.TestReplicas;
import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.SwitchboardApp;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static io.switchboard.dataplane.Probe.call;
import static io.switchboard.dataplane.Probe.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Patches that conflict, sent at once by many clients through a real worker's validation: every
 * config Switchboard ever stores is one the worker accepts. A sink connector takes {@code topics} or
 * {@code topics.regex}, never both. A patch setting {@code topics} is valid against a config without
 * a regex and invalid against one with it; were it validated against one version and merged into a
 * later one that another client gave a regex, both would be stored.
 */
class ConcurrentPatchTest {
    private static final int CLIENTS = 16;
    private static final int PATCHES = 500;

    @Test
    void concurrentConflictingPatchesOnlyEverStoreConfigsTheWorkerValidates() throws Exception {
        Path dir = Files.createTempDirectory("switchboard-patches");
        // The test JVM's broker: the replica keeps to a prefix of its own, the worker to a group of its own.
        SecuredKafka kafka = SharedKafka.broker();
        String prefix = SharedKafka.newPrefix();
        EmbeddedConnectWorker worker = EmbeddedConnectWorker.start(kafka.bootstrapServers(), null, prefix + "-patches-connect", 0,
                kafka.workerProperties(Map.of()));
        List<AutoCloseable> toClose = new ArrayList<>(List.of(worker));
        try {
            SwitchboardApp app = SwitchboardApp.start(kafka.replica(TestReplicas.defaults().port(0).schemaRegistryPort(0)
                    .dataDir(dir.resolve("replica")).topicPrefix(prefix)
                    .connectClusters("default=" + worker.url()).build()));
            toClose.add(app);
            String created = "{\"name\":\"contested\",\"config\":{\"connector.class\":\"FileStreamSink\","
                    + "\"file\":\"/tmp/switchboard-test-files/contested.txt\",\"topics\":\"start\",\"tasks.max\":\"1\"}}";
            assertEquals(201, call(app.url(), "POST", "/connectors", created).status());

            Map<Integer, AtomicInteger> answers = new ConcurrentHashMap<>();
            AtomicInteger sent = new AtomicInteger();
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                running.add(clients.submit(() -> {
                    int i;
                    while ((i = sent.incrementAndGet()) <= PATCHES) {
                        String patch = switch (ThreadLocalRandom.current().nextInt(3)) {
                            // Valid against any config: leaves only the regex.
                            case 0 -> "{\"topics\":null,\"topics.regex\":\"r" + i + ".*\"}";
                            // Valid against any config: leaves only the list.
                            case 1 -> "{\"topics.regex\":null,\"topics\":\"m" + i + "\"}";
                            // Valid only against a config without a regex.
                            default -> "{\"topics\":\"l" + i + "\"}";
                        };
                        Probe.Answer answer = call(app.url(), "PATCH", "/connectors/contested/config", patch);
                        answers.computeIfAbsent(answer.status(), s -> new AtomicInteger()).incrementAndGet();
                        assertTrue(answer.status() == 200 || answer.status() == 400 || answer.status() == 409,
                                "a patch is applied, refused as invalid, or to be sent again: " + answer.body());
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
            clients.shutdown();
            System.out.println("[concurrent patches] answers by status: " + answers);
            assertTrue(answers.get(200).get() > PATCHES / 3, "most patches are applied: " + answers);

            JsonNode current = call(app.url(), "GET", "/connectors/contested", null).json();
            long version = eventually("the last version decided", () -> history(app).path("versions"),
                    v -> v.size() > 0 && v.get(v.size() - 1).path("config").equals(current.path("config")))
                    .get(0).path("version").asLong();
            JsonNode versions = history(app).path("versions");
            assertEquals(answers.get(200).get() + 1, versions.size(), "one version per applied patch, and the create");
            for (JsonNode v : versions) {
                JsonNode config = v.path("config");
                assertTrue(config.has("topics") != config.has("topics.regex"),
                        "version " + v.path("version") + " stored both or neither of topics and topics.regex: " + config);
                assertEquals(version++, v.path("version").asLong(), "versions follow one another");
            }
            Probe.Answer validated = call(worker.url(), "PUT", "/connector-plugins/FileStreamSink/config/validate",
                    current.path("config").toString());
            assertEquals(0, validated.json().path("error_count").asInt(), validated.body());
        } finally {
            // The replica and the worker stop side by side.
            DesiredStateFromChangelogTest.closeTogether(toClose);
            SharedKafka.deleteTopics(prefix);
        }
    }

    private static JsonNode history(SwitchboardApp app) {
        return call(app.url(), "GET", "/connectors/contested/history", null).json();
    }
}
