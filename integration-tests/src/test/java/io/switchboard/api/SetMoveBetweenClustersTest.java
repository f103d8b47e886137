package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.kafka.KafkaIdentities;
import io.switchboard.testing.Await;
import io.switchboard.testing.ConnectWorker;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestReplicas;
import io.switchboard.testing.TestUsers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A set file whose connector changes {@code cluster} moves it (docs/apply.md, docs/offsets.md), on
 * two real Connect clusters on one broker: a FileStream source the set applied in default reads
 * its lines; the same set applied in east plans a move from default, applies as one change, and
 * the connector runs on east only, with the file's config, each line appended after in the topic
 * once, and a poll of both workers every 100 ms never sees two running copies. The change's
 * progress converges, the set in default no longer lists it, and a revert says to apply the
 * previous files.
 */
class SetMoveBetweenClustersTest {
    private static final Duration WITHIN = Duration.ofSeconds(120);
    private static final int LINES = 300;
    private static ConnectWorker west;
    private static ConnectWorker east;
    private static SwitchboardFixture fx;
    private static Path input;

    @BeforeAll
    static void start() {
        west = ConnectWorker.start(SharedKafka.broker());
        east = ConnectWorker.start(SharedKafka.broker());
        // ed edits both clusters, but has no grant on every cluster, which a move needs.
        fx = SwitchboardFixture.withUsers(Map.of("ada", "admin@*", "ed", "editor@default,editor@east"), "ada",
                options -> options.connectClusters("default=" + west.url() + ",east=" + east.url()));
    }

    @AfterAll
    static void stop() throws IOException {
        if (fx != null) {
            fx.close();
        }
        if (east != null) {
            east.close();
        }
        if (west != null) {
            west.close();
        }
        if (input != null) {
            Files.deleteIfExists(input);
        }
    }

    private static String stateOn(String workerUrl, String name) {
        return TwoCopiesPoll.stateOn(workerUrl, name);
    }

    private static String files(String name, String topic, String extra) {
        return "{\"selector\":{\"team\":\"orders\"},\"connectors\":[{\"name\":\"" + name + "\",\"labels\":{\"team\":\"orders\"},"
                + "\"config\":{\"connector.class\":\"FileStreamSource\",\"file\":\"" + input + "\",\"topic\":\"" + topic + "\"" + extra
                + "},\"state\":\"running\"}]}";
    }

