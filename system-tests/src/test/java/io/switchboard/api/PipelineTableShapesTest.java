package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testing.Await;
import io.switchboard.testing.Postgres;
import io.switchboard.testing.SharedPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What a captured database holds beyond plain tables, on a real PostgreSQL with a non-superuser
 * replication role: each shape's source and target compared by count and md5 digest of their rows
 * (docs/postgres-privileges.md, "Table shapes", states each outcome as measured here).
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineTableShapesTest {
    private static final String REPLICATOR = "shapes_replicator";
    private static final String LOADER = "shapes_loader";
    private Postgres postgres;
    private SwitchboardFixture fx;

    @BeforeAll
    void start() {
        postgres = SharedPostgres.server();
        postgres.createDatabase("wh");
        postgres.createRole(REPLICATOR, "REPLICATION");
        postgres.createRole(LOADER);
        postgres.sql("postgres", "GRANT CREATE ON DATABASE wh TO " + LOADER);
        fx = SharedReplica.withWorker();
    }

    /** A database of the replicator's, with these statements run in it as the superuser, the tables then given to the replicator. */
    private void database(String name, String... statements) {
        postgres.createDatabase(name);
        postgres.sql("postgres", "ALTER DATABASE " + name + " OWNER TO " + REPLICATOR);
        postgres.sql(name, statements);
        for (String table : postgres.query(name, "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables WHERE schemaname = 'public'")) {
            postgres.sql(name, "ALTER TABLE " + table + " OWNER TO " + REPLICATOR);
        }
        for (String view : postgres.query(name, "SELECT format('%I.%I', schemaname, viewname) FROM pg_views WHERE schemaname = 'public'")) {
            postgres.sql(name, "ALTER VIEW " + view + " OWNER TO " + REPLICATOR);
        }
    }

    private String pipeline(String database, String targetSchema) {
        SwitchboardFixture.Answer created = fx.call("POST", "/api/v1/connectors", "{\"source\": {\"postgres\": {\"connection\": "
                + postgres.connectionJson(database, REPLICATOR) + ", \"replication_type\": {\"logical_replication\": {}}}},"
                + " \"sink\": {\"postgres\": {\"connection\": " + postgres.connectionJson("wh", LOADER) + ", \"target_schema\": \""
                + targetSchema + "\"}}}");
        assertEquals(201, created.status(), created.body());
        return created.json().path("connector").path("id").asText();
    }

    private JsonNode read(String id) {
        return fx.call("GET", "/api/v1/connectors/" + id, null).json();
    }

    /** The value when done within the time, else the last one seen (the outcome is then what is reported). */
    private static <T> T awaited(Duration within, Supplier<T> probe, Predicate<T> done) {
        return Await.atMost(within).poll(probe, done);
    }

    private String same(String source, String target) {
        return awaited(Duration.ofSeconds(90), () -> postgres.digest("wh", target), postgres.digest("shapes", source)::equals);
    }

    /** What the test saw of a shape, printed as it goes (the docs state it). */
    private static void say(String shape, String what) {
        System.out.println("SHAPE " + shape + " => " + what);
    }

    @Test
    void eachShapeReplicatesOrIsLeftOutAsDocumented() throws Exception {
        database("shapes",
                "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
                "CREATE TABLE typed (id int PRIMARY KEY, m mood NOT NULL, tags text[], nums int[], j json, jb jsonb)",
                "INSERT INTO typed SELECT g, (ARRAY['sad','ok','happy'])[1 + g % 3]::mood, ARRAY['a' || g, 'b'], ARRAY[g, g * 2],"
                        + " ('{\"n\": ' || g || '}')::json, ('{\"n\": ' || g || ', \"k\": [1, 2]}')::jsonb FROM generate_series(1, 50) g",
                "CREATE TABLE priced (id int PRIMARY KEY, qty int NOT NULL, price int NOT NULL, total int GENERATED ALWAYS AS (qty * price) STORED)",
                "INSERT INTO priced (id, qty, price) SELECT g, g, 3 FROM generate_series(1, 40) g",
                "CREATE TABLE wide (id int PRIMARY KEY, body text NOT NULL)",
                "INSERT INTO wide VALUES (1, repeat('w', 200000))",
                "CREATE TABLE renamed (id int PRIMARY KEY, label text NOT NULL)",
                "INSERT INTO renamed SELECT g, 'r' || g FROM generate_series(1, 10) g",
                "CREATE VIEW happy_ones AS SELECT id FROM typed WHERE m = 'happy'");
        String id = pipeline("shapes", "shapes");
        assertEquals(postgres.digest("shapes", "typed"), same("typed", "shapes.typed"), "enum, array, json and jsonb columns copied");
        // Every column, the generated one too: the target computes it (GeneratedColumns).
        String copiedPriced = same("priced", "shapes.priced");
        say("generated column, copied: source " + postgres.digest("shapes", "priced"), "target " + copiedPriced);
        assertEquals(postgres.digest("shapes", "priced"), copiedPriced, "a table with a generated column copied, the column too");
        assertEquals(postgres.digest("shapes", "wide"), same("wide", "shapes.wide"), "a 200 kB row copied");
        assertEquals(List.of("t"), postgres.query("wh", "SELECT to_regclass('shapes.happy_ones') IS NULL"), "a view is not a table to copy");

        postgres.sql("shapes", "INSERT INTO typed VALUES (51, 'ok', ARRAY['x'], ARRAY[7], '{\"n\": 51}', '{\"n\": 51}')",
                "UPDATE priced SET qty = 100 WHERE id = 1", "UPDATE priced SET price = 7 WHERE id BETWEEN 30 AND 35",
                "INSERT INTO priced (id, qty, price) VALUES (41, 2, 21)", "INSERT INTO wide VALUES (2, repeat('v', 500000))",
                "ALTER TABLE renamed RENAME TO renamed_now",
                "INSERT INTO renamed_now VALUES (11, 'r11')", "UPDATE renamed_now SET label = 'edited' WHERE id = 2");
        assertEquals(postgres.digest("shapes", "typed"), same("typed", "shapes.typed"), "enum, array, json and jsonb changes streamed");
        assertEquals(postgres.digest("shapes", "wide"), same("wide", "shapes.wide"), "a 500 kB row streamed");
        String streamedPriced = same("priced", "shapes.priced");
        say("generated column, streamed: source " + postgres.digest("shapes", "priced"), "target " + streamedPriced
                + ", target's total of row 1: " + postgres.query("wh", "SELECT total FROM shapes.priced WHERE id = 1")
                + ", generated there: " + postgres.query("wh", "SELECT is_generated FROM information_schema.columns"
                + " WHERE table_schema = 'shapes' AND table_name = 'priced' AND column_name = 'total'"));
        assertEquals(postgres.digest("shapes", "priced"), streamedPriced, "changes to a table with a generated column streamed, the column too");
        say("renamed: old target", postgres.digest("wh", "shapes.renamed"));
        say("renamed: new target", awaited(Duration.ofSeconds(30), () -> postgres.digest("wh", "shapes.renamed_now"),
                postgres.digest("shapes", "renamed_now")::equals));
        say("renamed: source", postgres.digest("shapes", "renamed_now"));
        say("status", read(id).path("status").toString());
        assertEquals(202, fx.call("POST", "/api/v1/connector/command/" + id, "{\"command\": \"ForceDelete\"}").status());
    }

    /**
     * A partitioned table is one table in the target with every row: its publication publishes
     * through the root and its partitions are neither copied nor published by themselves. Rows in
     * several partitions before the start, rows streamed into several after it (one into a partition
     * made while the pipeline runs), a row moved from one partition to another and a delete.
     */
    @Test
    void aPartitionedTableIsOneTableInTheTargetWithEveryRowCopiedAndStreamed() {
        database("parts",
                "CREATE TABLE measures (id int NOT NULL, at date NOT NULL, v int, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)",
                "CREATE TABLE measures_2025 PARTITION OF measures FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
                "CREATE TABLE measures_2026 PARTITION OF measures FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
                "INSERT INTO measures SELECT g, DATE '2025-06-01' + g * 3, g FROM generate_series(1, 100) g");
        String id = pipeline("parts", "parts");
        String copied = awaited(Duration.ofSeconds(90), () -> postgres.digest("wh", "parts.measures"), postgres.digest("parts", "measures")::equals);
        System.out.println("SHAPE partitioned, copied: source " + postgres.digest("parts", "measures") + ", target " + copied);
        assertEquals(postgres.digest("parts", "measures"), copied, "every row of every partition copied into the root's table");
        postgres.sql("parts", "CREATE TABLE measures_2027 PARTITION OF measures FOR VALUES FROM ('2027-01-01') TO ('2028-01-01')");
        postgres.sql("parts", "ALTER TABLE measures_2027 OWNER TO " + REPLICATOR,
                "INSERT INTO measures VALUES (101, DATE '2025-12-30', 101), (102, DATE '2026-02-01', 102), (103, DATE '2027-03-01', 103)",
                "UPDATE measures SET v = -v WHERE id BETWEEN 1 AND 5",
                "UPDATE measures SET at = DATE '2026-03-03' WHERE id = 10",
                "DELETE FROM measures WHERE id = 20");
        String streamed = awaited(Duration.ofSeconds(90), () -> postgres.digest("wh", "parts.measures"), postgres.digest("parts", "measures")::equals);
        String tables = String.valueOf(postgres.query("wh",
                "SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = 'parts'"));
        System.out.println("SHAPE partitioned, streamed: source " + postgres.digest("parts", "measures") + ", target " + streamed
                + ", target tables " + tables + ", status " + read(id).path("status"));
        assertEquals(postgres.digest("parts", "measures"), streamed, "rows streamed into several partitions reach the root's table");
        assertEquals("[measures," + "sb_heartbeat_" + id.replace('-', '_') + "]", tables, "no table per partition in the target");
        assertEquals(List.of("t"), postgres.query("parts", "SELECT pubviaroot FROM pg_publication WHERE pubname = 'sb_" + id.replace('-', '_') + "'"));
        assertEquals(202, fx.call("POST", "/api/v1/connector/command/" + id, "{\"command\": \"ForceDelete\"}").status());
    }

    /**
     * Rows of some megabytes are copied and streamed (a pipeline carries events up to 16 MiB); one
     * over that fails the pipeline, its status and its recorded phase naming the table and the limit.
     */
    @Test
    void rowsOfSomeMegabytesReplicateAndOneOverTheLimitFailsNamingTheTableAndTheLimit() throws Exception {
        database("huge", "CREATE TABLE doc (id int PRIMARY KEY, body text NOT NULL)", "CREATE TABLE note (id int PRIMARY KEY)",
                "INSERT INTO doc VALUES (1, 'small'), (2, repeat('s', 3 * 1048576))", "INSERT INTO note VALUES (1)");
        String id = pipeline("huge", "huge");
        String copied = awaited(Duration.ofSeconds(90), () -> postgres.digest("wh", "huge.doc"), postgres.digest("huge", "doc")::equals);
        System.out.println("SHAPE row of 3 MiB, copied: source " + postgres.digest("huge", "doc") + ", target " + copied
                + ", status " + read(id).path("status"));
        assertEquals(postgres.digest("huge", "doc"), copied, "a row of 3 MiB copied");
        postgres.sql("huge", "INSERT INTO doc VALUES (3, repeat('h', 5 * 1048576))");
        String streamed = awaited(Duration.ofSeconds(90), () -> postgres.digest("wh", "huge.doc"), postgres.digest("huge", "doc")::equals);
        System.out.println("SHAPE row of 5 MiB, streamed: source " + postgres.digest("huge", "doc") + ", target " + streamed
                + ", status " + read(id).path("status"));
        assertEquals(postgres.digest("huge", "doc"), streamed, "a row of 5 MiB streamed");

        postgres.sql("huge", "INSERT INTO doc VALUES (4, repeat('x', 17 * 1048576))", "INSERT INTO note VALUES (2)");
        JsonNode failed = awaited(Duration.ofSeconds(90), () -> read(id), r -> r.path("status").path("status").path("failed")
                .path("reason").asText().contains("public.doc"));
        String reason = failed.path("status").path("status").path("failed").path("reason").asText();
        System.out.println("SHAPE row over 16 MiB => " + failed.path("status"));
        org.junit.jupiter.api.Assertions.assertTrue(reason.startsWith("source: a change event of table public.doc is ")
                && reason.contains("16777216 bytes (16 MiB)"), reason);
        org.junit.jupiter.api.Assertions.assertTrue(failed.path("status").path("state").has("shutdown"), "the state agrees (the vendor has no failed state): " + failed);
        JsonNode change = awaited(Duration.ofSeconds(30), () -> phaseChangeTo(id, "failed"), c -> c != null);
        System.out.println("SHAPE row over 16 MiB, recorded phase change => " + change);
        org.junit.jupiter.api.Assertions.assertTrue(change != null && change.path("cause").asText().contains("16777216"), String.valueOf(change));
        assertEquals(202, fx.call("POST", "/api/v1/connector/command/" + id, "{\"command\": \"ForceDelete\"}").status());
    }

    /** The latest change of the pipeline's phase to {@code phase} its source connector's history records, or null. */
    private JsonNode phaseChangeTo(String id, String phase) {
        JsonNode found = null;
        for (JsonNode version : fx.call("GET", "/connectors/pipeline-" + id + "-source/history", null).json().path("versions")) {
            if ("PipelinePhaseChanged".equals(version.path("event").asText()) && phase.equals(version.path("phase").path("phase").asText())) {
                found = version.path("phase");
            }
        }
        return found;
    }

    /**
     * A replication slot dropped under a running pipeline (its walsender ended first, as an
     * administrator would): the changes made while it was gone are not in any slot, so the pipeline
     * must say so rather than stream on from a new slot as if nothing were missing.
     */
    @Test
    void aDroppedReplicationSlotIsAGapThePipelineSays() {
        database("slots", "CREATE TABLE item (id int PRIMARY KEY, label text NOT NULL)",
                "INSERT INTO item SELECT g, 'i' || g FROM generate_series(1, 20) g");
        String id = pipeline("slots", "slots");
        String slot = "sb_" + id.replace('-', '_');
        awaited(Duration.ofSeconds(90), () -> postgres.digest("wh", "slots.item"), postgres.digest("slots", "item")::equals);
        awaited(Duration.ofSeconds(60), () -> read(id), r -> r.path("status").path("state").has("realtime"));
        String dropped = awaited(Duration.ofSeconds(30), () -> {
            try {
                postgres.sql("slots", "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '" + slot + "' AND active",
                        "SELECT pg_drop_replication_slot('" + slot + "')");
                return "dropped";
            } catch (IllegalStateException e) {
                return e.getMessage();
            }
        }, "dropped"::equals);
        assertEquals("dropped", dropped);
        postgres.sql("slots", "INSERT INTO item VALUES (21, 'while the slot was gone')", "UPDATE item SET label = 'changed meanwhile' WHERE id = 1");
        JsonNode failed = awaited(Duration.ofSeconds(90), () -> read(id), r -> r.path("status").path("status").has("failed"));
        String reason = failed.path("status").path("status").path("failed").path("reason").asText();
        System.out.println("SHAPE slot dropped => " + failed.path("status") + "; slot now: "
                + postgres.query("slots", "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "'")
                + "; target " + postgres.digest("wh", "slots.item") + ", source " + postgres.digest("slots", "item"));
        org.junit.jupiter.api.Assertions.assertTrue(reason.contains("replication slot") && reason.contains(slot)
                && reason.contains("may be missing"), failed.toString());
        org.junit.jupiter.api.Assertions.assertTrue(failed.path("status").path("state").has("shutdown"), "the state agrees (the vendor has no failed state): " + failed);
        // Still so a while later: a slot made again does not hide the gap.
        JsonNode later = awaited(Duration.ofSeconds(20), () -> read(id), r -> !r.path("status").path("status").has("failed"));
        System.out.println("SHAPE slot dropped, 20 s later => " + later.path("status"));
        org.junit.jupiter.api.Assertions.assertTrue(later.path("status").path("status").has("failed"), later.toString());
        assertEquals(202, fx.call("POST", "/api/v1/connector/command/" + id, "{\"command\": \"ForceDelete\"}").status());
    }

    /**
     * Tables that appear (or change name) while a pipeline runs and that it cannot replicate whole
     * are listed in its status, each with the reason and the fix, and recorded once each as a
     * lifecycle event and a history entry, while a table with a key made at the same time replicates.
     */
    @Test
    void tablesLeftOutWhileThePipelineRunsAreListedWithTheirReasonAndRecordedOnce() throws Exception {
        database("late", "CREATE TABLE orders (id int PRIMARY KEY, label text NOT NULL)",
                "INSERT INTO orders SELECT g, 'o' || g FROM generate_series(1, 10) g");
        String id = pipeline("late", "late");
        String publication = "sb_" + id.replace('-', '_');
        awaited(Duration.ofSeconds(90), () -> postgres.digest("wh", "late.orders"), postgres.digest("late", "orders")::equals);
        awaited(Duration.ofSeconds(60), () -> read(id), r -> r.path("status").path("state").has("realtime"));
        // A table added to the publication shows that the pipeline has looked at its source since it started.
        postgres.sql("late", "CREATE TABLE early (id int PRIMARY KEY)", "ALTER TABLE early OWNER TO " + REPLICATOR);
        awaited(Duration.ofSeconds(30), () -> postgres.query("late", "SELECT count(*) FROM pg_publication_tables WHERE pubname = '"
                + publication + "' AND tablename = 'early'"), List.of("1")::equals);

        long changed = System.nanoTime();
        postgres.sql("late", "CREATE TABLE log (at int NOT NULL, line text)", "ALTER TABLE log OWNER TO " + REPLICATOR,
                "CREATE TABLE theirs (id int PRIMARY KEY)", "ALTER TABLE theirs OWNER TO " + LOADER,
                "CREATE VIEW recent AS SELECT id FROM orders WHERE id > 5", "ALTER VIEW recent OWNER TO " + REPLICATOR,
                "ALTER TABLE orders RENAME TO orders_now", "INSERT INTO orders_now VALUES (11, 'after the rename')",
                "CREATE TABLE fresh (id int PRIMARY KEY, label text NOT NULL)", "ALTER TABLE fresh OWNER TO " + REPLICATOR);
        List<String> expected = List.of("public.log", "public.orders_now", "public.recent", "public.theirs");
        JsonNode listed = awaited(Duration.ofSeconds(30), () -> read(id).path("status").path("state").path("realtime"),
                r -> expected.equals(tables(r.path("tables_left_out"))));
        long seconds = (System.nanoTime() - changed) / 1_000_000_000L;
        say("tables left out while running, after " + seconds + " s", listed.toString());
        assertEquals(expected, tables(listed.path("tables_left_out")), listed.toString());
        assertEquals(4, listed.path("tables_left_out_count").asInt(), listed.toString());
        org.junit.jupiter.api.Assertions.assertTrue(seconds <= 15, "listed within 15 s, not " + seconds);
        Map<String, JsonNode> byTable = new java.util.HashMap<>();
        listed.path("tables_left_out").forEach(t -> byTable.put(t.path("table").asText(), t));
        assertEquals("no primary key: the target writes rows by key", byTable.get("public.log").path("reason").asText());
        assertEquals("ALTER TABLE public.log ADD PRIMARY KEY (<columns>)", byTable.get("public.log").path("fix").asText());
        org.junit.jupiter.api.Assertions.assertTrue(byTable.get("public.theirs").path("reason").asText().startsWith("owned by another role")
                && byTable.get("public.theirs").path("fix").asText().startsWith("ALTER TABLE public.theirs OWNER TO " + REPLICATOR),
                byTable.get("public.theirs").toString());
        org.junit.jupiter.api.Assertions.assertTrue(byTable.get("public.recent").path("reason").asText().startsWith("a view has no rows"));
        org.junit.jupiter.api.Assertions.assertTrue(byTable.get("public.orders_now").path("reason").asText()
                .startsWith("renamed from public.orders while the pipeline ran"), byTable.get("public.orders_now").toString());
        org.junit.jupiter.api.Assertions.assertTrue(byTable.get("public.orders_now").path("fix").asText().startsWith("ReIntialize"));

        // The table with a key made at the same time replicates: rows written once it is published reach the target.
        awaited(Duration.ofSeconds(30), () -> postgres.query("late", "SELECT count(*) FROM pg_publication_tables WHERE pubname = '"
                + publication + "' AND tablename = 'fresh'"), List.of("1")::equals);
        postgres.sql("late", "INSERT INTO fresh SELECT g, 'f' || g FROM generate_series(1, 25) g", "UPDATE fresh SET label = 'x' WHERE id = 3");
        String fresh = awaited(Duration.ofSeconds(60), () -> postgres.digest("wh", "late.fresh"), postgres.digest("late", "fresh")::equals);
        say("a table with a key made beside them: source " + postgres.digest("late", "fresh"), "target " + fresh);
        assertEquals(postgres.digest("late", "fresh"), fresh, "a table with a key made at the same time replicates");

        // Each table is recorded, and still recorded once several looks (every 5 s) later: in the history and on /events.
        Await.Probe<List<String>> recordedNow = () -> {
            List<String> found = new java.util.ArrayList<>();
            for (JsonNode version : fx.call("GET", "/connectors/pipeline-" + id + "-source/history", null).json().path("versions")) {
                if ("PipelineTableLeftOut".equals(version.path("event").asText())) {
                    found.add(version.path("table_left_out").path("table").asText());
                }
            }
            return found.stream().sorted().toList();
        };
        awaited(Duration.ofSeconds(30), () -> {
            try {
                return recordedNow.read();
            } catch (Exception e) {
                return List.<String>of();
            }
        }, expected::equals);
        List<String> recorded = Await.holds("one history entry per table through several looks", Duration.ofSeconds(12),
                recordedNow, expected::equals);
        say("history of the source, tables left out", recorded.toString());
        assertEquals(expected, recorded, "one history entry per table");
        List<String> events = leftOutEvents("pipeline-" + id + "-source");
        say("/events, tables left out", events.toString());
        assertEquals(expected, events.stream().sorted().toList(), "one lifecycle event per table");
        List<String> inPipelineHistory = new java.util.ArrayList<>();
        for (JsonNode item : fx.call("GET", "/api/v1/connector/history/" + id, null).json()) {
            JsonNode t = item.path("status").path("state").path("realtime").path("table_left_out");
            if (t.isObject()) {
                inPipelineHistory.add(t.path("table").asText());
            }
        }
        say("pipeline history, tables left out", inPipelineHistory.toString());
        assertEquals(expected, inPipelineHistory.stream().sorted().toList(), "one item of the pipeline's history per table");
        assertEquals(202, fx.call("POST", "/api/v1/connector/command/" + id, "{\"command\": \"ForceDelete\"}").status());
    }

    private static List<String> tables(JsonNode listed) {
        List<String> names = new java.util.ArrayList<>();
        listed.forEach(t -> names.add(t.path("table").asText()));
        return names.stream().sorted().toList();
    }

    /** The tables of the connector's PipelineTableLeftOut events on {@code GET /events}, replayed from the earliest. */
    private List<String> leftOutEvents(String connector) throws Exception {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(fx.app.url()
                + "/events?connector=" + connector + "&from=earliest")).header("Accept", "text/event-stream").GET();
        String authorization = io.switchboard.testing.Http.defaultAuthorization(fx.app.url());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        List<String> tables = new java.util.ArrayList<>();
        long until = System.nanoTime() + Duration.ofSeconds(8).toNanos();
        java.net.http.HttpResponse<java.util.stream.Stream<String>> response = java.net.http.HttpClient.newHttpClient()
                .send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofLines());
        try (java.util.stream.Stream<String> lines = response.body()) {
            java.util.Iterator<String> it = lines.iterator();
            // The stream writes a comment when nothing else was written for a while, so the loop sees the time pass.
            while (System.nanoTime() < until && it.hasNext()) {
                String line = it.next();
                if (line.startsWith("data:") && line.contains("\"PipelineTableLeftOut\"")) {
                    tables.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(line.substring(5)).path("details").path("table").asText());
                }
            }
        }
        return tables;
    }
}
