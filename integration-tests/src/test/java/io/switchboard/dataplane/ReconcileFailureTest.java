package io.switchboard.dataplane;

import io.switchboard.api.SharedKafka;
import io.switchboard.kafkaio.Topics;
import io.switchboard.testing.SecuredKafka;
import io.switchboard.testing.FailingSource;
import io.switchboard.kafka.KafkaIdentities;
import io.switchboard.testing.CommandWriter;
import io.switchboard.testing.Await;
import io.switchboard.testing.TestReplicas;
import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.SwitchboardApp;
import io.switchboard.api.LifecycleEvents;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.TargetState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.switchboard.dataplane.Probe.call;
import static io.switchboard.dataplane.Probe.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With a real worker: what the worker refuses shows in the connector's status and as one lifecycle
 * event, is retried with a growing back-off, and ends a waiting offsets change; a failed connector
 * can still be stopped; task configs follow a config change.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReconcileFailureTest {
    private Path dir;
    private SecuredKafka kafka;
    private String prefix;
    private Topics topics;
    private SwitchboardApp app;
    private String workerUrl;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("switchboard-reconcile-failures");
        // The test JVM's broker: the replica and its embedded worker keep to a prefix of their own.
        kafka = SharedKafka.broker();
        prefix = SharedKafka.newPrefix();
        topics = new Topics(prefix);
        app = SwitchboardApp.start(kafka.replica(TestReplicas.defaults().port(0).schemaRegistryPort(0)
                .dataDir(dir.resolve("replica")).topicPrefix(prefix).build()));
        workerUrl = app.connectClusters().get("default");
        TestReplicas.authorizeWorker(app, dir.resolve("replica"));
    }

    @AfterAll
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (prefix != null) {
            SharedKafka.deleteTopics(prefix);
        }
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** A topic for the connectors' records, under the prefix: deleted with the replica's topics. */
    private String dataTopic(String name) {
        return prefix + "-" + name;
    }

    private JsonNode status(String name) {
        return call(app.url(), "GET", "/connectors/" + name + "/status", null).json();
    }

    @Test
    void aFailedConnectorIsStoppedOnTheWorker() {
        assertEquals(201, call(app.url(), "POST", "/connectors",
                "{\"name\":\"fails\",\"config\":{\"connector.class\":\"" + FailingSource.class.getName() + "\"}}").status());
        eventually("FAILED through Switchboard", () -> status("fails").path("connector").path("state").asText(), "FAILED"::equals);

        assertEquals(204, call(app.url(), "PUT", "/connectors/fails/stop", null).status());
        eventually("STOPPED on the worker", () -> call(workerUrl, "GET", "/connectors/fails/status", null)
                .json().path("connector").path("state").asText(), "STOPPED"::equals);
        eventually("STOPPED through Switchboard", () -> status("fails").path("connector").path("state").asText(), "STOPPED"::equals);

        // Stopped, its offsets can be changed; the change reaches the worker and is answered.
        Probe.Answer reset = call(app.url(), "DELETE", "/connectors/fails/offsets", null);
        assertEquals(200, reset.status(), reset.body());
        assertEquals(204, call(app.url(), "DELETE", "/connectors/fails", null).status());
    }

    @Test
    void whatTheWorkerRefusesShowsInTheStatusOnceAsAnEventAndIsRetriedLessAndLessOften() throws Exception {
        // The API would refuse this config; a command sent to Kafka directly reaches the data plane as it is.
        sendCreate("refused", Map.of("connector.class", "org.example.NoSuchConnector", "tasks.max", "1"));
        JsonNode failing = eventually("the failure in the status", () -> status("refused"),
                s -> s.path("reconcile").path("attempts").asInt() >= 1);
        assertEquals("UNASSIGNED", failing.path("connector").path("state").asText(), failing.toString());
        assertEquals("RUNNING", failing.path("reconcile").path("desired").asText(), failing.toString());
        assertEquals("ABSENT", failing.path("reconcile").path("observed").asText(), failing.toString());
        String error = failing.path("reconcile").path("last_error").asText();
        assertTrue(error.contains("NoSuchConnector"), error);
        assertTrue(error.length() <= 300 && !error.contains("\n"), error);
        Instant firstSeen = Instant.now();
        Instant.parse(failing.path("reconcile").path("last_error_at").asText());

        // Attempts back off: the third comes seconds after the first, and the wait after it is longer
        // still (1 s, 2 s, then 4 s), as the status says.
        JsonNode third = eventually("a third attempt", () -> status("refused"),
                s -> s.path("reconcile").path("attempts").asInt() >= 3).path("reconcile");
        assertTrue(Duration.between(firstSeen, Instant.now()).toMillis() >= 2_000, "three attempts in under 2 s: " + third);
        assertTrue(third.path("attempts").asInt() <= 4, third.toString());
        long wait = Duration.between(Instant.parse(third.path("last_error_at").asText()),
                Instant.parse(third.path("next_attempt_at").asText())).toMillis();
        assertTrue(wait >= 3_900, "the wait after the third refusal: " + wait + " ms in " + third);

        // An offsets change for a connector the worker cannot stop ends, saying why.
        assertEquals(204, call(app.url(), "PUT", "/connectors/refused/stop", null).status());
        Probe.Answer offsets = call(app.url(), "DELETE", "/connectors/refused/offsets", null);
        // (Answered 202 instead if the give-up took longer than the command timeout.)
        assertEquals(409, offsets.status(), offsets.body());
        assertTrue(offsets.json().path("message").asText().contains("did not stop it"), offsets.body());

        List<String> kinds = LifecycleEvents.upToNow(kafka.client(KafkaIdentities.EVENTS), app.schemaRegistryUrl(),
                topics.lifecycle()).stream().filter(event -> event.getConnector().equals("refused"))
                .map(event -> event.getEvent().getClass().getSimpleName()).toList();
        // Once when it began, again after each change of desired state (the stop, the offsets change): not per attempt.
        long failed = kinds.stream().filter("ReconcileFailed"::equals).count();
        assertTrue(failed >= 1 && failed <= 3, kinds.toString());

        // Fixed by a new config, it is created and the failure is over.
        assertEquals(200, call(app.url(), "PUT", "/connectors/refused/config",
                "{\"connector.class\":\"FileStreamSource\",\"file\":\"/tmp/switchboard-test-files/refused.txt\",\"topic\":\"" + dataTopic("refused") + "\"}").status());
        assertEquals(202, call(app.url(), "PUT", "/connectors/refused/resume", null).status());
        JsonNode recovered = eventually("created and RUNNING", () -> status("refused"),
                s -> "RUNNING".equals(s.path("connector").path("state").asText()));
        assertFalse(recovered.has("reconcile"), recovered.toString());
        assertEquals(204, call(app.url(), "DELETE", "/connectors/refused", null).status());
    }

    @Test
    void tasksShowAConfigChangeAsSoonAsTheWorkerRunsIt() throws Exception {
        Path input = io.switchboard.testing.TestReplicas.FILES.resolve(dir.getFileName() + "-batch.txt");
        Files.writeString(input, "one\n");
        String config = "{\"connector.class\":\"FileStreamSource\",\"file\":\"" + input + "\",\"topic\":\"" + dataTopic("batch") + "\",\"batch.size\":\"%d\"}";
        assertEquals(201, call(app.url(), "POST", "/connectors", "{\"name\":\"batch\",\"config\":" + config.formatted(100) + "}").status());
        eventually("the task config", () -> call(app.url(), "GET", "/connectors/batch/tasks", null).json()
                .path(0).path("config").path("batch.size").asText(), "100"::equals);

        for (int size = 101; size <= 103; size++) {
            String expected = String.valueOf(size);
            assertEquals(200, call(app.url(), "PUT", "/connectors/batch/config", config.formatted(size)).status());
            eventually("the worker's new task config", () -> call(workerUrl, "GET", "/connectors/batch/tasks", null).json()
                    .path(0).path("config").path("batch.size").asText(), expected::equals);
            // The worker has it: Switchboard follows within moments (the bound is generous for a slow machine).
            Await.atMost(Duration.ofSeconds(20)).until("GET /tasks to show batch.size " + expected + " after the worker ran it",
                    () -> call(app.url(), "GET", "/connectors/batch/tasks", null).json().path(0).path("config").path("batch.size").asText(),
                    expected::equals);
        }
        assertEquals(204, call(app.url(), "DELETE", "/connectors/batch", null).status());
    }

    private void sendCreate(String name, Map<String, String> config) throws Exception {
        ConnectorCommand command = ConnectorCommand.newBuilder()
                .setCommandId(UUID.randomUUID().toString())
                .setCluster("default")
                .setConnector(name)
                .setIssuedAt(System.currentTimeMillis())
                .setAction(new CreateConnector(new HashMap<>(config), TargetState.RUNNING, null))
                .build();
        // The replica's keyring is the one it created under its data directory.
        try (CommandWriter writer = new CommandWriter(kafka.client(KafkaIdentities.CONTROL_PLANE), app.schemaRegistryUrl(),
                dir.resolve("replica").resolve("secrets.key"))) {
            writer.send(topics.commands(), command);
        }
    }
}
