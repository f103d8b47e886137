package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.pipelines.FailureReasons;
import io.switchboard.pipelines.PipelineCompiler;
import io.switchboard.pipelines.PostgresConnection;
import io.switchboard.pipelines.SlotCleanup;
import io.switchboard.testing.Await;
import io.switchboard.testing.Postgres;
import io.switchboard.testing.SharedPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Postgres to Postgres through Switchboard with the Debezium connectors the build ships: a real
 * PostgreSQL with logical replication, a pipeline compiled to Debezium's source and JDBC sink and
 * created through Kafka Connect's API, rows snapshotted, then inserts, updates and deletes
 * replicated; stopped and resumed with no row lost or doubled; deleted, and its slot dropped.
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresReplicationTest {
    private static final Await WAIT = Await.atMost(Duration.ofSeconds(90));
    private Postgres postgres;
    private SwitchboardFixture fx;

    @BeforeAll
    void start() {
        postgres = SharedPostgres.server();
        postgres.createDatabase("repl_shop");
        postgres.createDatabase("repl_warehouse");
        postgres.sql("repl_shop", "CREATE TABLE orders (id int PRIMARY KEY, item text NOT NULL, qty int NOT NULL)",
                "INSERT INTO orders VALUES (1, 'apple', 3), (2, 'pear', 5), (3, 'plum', 7)");
        fx = SharedReplica.withWorker();
    }

    private PostgresConnection database(String name, String password) {
        return new PostgresConnection("localhost", postgres.port(), Postgres.USER, password, name, null);
    }

    private List<String> rows() {
        try {
            return postgres.query("repl_warehouse", "SELECT id || ':' || item || ':' || qty FROM analytics.orders ORDER BY id");
        } catch (IllegalStateException e) {
            return List.of("(no table yet: " + e.getMessage() + ")");
        }
    }

    @Test
    void rowsReplicateAcrossStopAndResumeAndTheSlotGoesWithThePipeline() throws Exception {
        postgres.sql("repl_warehouse", "CREATE SCHEMA analytics");
        PipelineCompiler.Compiled pipeline = PipelineCompiler.compile("p1", database("repl_shop", Postgres.PASSWORD), null, false,
                "public.orders", database("repl_warehouse", Postgres.PASSWORD), "analytics");
        // The sink first, running before its topics exist: it must find them when the source makes them.
        for (var connector : List.of(Map.entry(pipeline.sinkName(), pipeline.sink()), Map.entry(pipeline.sourceName(), pipeline.source()))) {
            SwitchboardFixture.Answer created = fx.call("POST", "/connectors",
                    SwitchboardFixture.json(Map.of("name", connector.getKey(), "config", connector.getValue())));
            assertEquals(201, created.status(), created.body());
            assertEquals("****************", created.json().path("config").path(
                    connector.getKey().endsWith("source") ? "database.password" : "connection.password").asText());
            if (connector.getKey().endsWith("sink")) {
                WAIT.until("the sink's task running", () -> fx.call("GET", "/connectors/" + connector.getKey() + "/status", null).json(),
                        s -> s.path("tasks").path(0).path("state").asText().equals("RUNNING"));
                // The sink polls a while with no topic before the source makes them, and runs on.
                Await.holds("the sink's task running with no topic yet", Duration.ofSeconds(3),
                        () -> fx.call("GET", "/connectors/" + connector.getKey() + "/status", null).json(),
                        s -> s.path("tasks").path(0).path("state").asText().equals("RUNNING"));
            }
        }
        WAIT.until("the snapshot in the target", this::rows, r -> r.equals(List.of("1:apple:3", "2:pear:5", "3:plum:7")));

        postgres.sql("repl_shop", "INSERT INTO orders VALUES (4, 'fig', 1), (5, 'kiwi', 2)", "UPDATE orders SET qty = 30 WHERE id = 3",
                "DELETE FROM orders WHERE id = 1");
        WAIT.until("inserts, an update and a delete", this::rows,
                r -> r.equals(List.of("2:pear:5", "3:plum:30", "4:fig:1", "5:kiwi:2")));

        // Stopped, the source keeps its slot; what is written meanwhile arrives once it resumes, once.
        for (String name : List.of(pipeline.sourceName(), pipeline.sinkName())) {
            assertEquals(204, fx.call("PUT", "/connectors/" + name + "/stop", null).status());
        }
        for (String name : List.of(pipeline.sourceName(), pipeline.sinkName())) {
            WAIT.until(name + " stopped", () -> fx.call("GET", "/connectors/" + name + "/status", null).json(),
                    s -> s.path("connector").path("state").asText().equals("STOPPED"));
        }
        postgres.sql("repl_shop", "INSERT INTO orders VALUES (6, 'lime', 4), (7, 'date', 9)");
        assertEquals(List.of("1"), postgres.query("repl_shop",
                "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + PipelineCompiler.slotName("p1") + "'"));
        for (String name : List.of(pipeline.sourceName(), pipeline.sinkName())) {
            assertEquals(202, fx.call("PUT", "/connectors/" + name + "/resume", null).status());
        }
        WAIT.until("the rows written while stopped, once", this::rows,
                r -> r.equals(List.of("2:pear:5", "3:plum:30", "4:fig:1", "5:kiwi:2", "6:lime:4", "7:date:9")));
        assertEquals(List.of("6"), postgres.query("repl_warehouse", "SELECT count(*) FROM analytics.orders"));

        for (String name : List.of(pipeline.sourceName(), pipeline.sinkName())) {
            assertEquals(204, fx.call("DELETE", "/connectors/" + name, null).status());
        }
        String slot = PipelineCompiler.slotName("p1");
        // The slot is in use until the worker has stopped the deleted connector's task.
        WAIT.until("the slot and publication dropped", () -> {
            try {
                SlotCleanup.drop(database("repl_shop", Postgres.PASSWORD), slot, slot);
                return postgres.query("repl_shop", "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "'");
            } catch (SQLException e) {
                return List.of(e.getMessage());
            }
        }, r -> r.equals(List.of("0")));
        assertEquals(List.of("0"), postgres.query("repl_shop", "SELECT count(*) FROM pg_publication WHERE pubname = '" + slot + "'"));
    }

    @Test
    void aWrongPasswordIsRefusedAtCreateInPlainWords() {
        PipelineCompiler.Compiled pipeline = PipelineCompiler.compile("p2", database("repl_shop", "wrong"), null, false,
                "public.orders", database("repl_warehouse", Postgres.PASSWORD), "public");
        SwitchboardFixture.Answer refused = fx.call("POST", "/connectors",
                SwitchboardFixture.json(Map.of("name", pipeline.sourceName(), "config", pipeline.source())));
        assertEquals(400, refused.status(), refused.body());
        assertTrue(!refused.body().contains("wrong"), "the password is not repeated");
        assertEquals("authentication refused: the user name or password is wrong",
                FailureReasons.of(refused.json().path("message").asText()), refused.body());
        JsonNode list = fx.call("GET", "/connectors", null).json();
        assertTrue(!list.toString().contains(pipeline.sourceName()), "nothing stored");
    }
}
