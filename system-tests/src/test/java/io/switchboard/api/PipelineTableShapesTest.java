package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testing.Await;
import io.switchboard.testing.Postgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.LinkedHashMap;
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
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineTableShapesTest {
    private static final String REPLICATOR = "shapes_replicator";
    private static final String LOADER = "shapes_loader";
    private Postgres postgres;
    private SwitchboardFixture fx;

    @BeforeAll
    void start() {
        postgres = Postgres.start();
        postgres.createDatabase("wh");
        postgres.createRole(REPLICATOR, "REPLICATION");
        postgres.createRole(LOADER);
        postgres.sql("postgres", "GRANT CREATE ON DATABASE wh TO " + LOADER);
        fx = new SwitchboardFixture(options -> options.withEmbeddedWorker(true));
    }

    @AfterAll
    void stop() {
        if (fx != null) {
            fx.close();
        }
        if (postgres != null) {
            postgres.close();
        }
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
                "CREATE TABLE measures (id int NOT NULL, at date NOT NULL, v int, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)",
                "CREATE TABLE measures_2025 PARTITION OF measures FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
                "CREATE TABLE measures_2026 PARTITION OF measures FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
                "INSERT INTO measures SELECT g, DATE '2025-06-01' + g * 3, g FROM generate_series(1, 100) g",
                "CREATE TABLE renamed (id int PRIMARY KEY, label text NOT NULL)",
                "INSERT INTO renamed SELECT g, 'r' || g FROM generate_series(1, 10) g",
                "CREATE VIEW happy_ones AS SELECT id FROM typed WHERE m = 'happy'");
        String id = pipeline("shapes", "shapes");
        Map<String, String> outcome = new LinkedHashMap<>();
        assertEquals(postgres.digest("shapes", "typed"), same("typed", "shapes.typed"), "enum, array, json and jsonb columns copied");
        String otherColumns = "(SELECT id, qty, price FROM %s)";
        assertEquals(postgres.digest("shapes", otherColumns.formatted("priced")), awaited(Duration.ofSeconds(60),
                () -> postgres.digest("wh", otherColumns.formatted("shapes.priced")),
                postgres.digest("shapes", otherColumns.formatted("priced"))::equals), "a table with a generated column copied");
        outcome.put("generated column in the target, snapshot", String.valueOf(postgres.query("wh", "SELECT count(*) || ' of ' || count(total)"
                + " FROM shapes.priced WHERE total = qty * price")));
        assertEquals(postgres.digest("shapes", "wide"), same("wide", "shapes.wide"), "a 200 kB row copied");
        assertEquals(List.of("t"), postgres.query("wh", "SELECT to_regclass('shapes.happy_ones') IS NULL"), "a view is not a table to copy");
        outcome.put("partitioned: root in the target", postgres.digest("wh", "shapes.measures"));
        outcome.put("partitioned: target tables", String.valueOf(postgres.query("wh",
                "SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = 'shapes'")));

        postgres.sql("shapes", "INSERT INTO typed VALUES (51, 'ok', ARRAY['x'], ARRAY[7], '{\"n\": 51}', '{\"n\": 51}')",
                "UPDATE priced SET qty = 100 WHERE id = 1", "INSERT INTO wide VALUES (2, repeat('v', 500000))",
                "INSERT INTO measures VALUES (101, DATE '2026-02-01', 101)", "ALTER TABLE renamed RENAME TO renamed_now",
                "INSERT INTO renamed_now VALUES (11, 'r11')", "UPDATE renamed_now SET label = 'edited' WHERE id = 2");
        assertEquals(postgres.digest("shapes", "typed"), same("typed", "shapes.typed"), "enum, array, json and jsonb changes streamed");
        assertEquals(postgres.digest("shapes", "wide"), same("wide", "shapes.wide"), "a 500 kB row streamed");
        assertEquals(postgres.digest("shapes", otherColumns.formatted("priced")), awaited(Duration.ofSeconds(60),
                () -> postgres.digest("wh", otherColumns.formatted("shapes.priced")),
                postgres.digest("shapes", otherColumns.formatted("priced"))::equals), "a change to a table with a generated column streamed");
        outcome.put("generated column in the target, streamed row", String.valueOf(postgres.query("wh", "SELECT total FROM shapes.priced WHERE id = 1")));
        outcome.put("partitioned, streamed: root in the target", postgres.digest("wh", "shapes.measures"));
        outcome.put("partitioned, streamed: source root", postgres.digest("shapes", "measures"));
        outcome.put("partitioned, streamed: partition 2026 in the target", postgres.digest("wh", "shapes.measures_2026"));
        outcome.put("renamed: old target", postgres.digest("wh", "shapes.renamed"));
        outcome.put("renamed: new target", awaited(Duration.ofSeconds(30), () -> postgres.digest("wh", "shapes.renamed_now"),
                postgres.digest("shapes", "renamed_now")::equals));
        outcome.put("renamed: source", postgres.digest("shapes", "renamed_now"));
        outcome.put("status", read(id).path("status").toString());
        outcome.forEach((shape, what) -> System.out.println("SHAPE " + shape + " => " + what));
        assertEquals(202, fx.call("POST", "/api/v1/connector/command/" + id, "{\"command\": \"ForceDelete\"}").status());
    }

    /** A change event larger than the source's producer may send (1 MiB by default) fails the pipeline, which says so. */
    @Test
    void aRowOverTheProducersLimitFailsThePipelineInItsOwnWords() throws Exception {
        database("huge", "CREATE TABLE doc (id int PRIMARY KEY, body text NOT NULL)", "INSERT INTO doc VALUES (1, 'small')");
        String id = pipeline("huge", "huge");
        awaited(Duration.ofSeconds(90), () -> postgres.digest("wh", "huge.doc"), postgres.digest("huge", "doc")::equals);
        postgres.sql("huge", "INSERT INTO doc VALUES (2, repeat('h', 1048576))");
        JsonNode failed = awaited(Duration.ofSeconds(90), () -> read(id), r -> r.path("status").path("status").has("failed"));
        String reason = failed.path("status").path("status").path("failed").path("reason").asText();
        System.out.println("SHAPE row over 1 MiB => " + failed.path("status"));
        org.junit.jupiter.api.Assertions.assertTrue(reason.startsWith("source: ") && reason.contains("max.request.size"), failed.toString());
        assertEquals(202, fx.call("POST", "/api/v1/connector/command/" + id, "{\"command\": \"ForceDelete\"}").status());
    }

    /** A table without a primary key is refused by name before anything starts: the target writes rows by key. */
    @Test
    void aTableWithoutAPrimaryKeyIsRefusedByName() {
        database("keyless", "CREATE TABLE log (at int NOT NULL, line text)", "CREATE TABLE kept (id int PRIMARY KEY)");
        SwitchboardFixture.Answer refused = fx.call("POST", "/api/v1/connectors", "{\"source\": {\"postgres\": {\"connection\": "
                + postgres.connectionJson("keyless", REPLICATOR) + ", \"replication_type\": {\"logical_replication\": {}}}},"
                + " \"sink\": {\"postgres\": {\"connection\": " + postgres.connectionJson("wh", LOADER) + ", \"target_schema\": \"keyless\"}}}");
        assertEquals(400, refused.status(), refused.body());
        org.junit.jupiter.api.Assertions.assertTrue(refused.body().contains("without a primary key") && refused.body().contains("public.log")
                && !refused.body().contains("public.kept") && refused.body().contains("ADD PRIMARY KEY"), refused.body());
    }
}
