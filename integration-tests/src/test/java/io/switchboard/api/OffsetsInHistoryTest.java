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
    private static final Duration WITHIN = Duration.ofSeconds(90);
    private static SwitchboardFixture fx;
    private static Path input;

    @BeforeAll
    static void start() {
        fx = SharedReplica.withWorker();
    }

    @AfterAll
    static void stop() throws IOException {
        if (input != null) {
            Files.deleteIfExists(input);
        }
    }

    private static String line(int n) {
        return String.format("offsets-line-%05d", n);
    }

    private static void append(int from, int to) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int n = from; n <= to; n++) {
            lines.append(line(n)).append('\n');
        }
        Files.writeString(input, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** How many times each line is in the topic now. */
    private static Map<String, Integer> emitted(String topic) {
        Map<String, Integer> counts = new TreeMap<>();
        for (byte[] part : TopicScan.readAll(fx.kafka.client(KafkaIdentities.USER), topic)) {
            String text = new String(part, StandardCharsets.UTF_8);
            int at = text.indexOf("offsets-line-");
            if (at >= 0) {
                counts.merge(text.substring(at, at + "offsets-line-00000".length()), 1, Integer::sum);
            }
        }
        return counts;
    }

    private static int total(Map<String, Integer> counts) {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
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
        input = TestReplicas.FILES.resolve(topic + ".txt");
        append(1, 20);
        long afterTwenty = Files.size(input);
        String config = "{\"connector.class\":\"FileStreamSource\",\"file\":\"" + input + "\",\"topic\":\"" + topic + "\"}";
        assertEquals(201, fx.call("POST", "/connectors", "{\"name\":\"" + name + "\",\"config\":" + config + "}").status());
        Await.atMost(WITHIN).until("the 20 lines in the topic", () -> total(emitted(topic)), n -> n == 20);
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

        append(21, 30);
        assertEquals(202, fx.call("PUT", "/connectors/" + name + "/resume", null).status());
        Await.atMost(WITHIN).until("the 30 lines in the topic", () -> total(emitted(topic)), n -> n == 30);

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
                () -> emitted(topic), counts -> total(counts) >= 40);
        for (int n = 1; n <= 30; n++) {
            assertEquals(n <= 20 ? 1 : 2, again.getOrDefault(line(n), 0), line(n) + " in " + again);
        }
        Await.holds("nothing more emitted", Duration.ofSeconds(3), () -> total(emitted(topic)) == 40);

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
}
