package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testing.Await;
import io.switchboard.testing.Postgres;
import io.switchboard.testing.SharedPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The vendor's pipeline states and what its types accept, on a real worker and PostgreSQL: a
 * pipeline created disabled never runs and reads {@code disabled} from its first answer on (its
 * parts are created stopped), not a stop under way; a schedule is taken on a logical-replication
 * pipeline (the vendor's types have it on every connector, its provider documents no limit); a
 * {@code Restart} of a running pipeline begins a new run, whose {@code run_id} the next read gives.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineVendorStatesApiTest {
    private static final Await WAIT = Await.atMost(Duration.ofSeconds(90));
    private Postgres postgres;
    private SwitchboardFixture fx;

    @BeforeAll
    void start() {
        postgres = SharedPostgres.server();
        postgres.createDatabase("states_src");
        postgres.createDatabase("states_dst");
        postgres.sql("states_src", "CREATE TABLE things (id int PRIMARY KEY, name text NOT NULL)", "INSERT INTO things VALUES (1, 'a')");
        fx = SharedReplica.withWorker();
    }

    private String body(boolean disabled) {
        return "{\"disabled\": " + disabled + ", \"source\": {\"postgres\": {\"connection\": "
                + postgres.connectionJson("states_src", Postgres.USER, Postgres.PASSWORD)
                + ", \"replication_type\": {\"logical_replication\": {}}}}, \"sink\": {\"postgres\": {\"connection\": "
                + postgres.connectionJson("states_dst", Postgres.USER, Postgres.PASSWORD) + ", \"target_schema\": \"public\"}}}";
    }

    private JsonNode read(String id) {
        return fx.call("GET", "/api/v1/connectors/" + id, null).json();
    }

    @Test
    void createdDisabledReadsDisabledAScheduleIsTakenAndARestartIsANewRun() throws Exception {
        SwitchboardFixture.Answer created = fx.call("POST", "/api/v1/connectors", body(true));
        assertEquals(201, created.status(), created.body());
        String id = created.json().path("connector").path("id").asText();
        try {
            // Read as fast as the API answers for 10 s: disabled every time, never shutdown (no stop is under way).
            List<String> states = new ArrayList<>(List.of(created.json().path("status").path("state").fieldNames().next()));
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < until) {
                states.add(read(id).path("status").path("state").fieldNames().next());
            }
            assertEquals(List.of("disabled"), states.stream().distinct().toList(), states.size() + " reads: " + states.stream().distinct().toList());
            assertTrue(read(id).path("status").path("status").has("complete"), read(id).toString());

            // The vendor's types take a schedule on any pipeline.
            SwitchboardFixture.Answer scheduled = fx.call("PATCH", "/api/v1/connectors/" + id,
                    "{\"schedule\": {\"rate\": {\"unit\": \"Hour\", \"value\": 1}}}");
            assertEquals(200, scheduled.status(), scheduled.body());
            assertEquals(1, scheduled.json().path("connector").path("schedule").path("rate").path("value").asInt(), scheduled.body());

            assertEquals(202, fx.call("POST", "/api/v1/connector/command/" + id, "{\"command\": \"Start\"}").status());
            WAIT.until("realtime", () -> read(id), p -> p.path("status").path("state").has("realtime"));
            String running = read(id).path("run_id").asText();

            // A Restart is a new run: the next read gives its run id.
            long asked = System.nanoTime();
            assertEquals(202, fx.call("POST", "/api/v1/connector/command/" + id, "{\"command\": \"Restart\"}").status());
            JsonNode restarted = WAIT.until("a new run id", () -> read(id), p -> !p.path("run_id").asText().equals(running));
            Duration took = Duration.ofNanos(System.nanoTime() - asked);
            assertNotEquals(running, restarted.path("run_id").asText());
            assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "the new run id came after " + took);
            WAIT.until("realtime again", () -> read(id), p -> p.path("status").path("state").has("realtime"));
        } finally {
            assertEquals(202, fx.call("POST", "/api/v1/connector/command/" + id, "{\"command\": \"ForceDelete\"}").status());
        }
    }
}
