package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.kafka.KafkaIdentities;
import io.switchboard.testing.Await;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Offsets are state, with the real embedded worker: a FileStream source's pause keeps the offsets
 * the worker reported once it paused, and a restore of that entry with offsets stops the source,
 * puts them back and runs it again, so it emits again exactly the lines after the pause.
 */
class OffsetsInHistoryTest {
    private static final NumberedLines NUMBERED = new NumberedLines("offsets-line-");
    private static final Duration WITHIN = Duration.ofSeconds(90);
    private static SwitchboardFixture fx;
    private static final List<Path> FILES = new ArrayList<>();

    @BeforeAll
    static void start() {
        fx = SharedReplica.withWorker();
    }

    @AfterAll
    static void stop() throws IOException {
        for (Path file : FILES) {
            Files.deleteIfExists(file);
        }
    }

    /** A file of lines the FileStream source reads, deleted after the class. */
    private static Path input(String topic) {
        Path file = TestReplicas.FILES.resolve(topic + ".txt");
        FILES.add(file);
        return file;
    }

    private static JsonNode entry(String name, long sequence) {
        for (JsonNode version : fx.call("GET", "/connectors/" + name + "/history", null).json().path("versions")) {
            if (version.path("sequence").asLong() == sequence) {
                return version;
            }
        }
        return null;
    }

    @Test
    void aRestoreWithOffsetsEmitsAgainExactlyTheLinesAfterThePause() throws Exception {
        String name = "offsets-restore";
        String topic = "offsets-restore-" + System.nanoTime();
        Path input = input(topic);
        NUMBERED.append(input, 1, 20);
        long afterTwenty = Files.size(input);
        String config = "{\"connector.class\":\"FileStreamSource\",\"file\":\"" + input + "\",\"topic\":\"" + topic + "\"}";
        assertEquals(201, fx.call("POST", "/connectors", "{\"name\":\"" + name + "\",\"config\":" + config + "}").status());
        Await.atMost(WITHIN).until("the 20 lines in the topic", () -> NumberedLines.total(NUMBERED.emitted(fx.kafka.client(KafkaIdentities.USER), topic)), n -> n == 20);
        // The worker commits offsets each second: pause once all 20 are committed, so the pause's are at the 20th.
        Await.atMost(WITHIN).until("the offsets at the 20th line", () -> fx.call("GET", "/connectors/" + name + "/offsets", null).json()
                .path("offsets").path(0).path("offset").path("position").asLong(), position -> position == afterTwenty);

        assertEquals(202, fx.call("PUT", "/connectors/" + name + "/pause", null).status());
        JsonNode history = fx.call("GET", "/connectors/" + name + "/history", null).json().path("versions");
        long paused = history.get(history.size() - 1).path("sequence").asLong();
        assertEquals("PAUSED", history.get(history.size() - 1).path("target_state").asText());
        JsonNode kept = Await.atMost(WITHIN).until("the pause's offsets, read once it showed",
                () -> entry(name, paused).path("offsets"), offsets -> "after".equals(offsets.path("reading").asText()));
        assertEquals(afterTwenty, kept.path("offsets").path(0).path("offset").path("position").asLong(), kept.toString());
        assertEquals(input.toString(), kept.path("offsets").path(0).path("partition").path("filename").asText(), kept.toString());
        assertTrue(entry(name, 1).path("offsets").isMissingNode(), "a create keeps no offsets");

        NUMBERED.append(input, 21, 30);
        assertEquals(202, fx.call("PUT", "/connectors/" + name + "/resume", null).status());
        Await.atMost(WITHIN).until("the 30 lines in the topic", () -> NumberedLines.total(NUMBERED.emitted(fx.kafka.client(KafkaIdentities.USER), topic)), n -> n == 30);

        // What cannot be restored is refused in Kafka Connect's words, and changes nothing.
        String restore = "/connectors/" + name + "/history/";
        for (String[] bad : new String[][]{{"1/restore?offsets=true", "keeps no offsets"}, {paused + "/restore?offsets=maybe", "true or false"},
                {"x/restore?offsets=true", "positive number"}, {"0/restore", "positive number"}, {"999/restore?offsets=true", "No version"}}) {
            SwitchboardFixture.Answer refused = fx.call("POST", restore + bad[0], null);
            assertEquals(400, refused.status(), bad[0] + ": " + refused.body());
            assertEquals(400, refused.json().path("error_code").asInt(), refused.body());
            assertTrue(refused.json().path("message").asText().contains(bad[1]), refused.body());
        }
        assertEquals(404, fx.call("POST", "/connectors/ghost/history/1/restore?offsets=true", null).status());

        SwitchboardFixture.Answer restored = fx.call("POST", restore + paused + "/restore?offsets=true", null);
        assertEquals(202, restored.status(), restored.body());
        assertEquals(name, restored.json().path("name").asText(), restored.body());
        Map<String, Integer> again = Await.atMost(WITHIN).until("the lines after the pause emitted again",
                () -> NUMBERED.emitted(fx.kafka.client(KafkaIdentities.USER), topic), counts -> NumberedLines.total(counts) >= 40);
        for (int n = 1; n <= 30; n++) {
            assertEquals(n <= 20 ? 1 : 2, again.getOrDefault(NUMBERED.line(n), 0), NUMBERED.line(n) + " in " + again);
        }
        Await.holds("nothing more emitted", Duration.ofSeconds(3), () -> NumberedLines.total(NUMBERED.emitted(fx.kafka.client(KafkaIdentities.USER), topic)) == 40);

        JsonNode altered = Await.atMost(WITHIN).until("the restore's offsets change in the history", () -> {
            JsonNode versions = fx.call("GET", "/connectors/" + name + "/history", null).json().path("versions");
            return versions.get(versions.size() - 1);
        }, last -> "OffsetsAltered".equals(last.path("event").asText()));
        assertEquals(paused, altered.path("offsets").path("restored_from").asLong(), altered.toString());
        assertEquals("applied", altered.path("offsets").path("reading").asText(), altered.toString());
        assertEquals(afterTwenty, altered.path("offsets").path("offsets").path(0).path("offset").path("position").asLong());
        assertEquals(Files.size(input), altered.path("offsets").path("previous").path(0).path("offset").path("position").asLong(),
                "the offsets it replaced: " + altered);
        assertEquals("RUNNING", altered.path("target_state").asText(), "returned to its target state");
        Await.atMost(WITHIN).until("running again", () -> fx.call("GET", "/connectors/" + name + "/status", null).json()
                .path("connector").path("state").asText(), "RUNNING"::equals);
    }

