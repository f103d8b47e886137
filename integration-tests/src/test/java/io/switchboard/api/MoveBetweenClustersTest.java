package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.kafka.KafkaIdentities;
import io.switchboard.testing.Await;
import io.switchboard.testing.ConnectWorker;
import io.switchboard.testing.TestReplicas;
import io.switchboard.testing.TopicScan;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A move between two real Connect clusters on one broker, each with its own topics: two
 * {@code ConnectDistributed} workers (clusters default and east; a replica given external clusters
 * runs no embedded worker). A
 * FileStream source reads 5,000 lines on default, is moved to east with the offsets its stop kept,
 * and 5,000 more lines are appended: the topic holds each of the 10,000 lines once, and a poll of
 * both workers every 100 ms never sees two running copies.
 */
class MoveBetweenClustersTest {
    private static final NumberedLines NUMBERED = new NumberedLines("moved-line-");
    private static final Duration WITHIN = Duration.ofSeconds(120);
    private static final int LINES = 5_000;
    private static ConnectWorker west;
    private static ConnectWorker east;
    /** East's worker as the replica reaches it: a test makes it refuse creates as a worker lacking the class does. */
    private static GatedWorker eastGate;
    private static SwitchboardFixture fx;
    private static final List<Path> FILES = new ArrayList<>();

    @BeforeAll
    static void start() {
        west = ConnectWorker.start(SharedKafka.broker());
        east = ConnectWorker.start(SharedKafka.broker());
        eastGate = GatedWorker.in(east.url());
        fx = new SwitchboardFixture(options -> options.connectClusters("default=" + west.url() + ",east=" + eastGate.url()));
    }

