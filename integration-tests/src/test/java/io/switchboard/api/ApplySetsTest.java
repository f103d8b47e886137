package io.switchboard.api;

import io.switchboard.kafka.KafkaIdentities;
import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.SwitchboardFixture.Answer;
import io.switchboard.testing.Await;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestUsers;
import io.switchboard.testing.TopicScan;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connectors as code on a real broker and processor, over real HTTP with access checked: plan,
 * apply, re-apply writing nothing, two applies on one version, an invalid item refusing the whole
 * set, prune within scope and ownership, revert, and an operator's apply with a config change
 * refused whole ({@link ApplyCommandLineTest} applies files through the command line). On the test
 * JVM's secured replica ({@link SharedReplica#withUsers}), under set and connector names no other
 * class there uses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@SuppressWarnings("unchecked")
class ApplySetsTest {
    private static final String SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector";
    private static final Await WAIT = Await.atMost(Duration.ofSeconds(60));
    private SwitchboardFixture fx;

    @BeforeAll
    void start() {
        fx = SharedReplica.withUsers(Map.of("otto", "operator@default", "erin", "editor@default"), "erin");
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    private static Map<String, Object> connector(String name, String topic, String state) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name);
        c.put("labels", Map.of("team", "orders"));
        c.put("config", Map.of("connector.class", SOURCE, "file", "/tmp/switchboard-test-files/" + name + ".txt", "topic", topic, "tasks.max", "1"));
        if (state != null) {
            c.put("state", state);
        }
        return c;
    }

    private static String body(List<Map<String, Object>> connectors, boolean prune, Integer maxDeletes) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("selector", Map.of("team", "orders"));
        body.put("connectors", connectors);
        body.put("prune", prune);
        if (maxDeletes != null) {
            body.put("max_deletes", maxDeletes);
        }
        return SwitchboardFixture.json(body);
    }

    /**
     * A POST, sent again (at most 20 times) while it is answered 503 with Retry-After, as clients of the
     * API do: each after the same pause, so that two applies sent at once and both told to retry are
     * sent again at once too (with a backing-off wait they drift apart and no longer race).
     */
    private Http.Response post(String path, String body, Map<String, String> headers) {
        Http.Response answer = Http.call(fx.app.url(), "POST", path, body, headers);
        for (int again = 0; again < 20 && answer.status() == 503 && answer.header("Retry-After") != null; again++) {
            System.out.println("[apply] POST " + path + " answered 503, sent again: " + answer.body());
            try {
                Thread.sleep(500); // on purpose: a client's pause before it sends again, the same for every client
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            answer = Http.call(fx.app.url(), "POST", path, body, headers);
        }
        return answer;
    }

    private static JsonNode json(Http.Response answer) {
        try {
            return Http.JSON.readTree(answer.body());
        } catch (IOException e) {
            throw new AssertionError(answer.body(), e);
        }
    }

    private JsonNode plan(String set, String body) {
        Http.Response answer = post("/clusters/default/sets/" + set + "/apply?dry_run=true", body, Map.of());
        assertEquals(200, answer.status(), answer.body());
        return json(answer);
    }

    private Http.Response apply(String set, String body, String version) {
        return post("/clusters/default/sets/" + set + "/apply", body, version == null ? Map.of() : Map.of("If-Match", '"' + version + '"'));
    }

    /** Records now in every topic a change writes to: commands, decisions, lifecycle events. */
    private int records() {
        Map<String, Object> bootstrap = fx.kafka.client(KafkaIdentities.CONTROL_PLANE);
        return TopicScan.readAll(bootstrap, fx.topics().commands()).size() + TopicScan.readAll(bootstrap, fx.topics().decisions()).size()
                + TopicScan.readAll(bootstrap, fx.topics().lifecycle()).size();
    }

    private JsonNode awaitConnector(String name, String field, String value) {
        return WAIT.until(name + " with " + field + "=" + value, () -> fx.call("GET", "/connectors/" + name + "/config", null),
                answer -> answer.status() == 200 && value.equals(answer.json().path(field).asText(null))).json();
    }

    private void awaitGone(String name) {
        WAIT.until(name + " gone (404)", () -> fx.call("GET", "/connectors/" + name + "/config", null), answer -> answer.status() == 404);
    }

    @Test
    void planApplyAndReapplyWritesNothingAndTwoAppliesOnOneVersionOneIsRefused() throws Exception {
        String files = body(List.of(connector("orders-a", "orders", null), connector("orders-b", "orders", "paused")), false, null);
        JsonNode plan = plan("orders", files);
        assertEquals(2, plan.path("summary").path("create").asInt(), plan.toString());
        assertTrue(plan.path("text").asText().contains("+ orders-a: create"), plan.path("text").asText());
        String version = plan.path("version").asText();

        Http.Response applied = apply("orders", files, version);
        assertEquals(200, applied.status(), applied.body());
        assertEquals("applied", json(applied).path("result").asText());
        String changeId = json(applied).path("change_id").asText();
        awaitConnector("orders-a", "topic", "orders");
        awaitConnector("orders-b", "topic", "orders");
        Answer pausedHistory = fx.call("GET", "/connectors/orders-b/history", null);
        assertTrue(pausedHistory.body().contains("PAUSED"), "created paused, as the set asks: " + pausedHistory.body());
        Answer history = fx.call("GET", "/connectors/orders-a/history", null);
        assertTrue(history.body().contains(changeId), "the history entry names the change: " + history.body());
        assertTrue(history.body().contains("erin"), "and who applied it: " + history.body());

        // The same files again: the plan shows no change and the apply writes nothing.
        JsonNode again = plan("orders", files);
        assertEquals(0, again.path("changes").asInt(), again.toString());
        int before = records();
        Http.Response reapplied = apply("orders", files, again.path("version").asText());
        assertEquals("unchanged", json(reapplied).path("result").asText(), reapplied.body());
        assertEquals(before, records(), "a re-apply writes no record");

        // Two applies planned on the same version: the first is applied, the second refused whole.
        String v = plan("orders", files).path("version").asText();
        Http.Response first = apply("orders", body(List.of(connector("orders-a", "orders-v2", null),
                connector("orders-b", "orders", "paused")), false, null), v);
        assertEquals(200, first.status(), first.body());
        Http.Response second = apply("orders", body(List.of(connector("orders-a", "orders-v3", null),
                connector("orders-b", "orders", "paused")), false, null), v);
        assertEquals(412, second.status(), second.body());
        awaitConnector("orders-a", "topic", "orders-v2");

        // Sent at once without If-Match, one of two changes is decided on the set's version and the other refused.
        CompletableFuture<Http.Response> x = CompletableFuture.supplyAsync(() -> apply("orders", body(List.of(
                connector("orders-a", "race-x", null), connector("orders-b", "orders", "paused")), false, null), null));
        CompletableFuture<Http.Response> y = CompletableFuture.supplyAsync(() -> apply("orders", body(List.of(
                connector("orders-a", "race-y", null), connector("orders-b", "orders", "paused")), false, null), null));
        List<Integer> statuses = new ArrayList<>(List.of(x.get().status(), y.get().status()));
        statuses.sort(null);
        assertEquals(200, statuses.get(0), x.get().body() + " / " + y.get().body());
        assertTrue(statuses.get(1) == 409 || statuses.get(1) == 412, x.get().body() + " / " + y.get().body());
    }

    /**
     * Right after an apply is answered, a read of each of its connectors answers what the apply made,
     * at once: the commit marker the set's transaction leaves in each connector's partition is not a
     * command to wait for. Each GET is sent once (no 503 retried) and must answer within 2 s.
     */
    @Test
    void everyConnectorOfAnApplyIsReadAtOnceRightAfterIt() {
        List<Map<String, Object>> created = new ArrayList<>();
        List<Map<String, Object>> changed = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            created.add(connector("fresh-" + i, "fresh", null));
            changed.add(connector("fresh-" + i, "fresh-v2", null));
        }
        for (List<Map<String, Object>> files : List.of(created, changed)) {
            String topic = (String) ((Map<String, Object>) files.get(0).get("config")).get("topic");
            Http.Response applied = apply("fresh", body(files, false, null), null);
            assertEquals(200, applied.status(), applied.body());
            assertEquals("applied", json(applied).path("result").asText(), applied.body());
            for (Map<String, Object> connector : files) {
                long started = System.nanoTime();
                Http.Response read = Http.call(fx.app.url(), "GET", "/connectors/" + connector.get("name") + "/config", null, Map.of());
                long millis = (System.nanoTime() - started) / 1_000_000;
                assertEquals(200, read.status(), "GET of " + connector.get("name") + " right after the apply, after " + millis + " ms: "
                        + read.body());
                assertEquals(topic, json(read).path("topic").asText(), "the apply's config, at once: " + read.body());
                assertTrue(millis < 2_000, "answered in " + millis + " ms");
            }
            long started = System.nanoTime();
            Http.Response list = Http.call(fx.app.url(), "GET", "/connectors", null, Map.of());
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(200, list.status(), "the list right after the apply, after " + millis + " ms: " + list.body());
            assertTrue(list.body().contains("fresh-5"), list.body());
            assertTrue(millis < 2_000, "the list answered in " + millis + " ms");
        }
    }

    @Test
    void oneInvalidItemRefusesTheWholeSetAndAnOperatorMayNotChangeAConfig() {
        String files = body(List.of(connector("whole-a", "w", null), Map.of("name", "whole-b", "labels", Map.of("team", "orders"),
                "config", Map.of("connector.class", "org.example.NoSuchConnector", "topic", "w"))), false, null);
        int before = records();
        Http.Response refused = apply("whole", files, null);
        assertEquals(422, refused.status(), refused.body());
        JsonNode items = json(refused).path("items");
        assertFalse(items.get(0).has("error"), refused.body());
        assertTrue(items.get(1).path("error").asText().contains("NoSuchConnector"), refused.body());
        assertEquals(404, fx.call("GET", "/connectors/whole-a", null).status(), "the valid item was not applied");
        assertEquals(before, records(), "nothing was written");

        // An operator may apply target states, not configs: a plan that changes one is refused whole.
        String otto = TestUsers.basic("otto");
        Http.Response asOperator = post("/clusters/default/sets/ops/apply", body(List.of(connector("ops-a", "o", null)), false, null),
                Map.of("Authorization", otto));
        assertEquals(403, asOperator.status(), asOperator.body());
        assertEquals(404, fx.call("GET", "/connectors/ops-a", null).status());
        assertEquals(200, apply("ops", body(List.of(connector("ops-a", "o", null)), false, null), null).status());
        Http.Response pause = post("/clusters/default/sets/ops/apply", body(List.of(connector("ops-a", "o", "paused")), false, null),
                Map.of("Authorization", otto));
        assertEquals(200, pause.status(), "a state change alone is an operator's: " + pause.body());
    }

    @Test
    void anOperatorsGuessOfASecretIsAnsweredAlikeRightOrWrong() {
        Map<String, Object> guarded = connector("guarded", "g", null);
        Map<String, String> config = new LinkedHashMap<>((Map<String, String>) guarded.get("config"));
        config.put("db.password", "right-guess-2468");
        guarded.put("config", config);
        assertEquals(200, apply("guarded", body(List.of(guarded), false, null), null).status());
        awaitConnector("guarded", "topic", "g");
        String otto = TestUsers.basic("otto");
        List<String> answers = new ArrayList<>();
        for (String guess : List.of("right-guess-2468", "wrong-guess-1357")) {
            Map<String, Object> probe = new LinkedHashMap<>(guarded);
            Map<String, String> guessed = new LinkedHashMap<>(config);
            guessed.put("db.password", guess);
            probe.put("config", guessed);
            // A set that does not manage it yet: a right guess would make it an adopt, which an operator may do.
            for (String query : List.of("?dry_run=true", "")) {
                Http.Response answer = post("/clusters/default/sets/probe/apply" + query, body(List.of(probe), false, null),
                        Map.of("Authorization", otto));
                answers.add(answer.status() + " " + answer.body());
            }
        }
        assertEquals(answers.get(0), answers.get(2), "the dry run tells a right guess from a wrong one");
        assertEquals(answers.get(1), answers.get(3), "the apply tells a right guess from a wrong one");
        assertTrue(answers.get(0).startsWith("403 "), answers.get(0));
        assertTrue(answers.get(1).startsWith("403 "), answers.get(1));
    }

    @Test
    void aSetItemsConfigNameIsItsOwn() {
        Map<String, Object> foreign = connector("named-a", "n", null);
        Map<String, String> config = new LinkedHashMap<>((Map<String, String>) foreign.get("config"));
        config.put("name", "named-b");
        foreign.put("config", config);
        Http.Response planned = post("/clusters/default/sets/named/apply?dry_run=true", body(List.of(foreign), false, null), Map.of());
        assertEquals(422, planned.status(), planned.body());
        assertTrue(json(planned).path("items").get(0).path("error").asText().contains("config.name (named-b)"), planned.body());
        Http.Response applied = apply("named", body(List.of(foreign), false, null), null);
        assertEquals(422, applied.status(), applied.body());
        config.put("name", "named-a");
        assertTrue(plan("named", body(List.of(foreign), false, null)).path("dry_run").asBoolean(), "its own name is fine");
        assertEquals(404, fx.call("GET", "/connectors/named-a", null).status(), "nothing was applied");
    }

    @Test
    void dryRunIsTrueOrFalse() {
        String valid = body(List.of(connector("flagged", "f", null)), false, null);
        for (String spelling : List.of("1", "yes", "on", "", "tru", "true&dry_run=false")) {
            Http.Response answer = post("/clusters/default/sets/flagged/apply?dry_run=" + spelling, valid, Map.of());
            assertEquals(400, answer.status(), "dry_run=" + spelling + ": " + answer.body());
            assertTrue(answer.body().contains("\"error_code\":400") && answer.body().contains("dry_run"), answer.body());
        }
        Http.Response upper = post("/clusters/default/sets/flagged/apply?dry_run=TRUE", valid, Map.of());
        assertEquals(200, upper.status(), upper.body());
        assertTrue(json(upper).path("dry_run").asBoolean(), upper.body());
        assertEquals(404, fx.call("GET", "/connectors/flagged", null).status(), "nothing was applied");
    }

    @Test
    void pruneKeepsToScopeAndOwnershipAndARevertRestores() throws Exception {
        Answer handMade = fx.call("POST", "/connectors", SwitchboardFixture.json(Map.of("name", "hand-made",
                "config", Map.of("connector.class", SOURCE, "file", "/tmp/switchboard-test-files/h.txt", "topic", "h"))));
        assertEquals(201, handMade.status(), handMade.body());
        assertEquals(200, apply("prune", body(List.of(connector("p-a", "p", null), connector("p-b", "p", null)), false, null), null).status());
        awaitConnector("p-b", "topic", "p");

        // p-b leaves the files: with prune it is deleted, first in the plan; hand-made, never the set's, stays.
        String without = body(List.of(connector("p-a", "p", null)), true, null);
        JsonNode plan = plan("prune", without);
        assertEquals("p-b", plan.path("items").get(0).path("name").asText(), plan.toString());
        assertEquals("delete", plan.path("items").get(0).path("action").asText());
        assertEquals(1, plan.path("summary").path("delete").asInt(), "only what the set manages: " + plan);
        Http.Response guarded = apply("prune", body(List.of(connector("p-a", "p", null)), true, 0), null);
        assertEquals(422, guarded.status(), "above max_deletes: " + guarded.body());
        Http.Response pruned = apply("prune", without, plan.path("version").asText());
        assertEquals(200, pruned.status(), pruned.body());
        awaitGone("p-b");
        assertEquals(200, fx.call("GET", "/connectors/hand-made", null).status(), "the hand-made connector survives");

        Http.Response reverted = post("/clusters/default/sets/prune/changes/" + json(pruned).path("change_id").asText() + "/revert",
                null, Map.of());
        assertEquals(200, reverted.status(), reverted.body());
        awaitConnector("p-b", "topic", "p");
        Answer set = fx.call("GET", "/clusters/default/sets/prune", null);
        assertEquals(3, set.json().path("set_version").asInt(), set.body());
    }

    @Test
    void aRotatedSecretShowsSealedChangedAndItsValueIsNowhere() {
        Map<String, Object> first = connector("secret-a", "s", null);
        Map<String, String> config = new LinkedHashMap<>((Map<String, String>) first.get("config"));
        config.put("db.password", "first-value-1234");
        first.put("config", config);
        Http.Response applied = apply("secrets", body(List.of(first), false, null), null);
        assertEquals(200, applied.status(), applied.body());
        assertEquals(0, plan("secrets", body(List.of(first), false, null)).path("changes").asInt(),
                "the same secret again is no change: its sealed text is kept");

        Map<String, String> rotatedConfig = new LinkedHashMap<>(config);
        rotatedConfig.put("db.password", "rotated-value-5678");
        Map<String, Object> rotated = new LinkedHashMap<>(first);
        rotated.put("config", rotatedConfig);
        JsonNode plan = plan("secrets", body(List.of(rotated), false, null));
        JsonNode key = plan.path("items").get(0).path("keys").get(0);
        assertEquals("db.password", key.path("key").asText(), plan.toString());
        assertEquals("changed", key.path("sealed").asText(), plan.toString());
        assertTrue(plan.path("text").asText().contains("~ db.password (sealed: changed)"), plan.path("text").asText());
        Http.Response again = apply("secrets", body(List.of(rotated), false, null), plan.path("version").asText());
        assertEquals(200, again.status(), again.body());
        for (String answer : List.of(applied.body(), plan.toString(), again.body())) {
            assertFalse(answer.contains("first-value-1234") || answer.contains("rotated-value-5678"), answer);
        }
        Map<String, List<String>> topics = TopicScan.everyTopic(fx.kafka.client(KafkaIdentities.CONTROL_PLANE));
        topics.forEach((topic, records) -> {
            if (topic.startsWith(fx.topics().prefix())) {
                for (String record : records) {
                    assertFalse(record.contains("first-value-1234") || record.contains("rotated-value-5678"), topic + " holds a secret");
                }
            }
        });
    }

    @Test
    void aChangeOverTheSetsRecordLimitIsRefused413AndJustUnderItIsApplied() {
        // Two connectors whose configs hold 255 KiB each: the change is just under 512 KiB encoded.
        Http.Response under = apply("large", body(List.of(padded("large-a", 255 * 1024), padded("large-b", 255 * 1024)), false, null), null);
        assertEquals(200, under.status(), under.body().substring(0, Math.min(300, under.body().length())));
        // 257 KiB each: just over, refused whole before anything is sent.
        int before = records();
        Http.Response over = apply("large-2", body(List.of(padded("large-c", 257 * 1024), padded("large-d", 257 * 1024)), false, null),
                null);
        assertEquals(413, over.status());
        assertEquals(413, json(over).path("error_code").asInt());
        assertEquals("too_large", json(over).path("result").asText());
        assertTrue(json(over).path("message").asText().contains("apply it in smaller sets"), json(over).path("message").asText());
        assertEquals(before, records(), "nothing was written");
        assertEquals(404, fx.call("GET", "/connectors/large-c", null).status());
    }

    private static Map<String, Object> padded(String name, int bytes) {
        Map<String, Object> c = connector(name, "large", null);
        Map<String, String> config = new LinkedHashMap<>((Map<String, String>) c.get("config"));
        // Spread over keys of at most 60 KiB, as resource-bounds takes a value of 64 KiB at most.
        for (int i = 0, left = bytes; left > 0; i++, left -= 60 * 1024) {
            config.put("padding." + i, "p".repeat(Math.min(left, 60 * 1024)));
        }
        c.put("config", config);
        return c;
    }
}