    /** Runs {@code apply} on one file; answers its exit status, failing with what it printed when it is not {@code expected}. */
    private static String apply(Path file, int expected) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int status = io.switchboard.apply.ApplyCommand.run(List.of("-f", file.toString(), "--url", fx.app.url(), "--set", "offsets-apply"),
                Map.of(), new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(expected, status, printed);
        return printed;
    }

    private static String strimzi(String name, Path input, String topic, String state, String annotation) {
        return "apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaConnector\nmetadata:\n  name: " + name + "\n"
                + "  labels: {strimzi.io/cluster: default}\n"
                + (annotation == null ? "" : "  annotations: {strimzi.io/connector-offsets: " + annotation + "}\n")
                + "spec:\n  class: FileStreamSource\n  state: " + state + "\n"
                + "  config: {file: \"" + input + "\", topic: " + topic + "}\n"
                + "  listOffsets: {toConfigMap: {name: " + name + "-listed}}\n"
                + "  alterOffsets: {fromConfigMap: {name: " + name + "-wanted}}\n";
    }

    /**
     * Strimzi's offsets fields in {@code apply}: {@code list} writes the offsets the worker reports to
     * the named file, {@code alter} sends the named file's as one decided change, which the history
     * keeps; without the connector stopped, the alter is refused as in Strimzi.
     */
    @Test
    void applyListsAndAltersOffsetsAsStrimzisAnnotationAsks() throws Exception {
        String name = "offsets-apply";
        String topic = "offsets-apply-" + System.nanoTime();
        Path input = input(topic);
        NUMBERED.append(input, 1, 5);
        long afterFive = Files.size(input);
        Path dir = Files.createTempDirectory("offsets-apply");
        Path file = dir.resolve("connector.yaml");
        Path listed = dir.resolve(name + "-listed.json");
        Path wanted = dir.resolve(name + "-wanted.json");
        FILES.addAll(List.of(file, listed, wanted, dir));

        Files.writeString(file, strimzi(name, input, topic, "running", null));
        apply(file, 2);
        Await.atMost(WITHIN).until("the 5 lines in the topic", () -> NumberedLines.total(NUMBERED.emitted(fx.kafka.client(KafkaIdentities.USER), topic)), n -> n == 5);
        Await.atMost(WITHIN).until("the offsets at the 5th line", () -> fx.call("GET", "/connectors/" + name + "/offsets", null).json()
                .path("offsets").path(0).path("offset").path("position").asLong(), position -> position == afterFive);

        // An alter of a running connector is refused, as in Strimzi, and nothing is changed.
        Files.writeString(wanted, "{\"offsets\":[{\"partition\":{\"filename\":\"" + input + "\"},\"offset\":{\"position\":0}}]}");
        Files.writeString(file, strimzi(name, input, topic, "running", "alter"));
        assertTrue(apply(file, 1).contains("refused (400)"));

        Files.writeString(file, strimzi(name, input, topic, "stopped", "list"));
        String printed = apply(file, 2);
        assertTrue(printed.contains("Wrote the offsets of connector " + name), printed);
        JsonNode written = SwitchboardFixture.JSON.readTree(Files.readString(listed));
        assertEquals(afterFive, written.path("offsets").path(0).path("offset").path("position").asLong(), written.toString());

        Files.writeString(file, strimzi(name, input, topic, "stopped", "alter"));
        printed = apply(file, 2);
        assertTrue(printed.contains("altered successfully"), printed);
        JsonNode altered = Await.atMost(WITHIN).until("the alter in the history", () -> {
            JsonNode versions = fx.call("GET", "/connectors/" + name + "/history", null).json().path("versions");
            return versions.get(versions.size() - 1);
        }, last -> "OffsetsAltered".equals(last.path("event").asText()));
        assertEquals(0, altered.path("offsets").path("offsets").path(0).path("offset").path("position").asLong(), altered.toString());
        assertEquals(afterFive, altered.path("offsets").path("previous").path(0).path("offset").path("position").asLong(),
                altered.toString());

        // Running again from the altered offsets: the 5 lines once more.
        Files.writeString(file, strimzi(name, input, topic, "running", null));
        apply(file, 2);
        Map<String, Integer> again = Await.atMost(WITHIN).until("the 5 lines again", () -> NUMBERED.emitted(fx.kafka.client(KafkaIdentities.USER), topic), counts -> NumberedLines.total(counts) >= 10);
        for (int n = 1; n <= 5; n++) {
            assertEquals(2, again.getOrDefault(NUMBERED.line(n), 0), NUMBERED.line(n) + " in " + again);
        }
    }
}