    @AfterAll
    static void stop() throws IOException {
        if (fx != null) {
            fx.close();
        }
        if (eastGate != null) {
            eastGate.close();
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

    private static String stateOn(String workerUrl, String name) {
        return TwoCopiesPoll.stateOn(workerUrl, name);
    }

    @Test
    void aSourceMovesWithItsOffsetsSoEachLineIsInTheTopicOnceAndNeverRunsTwice() throws Exception {
        String name = "moving-source";
        String topic = "moved-" + System.nanoTime();
        Path input = TestReplicas.FILES.resolve(topic + ".txt");
        FILES.add(input);
        NUMBERED.append(input, 1, LINES);
        String config = "{\"connector.class\":\"FileStreamSource\",\"file\":\"" + input + "\",\"topic\":\"" + topic + "\"}";
        assertEquals(201, fx.call("POST", "/connectors", "{\"name\":\"" + name + "\",\"config\":" + config + "}").status());
        Await.atMost(WITHIN).until("the first lines in the topic", () -> NumberedLines.total(NUMBERED.emitted(fx.kafka.client(KafkaIdentities.USER), topic)), n -> n == LINES);

        // Refused, and nothing changes: unknown cluster, the cluster it is in, a body that is not {"to": ...}, no such connector.
        assertEquals(404, fx.call("POST", "/connectors/" + name + "/move", "{\"to\":\"west\"}").status());
        assertEquals(400, fx.call("POST", "/connectors/" + name + "/move", "{\"to\":\"default\"}").status());
        for (String bad : new String[]{"{}", "{\"to\":7}", "[]", "{\"to\":\"east\",\"from\":\"x\"}", "{\"to\":"}) {
            SwitchboardFixture.Answer refused = fx.call("POST", "/connectors/" + name + "/move", bad);
            assertEquals(400, refused.status(), bad + ": " + refused.body());
            assertEquals(400, refused.json().path("error_code").asInt(), refused.body());
        }
        assertEquals(404, fx.call("POST", "/connectors/ghost/move", "{\"to\":\"east\"}").status());
        // A connector of that name on east: the target would refuse the create, so the move is refused at once and nothing stops.
        String elsewhere = "{\"connector.class\":\"FileStreamSource\",\"file\":\"" + input + ".other\",\"topic\":\"" + topic + "-other\"}";
        assertEquals(201, fx.call("POST", "/clusters/east/connectors", "{\"name\":\"" + name + "\",\"config\":" + elsewhere
                + ",\"initial_state\":\"STOPPED\"}").status());
        int entries = fx.call("GET", "/connectors/" + name + "/history", null).json().path("versions").size();
        SwitchboardFixture.Answer taken = fx.call("POST", "/connectors/" + name + "/move", "{\"to\":\"east\"}");
        assertEquals(409, taken.status(), taken.body());
        assertEquals("Connector " + name + " exists in cluster east already: cluster east refused the connector",
                taken.json().path("message").asText(), taken.body());
        assertEquals(entries, fx.call("GET", "/connectors/" + name + "/history", null).json().path("versions").size(), "nothing stopped");
        assertEquals(204, fx.call("DELETE", "/clusters/east/connectors/" + name, null).status());
        Await.atMost(WITHIN).until("the other one gone from east's worker", () -> stateOn(east.url(), name), "ABSENT"::equals);

        String defaultWorker = west.url();
        TwoCopiesPoll twoCopies = TwoCopiesPoll.start(defaultWorker, east.url(), name);
        try {
            SwitchboardFixture.Answer moved = fx.call("POST", "/clusters/default/connectors/" + name + "/move", "{\"to\":\"east\"}");
            assertEquals(202, moved.status(), moved.body());
            assertEquals("east", moved.json().path("to").asText(), moved.body());
            SwitchboardFixture.Answer during = fx.call("PUT", "/connectors/" + name + "/resume", null);
            assertTrue(during.status() == 409 || during.status() == 404, "no other change while it moves: " + during.body());

            Await.atMost(WITHIN).until("running on east", () -> fx.call("GET", "/clusters/east/connectors/" + name + "/status", null)
                    .json().path("connector").path("state").asText(), "RUNNING"::equals);
            Await.atMost(WITHIN).until("gone from default", () -> fx.call("GET", "/connectors/" + name, null).status(), s -> s == 404);
            Await.atMost(WITHIN).until("gone from default's worker", () -> stateOn(defaultWorker, name), "ABSENT"::equals);
            NUMBERED.append(input, LINES + 1, 2 * LINES);
            Map<String, Integer> all = Await.atMost(WITHIN).until("every line in the topic", () -> NUMBERED.emitted(fx.kafka.client(KafkaIdentities.USER), topic),
                    counts -> NumberedLines.total(counts) >= 2 * LINES);
            Await.holds("no line emitted twice", Duration.ofSeconds(3), () -> NumberedLines.total(NUMBERED.emitted(fx.kafka.client(KafkaIdentities.USER), topic)) == 2 * LINES);
            assertEquals(2 * LINES, all.size(), "each line once");
            assertTrue(all.values().stream().allMatch(count -> count == 1), "each line once");
        } finally {
            twoCopies.close();
        }
        twoCopies.assertNeverTwo();

        JsonNode source = fx.call("GET", "/connectors/" + name + "/history", null).json().path("versions");
        JsonNode stop = source.get(source.size() - 2);
        assertEquals("start", stop.path("move").path("step").asText(), source.toString());
        assertEquals("after", stop.path("offsets").path("reading").asText(), stop.toString());
        assertEquals("finish", source.get(source.size() - 1).path("move").path("step").asText(), source.toString());
        JsonNode target = fx.call("GET", "/clusters/east/connectors/" + name + "/history", null).json().path("versions");
        // After the other connector of that name that east had (created, deleted): the move's create, its offsets set, its arrival.
        JsonNode created = target.get(target.size() - 3);
        assertEquals("create", created.path("move").path("step").asText(), target.toString());
        assertEquals("default", created.path("move").path("from").asText(), target.toString());
        assertFalse(target.toString().contains("\"refused\""), target.toString());
        // Its arrival: a ConnectorMoved entry on the target, with the target state it took there, and in the console's timeline.
        JsonNode arrived = target.get(target.size() - 1);
        assertEquals("ConnectorMoved", arrived.path("event").asText(), target.toString());
        assertEquals("RUNNING", arrived.path("target_state").asText(), arrived.toString());
        assertEquals("run", arrived.path("move").path("step").asText(), arrived.toString());
        SwitchboardFixture.Answer timeline = fx.call("GET", "/console/clusters/east/connectors/" + name + "/timeline", null);
        assertEquals(200, timeline.status(), timeline.body());
        assertTrue(timeline.body().contains("Moved from cluster default to east, RUNNING, offsets sha-256 "), timeline.body());
    }

    /**
     * A source that read nothing has no offsets to set on the target: it runs there, and the source
     * goes, once the target's workers show it created; the lines it reads after are each in the topic once.
     */
    @Test
    void aSourceWithNoOffsetsMovesOnceTheTargetsWorkersHaveIt() throws Exception {
        String name = "fresh-source";
        String topic = "fresh-" + System.nanoTime();
        Path input = TestReplicas.FILES.resolve(topic + ".txt");
        FILES.add(input);
        Files.writeString(input, "");
        NumberedLines numbered = new NumberedLines("fresh-line-");
        String config = "{\"connector.class\":\"FileStreamSource\",\"file\":\"" + input + "\",\"topic\":\"" + topic + "\"}";
        assertEquals(201, fx.call("POST", "/connectors", "{\"name\":\"" + name + "\",\"config\":" + config + "}").status());
        Await.atMost(WITHIN).until("running on default's worker", () -> stateOn(west.url(), name), "RUNNING"::equals);

        assertEquals(202, fx.call("POST", "/connectors/" + name + "/move", "{\"to\":\"east\"}").status());
        Await.atMost(WITHIN).until("running on east's worker", () -> stateOn(east.url(), name), "RUNNING"::equals);
        Await.atMost(WITHIN).until("gone from default's worker", () -> stateOn(west.url(), name), "ABSENT"::equals);
        JsonNode target = fx.call("GET", "/clusters/east/connectors/" + name + "/history", null).json().path("versions");
        JsonNode arrived = target.get(target.size() - 1);
        assertEquals("ConnectorMoved", arrived.path("event").asText(), target.toString());
        Map<String, Object> reader = fx.kafka.client(KafkaIdentities.USER);
        numbered.append(input, 1, LINES);
        Map<String, Integer> all = Await.atMost(WITHIN).until("every line in the topic", () -> numbered.emitted(reader, topic),
                counts -> NumberedLines.total(counts) >= LINES);
        assertEquals(LINES, all.size(), "each line once");
        assertTrue(all.values().stream().allMatch(count -> count == 1), "each line once");
    }

    /**
     * The target's workers refuse to create it (as a worker lacking the connector's class answers,
     * here through a gate in front of east's worker): the move is undone, and the source runs again
     * where it was, its history saying why. The source has read nothing yet, so there are no
     * offsets to set on the target whose answer would show the refusal: the target's create alone does.
     */
    @Test
    void aConnectorTheTargetsWorkersRefuseRunsAgainWhereItWasWithTheReason() throws Exception {
        String name = "unmovable-source";
        String topic = "unmoved-" + System.nanoTime();
        Path input = TestReplicas.FILES.resolve(topic + ".txt");
        FILES.add(input);
        Files.writeString(input, "");
        NumberedLines numbered = new NumberedLines("unmoved-line-");
        String config = "{\"connector.class\":\"FileStreamSource\",\"file\":\"" + input + "\",\"topic\":\"" + topic + "\"}";
        assertEquals(201, fx.call("POST", "/connectors", "{\"name\":\"" + name + "\",\"config\":" + config + "}").status());
        Map<String, Object> reader = fx.kafka.client(KafkaIdentities.USER);
        Await.atMost(WITHIN).until("running on default's worker", () -> stateOn(west.url(), name), "RUNNING"::equals);

        String missing = "Failed to find any class that implements Connector and which name matches FileStreamSource";
        eastGate.shut("POST", "/connectors", 500, "{\"error_code\":500,\"message\":\"" + missing + "\"}");
        try {
            assertEquals(202, fx.call("POST", "/connectors/" + name + "/move", "{\"to\":\"east\"}").status());
            JsonNode refused = Await.atMost(WITHIN).until("the move refused", () -> {
                JsonNode versions = fx.call("GET", "/connectors/" + name + "/history", null).json().path("versions");
                return versions.get(versions.size() - 1);
            }, last -> "refused".equals(last.path("move").path("step").asText()));
            assertTrue(refused.path("move").path("reason").asText().startsWith("the workers of cluster east refused the connector: "),
                    refused.toString());
            assertTrue(refused.path("move").path("reason").asText().contains(missing), refused.toString());
            assertEquals("RUNNING", refused.path("target_state").asText(), refused.toString());
        } finally {
            eastGate.open();
        }
        Await.atMost(WITHIN).until("running again on default's worker", () -> stateOn(west.url(), name), "RUNNING"::equals);
        Await.atMost(WITHIN).until("nothing on east", () -> fx.call("GET", "/clusters/east/connectors/" + name, null).status(), s -> s == 404);
        assertEquals("ABSENT", stateOn(east.url(), name));
        numbered.append(input, 1, LINES);
        Map<String, Integer> all = Await.atMost(WITHIN).until("every line in the topic", () -> numbered.emitted(reader, topic),
                counts -> NumberedLines.total(counts) >= LINES);
        assertEquals(LINES, all.size(), "each line once");
        assertTrue(all.values().stream().allMatch(count -> count == 1), "each line once");
    }

    private static void produce(String topic, int from, int to) {
        try (org.apache.kafka.clients.producer.KafkaProducer<String, String> producer = new org.apache.kafka.clients.producer.KafkaProducer<>(
                fx.kafka.client(KafkaIdentities.USER), new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.StringSerializer())) {
            for (int n = from; n <= to; n++) {
                // A JSON string, which the workers' converter reads as the line the sink writes.
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, "\"" + NUMBERED.line(n) + "\""));
            }
            producer.flush();
        }
    }

