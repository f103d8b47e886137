package io.switchboard.dataplane;

import io.switchboard.kafka.KafkaIdentities;
import io.switchboard.testing.SecuredKafka;
import io.switchboard.testing.TestReplicas;
import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.SwitchboardApp;
import io.switchboard.examples.LifecycleConsumer;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.DriftRepaired;
import io.switchboard.schemas.wire.AvroDeserializer;
import io.switchboard.schemas.wire.HttpSchemaRegistryClient;
import io.switchboard.testing.ApiContract;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.switchboard.dataplane.Probe.call;
import static io.switchboard.dataplane.Probe.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end with a real Kafka Connect worker as the data plane: a FileStreamSource created through
 * Switchboard runs, its lines reach Kafka, and pause, stop, delete and repairs reach the worker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DataPlaneTest {
    private Path dir;
    private SecuredKafka kafka;
    private SwitchboardApp app;
    private String workerUrl;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("switchboard-dataplane");
        kafka = SecuredKafka.start(dir.resolve("broker"));
        // Full passes every 2 s rather than the default 10 s: the repairs test waits for them.
        app = SwitchboardApp.start(kafka.replica(TestReplicas.defaults().port(0).schemaRegistryPort(0)
                .dataDir(dir.resolve("replica")).fullPassEvery(Duration.ofSeconds(2)).build()));
        workerUrl = app.connectClusters().get("default");
        TestReplicas.authorizeWorker(app, dir.resolve("replica"));
        ApiContract.watch(app.url());
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }




    private String state(String name) {
        Probe.Answer status = call(app.url(), "GET", "/connectors/" + name + "/status", null);
        return status.json().path("connector").path("state").asText();
    }

    /**
     * The data plane reads the embedded worker's statuses from its status topic: what that topic
     * gives must be what the worker's own REST API answers, record format and all.
     */
    @Test
    void theStatusTopicShowsWhatTheWorkersRestApiShows() throws Exception {
        Path input = io.switchboard.testing.TestReplicas.FILES.resolve(dir.getFileName() + "-fed.txt");
        Files.writeString(input, "one\n");
        String config = "{\"connector.class\":\"FileStreamSource\",\"file\":\"" + input + "\",\"topic\":\"fed\",\"tasks.max\":\"1\"}";
        assertEquals(201, call(app.url(), "POST", "/connectors", "{\"name\":\"fed\",\"config\":" + config + "}").status());
        eventually("RUNNING on the worker", () -> call(workerUrl, "GET", "/connectors/fed/status", null).json(),
                s -> "RUNNING".equals(s.path("connector").path("state").asText()) && s.path("tasks").size() == 1
                        && "RUNNING".equals(s.path("tasks").get(0).path("state").asText()));
        JsonNode rest = call(workerUrl, "GET", "/connectors/fed/status", null).json();
        // A cluster name of its own: its consumer's client id names its metrics, and closing it would unregister
        // those of the replica's reader of cluster default (theWorkersTopicsAreReadByOneConsumer reads them).
        try (WorkerTopics topics = new WorkerTopics("status-topic-check", kafka.bootstrapServers(), kafka.clients(KafkaIdentities.CONTROL_PLANE).common())) {
            WorkerStatusFeed feed = new WorkerStatusFeed(topics, "switchboard-connect-status");
            topics.start();
            JsonNode fed = eventually("the status topic read", () -> feed.status("fed").orElse(null), s -> s != null);
            assertEquals(rest.path("name"), fed.path("name"));
            assertEquals(rest.path("connector"), fed.path("connector"), "connector status: REST " + rest + ", topic " + fed);
            assertEquals(rest.path("tasks"), fed.path("tasks"), "task statuses: REST " + rest + ", topic " + fed);
        }
    }

    /**
     * The replica reads the embedded worker's status, config and offsets topics with one consumer (one
     * fetch per broker when a pause writes to several of them), not one consumer a topic.
     */
    @Test
    void theWorkersTopicsAreReadByOneConsumer() throws Exception {
        java.util.Set<String> consumers = java.lang.management.ManagementFactory.getPlatformMBeanServer()
                .queryNames(new javax.management.ObjectName("kafka.consumer:type=app-info,id=*"), null).stream()
                .map(name -> name.getKeyProperty("id")).collect(java.util.stream.Collectors.toSet());
        assertEquals(List.of(), consumers.stream().filter(id -> id.matches("switchboard-(status|config|offsets)-feed-.*")).toList(),
                "no consumer of one worker topic alone: " + consumers);
        assertTrue(consumers.contains("switchboard-worker-topics-default"), "the cluster's one consumer: " + consumers);
    }

    @Test
    void aFileSourceCreatedThroughSwitchboardRunsOnTheWorkerAndFollowsItsTargetState() throws Exception {
        Path input = io.switchboard.testing.TestReplicas.FILES.resolve(dir.getFileName() + "-lines.txt");
        Files.writeString(input, "first\nsecond\n");
        String config = "{\"connector.class\":\"FileStreamSource\",\"file\":\"" + input + "\",\"topic\":\"lines\"}";
        assertEquals(201, call(app.url(), "POST", "/connectors", "{\"name\":\"lines\",\"config\":" + config + "}").status());

        eventually("RUNNING through Switchboard", () -> state("lines"), "RUNNING"::equals);
        Probe.Answer status = call(app.url(), "GET", "/connectors/lines/status", null);
        assertEquals("source", status.json().path("type").asText());
        assertTrue(status.json().path("connector").path("worker_id").asText().contains(":"), status.json().toString());
        eventually("a RUNNING task", () -> call(app.url(), "GET", "/connectors/lines/status", null).json().path("tasks"),
                tasks -> tasks.size() == 1 && "RUNNING".equals(tasks.get(0).path("state").asText()));

        JsonNode tasks = eventually("task configs observed", () -> call(app.url(), "GET", "/connectors/lines/tasks", null).json(),
                t -> t.size() == 1);
        assertEquals("lines", tasks.get(0).path("id").path("connector").asText());
        assertEquals(0, tasks.get(0).path("id").path("task").asInt());
        assertEquals("lines", tasks.get(0).path("config").path("topic").asText());
        assertEquals(1, call(app.url(), "GET", "/connectors/lines", null).json().path("tasks").size());

        Probe.Answer task = call(app.url(), "GET", "/connectors/lines/tasks/0/status", null);
        assertEquals(200, task.status());
        assertEquals(0, task.json().path("id").asInt());
        assertEquals("RUNNING", task.json().path("state").asText());
        Probe.Answer noTask = call(app.url(), "GET", "/connectors/lines/tasks/5/status", null);
        assertEquals(404, noTask.status());
        assertEquals("No status found for task lines-5", noTask.json().path("message").asText());
        assertEquals("No status found for connector ghost",
                call(app.url(), "GET", "/connectors/ghost/status", null).json().path("message").asText());

        assertEquals(204, call(app.url(), "POST", "/connectors/lines/restart", null).status());
        Probe.Answer plan = call(app.url(), "POST", "/connectors/lines/restart?includeTasks=true&onlyFailed=false", null);
        assertEquals(202, plan.status());
        assertEquals("RESTARTING", plan.json().path("connector").path("state").asText());
        assertEquals("RESTARTING", plan.json().path("tasks").get(0).path("state").asText());
        assertEquals(204, call(app.url(), "POST", "/connectors/lines/tasks/0/restart", null).status());
        assertEquals("Unknown connector: ghost", call(app.url(), "POST", "/connectors/ghost/restart", null).json().path("message").asText());
        assertEquals("Unknown task: lines-9", call(app.url(), "POST", "/connectors/lines/tasks/9/restart", null).json().path("message").asText());
        eventually("the last restart carried out by the reconciler", () -> restartApplied("lines"), id -> id != null);
        eventually("RUNNING after the restarts", () -> state("lines"), "RUNNING"::equals);

        Files.writeString(input, "third\n", StandardOpenOption.APPEND);
        List<String> lines = readTopic("lines", 3);
        assertEquals(List.of("first", "second", "third"), lines);

        Probe.Answer plugins = call(app.url(), "GET", "/connector-plugins?connectorsOnly=true", null);
        assertEquals(200, plugins.status());
        assertTrue(plugins.json().toString().contains("org.apache.kafka.connect.file.FileStreamSourceConnector"), plugins.json().toString());
        Probe.Answer validation = call(app.url(), "PUT", "/connector-plugins/FileStreamSource/config/validate",
                config.replace("{", "{\"name\":\"lines\","));
        assertEquals(200, validation.status());
        assertEquals(0, validation.json().path("error_count").asInt());
        assertEquals(200, call(app.url(), "GET", "/admin/loggers", null).status());
        eventually("active topics", () -> call(app.url(), "GET", "/connectors/lines/topics", null).json()
                .path("lines").path("topics").toString(), t -> t.contains("lines"));

        assertEquals(202, call(app.url(), "PUT", "/connectors/lines/pause", null).status());
        eventually("PAUSED on the worker", () -> call(workerUrl, "GET", "/connectors/lines/status", null)
                .json().path("connector").path("state").asText(), "PAUSED"::equals);
        eventually("PAUSED through Switchboard", () -> state("lines"), "PAUSED"::equals);

        assertEquals(204, call(app.url(), "PUT", "/connectors/lines/stop", null).status());
        eventually("STOPPED through Switchboard", () -> state("lines"), "STOPPED"::equals);
        assertEquals(202, call(app.url(), "PUT", "/connectors/lines/resume", null).status());
        eventually("RUNNING again", () -> state("lines"), "RUNNING"::equals);

        assertEquals(204, call(app.url(), "DELETE", "/connectors/lines", null).status());
        eventually("gone from the worker", () -> call(workerUrl, "GET", "/connectors/lines", null).status(), s -> s == 404);
    }

    /**
     * A source feeds a topic that a sink writes to a file. Offsets change only while the source is
     * stopped; rewinding it to the start of its file and resuming sends every line again, and the
     * sink writes them out a second time.
     */
    @Test
    void offsetsAlteredThroughSwitchboardRewindASourceAndTheSinkSeesTheLinesAgain() throws Exception {
        Path input = io.switchboard.testing.TestReplicas.FILES.resolve(dir.getFileName() + "-feed.txt");
        Path output = io.switchboard.testing.TestReplicas.FILES.resolve(dir.getFileName() + "-feed-out.txt");
        Files.writeString(input, "alpha\nbeta\n");
        String source = "{\"connector.class\":\"FileStreamSource\",\"file\":\"" + input + "\",\"topic\":\"feed\"}";
        String sink = "{\"connector.class\":\"FileStreamSink\",\"file\":\"" + output + "\",\"topics\":\"feed\"}";
        assertEquals(201, call(app.url(), "POST", "/connectors", "{\"name\":\"feed\",\"config\":" + source + "}").status());
        assertEquals(201, call(app.url(), "POST", "/connectors", "{\"name\":\"feed-out\",\"config\":" + sink + "}").status());
        eventually("the sink wrote both lines", () -> lines(output), l -> l.equals(List.of("alpha", "beta")));

        String rewind = "{\"offsets\":[{\"partition\":{\"filename\":\"" + input + "\"},\"offset\":{\"position\":0}}]}";
        Probe.Answer whileRunning = call(app.url(), "PATCH", "/connectors/feed/offsets", rewind);
        assertEquals(400, whileRunning.status());
        assertEquals("Connectors must be in the STOPPED state before their offsets can be modified. This can be done for "
                + "the specified connector by issuing a 'PUT' request to the '/connectors/feed/stop' endpoint",
                whileRunning.json().path("message").asText());
        assertEquals(404, call(app.url(), "PATCH", "/connectors/ghost/offsets", rewind).status());
        // Bad bodies are refused before anything is recorded.
        for (String bad : new String[]{"{}", "{\"offsets\":[]}", "{\"offsets\":null}", "[]", "{\"offsets\":[1]}",
                "{\"offsets\":[{\"partition\":{\"filename\":\"x\"},\"offset\":7}]}", "{\"offsets\":", "{\"offsets\":[],\"x\":1}"}) {
            Probe.Answer refused = call(app.url(), "PATCH", "/connectors/feed/offsets", bad);
            assertEquals(400, refused.status(), bad);
            assertEquals(400, refused.json().path("error_code").asInt(), bad);
        }
        assertEquals("Partitions / offsets need to be provided for an alter offsets request",
                call(app.url(), "PATCH", "/connectors/feed/offsets", "{\"offsets\":[]}").json().path("message").asText());

        assertEquals(204, call(app.url(), "PUT", "/connectors/feed/stop", null).status());
        Probe.Answer altered = call(app.url(), "PATCH", "/connectors/feed/offsets", rewind);
        assertEquals(200, altered.status(), altered.json().toString());
        assertEquals("The offsets for this connector have been altered successfully", altered.json().path("message").asText());
        Probe.Answer offsets = call(app.url(), "GET", "/connectors/feed/offsets", null);
        assertEquals(0, offsets.json().path("offsets").get(0).path("offset").path("position").asInt(), offsets.json().toString());

        // The plugin refuses an offset it cannot use; the refusal is the answer and nothing changes.
        Probe.Answer invalid = call(app.url(), "PATCH", "/connectors/feed/offsets",
                "{\"offsets\":[{\"partition\":{\"filename\":\"" + input + "\"},\"offset\":{\"position\":\"start\"}}]}");
        assertEquals(400, invalid.status(), invalid.json().toString());
        assertTrue(invalid.json().path("message").asText().length() > 0, invalid.json().toString());

        // The worker's record of active topics is reset through a command as well.
        assertEquals(202, call(app.url(), "PUT", "/connectors/feed/topics/reset", null).status());
        eventually("active topics reset", () -> call(app.url(), "GET", "/connectors/feed/topics", null).json()
                .path("feed").path("topics").size(), n -> n == 0);
        assertEquals(404, call(app.url(), "PUT", "/connectors/ghost/topics/reset", null).status());

        assertEquals(202, call(app.url(), "PUT", "/connectors/feed/resume", null).status());
        eventually("the rewound source sent its lines again", () -> lines(output),
                l -> l.equals(List.of("alpha", "beta", "alpha", "beta")));

        // Reset: stop, delete the offsets, and the worker's answer comes back.
        assertEquals(204, call(app.url(), "PUT", "/connectors/feed/stop", null).status());
        Probe.Answer reset = call(app.url(), "DELETE", "/connectors/feed/offsets", null);
        assertEquals(200, reset.status(), reset.json().toString());
        assertEquals("The offsets for this connector have been reset successfully", reset.json().path("message").asText());

        List<String> kinds = new ArrayList<>();
        LifecycleConsumer.consume(kafka.clients(KafkaIdentities.EVENTS), app.schemaRegistryUrl(),
                "switchboard.lifecycle", "offsets-" + System.nanoTime(), Duration.ofSeconds(15), event -> {
                    if (event.getConnector().equals("feed")) {
                        kinds.add(event.getEvent().getClass().getSimpleName());
                    }
                    return !kinds.contains("OffsetsReset");
                });
        assertTrue(kinds.contains("OffsetsAltered") && kinds.contains("OffsetsReset"), kinds.toString());
        assertEquals(204, call(app.url(), "DELETE", "/connectors/feed", null).status());
        assertEquals(204, call(app.url(), "DELETE", "/connectors/feed-out", null).status());
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    @Test
    void changesMadeDirectlyOnTheWorkerAreRepaired() {
        String config = "{\"connector.class\":\"FileStreamSource\",\"file\":\"/tmp/switchboard-test-files/drift.txt\",\"topic\":\"drift\"}";
        assertEquals(201, call(app.url(), "POST", "/connectors", "{\"name\":\"drift\",\"config\":" + config + "}").status());
        assertEquals(201, call(app.url(), "POST", "/connectors", "{\"name\":\"dropped\",\"config\":"
                + config.replace("drift", "dropped") + "}").status());
        eventually("on the worker", () -> call(workerUrl, "GET", "/connectors/drift", null).status(), s -> s == 200);
        eventually("on the worker", () -> call(workerUrl, "GET", "/connectors/dropped", null).status(), s -> s == 200);

        // Three changes made on the worker at once, each repaired by the next full pass:
        // someone edits a config (the desired one is put back), ...
        String edited = "{\"connector.class\":\"FileStreamSource\",\"file\":\"/tmp/switchboard-test-files/edited.txt\",\"topic\":\"drift\"}";
        call(workerUrl, "PUT", "/connectors/drift/config", edited);
        // ... creates a connector nobody asked Switchboard for (it is removed), ...
        call(workerUrl, "POST", "/connectors", "{\"name\":\"stray\",\"config\":" + config.replace("drift", "stray") + "}");
        // ... and deletes one (it comes back: the worker listed it already, so it is missing, not
        // starting, and no grace after its creation holds it back).
        assertEquals(204, call(workerUrl, "DELETE", "/connectors/dropped", null).status());
        eventually("config put back", () -> call(workerUrl, "GET", "/connectors/drift/config", null).json().path("file").asText(),
                "/tmp/switchboard-test-files/drift.txt"::equals);
        eventually("stray removed", () -> call(workerUrl, "GET", "/connectors/stray", null).status(), s -> s == 404);
        eventually("recreated on the worker", () -> call(workerUrl, "GET", "/connectors/dropped", null).status(), s -> s == 200);

        // Each repair is a lifecycle event.
        List<String> repairs = new ArrayList<>();
        LifecycleConsumer.consume(kafka.clients(KafkaIdentities.EVENTS), app.schemaRegistryUrl(),
                "switchboard.lifecycle", "repairs-" + System.nanoTime(), Duration.ofSeconds(15), event -> {
                    if (event.getEvent() instanceof DriftRepaired r) {
                        r.getRepairs().forEach(repair -> repairs.add(event.getConnector() + ":" + repair));
                    }
                    return !(repairs.contains("dropped:created") && repairs.contains("drift:config"));
                });
        assertTrue(repairs.contains("dropped:created") && repairs.contains("drift:config"), repairs.toString());
        assertEquals(204, call(app.url(), "DELETE", "/connectors/drift", null).status());
        assertEquals(204, call(app.url(), "DELETE", "/connectors/dropped", null).status());
    }

    /** The restart request the reconciler last reported as done, read from the observations topic. */
    private String restartApplied(String name) {
        var registry = HttpSchemaRegistryClient.anonymous(app.schemaRegistryUrl());
        var deserializer = new AvroDeserializer<>(registry, ConnectorObservation.class);
        Map<String, Object> config = kafka.client(KafkaIdentities.CONTROL_PLANE, Map.of());
        String applied = null;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            // Every observation now on the topic: from its start to the end offsets it has as the read begins.
            List<TopicPartition> partitions = consumer.partitionsFor("switchboard.observations", Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, Duration.ofSeconds(30)) < ends.get(p))) {
                assertTrue(System.nanoTime() < deadline, "the observations read to their end offsets " + ends + " within 60 s");
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    var observation = deserializer.deserialize(r.topic(), r.value());
                    if (observation.getConnector().equals(name) && observation.getRestartApplied() != null) {
                        applied = observation.getRestartApplied();
                    }
                }
            }
        }
        return applied;
    }

    private List<String> readTopic(String topic, int count) {
        Map<String, Object> config = kafka.client(KafkaIdentities.CONTROL_PLANE, Map.of(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (values.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                }
            }
        }
        // The worker's JsonConverter without schemas writes each line as a JSON string.
        return values.stream().map(v -> v.startsWith("\"") ? v.substring(1, v.length() - 1) : v).toList();
    }

    @Test
    void aConnectorThatOptedInIsRestartedWhenItsTaskFails() {
        // A sink whose file cannot be opened: its task fails as it starts.
        String config = "{\"connector.class\":\"FileStreamSink\",\"file\":\"" + io.switchboard.testing.TestReplicas.FILES.resolve(dir.getFileName() + "-no/such/dir/out.txt")
                + "\",\"topics\":\"lines\",\"switchboard.auto.restart.enabled\":\"true\"}";
        assertEquals(201, call(app.url(), "POST", "/connectors", "{\"name\":\"flaky\",\"config\":" + config + "}").status());
        JsonNode status = eventually("an auto-restart in the status", () -> call(app.url(), "GET", "/connectors/flaky/status", null).json(),
                s -> s.path("auto_restart").path("count").asInt() >= 1);
        assertTrue(status.path("auto_restart").hasNonNull("last_restart"), status.toString());
        // The next restart waits out the back-off (2 minutes after the first), so the count stays put meanwhile.
        assertEquals(1, status.path("auto_restart").path("count").asInt(), status.toString());
        assertEquals(204, call(app.url(), "DELETE", "/connectors/flaky", null).status());
    }
}
