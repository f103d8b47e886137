package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.pipelines.PipelineCompiler;
import io.switchboard.testing.Await;
import io.switchboard.testing.Postgres;
import io.switchboard.testing.SharedPostgres;
import io.switchboard.testing.SupermetalStatusTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pipeline walked through its life (create with an id of the client's, snapshot, realtime, stop,
 * disabled, enabled again, a failure, delete as the vendor's provider deletes) on a real
 * PostgreSQL, a real worker and real HTTP; every {@code state} and {@code status} it answers
 * (create, get, list, update, history) is read as a client generated from the vendor's own types
 * reads it ({@link SupermetalStatusTypes}): only the vendor's variants, their fields of the declared types.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineVendorVariantsApiTest {
    private static final String REPLICATOR = "walk_replicator";
    private static final String LOADER = "walk_loader";
    // A snapshot beside the other suites on two cores took over 120 s once (as in PipelinesApiTest): 240 s.
    private static final Await WAIT = Await.atMost(Duration.ofSeconds(240));
    private Postgres postgres;
    private SwitchboardFixture fx;
    private final List<String> problems = new ArrayList<>();
    private final Set<String> seen = new LinkedHashSet<>();

    @BeforeAll
    void start() {
        postgres = SharedPostgres.server();
        postgres.createDatabase("walk");
        postgres.createDatabase("walked");
        postgres.createRole(REPLICATOR, "REPLICATION");
        postgres.createRole(LOADER);
        postgres.sql("postgres", "ALTER DATABASE walk OWNER TO " + REPLICATOR, "GRANT CREATE ON DATABASE walked TO " + LOADER);
        postgres.sql("walk", "CREATE TABLE orders (id int PRIMARY KEY, label text NOT NULL)",
                "INSERT INTO orders SELECT g, repeat('o', 200) || g FROM generate_series(1, 20000) g",
                // A table without a primary key: left out and listed, never a reason to refuse the pipeline.
                "CREATE TABLE nokey (at int NOT NULL, line text)", "INSERT INTO nokey VALUES (1, 'one')",
                "ALTER TABLE orders OWNER TO " + REPLICATOR, "ALTER TABLE nokey OWNER TO " + REPLICATOR);
        fx = SharedReplica.withWorker();
    }

    /** Checks a pipeline as answered and notes its state and status kinds. */
    private JsonNode checked(String what, JsonNode pipeline) {
        problems.addAll(SupermetalStatusTypes.pipelineProblems(pipeline, what));
        JsonNode status = pipeline.path("status");
        if (status.path("state").isObject() && status.path("state").size() > 0) {
            seen.add(status.path("state").fieldNames().next() + "/" + status.path("status").fieldNames().next());
        }
        return pipeline;
    }

    private JsonNode read(String id) {
        JsonNode one = checked("get", fx.call("GET", "/api/v1/connectors/" + id, null).json());
        for (JsonNode listed : fx.call("GET", "/api/v1/connectors", null).json().path("connectors")) {
            checked("list", listed);
        }
        return one;
    }

    private JsonNode until(String what, String id, Predicate<JsonNode> done) {
        return WAIT.until(what, () -> read(id), done);
    }

    @Test
    void everyStateAndStatusAnsweredIsOneOfTheVendorsVariants() {
        String id = "walk-1";
        String body = "{\"id\": \"\", \"name\": \"walk\", \"source\": {\"postgres\": {\"connection\": " + postgres.connectionJson("walk", REPLICATOR)
                + ", \"replication_type\": {\"logical_replication\": {}}}}, \"sink\": {\"postgres\": {\"connection\": "
                + postgres.connectionJson("walked", LOADER) + ", \"target_schema\": \"mirror\"}}}";
        // The provider's create: an id of the client's (201), then the same again (200).
        SwitchboardFixture.Answer created = fx.call("POST", "/api/v1/connectors/" + id, body);
        assertEquals(201, created.status(), created.body());
        checked("create", created.json());
        // Listed before it streams, whatever the state: the table it leaves out, with the reason and the fix.
        JsonNode early = until("nokey listed", id, p -> p.path("status").path("state").elements().next().path("tables_left_out").size() > 0);
        String earlyState = early.path("status").path("state").fieldNames().next();
        SwitchboardFixture.Answer again = fx.call("POST", "/api/v1/connectors/" + id, body);
        assertEquals(200, again.status(), again.body());
        checked("create again", again.json());

        until("realtime", id, p -> p.path("status").path("state").has("realtime"));
        WAIT.until("the rows copied", () -> postgres.digest("walked", "mirror.orders"), postgres.digest("walk", "orders")::equals);
        assertEquals(List.of("t"), postgres.query("walked", "SELECT to_regclass('mirror.nokey') IS NULL"), "a keyless table is not copied");

        // Stop: shutdown while the worker stops both parts, then disabled.
        SwitchboardFixture.Answer disabled = fx.call("PATCH", "/api/v1/connectors/" + id, "{\"disabled\": true}");
        assertEquals(200, disabled.status(), disabled.body());
        checked("update", disabled.json());
        until("disabled", id, p -> p.path("status").path("state").has("disabled"));
        JsonNode listed = until("nokey listed while disabled", id,
                p -> p.path("status").path("state").path("disabled").path("tables_left_out").path(0).path("table").asText().equals("public.nokey"));
        assertEquals("ALTER TABLE public.nokey ADD PRIMARY KEY (<columns>)",
                listed.path("status").path("state").path("disabled").path("tables_left_out").path(0).path("fix").asText(), listed.toString());
        SwitchboardFixture.Answer enabled = fx.call("PATCH", "/api/v1/connectors/" + id, "{\"disabled\": false}");
        assertEquals(200, enabled.status(), enabled.body());
        checked("update", enabled.json());
        until("realtime again", id, p -> p.path("status").path("state").has("realtime"));
        WAIT.until("realtime recorded as a phase", () -> fx.call("GET", "/connectors/" + PipelineCompiler.sourceName(id) + "/history", null)
                .body(), h -> h.contains("\"realtime\""));

        // A failure: the publication dropped under it. Its reason is in the status failed, beside the vendor's state.
        postgres.sql("walk", "DROP PUBLICATION " + PipelineCompiler.slotName(id), "INSERT INTO orders VALUES (0, 'after the drop')");
        JsonNode failed = until("failed", id, p -> p.path("status").path("status").has("failed"));
        assertTrue(failed.path("status").path("status").path("failed").path("reason").asText().startsWith("source: "), failed.toString());
        WAIT.until("the failure recorded", () -> fx.call("GET", "/connectors/" + PipelineCompiler.sourceName(id) + "/history", null).body(),
                h -> h.contains("\"failed\""));

        JsonNode history = fx.call("GET", "/api/v1/connector/history/" + id, null).json();
        problems.addAll(SupermetalStatusTypes.historyProblems(history, "history"));
        assertTrue(history.toString().contains("\"failed\""), "the failure is in the history: " + history);

        // The provider's delete: Delete, then reads until 404 within 30 s, then ForceDelete.
        assertEquals(202, fx.call("POST", "/api/v1/connector/command/" + id, "{\"command\": \"Delete\"}").status());
        int gone = Await.atMost(Duration.ofSeconds(30)).until("404 after Delete", () -> fx.call("GET", "/api/v1/connectors/" + id, null).status(),
                status -> status == 404);
        assertEquals(404, gone);
        int forced = fx.call("POST", "/api/v1/connector/command/" + id, "{\"command\": \"ForceDelete\"}").status();
        assertTrue(forced == 202 || forced == 404, "ForceDelete after the delete: " + forced);

        assertEquals(List.of(), problems, "states and statuses seen: " + seen + "; nokey first listed in state " + earlyState);
        assertTrue(seen.contains("realtime/heartbeat") && seen.contains("disabled/complete") && seen.contains("shutdown/failed"),
                "the walk went through realtime, disabled and a failure: " + seen);
    }
}
