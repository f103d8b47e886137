package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.pipelines.PipelineCompiler;
import io.switchboard.testing.Await;
import io.switchboard.testing.Postgres;
import io.switchboard.testing.SupermetalStatusTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pipeline made disabled on an empty database, which then gains a keyed table of 500 rows, a
 * table without a primary key, a table another role owns, a view and a partitioned table, enabled
 * once by an update ({@code "disabled": false}, as the vendor's provider does) and once by
 * {@code Start}: both take the one way into running, replicate what can be replicated (source and
 * target digests equal, the partitioned table under its root's name, a partitioned table made while
 * it runs too) and list the rest by name, never with a failed part; on the embedded PostgreSQL 14 and
 * on Debian's PostgreSQL 15 with a role that owns its databases. A missing target schema the sink's
 * role may not create is refused at create by name.
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineEnableShapesTest {
    private static final String REPLICATOR = "enable_replicator";
    private static final String LOADER = "enable_loader";
    private static final String NO_CREATE = "enable_guest";
    private static final Await WAIT = Await.atMost(Duration.ofSeconds(150));
    private SwitchboardFixture fx;
    private final List<String> problems = new ArrayList<>();

    @BeforeAll
    void start() {
        fx = SharedReplica.withWorker();
    }

    @Test
    void onTheEmbeddedPostgres14() {
        try (Postgres postgres = Postgres.start()) {
            walk(postgres, 14);
        }
    }

    @Test
    void onDebiansPostgres15() {
        try (Postgres postgres = Postgres.startInstalled(Postgres.DEBIAN_15)) {
            walk(postgres, 15);
        }
    }

    private void walk(Postgres postgres, int major) {
        assertEquals(major, postgres.majorVersion());
        postgres.createRole(REPLICATOR, "REPLICATION");
        postgres.createRole(LOADER);
        postgres.createRole(NO_CREATE);
        postgres.createDatabase("wh");
        postgres.sql("postgres", "GRANT CREATE ON DATABASE wh TO " + LOADER);
        // On 15 public no longer lets every role create; the guest may not create the schema it names.
        postgres.sql("wh", "REVOKE CREATE ON SCHEMA public FROM PUBLIC");

        List<String> databases = List.of("byupdate", "bystart");
        List<String> ids = new ArrayList<>();
        for (String database : databases) {
            postgres.createDatabase(database);
            postgres.sql("postgres", "ALTER DATABASE " + database + " OWNER TO " + REPLICATOR);
            SwitchboardFixture.Answer created = fx.call("POST", "/api/v1/connectors", body(postgres, database, LOADER, "mirror_" + database, true));
            assertEquals(201, created.status(), created.body());
            problems.addAll(SupermetalStatusTypes.pipelineProblems(created.json(), "create"));
            ids.add(created.json().path("connector").path("id").asText());
            // Then the tables, in the order an application's migrations make them.
            postgres.sql(database,
                    "CREATE TABLE orders (id int PRIMARY KEY, label text NOT NULL)",
                    "INSERT INTO orders SELECT g, 'order ' || g FROM generate_series(1, 500) g",
                    "CREATE TABLE nokey (at int NOT NULL, line text)",
                    "INSERT INTO nokey SELECT g, 'line ' || g FROM generate_series(1, 50) g",
                    "CREATE TABLE measures (id int NOT NULL, at date NOT NULL, v int, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)",
                    "CREATE TABLE measures_2025 PARTITION OF measures FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
                    "CREATE TABLE measures_2026 PARTITION OF measures FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
                    "INSERT INTO measures SELECT g, DATE '2025-06-01' + (g * 3), g FROM generate_series(1, 100) g",
                    "CREATE VIEW big_orders AS SELECT id FROM orders WHERE id > 400");
            for (String table : List.of("orders", "nokey", "measures", "measures_2025", "measures_2026")) {
                postgres.sql(database, "ALTER TABLE " + table + " OWNER TO " + REPLICATOR);
            }
            postgres.sql(database, "ALTER VIEW big_orders OWNER TO " + REPLICATOR,
                    // Another role's table: only its owner may add it to a publication.
                    "CREATE TABLE theirs (id int PRIMARY KEY)", "INSERT INTO theirs VALUES (1)");
        }
        // A target schema the sink's role may not create: refused at create, by name (field and schema).
        SwitchboardFixture.Answer refused = fx.call("POST", "/api/v1/connectors", body(postgres, "byupdate", NO_CREATE, "nowhere", true));
        assertEquals(400, refused.status(), refused.body());
        assertEquals("sink.postgres.target_schema", refused.json().path("errors").path(0).path("field").asText(), refused.body());
        assertTrue(refused.json().path("errors").path(0).path("message").asText().contains("schema nowhere does not exist"), refused.body());

        SwitchboardFixture.Answer enabled = fx.call("PATCH", "/api/v1/connectors/" + ids.get(0), "{\"disabled\": false}");
        assertEquals(200, enabled.status(), enabled.body());
        problems.addAll(SupermetalStatusTypes.pipelineProblems(enabled.json(), "update"));
        SwitchboardFixture.Answer started = fx.call("POST", "/api/v1/connector/command/" + ids.get(1), "{\"command\": \"Start\"}");
        assertEquals(202, started.status(), started.body());

        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            String database = databases.get(i);
            String schema = "mirror_" + database;
            String how = database + " on PostgreSQL " + major;
            WAIT.until("realtime (" + how + ")", () -> read(id), p -> p.path("status").path("state").has("realtime"));
            for (String table : List.of("orders", "measures")) {
                WAIT.until(table + " copied (" + how + ")", () -> postgres.digest("wh", schema + "." + table), postgres.digest(database, table)::equals);
            }
            assertEquals(List.of("0"), postgres.query("wh", "SELECT count(*) FROM pg_tables WHERE schemaname = '" + schema
                    + "' AND tablename IN ('nokey', 'theirs', 'measures_2025', 'measures_2026')"), "left out, and partitions under their root: " + how);
            assertEquals(List.of("0"), postgres.query(database, "SELECT count(*) FROM pg_publication_tables WHERE pubname = '"
                    + PipelineCompiler.slotName(id) + "' AND tablename IN ('nokey', 'theirs')"), "nothing left out is published: " + how);

            // Changes stream, and a partitioned table made while it runs replicates under its root's name.
            postgres.sql(database, "INSERT INTO orders VALUES (501, 'late')", "UPDATE orders SET label = 'edited' WHERE id = 7",
                    "DELETE FROM orders WHERE id = 8", "INSERT INTO nokey VALUES (51, 'late')",
                    "INSERT INTO measures VALUES (101, DATE '2026-03-01', 1)",
                    "CREATE TABLE events (id int NOT NULL, at date NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)",
                    "CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
                    "ALTER TABLE events OWNER TO " + REPLICATOR, "ALTER TABLE events_2026 OWNER TO " + REPLICATOR);
            WAIT.until("events published (" + how + ")", () -> postgres.query(database, "SELECT count(*) FROM pg_publication_tables WHERE pubname = '"
                    + PipelineCompiler.slotName(id) + "' AND tablename = 'events'"), List.of("1")::equals);
            postgres.sql(database, "INSERT INTO events SELECT g, DATE '2026-02-01' + g FROM generate_series(1, 30) g");
            for (String table : List.of("orders", "measures", "events")) {
                WAIT.until(table + " streamed (" + how + ")", () -> postgres.digest("wh", schema + "." + table), postgres.digest(database, table)::equals);
            }

            // The list comes from the status's own cached reading of the catalog: waited for, not read once.
            Set<String> expected = Set.of("public.big_orders: create the view in the target from the tables copied there",
                    "public.nokey: ALTER TABLE public.nokey ADD PRIMARY KEY (<columns>)",
                    "public.theirs: ALTER TABLE public.theirs OWNER TO " + REPLICATOR + ", or have an administrator make a publication"
                            + " of the tables and name it in publication_name");
            WAIT.until("the tables left out listed (" + how + ")", () -> {
                Set<String> listed = new TreeSet<>();
                read(id).path("status").path("state").path("realtime").path("tables_left_out").forEach(t -> listed.add(t.path("table").asText() + ": " + t.path("fix").asText()));
                return listed;
            }, expected::equals);
            assertEquals("RUNNING", fx.call("GET", "/connectors/" + PipelineCompiler.sinkName(id) + "/status", null).json()
                    .path("tasks").path(0).path("state").asText(), "never a failed sink: " + how);
            problems.addAll(SupermetalStatusTypes.historyProblems(fx.call("GET", "/api/v1/connector/history/" + id, null).json(), "history"));
            assertEquals(202, fx.call("POST", "/api/v1/connector/command/" + id, "{\"command\": \"ForceDelete\"}").status());
        }
        assertEquals(List.of(), problems);
    }

    /** A read of the pipeline, checked as the vendor's client reads it and never failed. */
    private JsonNode read(String id) {
        JsonNode pipeline = fx.call("GET", "/api/v1/connectors/" + id, null).json();
        problems.addAll(SupermetalStatusTypes.pipelineProblems(pipeline, "get"));
        if (pipeline.path("status").path("status").has("failed")) {
            problems.add("failed: " + pipeline);
        }
        return pipeline;
    }

    private static String body(Postgres postgres, String database, String loader, String schema, boolean disabled) {
        return "{\"id\": \"\", \"disabled\": " + disabled + ", \"source\": {\"postgres\": {\"connection\": "
                + postgres.connectionJson(database, REPLICATOR) + ", \"replication_type\": {\"logical_replication\": {}}}},"
                + " \"sink\": {\"postgres\": {\"connection\": " + postgres.connectionJson("wh", loader) + ", \"target_schema\": \""
                + schema + "\"}}}";
    }
}