    @Test
    void aSetWhoseConnectorChangesClusterMovesItWithItsOffsetsAndTheFilesConfig() throws Exception {
        String name = "set-mover";
        String topic = "set-moved-" + System.nanoTime();
        input = TestReplicas.FILES.resolve(topic + ".txt");
        NumberedLines numbered = new NumberedLines("set-moved-line-");
        numbered.append(input, 1, LINES);
        Map<String, Object> reader = fx.kafka.client(KafkaIdentities.USER);

        SwitchboardFixture.Answer first = fx.call("POST", "/clusters/default/sets/orders/apply", files(name, topic, ""));
        assertEquals(200, first.status(), first.body());
        assertEquals("applied", first.json().path("result").asText(), first.body());
        Await.atMost(WITHIN).until("the first lines in the topic", () -> NumberedLines.total(numbered.emitted(reader, topic)),
                n -> n == LINES);

        // The same set, its connector now in east (and its config changed): a move from default, not a second copy.
        String moved = files(name, topic, ",\"batch.size\":\"100\"");
        SwitchboardFixture.Answer plan = fx.call("POST", "/clusters/east/sets/orders/apply?dry_run=true", moved);
        assertEquals(200, plan.status(), plan.body());
        JsonNode item = plan.json().path("items").get(0);
        assertEquals("move", item.path("action").asText(), plan.body());
        assertEquals("default", item.path("from").asText(), plan.body());
        assertEquals("batch.size", item.path("keys").get(0).path("key").asText(), plan.body());
        assertEquals(1, plan.json().path("summary").path("move").asInt(), plan.body());
        String text = plan.json().path("text").asText();
        assertTrue(text.contains("~ " + name + ": move from default\n"), text);
        assertTrue(text.contains("Plan: 0 to create, 1 to move, 0 to update"), text);

        // A move changes two clusters: edit on both is not enough, as for the move route (403, nothing done).
        Http.Response refused = Http.call(fx.app.url(), "POST", "/clusters/east/sets/orders/apply", moved,
                Map.of("Authorization", TestUsers.basic("ed")));
        assertEquals(403, refused.status(), refused.body());
        assertTrue(refused.body().contains("may not edit on every cluster"), refused.body());
        assertEquals("RUNNING", stateOn(west.url(), name), "nothing stopped");
        assertEquals(404, fx.call("GET", "/clusters/east/sets/orders", null).status(), "nothing applied in east");

        TwoCopiesPoll twoCopies = TwoCopiesPoll.start(west.url(), east.url(), name);
        String change;
        try {
            SwitchboardFixture.Answer applied = fx.call("POST", "/clusters/east/sets/orders/apply", moved);
            assertEquals(200, applied.status(), applied.body());
            assertEquals("applied", applied.json().path("result").asText(), applied.body());
            change = applied.json().path("change_id").asText();

            Await.atMost(WITHIN).until("running on east's worker", () -> stateOn(east.url(), name), "RUNNING"::equals);
            Await.atMost(WITHIN).until("gone from default", () -> fx.call("GET", "/clusters/default/connectors/" + name, null).status(),
                    s -> s == 404);
            Await.atMost(WITHIN).until("gone from default's worker", () -> stateOn(west.url(), name), "ABSENT"::equals);
            numbered.append(input, LINES + 1, 2 * LINES);
            Map<String, Integer> all = Await.atMost(WITHIN).until("every line in the topic", () -> numbered.emitted(reader, topic),
                    counts -> NumberedLines.total(counts) >= 2 * LINES);
            Await.holds("no line emitted twice", Duration.ofSeconds(3),
                    () -> NumberedLines.total(numbered.emitted(reader, topic)) == 2 * LINES);
            assertEquals(2 * LINES, all.size(), "each line once");
            assertTrue(all.values().stream().allMatch(count -> count == 1), "each line once");
        } finally {
            twoCopies.close();
        }
        twoCopies.assertNeverTwo();

        // East has it with the file's config; the change's progress converges; the set in default no longer lists it.
        JsonNode config = fx.call("GET", "/clusters/east/connectors/" + name + "/config", null).json();
        assertEquals("100", config.path("batch.size").asText(), config.toString());
        JsonNode progress = Await.atMost(WITHIN).until("the change converged",
                () -> fx.call("GET", "/clusters/east/sets/orders/changes/" + change, null).json(),
                p -> p.path("progress").asText().equals("converged"));
        assertEquals("move", progress.path("items").get(0).path("action").asText(), progress.toString());
        assertEquals(List.of(name), List.of(fx.call("GET", "/clusters/east/sets/orders", null).json().path("managed").get(0).asText()));
        JsonNode before = fx.call("GET", "/clusters/default/sets/orders", null).json();
        assertEquals(0, before.path("managed").size(), before.toString());
        JsonNode history = fx.call("GET", "/clusters/east/connectors/" + name + "/history", null).json().path("versions");
        assertEquals("ConnectorMoved", history.get(history.size() - 1).path("event").asText(), history.toString());

        // The same files again: nothing to change. A revert does not move it back: it says to apply the previous files.
        SwitchboardFixture.Answer again = fx.call("POST", "/clusters/east/sets/orders/apply?dry_run=true", moved);
        assertEquals(0, again.json().path("changes").asInt(), again.body());
        SwitchboardFixture.Answer revert = fx.call("POST", "/clusters/east/sets/orders/changes/" + change + "/revert", null);
        assertEquals(409, revert.status(), revert.body());
        assertTrue(revert.json().path("message").asText().contains("apply the previous files"), revert.body());
        assertFalse(fx.call("GET", "/clusters/default/connectors", null).body().contains(name));
    }
}