    private static Map<String, Integer> written(Path file) throws IOException {
        Map<String, Integer> counts = new TreeMap<>();
        if (Files.exists(file)) {
            for (String text : Files.readAllLines(file)) {
                if (text.startsWith("moved-line-")) {
                    counts.merge(text, 1, Integer::sum);
                }
            }
        }
        return counts;
    }

    /** A sink moves with its consumer group's offsets: the records before and after the move, each written once. */
    @Test
    void aSinkMovesWithItsGroupsOffsetsSoEachRecordIsWrittenOnce() throws Exception {
        String name = "moving-sink";
        String topic = "moved-sink-" + System.nanoTime();
        Path output = TestReplicas.FILES.resolve(topic + ".out");
        FILES.add(output);
        produce(topic, 1, LINES);
        String config = "{\"connector.class\":\"FileStreamSink\",\"file\":\"" + output + "\",\"topics\":\"" + topic + "\"}";
        assertEquals(201, fx.call("POST", "/connectors", "{\"name\":\"" + name + "\",\"config\":" + config + "}").status());
        Await.atMost(WITHIN).until("the first records written", () -> NumberedLines.total(written(output)), n -> n == LINES);

        assertEquals(202, fx.call("POST", "/connectors/" + name + "/move", "{\"to\":\"east\"}").status());
        Await.atMost(WITHIN).until("running on east", () -> fx.call("GET", "/clusters/east/connectors/" + name + "/status", null)
                .json().path("connector").path("state").asText(), "RUNNING"::equals);
        Await.atMost(WITHIN).until("gone from default", () -> fx.call("GET", "/connectors/" + name, null).status(), s -> s == 404);
        JsonNode source = fx.call("GET", "/connectors/" + name + "/history", null).json().path("versions");
        JsonNode kept = source.get(source.size() - 2).path("offsets").path("offsets");
        assertEquals(LINES, kept.path(0).path("offset").path("kafka_offset").asLong(), "the group's offsets, kept: " + kept);

        produce(topic, LINES + 1, 2 * LINES);
        Map<String, Integer> all = Await.atMost(WITHIN).until("every record written", () -> written(output),
                counts -> NumberedLines.total(counts) >= 2 * LINES);
        assertEquals(2 * LINES, all.size(), "each record once");
        assertTrue(all.values().stream().allMatch(count -> count == 1), "each record once");
    }
}
