package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.pipelines.PipelineCompiler;
import io.switchboard.testing.Await;
import io.switchboard.testing.Postgres;
import io.switchboard.testing.SharedPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The typed pipeline API over real HTTP with a real PostgreSQL: a pipeline created through
 * {@code /api/v1/connectors} replicates snapshot rows, then inserts, updates and deletes; disabled,
 * it keeps its slot and what is written meanwhile arrives once when it is started again (a new run);
 * immutable fields, clone_from, a wrong password, history, and delete dropping the slot.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelinesApiTest {
    private static final Await WAIT = Await.atMost(Duration.ofSeconds(90));
    private static final String HIDDEN = "****************";
    /** The source's user: a replication role, not a superuser. */
    private static final String REPLICATOR = "replicator";
    private Postgres postgres;
    private SwitchboardFixture fx;

    @BeforeAll
    void start() {
        postgres = SharedPostgres.server();
        postgres.createDatabase("crm");
        postgres.createDatabase("lake");
        postgres.sql("crm", "CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL)",
                "INSERT INTO customers VALUES (1, 'ada'), (2, 'bob')");
        // The source is read as a managed database's replication user is: REPLICATION, owner of its
        // database and tables, not a superuser.
        postgres.createRole(REPLICATOR, "REPLICATION");
        postgres.sql("postgres", "ALTER DATABASE crm OWNER TO " + REPLICATOR);
        postgres.sql("crm", "ALTER TABLE customers OWNER TO " + REPLICATOR);
        postgres.sql("lake", "CREATE SCHEMA mirror");
        fx = SharedReplica.withWorker();
    }

    private String connection(String database, String password) {
        return connection(database, Postgres.USER, password);
    }

    private String connection(String database, String user, String password) {
        return postgres.connectionJson(database, user, password);
    }

    private String pipeline(String sourcePassword, String sinkPassword) {
        return "{\"name\": \"crm to lake\", \"source\": {\"postgres\": {\"connection\": " + connection("crm", REPLICATOR, sourcePassword)
                + ", \"replication_type\": {\"logical_replication\": {}}}}, \"sink\": {\"postgres\": {\"connection\": "
                + connection("lake", sinkPassword) + ", \"target_schema\": \"mirror\"}}, \"limits\": {\"cdc\": {\"max_buffer_rows\": 4096}}}";
    }

    private List<String> rows() {
        try {
            return postgres.query("lake", "SELECT id || ':' || name FROM mirror.customers ORDER BY id");
        } catch (IllegalStateException e) {
            return List.of("(not yet: " + e.getMessage() + ")");
        }
    }

    /** A query of the target, answered with nothing while what it reads does not exist yet. */
    private List<String> lake(String sql) {
        try {
            return postgres.query("lake", sql);
        } catch (IllegalStateException e) {
            return List.of();
        }
    }

    private static void assertProblem(SwitchboardFixture.Answer answer, int status, String field) {
        assertEquals(status, answer.status(), answer.body());
        assertTrue(answer.header("Content-Type").startsWith("application/problem+json"), answer.header("Content-Type"));
        JsonNode problem = answer.json();
        assertEquals(status, problem.path("status").asInt());
        assertTrue(problem.path("type").asText().startsWith("https://"), answer.body());
        if (field != null) {
            Set<String> fields = new HashSet<>();
            problem.path("errors").forEach(e -> fields.add(e.path("field").asText()));
            assertTrue(fields.contains(field), field + " in " + answer.body());
        }
    }

    @Test
    void aWrongPasswordIsAValidationErrorAndNothingIsStored() {
        SwitchboardFixture.Answer checked = fx.call("POST", "/api/v1/validate/source",
                "{\"postgres\": {\"connection\": " + connection("crm", "nope") + "}}");
        assertProblem(checked, 400, "postgres.connection");
        assertTrue(checked.body().contains("authentication refused"), checked.body());
        assertEquals(200, fx.call("POST", "/api/v1/validate/sink", "{\"postgres\": {\"connection\": "
                + connection("lake", Postgres.PASSWORD) + "}}").status());
        SwitchboardFixture.Answer missing = fx.call("POST", "/api/v1/validate/sink", "{\"postgres\": {\"connection\": "
                + connection("nowhere", Postgres.PASSWORD) + "}}");
        assertTrue(missing.body().contains("database missing"), missing.body());

        String before = fx.call("GET", "/connectors", null).body();
        SwitchboardFixture.Answer refused = fx.call("POST", "/api/v1/connectors", pipeline("nope", Postgres.PASSWORD));
        assertProblem(refused, 400, "source.postgres.connection");
        assertFalse(refused.body().contains("nope\""), "the password is not repeated");
        assertEquals(before, fx.call("GET", "/connectors", null).body(), "nothing stored");

        SwitchboardFixture.Answer unsupported = fx.call("POST", "/api/v1/connectors", pipeline(Postgres.PASSWORD, Postgres.PASSWORD)
                .replace("\"limits\"", "\"buffer\": {\"s3\": {}}, \"limits\""));
        assertProblem(unsupported, 400, "buffer");
    }

    @Test
    void aPipelineReplicatesAcrossDisableAndStartAndGoesWithItsSlot() throws Exception {
        SwitchboardFixture.Answer created = fx.call("POST", "/api/v1/connectors", pipeline(Postgres.PASSWORD, Postgres.PASSWORD));
        assertEquals(201, created.status(), created.body());
        String id = created.json().path("connector").path("id").asText();
        String firstRun = created.json().path("run_id").asText();
        assertEquals(HIDDEN, created.json().path("connector").path("source").path("postgres").path("connection").path("password").asText());
        assertFalse(created.body().contains(Postgres.PASSWORD));

        WAIT.until("the snapshot", this::rows, r -> r.equals(List.of("1:ada", "2:bob")));
        assertEquals(List.of("f"), postgres.query("crm", "SELECT puballtables FROM pg_publication WHERE pubname = '"
                + PipelineCompiler.slotName(id) + "'"), "the pipeline's own publication names its tables");
        // The lag is read off the request thread: the first reads answer before any reading, then it comes.
        JsonNode realtime = WAIT.until("realtime with its lag", () -> fx.call("GET", "/api/v1/connectors/" + id, null).json(),
                p -> p.path("status").path("state").path("realtime").has("lag_bytes")).path("status").path("state").path("realtime");
        assertEquals(PipelineCompiler.slotName(id), realtime.path("name").asText());
        // Read from the source as the pipeline's own (non-superuser) role.
        assertTrue(realtime.path("lag_bytes").isIntegralNumber() && realtime.path("lag_bytes").asLong() >= 0,
                "the slot's lag in WAL bytes: " + realtime);
        postgres.sql("crm", "INSERT INTO customers VALUES (3, 'cy')", "UPDATE customers SET name = 'bea' WHERE id = 2",
                "DELETE FROM customers WHERE id = 1");
        WAIT.until("changes", this::rows, r -> r.equals(List.of("2:bea", "3:cy")));

        // The Kafka Connect dialect sees the pipeline's connectors.
        assertTrue(fx.call("GET", "/connectors", null).body().contains(PipelineCompiler.sourceName(id)));

        // Immutable fields.
        SwitchboardFixture.Answer moved = fx.call("PATCH", "/api/v1/connectors/" + id,
                "{\"source\": {\"postgres\": {\"connection\": {\"host\": \"elsewhere\"}}}}");
        assertProblem(moved, 400, "source.postgres.connection.host");

        // Disabled: both stop, the slot stays; started again: a new run, and the rows written meanwhile once.
        SwitchboardFixture.Answer disabled = fx.call("PATCH", "/api/v1/connectors/" + id, "{\"disabled\": true}");
        assertEquals(200, disabled.status(), disabled.body());
        // Read as fast as the API answers: shutdown while the worker stops them (the vendor's state for a stop under way), then disabled, never back.
        List<String> phases = new ArrayList<>(List.of(disabled.json().path("status").path("state").fieldNames().next()));
        WAIT.until("disabled", () -> {
            JsonNode read = fx.call("GET", "/api/v1/connectors/" + id, null).json();
            phases.add(read.path("status").path("state").fieldNames().next());
            return read;
        }, p -> p.path("status").path("state").has("disabled"));
        assertEquals(List.of("shutdown", "disabled"), phases.stream().distinct().toList(), phases.toString());
        assertEquals("disabled", phases.get(phases.size() - 1));
        assertEquals(phases.indexOf("disabled"), phases.size() - phases.stream().filter("disabled"::equals).count(),
                "shutdown is never read after disabled: " + phases);
        // Disabled means both stopped on the worker, not only asked to stop.
        for (String name : List.of(PipelineCompiler.sourceName(id), PipelineCompiler.sinkName(id))) {
            assertEquals("STOPPED", fx.call("GET", "/connectors/" + name + "/status", null).json().path("connector").path("state").asText(),
                    name + " once the pipeline reads disabled");
        }
        postgres.sql("crm", "INSERT INTO customers VALUES (4, 'dee'), (5, 'eve')");
        assertEquals(List.of("1"), postgres.query("crm", "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '"
                + PipelineCompiler.slotName(id) + "'"));
        assertEquals(202, fx.call("POST", "/api/v1/connector/command/" + id, "{\"command\": \"Start\"}").status());
        WAIT.until("the rows written while disabled, once", this::rows, r -> r.equals(List.of("2:bea", "3:cy", "4:dee", "5:eve")));
        JsonNode restarted = fx.call("GET", "/api/v1/connectors/" + id, null).json();
        assertNotEquals(firstRun, restarted.path("run_id").asText(), "a new run");
        assertFalse(restarted.path("connector").path("disabled").asBoolean());

        // ReIntialize takes a new snapshot: a row lost from the target comes back.
        postgres.sql("lake", "DELETE FROM mirror.customers WHERE id = 2");
        assertEquals(202, fx.call("POST", "/api/v1/connector/command/" + id, "{\"command\": \"ReIntialize\"}").status());
        WAIT.until("the row the new snapshot brings back", this::rows, r -> r.equals(List.of("2:bea", "3:cy", "4:dee", "5:eve")));
        restarted = fx.call("GET", "/api/v1/connectors/" + id, null).json();

        // clone_from fills the passwords a read hides.
        String cloneBody = restarted.path("connector").toString().replace("\"mirror\"", "\"mirror\"");
        SwitchboardFixture.Answer clone = fx.call("POST", "/api/v1/connectors/" + id + "-copy?clone_from=" + id, cloneBody);
        assertEquals(201, clone.status(), clone.body());
        SwitchboardFixture.Answer noPassword = fx.call("POST", "/api/v1/connectors/" + id + "-nopw", cloneBody);
        assertProblem(noPassword, 400, "source.postgres.connection.password");
        // A kept password goes only where it went before: never to a host the caller names.
        ObjectNode elsewhere = (ObjectNode) restarted.path("connector").deepCopy();
        ((ObjectNode) elsewhere.path("source").path("postgres").path("connection"))
                .put("host", "198.51.100.7");
        assertProblem(fx.call("POST", "/api/v1/connectors/" + id + "-stolen?clone_from=" + id, elsewhere.toString()), 400,
                "source.postgres.connection.password");
        assertEquals(202, fx.call("POST", "/api/v1/connector/command/" + id + "-copy", "{\"command\": \"ForceDelete\"}").status());

        JsonNode history = fx.call("GET", "/api/v1/connector/history/" + id, null).json();
        Set<String> runs = new HashSet<>();
        history.forEach(h -> runs.add(h.path("run_id").asText()));
        assertTrue(runs.containsAll(List.of(firstRun, restarted.path("run_id").asText())), history.toString());
        assertTrue(history.toString().contains("\"Source\"") && history.toString().contains("\"Target\""));

        assertEquals(202, fx.call("POST", "/api/v1/connector/command/" + id, "{\"command\": \"Delete\"}").status());
        assertEquals(List.of("0"), postgres.query("crm", "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '"
                + PipelineCompiler.slotName(id) + "'"));
        assertEquals(List.of("0"), postgres.query("crm", "SELECT count(*) FROM pg_publication WHERE pubname = '"
                + PipelineCompiler.slotName(id) + "'"));
        assertProblem(fx.call("GET", "/api/v1/connectors/" + id, null), 404, null);
    }

    /** Each privilege replication needs, taken away in turn: the first missing is named, with the SQL that grants it. */
    @Test
    void aSourceUserLackingAPrivilegeIsToldWhichAndTheSqlThatGrantsIt() {
        postgres.createRole("outsider");
        Function<String, SwitchboardFixture.Answer> validate = replication -> fx.call("POST",
                "/api/v1/validate/source", "{\"postgres\": {\"connection\": " + connection("crm", "outsider", Postgres.PASSWORD)
                        + (replication == null ? "" : ", \"replication_type\": " + replication) + "}}");
        // Its own publication takes the tables it owns: another role's (customers) is left out and listed, never refused.
        List<String> grants = List.of(
                "ALTER ROLE outsider REPLICATION",
                "GRANT CREATE ON DATABASE crm TO outsider");
        for (String grant : grants) {
            SwitchboardFixture.Answer refused = validate.apply(null);
            assertProblem(refused, 400, "postgres.connection.user");
            assertTrue(refused.body().contains(grant), grant + " in " + refused.body());
            assertTrue(refused.body().contains("permission refused"), refused.body());
            postgres.sql(grant.startsWith("ALTER ROLE") || grant.contains("DATABASE") ? "postgres" : "crm", grant);
        }
        SwitchboardFixture.Answer valid = validate.apply(null);
        assertEquals(200, valid.status(), "every privilege given: " + valid.body());
        postgres.sql("postgres", "REVOKE CREATE ON DATABASE crm FROM outsider");

        // A publication an administrator made: then SELECT is all the tables need.
        SwitchboardFixture.Answer missing = validate.apply("{\"logical_replication\": {\"publication_name\": \"crm_admin\"}}");
        assertProblem(missing, 400, "postgres.replication_type.logical_replication.publication_name");
        assertTrue(missing.body().contains("CREATE PUBLICATION crm_admin FOR TABLE"), missing.body());
        postgres.sql("crm", "CREATE PUBLICATION crm_admin FOR TABLE customers");
        SwitchboardFixture.Answer unreadable = validate.apply("{\"logical_replication\": {\"publication_name\": \"crm_admin\"}}");
        assertProblem(unreadable, 400, "postgres.connection.user");
        assertTrue(unreadable.body().contains("GRANT SELECT ON public.customers TO outsider"), unreadable.body());
        postgres.sql("crm", "GRANT SELECT ON public.customers TO outsider");
        SwitchboardFixture.Answer named = validate.apply("{\"logical_replication\": {\"publication_name\": \"crm_admin\"}}");
        assertEquals(200, named.status(), named.body());
        postgres.sql("crm", "DROP PUBLICATION crm_admin");
    }

    /**
     * One pipeline over a table big enough to be seen mid-copy: its status shows the copy, then realtime,
     * and each phase change is a lifecycle event and a history entry.
     */
    @Test
    void aSnapshotShowsAsOneWithTheTableBeingCopiedThenRealtimeAndEachPhaseChangeIsAnEventAndAHistoryEntry() throws Exception {
        postgres.createDatabase("warehouse");
        postgres.sql("postgres", "ALTER DATABASE warehouse OWNER TO " + REPLICATOR);
        postgres.sql("warehouse", "CREATE TABLE small (id int PRIMARY KEY, name text NOT NULL)", "INSERT INTO small VALUES (1, 'a'), (2, 'b')",
                "CREATE TABLE big (id int PRIMARY KEY, name text NOT NULL)",
                "INSERT INTO big SELECT i, 'row ' || i FROM generate_series(1, 40000) AS i",
                "ALTER TABLE small OWNER TO " + REPLICATOR, "ALTER TABLE big OWNER TO " + REPLICATOR);
        postgres.sql("lake", "CREATE SCHEMA stock");
        String body = pipeline(Postgres.PASSWORD, Postgres.PASSWORD).replace(connection("crm", REPLICATOR, Postgres.PASSWORD),
                connection("warehouse", REPLICATOR, Postgres.PASSWORD)).replace("\"mirror\"", "\"stock\"");
        SwitchboardFixture.Answer created = fx.call("POST", "/api/v1/connectors", body);
        assertEquals(201, created.status(), created.body());
        String id = created.json().path("connector").path("id").asText();
        String source = PipelineCompiler.sourceName(id);
        try (SseReader events = new SseReader(
                fx.app.url() + "/events?connector=" + source + "&from=earliest", Map.of())) {
            events.awaitStarted();
            List<JsonNode> seen = new ArrayList<>();
            // A copy of 40,000 rows takes 45 s on a quiet machine; beside the system tier's PostgreSQL suites it took over 90.
            JsonNode realtime = Await.atMost(Duration.ofSeconds(240)).until("realtime after the snapshot", () -> {
                JsonNode status = fx.call("GET", "/api/v1/connectors/" + id, null).json().path("status");
                seen.add(status);
                return status;
            }, status -> status.path("state").has("realtime"));
            List<String> shown = seen.stream().map(status -> status.path("state").fieldNames().next()).distinct().toList();
            assertEquals(List.of("initialize", "snapshot", "realtime"), shown, "the phases in order: " + seen);
            List<JsonNode> copyingBig = seen.stream().map(status -> status.path("state").path("snapshot")).filter(JsonNode::isObject)
                    .filter(snapshot -> snapshot.path("name").asText().endsWith("big")).toList();
            assertFalse(copyingBig.isEmpty(), "the snapshot of big was never shown: " + seen);
            JsonNode copying = copyingBig.get(0);
            assertEquals(2, copying.path("tables").asInt(), copying.toString());
            assertTrue(copying.path("rows_copied").asLong() <= 2, "rows of the finished tables only: " + copying);
            // The rows its target holds grow as the sink writes them.
            // A reading the status could not make in time leaves target_rows out: the counts it gave must only grow.
            List<Long> targetRows = copyingBig.stream().map(snapshot -> snapshot.path("target_rows").asLong(-1)).filter(rows -> rows >= 0).toList();
            for (int i = 1; i < targetRows.size(); i++) {
                assertTrue(targetRows.get(i) >= targetRows.get(i - 1), "a count that only grows: " + targetRows);
            }
            assertTrue(targetRows.get(targetRows.size() - 1) > Math.max(0, targetRows.get(0)), "a count that grows: " + targetRows);
            assertTrue(seen.stream().filter(status -> status.path("state").has("snapshot"))
                    .allMatch(status -> status.path("status").has("heartbeat")), seen.toString());
            assertTrue(realtime.path("state").path("realtime").has("lag_bytes"), realtime.toString());

            List<JsonNode> running = phaseEvents(events, "realtime");
            List<String> phases = phaseNames(running);
            assertEquals(List.of("initialize", "snapshot", "realtime"),
                    phases.stream().filter(List.of("initialize", "snapshot", "realtime")::contains).toList(), running.toString());
            assertTrue(List.of("initialize", "start", "snapshot", "realtime").containsAll(phases), running.toString());
            String before = null;
            for (JsonNode event : running) {
                assertEquals("system", event.path("principal").asText(), event.toString());
                assertEquals(id, event.path("details").path("pipeline").asText());
                assertEquals(before, event.path("details").path("previous").isNull() ? null : event.path("details").path("previous").asText(),
                        "each change from the one before: " + running);
                before = event.path("details").path("phase").asText();
            }
            assertEquals(running.get(0).path("version").asLong(), running.get(running.size() - 1).path("version").asLong(),
                    "a phase is no new version");

            assertEquals(200, fx.call("PATCH", "/api/v1/connectors/" + id, "{\"disabled\": true}").status());
            List<JsonNode> stopping = phaseEvents(events, "disabled");
            assertEquals(List.of("disabling", "disabled"), phaseNames(stopping), stopping.toString());
            assertEquals("realtime", stopping.get(0).path("details").path("previous").asText());

            // The same changes, in the source connector's history: no config changed by them.
            JsonNode versions = fx.call("GET", "/connectors/" + source + "/history", null).json().path("versions");
            List<String> recorded = new ArrayList<>();
            for (JsonNode version : versions) {
                if ("PipelinePhaseChanged".equals(version.path("event").asText())) {
                    recorded.add(version.path("phase").path("phase").asText());
                    assertEquals("system", version.path("principal").asText());
                    assertEquals(0, version.path("diff").path("changed").size() + version.path("diff").path("added").size()
                            + version.path("diff").path("removed").size(), version.toString());
                    assertEquals(version.path("phase").path("phase").asText(), version.path("diff").path("phase").path("new").asText());
                    assertFalse(version.path("occurred_at").asText().isEmpty());
                }
            }
            List<String> expected = new ArrayList<>(phases);
            expected.addAll(List.of("disabling", "disabled"));
            assertEquals(expected, recorded, versions.toString());
            // And in the pipeline's own history, each change after the first as the state it entered, from the one before.
            List<String> entered = new ArrayList<>();
            fx.call("GET", "/api/v1/connector/history/" + id, null).json().forEach(item -> {
                String state = item.path("status").path("state").fieldNames().next();
                if (item.path("status").path("state").path(state).has("previous")) {
                    entered.add(item.path("status").path("state").path(state).path("previous").asText() + ">" + state);
                }
            });
            List<String> changes = new ArrayList<>();
            for (int i = 1; i < expected.size(); i++) {
                // The phase disabling is entered as the vendor's state shutdown; previous names the phase left.
                changes.add(expected.get(i - 1) + ">" + ("disabling".equals(expected.get(i)) ? "shutdown" : expected.get(i)));
            }
            assertEquals(changes, entered);
        } finally {
            assertEquals(202, fx.call("POST", "/api/v1/connector/command/" + id, "{\"command\": \"ForceDelete\"}").status());
        }
    }

    /** The phases the events stream gives for a connector, until one is {@code last}: each event's data. */
    private static List<JsonNode> phaseEvents(SseReader events, String last) throws InterruptedException {
        List<JsonNode> phases = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (phases.isEmpty() || !last.equals(phases.get(phases.size() - 1).path("details").path("phase").asText())) {
            Object item = events.received.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (item == null) {
                throw new AssertionError("No phase " + last + " in the events stream; phases: " + phases);
            }
            if (item instanceof Sse sse && "PipelinePhaseChanged".equals(sse.event())) {
                phases.add(sse.data());
            }
        }
        return phases;
    }

    private static List<String> phaseNames(List<JsonNode> events) {
        return events.stream().map(e -> e.path("details").path("phase").asText()).toList();
    }

    /**
     * Each change of a pipeline's phase is a PipelinePhaseChanged event on its source connector and
     * an entry of its history, with the principal system, from-phase and to-phase, in order: through
     * a snapshot long enough to be seen mid-copy to realtime, then disabling and disabled.
     */
    @Test
    void schemaChangesReplicateOrStopThePipelineSayingWhichColumn() throws Exception {
        postgres.createDatabase("shop");
        postgres.sql("postgres", "ALTER DATABASE shop OWNER TO " + REPLICATOR);
        postgres.sql("shop", "CREATE TABLE orders (id int PRIMARY KEY, item text NOT NULL, qty int)",
                "INSERT INTO orders VALUES (1, 'pen', 2)", "ALTER TABLE orders OWNER TO " + REPLICATOR);
        postgres.sql("lake", "CREATE SCHEMA sales");
        String body = pipeline(Postgres.PASSWORD, Postgres.PASSWORD).replace(connection("crm", REPLICATOR, Postgres.PASSWORD),
                connection("shop", REPLICATOR, Postgres.PASSWORD)).replace("\"mirror\"", "\"sales\"");
        SwitchboardFixture.Answer created = fx.call("POST", "/api/v1/connectors", body);
        assertEquals(201, created.status(), created.body());
        String id = created.json().path("connector").path("id").asText();
        Supplier<List<String>> orders = () -> lake("SELECT id FROM sales.orders ORDER BY id");
        Supplier<List<String>> columns = () -> postgres.query("lake", "SELECT column_name FROM information_schema.columns"
                + " WHERE table_schema = 'sales' AND table_name = 'orders' ORDER BY ordinal_position");
        try {
            WAIT.until("the snapshot", orders::get, r -> r.size() == 1);
            WAIT.until("realtime", () -> fx.call("GET", "/api/v1/connectors/" + id, null).json(),
                    p -> p.path("status").path("state").has("realtime"));

            // A column added: the target gets it, with the values written since.
            postgres.sql("shop", "ALTER TABLE orders ADD COLUMN note text", "INSERT INTO orders VALUES (2, 'ink', 1, 'blue')");
            WAIT.until("the added column and its value", () -> lake("SELECT note FROM sales.orders WHERE id = 2"),
                    r -> r.equals(List.of("blue")));
            assertTrue(columns.get().contains("note"), columns.get().toString());

            // A column dropped: rows still arrive; the target keeps the column, empty for them.
            postgres.sql("shop", "ALTER TABLE orders DROP COLUMN qty", "INSERT INTO orders VALUES (3, 'pad', 'red')");
            WAIT.until("a row written after the drop", () -> lake("SELECT item || ':' || coalesce(qty::text, '-') FROM sales.orders WHERE id = 3"),
                    r -> r.equals(List.of("pad:-")));

            // A NOT NULL column renamed: to the target, a new NOT NULL column without a default, which a
            // table with rows cannot take; the pipeline stops, naming it.
            postgres.sql("shop", "ALTER TABLE orders RENAME COLUMN item TO product", "INSERT INTO orders VALUES (4, 'cap', 'grey')");
            JsonNode failed = WAIT.until("the rename stopping the pipeline", () -> fx.call("GET", "/api/v1/connectors/" + id, null).json(),
                    p -> p.path("status").path("status").has("failed"));
            String reason = failed.path("status").path("status").path("failed").path("reason").asText();
            assertTrue(reason.startsWith("sink: ") && reason.contains("'product'"), reason);
        } finally {
            assertEquals(202, fx.call("POST", "/api/v1/connector/command/" + id, "{\"command\": \"ForceDelete\"}").status());
        }
    }

    @Test
    void aScheduledSnapshotPipelineCopiesTheRowsAgainOnEachRun() throws Exception {
        postgres.createDatabase("catalog");
        postgres.createDatabase("shelf");
        postgres.sql("catalog", "CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)", "INSERT INTO items VALUES (1, 'a'), (2, 'b')");
        String body = "{\"source\": {\"postgres\": {\"connection\": " + connection("catalog", Postgres.PASSWORD)
                + ", \"replication_type\": {\"snapshot\": {}}}}, \"sink\": {\"postgres\": {\"connection\": "
                + connection("shelf", Postgres.PASSWORD) + ", \"target_schema\": \"public\"}}, "
                + "\"schedule\": {\"cron\": {\"expression\": \"0/10 * * * * ?\", \"timezone\": \"UTC\"}}}";
        SwitchboardFixture.Answer created = fx.call("POST", "/api/v1/connectors", body);
        assertEquals(201, created.status(), created.body());
        String id = created.json().path("connector").path("id").asText();
        String firstRun = created.json().path("run_id").asText();
        Supplier<List<String>> items = () -> {
            try {
                return postgres.query("shelf", "SELECT id || ':' || name FROM public.items ORDER BY id");
            } catch (IllegalStateException e) {
                return List.of();
            }
        };
        WAIT.until("the first run's rows", items::get, r -> r.equals(List.of("1:a", "2:b")));
        postgres.sql("catalog", "INSERT INTO items VALUES (3, 'c')", "UPDATE items SET name = 'bb' WHERE id = 2");
        WAIT.until("the next run's rows", items::get, r -> r.equals(List.of("1:a", "2:bb", "3:c")));
        JsonNode later = fx.call("GET", "/api/v1/connectors/" + id, null).json();
        assertNotEquals(firstRun, later.path("run_id").asText(), "each run has its id");
        assertEquals(202, fx.call("POST", "/api/v1/connector/command/" + id, "{\"command\": \"ForceDelete\"}").status());

        // A schedule must be one (on logical replication it is taken too: PipelineVendorStatesApiTest).
        assertProblem(fx.call("POST", "/api/v1/connectors", body.replace("0/10 * * * * ?", "every tuesday")), 400, "schedule.cron.expression");
    }

    @Test
    void badInputIsAProblemNeverA5xx() {
        for (String body : List.of("", "[]", "{", "{\"source\": 1}", "{\"sink\": {}}", "{\"source\": {\"mysql\": {}}, \"sink\": {\"postgres\": {}}}",
                "{\"nope\": 1}")) {
            SwitchboardFixture.Answer answer = fx.call("POST", "/api/v1/connectors", body);
            assertTrue(answer.status() >= 400 && answer.status() < 500, body + " -> " + answer.status());
            assertProblem(answer, answer.status(), null);
        }
        assertProblem(fx.call("POST", "/api/v1/connector/command/nope", "{\"command\": \"Start\"}"), 404, null);
        assertProblem(fx.call("GET", "/api/v1/connectors/Bad_Id", null), 400, "id");
        assertProblem(fx.call("GET", "/api/v1/nothing", null), 404, null);
    }
}
