package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.pipelines.HeartbeatTable;
import io.switchboard.pipelines.PipelineCompiler;
import io.switchboard.testing.Await;
import io.switchboard.testing.Postgres;
import io.switchboard.testing.SharedPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pipeline's lag as its status says it, over real HTTP with a real PostgreSQL and a source role
 * that is not a superuser: with a publication of its own, a heartbeat moves its slot on while its
 * tables are quiet and other databases write, and gives the lag in seconds from the target; with an
 * administrator's publication, no heartbeat, and the lag in bytes only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineLagApiTest {
    private static final Await WAIT = Await.atMost(Duration.ofSeconds(90));
    private static final String REPLICATOR = "lag_replicator";
    private Postgres postgres;
    private SwitchboardFixture fx;

    @BeforeAll
    void start() {
        postgres = SharedPostgres.server();
        postgres.createDatabase("lag_lake");
        postgres.createRole(REPLICATOR, "REPLICATION");
        fx = SharedReplica.withWorker();
    }

    private String connection(String database, String user) {
        return postgres.connectionJson(database, user);
    }

    /** A pipeline from database {@code from}, read as the replication role, to schema {@code schema} of the lake. */
    private String pipeline(String from, String replication, String schema) {
        return "{\"source\": {\"postgres\": {\"connection\": " + connection(from, REPLICATOR) + ", \"replication_type\": "
                + replication + "}}, \"sink\": {\"postgres\": {\"connection\": " + connection("lag_lake", Postgres.USER)
                + ", \"target_schema\": \"" + schema + "\"}}}";
    }

    /** A query of the target, answered with nothing while what it reads does not exist yet. */
    private List<String> lake(String sql) {
        try {
            return postgres.query("lag_lake", sql);
        } catch (IllegalStateException e) {
            return List.of();
        }
    }

    private static void assertProblem(SwitchboardFixture.Answer answer, int status, String field) {
        assertEquals(status, answer.status(), answer.body());
        assertTrue(answer.header("Content-Type").startsWith("application/problem+json"), answer.header("Content-Type"));
        assertTrue(answer.body().contains("\"" + field + "\""), field + " in " + answer.body());
    }

    /**
     * A pipeline whose tables are quiet while another database writes WAL: its heartbeat moves its
     * slot on, so lag_bytes comes back down instead of counting WAL that is not its own, and
     * lag_seconds, read from the heartbeat in the target, stays small.
     */
    @Test
    void aQuietPipelineKeepsItsSlotMovingWhileOtherDatabasesWriteWal() throws Exception {
        postgres.createDatabase("ledger");
        postgres.createDatabase("noise");
        postgres.sql("postgres", "ALTER DATABASE ledger OWNER TO " + REPLICATOR);
        postgres.sql("ledger", "CREATE TABLE entries (id int PRIMARY KEY, amount int NOT NULL)", "INSERT INTO entries VALUES (1, 10)",
                "ALTER TABLE entries OWNER TO " + REPLICATOR);
        postgres.sql("noise", "CREATE TABLE churn (id bigserial PRIMARY KEY, payload text)");
        postgres.sql("lag_lake", "CREATE SCHEMA books");
        String body = pipeline("ledger", "{\"logical_replication\": {}}", "books");
        // Another pipeline's heartbeat, made by another role: not this pipeline's to capture, and its schema not this role's.
        postgres.sql("ledger", "CREATE SCHEMA switchboard", "CREATE TABLE switchboard.sb_heartbeat_other (id int PRIMARY KEY, at timestamptz)");
        SwitchboardFixture.Answer refused = fx.call("POST", "/api/v1/connectors", body);
        assertProblem(refused, 400, "source.postgres.connection.user");
        assertTrue(refused.body().contains("GRANT USAGE, CREATE ON SCHEMA switchboard TO " + REPLICATOR), refused.body());
        postgres.sql("ledger", "GRANT USAGE, CREATE ON SCHEMA switchboard TO " + REPLICATOR);
        SwitchboardFixture.Answer created = fx.call("POST", "/api/v1/connectors", body);
        assertEquals(201, created.status(), created.body());
        String id = created.json().path("connector").path("id").asText();
        String heartbeat = "switchboard." + HeartbeatTable.table(id);
        Supplier<JsonNode> realtime = () -> fx.call("GET", "/api/v1/connectors/" + id, null).json().path("status").path("state")
                .path("realtime");
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread churn = new Thread(() -> {
            while (writing.get()) {
                postgres.sql("noise", "INSERT INTO churn (payload) VALUES (repeat('x', 500))");
                try {
                    Thread.sleep(200); // on purpose: a trickle of writes, five a second
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            postgres.sql("ledger", "INSERT INTO entries VALUES (2, 20)");
            WAIT.until("the change", () -> lake("SELECT amount FROM books.entries WHERE id = 2"), r -> r.equals(List.of("20")));
            WAIT.until("lag in seconds", realtime::get, r -> r.has("lag_seconds"));
            assertEquals(List.of("public.entries," + heartbeat), postgres.query("ledger", "SELECT string_agg(schemaname || '.' || tablename, ','"
                    + " ORDER BY schemaname, tablename) FROM pg_publication_tables WHERE pubname = '" + PipelineCompiler.slotName(id) + "'"));
            assertEquals(List.of(REPLICATOR), postgres.query("ledger", "SELECT tableowner FROM pg_tables WHERE schemaname || '.' || tablename = '"
                    + heartbeat + "'"), "the heartbeat table is the pipeline's role's own");
            // The pipeline's tables are quiet from here; another database writes, a burst then a trickle.
            String before = postgres.query("noise", "SELECT pg_current_wal_lsn()").get(0);
            postgres.sql("noise", "INSERT INTO churn (payload) SELECT repeat('x', 200) FROM generate_series(1, 40000)");
            long burst = Long.parseLong(postgres.query("noise", "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '" + before + "')::bigint").get(0));
            churn.start();
            // Readings are kept for 2 s, and while a refresh takes longer than half a second (a loaded
            // machine) a read answers the kept one up to 10 s old (DatabaseReadings.STALE_AT_MOST): from
            // 10.5 s on, every reading answered was made after the burst.
            Thread.sleep(10_500); // on purpose: outlives every reading that may be answered (the time is the point)
            List<String> seen = new ArrayList<>();
            JsonNode settled = WAIT.until("lag_bytes back below the burst of " + burst + " bytes", () -> {
                JsonNode r = realtime.get();
                seen.add(r.path("lag_bytes").asText() + "B/" + r.path("lag_seconds").asText() + "s");
                return r;
            }, r -> r.path("lag_bytes").isIntegralNumber() && r.path("lag_bytes").asLong() < Math.min(1_000_000, burst / 4));
            System.out.println("Quiet pipeline under " + burst + " bytes of other WAL, then a trickle: " + seen);
            assertTrue(settled.path("lag_seconds").asDouble() < 10, "the target is seconds behind, no more: " + settled);
            // Bounded while the other database goes on writing: each heartbeat moves the slot on again.
            Await.holds("the lag bounded (under 1 MB and 10 s) while the other database writes", Duration.ofSeconds(8), realtime::get,
                    r -> r.path("lag_bytes").asLong() < 1_000_000 && r.path("lag_seconds").asDouble() < 10);
        } finally {
            writing.set(false);
            churn.join(5_000);
            assertEquals(202, fx.call("POST", "/api/v1/connector/command/" + id, "{\"command\": \"Delete\"}").status());
        }
        assertEquals(List.of("t"), postgres.query("ledger", "SELECT to_regclass('" + heartbeat + "') IS NULL"), "dropped with the slot");
        assertEquals(List.of("t"), postgres.query("lag_lake", "SELECT to_regclass('books." + HeartbeatTable.table(id)
                + "') IS NULL"), "its copy too");
    }

    /**
     * With a publication an administrator made, the pipeline cannot add a heartbeat table to it:
     * it makes none, and says the lag in bytes only, never a lag in seconds it cannot read.
     */
    @Test
    void aPipelineOnAnAdministratorsPublicationShowsLagInBytesOnly() throws Exception {
        postgres.createDatabase("lag_depot");
        postgres.sql("lag_depot", "CREATE TABLE parcels (id int PRIMARY KEY, weight int NOT NULL)", "INSERT INTO parcels VALUES (1, 3)",
                "CREATE PUBLICATION depot_pub FOR TABLE parcels", "GRANT SELECT ON parcels TO " + REPLICATOR);
        postgres.sql("lag_lake", "CREATE SCHEMA freight");
        SwitchboardFixture.Answer created = fx.call("POST", "/api/v1/connectors",
                pipeline("lag_depot", "{\"logical_replication\": {\"publication_name\": \"depot_pub\"}}", "freight"));
        assertEquals(201, created.status(), created.body());
        String id = created.json().path("connector").path("id").asText();
        try {
            WAIT.until("the snapshot", () -> lake("SELECT weight FROM freight.parcels"), r -> r.equals(List.of("3")));
            postgres.sql("lag_depot", "INSERT INTO parcels VALUES (2, 5)");
            WAIT.until("the change", () -> lake("SELECT weight FROM freight.parcels WHERE id = 2"), r -> r.equals(List.of("5")));
            WAIT.until("realtime with its lag in bytes", () -> fx.call("GET", "/api/v1/connectors/" + id, null).json()
                    .path("status").path("state").path("realtime"), r -> r.has("lag_bytes"));
            Await.holds("no lag in seconds without a heartbeat table", Duration.ofSeconds(3),
                    () -> fx.call("GET", "/api/v1/connectors/" + id, null).json().path("status").path("state").path("realtime"),
                    r -> !r.has("lag_seconds"));
            assertEquals(List.of("t"), postgres.query("lag_depot", "SELECT to_regclass('switchboard." + HeartbeatTable.table(id) + "') IS NULL"));
            assertEquals(List.of("public.parcels"), postgres.query("lag_depot", "SELECT schemaname || '.' || tablename FROM pg_publication_tables"
                    + " WHERE pubname = 'depot_pub'"), "the administrator's publication as it was");
        } finally {
            assertEquals(202, fx.call("POST", "/api/v1/connector/command/" + id, "{\"command\": \"Delete\"}").status());
        }
        assertEquals(List.of("1"), postgres.query("lag_depot", "SELECT count(*) FROM pg_publication WHERE pubname = 'depot_pub'"),
                "an administrator's publication is not the pipeline's to drop");
    }
}
