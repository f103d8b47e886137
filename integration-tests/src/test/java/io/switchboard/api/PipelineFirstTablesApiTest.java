package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.pipelines.PipelineCompiler;
import io.switchboard.testing.Await;
import io.switchboard.testing.Postgres;
import io.switchboard.testing.SharedPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pipelines on databases as teams have them, with non-superuser roles on a real PostgreSQL: a
 * pipeline created (disabled, as a draft) before the application's first table exists, then tables
 * and rows, then enabled, copies them all into a target schema that did not exist (the sink's role
 * may create it, so it is created); a sink role that may not create the target schema, or tables
 * in it, is refused before anything is stored, naming what is missing and the SQL that grants it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineFirstTablesApiTest {
    private static final Await WAIT = Await.atMost(Duration.ofSeconds(120));
    private static final String REPLICATOR = "app_replicator";
    private static final String LOADER = "wh_loader";
    private static final String STRANGER = "wh_stranger";
    private Postgres postgres;
    private SwitchboardFixture fx;

    @BeforeAll
    void start() {
        postgres = SharedPostgres.server();
        postgres.createDatabase("app");
        postgres.createDatabase("wh");
        postgres.createRole(REPLICATOR, "REPLICATION");
        postgres.createRole(LOADER);
        postgres.createRole(STRANGER);
        postgres.sql("postgres", "ALTER DATABASE app OWNER TO " + REPLICATOR, "GRANT CREATE ON DATABASE wh TO " + LOADER);
        postgres.sql("wh", "CREATE SCHEMA locked");
        fx = SharedReplica.withWorker();
    }

    private String pipeline(boolean disabled, String sinkUser, String targetSchema) {
        return pipeline("app", disabled, sinkUser, targetSchema);
    }

    private String pipeline(String database, boolean disabled, String sinkUser, String targetSchema) {
        return "{\"disabled\": " + disabled + ", \"source\": {\"postgres\": {\"connection\": " + postgres.connectionJson(database, REPLICATOR)
                + ", \"replication_type\": {\"logical_replication\": {}}}}, \"sink\": {\"postgres\": {\"connection\": "
                + postgres.connectionJson("wh", sinkUser) + ", \"target_schema\": \"" + targetSchema + "\"}}}";
    }

    @Test
    void aPipelineCreatedDisabledBeforeAnyTableCopiesTheTablesMadeBeforeItIsEnabledIntoASchemaItCreates() throws Exception {
        SwitchboardFixture.Answer created = fx.call("POST", "/api/v1/connectors", pipeline(true, LOADER, "fresh"));
        assertEquals(201, created.status(), created.body());
        String id = created.json().path("connector").path("id").asText();

        // The application's first migration, run by its own role in production: here the tables' owner is the replicator.
        postgres.sql("app", "CREATE TABLE orders (id int PRIMARY KEY, label text NOT NULL)",
                "CREATE TABLE notes (id bigint PRIMARY KEY, label text)",
                "ALTER TABLE orders OWNER TO " + REPLICATOR, "ALTER TABLE notes OWNER TO " + REPLICATOR,
                "INSERT INTO orders SELECT g, 'order ' || g FROM generate_series(1, 500) g",
                "INSERT INTO notes SELECT g, md5(g::text) FROM generate_series(1, 50) g");
        assertEquals(List.of("0"), postgres.query("wh", "SELECT count(*) FROM pg_namespace WHERE nspname = 'fresh'"));

        SwitchboardFixture.Answer enabled = fx.call("PATCH", "/api/v1/connectors/" + id, "{\"disabled\": false}");
        assertEquals(200, enabled.status(), enabled.body());
        assertEquals(List.of(LOADER), postgres.query("wh", "SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'fresh'"),
                "the sink's role made the target schema");
        String orders = postgres.digest("app", "orders");
        WAIT.until("the snapshot of orders", () -> postgres.digest("wh", "fresh.orders"), orders::equals);
        WAIT.until("the snapshot of notes", () -> postgres.digest("wh", "fresh.notes"), postgres.digest("app", "notes")::equals);

        postgres.sql("app", "INSERT INTO orders VALUES (501, 'late order')", "UPDATE notes SET label = 'edited' WHERE id = 7");
        WAIT.until("the changes", () -> postgres.digest("wh", "fresh.orders") + " " + postgres.digest("wh", "fresh.notes"),
                (postgres.digest("app", "orders") + " " + postgres.digest("app", "notes"))::equals);
        // The status follows the workers' reports, which may reach the replica after the rows reach the target.
        JsonNode read = WAIT.until("the pipeline realtime", () -> fx.call("GET", "/api/v1/connectors/" + id, null).json(),
                r -> r.path("status").path("state").has("realtime"));
        assertTrue(read.path("status").path("state").has("realtime"), read.toString());

        assertEquals(202, fx.call("POST", "/api/v1/connector/command/" + id, "{\"command\": \"ForceDelete\"}").status());
    }

    @Test
    void aSinkRoleThatMayNotCreateTheTargetSchemaOrTablesInItIsToldWhichAndTheSqlThatGrantsIt() {
        SwitchboardFixture.Answer missing = fx.call("POST", "/api/v1/connectors", pipeline(true, STRANGER, "nowhere"));
        assertEquals(400, missing.status(), missing.body());
        assertTrue(missing.body().contains("sink.postgres.target_schema"), missing.body());
        assertTrue(missing.body().contains("schema nowhere does not exist in database wh")
                && missing.body().contains("GRANT CREATE ON DATABASE wh TO " + STRANGER), missing.body());

        SwitchboardFixture.Answer locked = fx.call("POST", "/api/v1/connectors", pipeline(true, STRANGER, "locked"));
        assertEquals(400, locked.status(), locked.body());
        assertTrue(locked.body().contains("GRANT USAGE, CREATE ON SCHEMA locked TO " + STRANGER), locked.body());

        // From PostgreSQL 15, public grants no CREATE to every role.
        if (Integer.parseInt(postgres.query("wh", "SHOW server_version_num").get(0)) >= 150000) {
            SwitchboardFixture.Answer open = fx.call("POST", "/api/v1/connectors", pipeline(true, STRANGER, "public"));
            assertEquals(400, open.status(), open.body());
            assertTrue(open.body().contains("GRANT USAGE, CREATE ON SCHEMA public TO " + STRANGER), open.body());
        }
    }

    @Test
    void aDatabaseNameCarryingDriverParametersIsRefusedBeforeAnyConnection() {
        // Security review N7: "postgres?ApplicationName=X&" set driver parameters and turned VerifyFull into a plaintext connection.
        String injected = "{\"connection\": {\"host\": \"localhost\", \"port\": " + postgres.port() + ", \"user\": \"" + LOADER
                + "\", \"password\": \"" + Postgres.PASSWORD + "\", \"database\": \"wh?ApplicationName=INJECTED&\","
                + " \"ssl_mode\": \"VerifyFull\"}}";
        SwitchboardFixture.Answer validated = fx.call("POST", "/api/v1/validate/sink", injected);
        assertEquals(400, validated.status(), validated.body());
        assertTrue(validated.body().contains("database"), validated.body());
        assertEquals(List.of("0"), postgres.query("postgres",
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'INJECTED'"));
    }

    @Test
    void aPipelineOnAnEmptyDatabaseSaysNoTablesYetAndTakesTablesCreatedWhileItRuns() throws Exception {
        postgres.createDatabase("late");
        postgres.sql("postgres", "ALTER DATABASE late OWNER TO " + REPLICATOR);
        SwitchboardFixture.Answer created = fx.call("POST", "/api/v1/connectors", pipeline("late", false, LOADER, "latecopy"));
        assertEquals(201, created.status(), created.body());
        String id = created.json().path("connector").path("id").asText();
        String publication = PipelineCompiler.slotName(id);
        JsonNode empty = WAIT.until("no tables yet", () -> fx.call("GET", "/api/v1/connectors/" + id, null).json(),
                r -> r.path("status").path("state").path("realtime").path("sub_state").asText().equals("no tables yet"));
        assertFalse(empty.path("status").path("status").has("failed"), empty.toString());

        // A migration while the pipeline runs: the table is added to the publication, then its rows follow.
        postgres.sql("late", "CREATE TABLE events (id int PRIMARY KEY, label text NOT NULL)", "ALTER TABLE events OWNER TO " + REPLICATOR);
        WAIT.until("the new table in the publication", () -> postgres.query("late", "SELECT count(*) FROM pg_publication_tables"
                + " WHERE pubname = '" + publication + "' AND tablename = 'events'"), List.of("1")::equals);
        postgres.sql("late", "INSERT INTO events SELECT g, 'event ' || g FROM generate_series(1, 300) g",
                "UPDATE events SET label = 'edited' WHERE id = 9", "DELETE FROM events WHERE id = 10");
        WAIT.until("the new table's rows", () -> postgres.digest("wh", "latecopy.events"), postgres.digest("late", "events")::equals);
        JsonNode read = WAIT.until("realtime with tables", () -> fx.call("GET", "/api/v1/connectors/" + id, null).json(),
                r -> r.path("status").path("state").has("realtime") && !r.path("status").path("state").path("realtime").has("sub_state"));
        assertFalse(read.path("status").path("status").has("failed"), read.toString());

        assertEquals(202, fx.call("POST", "/api/v1/connector/command/" + id, "{\"command\": \"ForceDelete\"}").status());
    }
}
