package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.pipelines.PipelineCompiler;
import io.switchboard.testing.Http;
import io.switchboard.testing.Await;
import io.switchboard.testing.Postgres;
import io.switchboard.testing.SharedPostgres;
import io.switchboard.testing.TestUsers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pipeline that fails once started, on a real PostgreSQL with non-superuser roles (its publication
 * dropped under it): its status says so in the database's own words, naming the publication, to an
 * editor; a viewer, who sees a config's keys and not its values, reads that it failed and why, with
 * the config's values (the publication's name) hidden, as in a connector's status. A publication of
 * its name that another role made refuses the enable by name.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineFailuresApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REPLICATOR = "shop_replicator";
    private static final String LOADER = "dw_loader";
    private Postgres postgres;
    private SwitchboardFixture fx;

    @BeforeAll
    void start() throws IOException {
        postgres = SharedPostgres.server();
        postgres.createDatabase("fail_shop");
        postgres.createDatabase("dw");
        postgres.createRole(REPLICATOR, "REPLICATION");
        postgres.createRole(LOADER);
        postgres.sql("postgres", "ALTER DATABASE fail_shop OWNER TO " + REPLICATOR, "GRANT CREATE ON DATABASE dw TO " + LOADER);
        postgres.sql("fail_shop", "CREATE TABLE items (id int PRIMARY KEY, label text NOT NULL)", "ALTER TABLE items OWNER TO " + REPLICATOR,
                "INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 20) g");
        Map<String, String> grants = new LinkedHashMap<>();
        grants.put("vera", "viewer@default");
        grants.put("erin", "editor@default");
        Path users = TestUsers.write(Files.createTempDirectory("switchboard-pipeline-failures"), grants);
        fx = new SwitchboardFixture(options -> options.embeddedWorker(true).flags("--users-file", users.toString()));
    }

    @AfterAll
    void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    private Http.Response as(String user, String method, String path, String body) {
        return Http.call(fx.app.url(), method, path, body, Map.of("Authorization", TestUsers.basic(user)));
    }

    private JsonNode read(String user, String id) {
        try {
            return JSON.readTree(as(user, "GET", "/api/v1/connectors/" + id, null).body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final Await WAIT = Await.atMost(Duration.ofSeconds(120));

    private static <T> T eventually(String what, Supplier<T> probe, Predicate<T> done) {
        return WAIT.until(what, probe::get, done);
    }

    /**
     * A publication of the pipeline's name that another role made: the pipeline cannot build its own, so
     * enabling it is refused before anything starts, in plain words naming the publication and its owner.
     */
    @Test
    void anotherRolesPublicationOfThePipelinesNameRefusesTheEnableByName() throws Exception {
        Http.Response created = as("erin", "POST", "/api/v1/connectors", "{\"disabled\": true, \"source\": {\"postgres\": {\"connection\": "
                + postgres.connectionJson("fail_shop", REPLICATOR) + ", \"replication_type\": {\"logical_replication\": {}}}},"
                + " \"sink\": {\"postgres\": {\"connection\": " + postgres.connectionJson("dw", LOADER) + ", \"target_schema\": \"copies\"}}}");
        assertEquals(201, created.status(), created.body());
        String id = JSON.readTree(created.body()).path("connector").path("id").asText();
        String publication = PipelineCompiler.slotName(id);
        postgres.sql("fail_shop", "CREATE PUBLICATION " + publication + " FOR TABLE items");
        Http.Response refused = as("erin", "PATCH", "/api/v1/connectors/" + id, "{\"disabled\": false}");
        assertEquals(400, refused.status(), refused.body());
        assertTrue(refused.body().contains("publication " + publication + " exists and belongs to role postgres"), refused.body());
        Http.Response started = as("erin", "POST", "/api/v1/connector/command/" + id, "{\"command\": \"Start\"}");
        assertEquals(400, started.status(), "Start takes the same way: " + started.body());
        postgres.sql("fail_shop", "DROP PUBLICATION " + publication);
        assertEquals(202, as("erin", "POST", "/api/v1/connector/command/" + id, "{\"command\": \"ForceDelete\"}").status());
    }

    @Test
    void aPublicationDroppedUnderARunningPipelineIsReportedInTheDatabasesWords() throws Exception {
        postgres.createDatabase("till");
        postgres.sql("postgres", "ALTER DATABASE till OWNER TO " + REPLICATOR);
        postgres.sql("till", "CREATE TABLE sales (id int PRIMARY KEY, label text NOT NULL)", "ALTER TABLE sales OWNER TO " + REPLICATOR,
                "INSERT INTO sales SELECT g, 'sale ' || g FROM generate_series(1, 20) g");
        Http.Response created = as("erin", "POST", "/api/v1/connectors", "{\"source\": {\"postgres\": {\"connection\": "
                + postgres.connectionJson("till", REPLICATOR) + ", \"replication_type\": {\"logical_replication\": {}}}},"
                + " \"sink\": {\"postgres\": {\"connection\": " + postgres.connectionJson("dw", LOADER) + ", \"target_schema\": \"tills\"}}}");
        assertEquals(201, created.status(), created.body());
        String id = JSON.readTree(created.body()).path("connector").path("id").asText();
        String publication = PipelineCompiler.slotName(id);
        eventually("the rows copied", () -> postgres.digest("dw", "tills.sales"), postgres.digest("till", "sales")::equals);
        eventually("realtime", () -> read("erin", id), r -> r.path("status").path("state").has("realtime"));
        // The phase watcher samples the pipeline's reading every few seconds: the drop waits until it has recorded
        // realtime, so that the failure's recorded change is from realtime (and not from a snapshot it last saw).
        eventually("realtime recorded as a phase change", () -> phaseChangeTo(id, "realtime"), c -> c != null);

        postgres.sql("till", "DROP PUBLICATION " + publication, "INSERT INTO sales VALUES (21, 'after the drop')");
        JsonNode editors = eventually("the failure", () -> read("erin", id), r -> r.path("status").path("status").has("failed"));
        String reason = editors.path("status").path("status").path("failed").path("reason").asText();
        assertTrue(reason.startsWith("source: the database refused: ERROR: publication \"" + publication + "\" does not exist"), reason);
        assertTrue(editors.path("status").path("state").has("shutdown"), "the state agrees (the vendor has no failed state): " + editors);
        JsonNode viewers = read("vera", id);
        assertTrue(viewers.path("status").path("status").path("failed").path("reason").asText().contains("does not exist"), viewers.toString());
        assertFalse(viewers.toString().contains(publication), "a viewer reads no config value: " + viewers);
        // Recorded as a change of phase, with the database's words as its cause, not only shown when read.
        JsonNode change = eventually("the failure recorded as a phase change", () -> phaseChangeTo(id, "failed"), c -> c != null);
        assertEquals("realtime", change.path("previous").asText(), change.toString());
        assertTrue(change.path("cause").asText().contains("publication \"" + publication + "\" does not exist"), change.toString());

        assertEquals(202, as("erin", "POST", "/api/v1/connector/command/" + id, "{\"command\": \"ForceDelete\"}").status());
    }

    /**
     * A table another role owns, made while the pipeline runs: an editor reads it listed with the
     * fix naming the source's user; a viewer reads it listed too (table names are shown to viewers,
     * as the table being copied is), with the source's user left out of the fix and nowhere else.
     */
    @Test
    void aViewerReadsTheTablesLeftOutWithoutTheSourcesUser() throws Exception {
        postgres.createDatabase("fail_depot");
        postgres.sql("postgres", "ALTER DATABASE fail_depot OWNER TO " + REPLICATOR);
        postgres.sql("fail_depot", "CREATE TABLE stock (id int PRIMARY KEY)", "ALTER TABLE stock OWNER TO " + REPLICATOR);
        Http.Response created = as("erin", "POST", "/api/v1/connectors", "{\"source\": {\"postgres\": {\"connection\": "
                + postgres.connectionJson("fail_depot", REPLICATOR) + ", \"replication_type\": {\"logical_replication\": {}}}},"
                + " \"sink\": {\"postgres\": {\"connection\": " + postgres.connectionJson("dw", LOADER) + ", \"target_schema\": \"depots\"}}}");
        assertEquals(201, created.status(), created.body());
        String id = JSON.readTree(created.body()).path("connector").path("id").asText();
        eventually("realtime", () -> read("erin", id), r -> r.path("status").path("state").has("realtime"));
        postgres.sql("fail_depot", "CREATE TABLE audit (id int PRIMARY KEY)", "ALTER TABLE audit OWNER TO " + LOADER);

        JsonNode editors = eventually("the table listed", () -> read("erin", id),
                r -> r.path("status").path("state").path("realtime").path("tables_left_out").size() == 1);
        JsonNode listed = editors.path("status").path("state").path("realtime").path("tables_left_out").get(0);
        assertEquals("public.audit", listed.path("table").asText(), editors.toString());
        assertTrue(listed.path("fix").asText().startsWith("ALTER TABLE public.audit OWNER TO " + REPLICATOR), listed.toString());
        JsonNode viewers = read("vera", id);
        JsonNode shown = viewers.path("status").path("state").path("realtime").path("tables_left_out").get(0);
        assertEquals("public.audit", shown.path("table").asText(), viewers.toString());
        assertTrue(shown.path("fix").asText().startsWith("ALTER TABLE public.audit OWNER TO <the pipeline's source user>"), shown.toString());
        assertFalse(viewers.toString().contains(REPLICATOR), "a viewer reads no config value: " + viewers);
        JsonNode recorded = eventually("the table recorded", () -> {
            try {
                return JSON.readTree(as("vera", "GET", "/api/v1/connector/history/" + id, null).body());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, h -> h.toString().contains("table_left_out"));
        assertTrue(recorded.toString().contains("public.audit") && !recorded.toString().contains(REPLICATOR), recorded.toString());

        assertEquals(202, as("erin", "POST", "/api/v1/connector/command/" + id, "{\"command\": \"ForceDelete\"}").status());
    }

    /** The latest change of the pipeline's phase to {@code phase} its source connector's history records, or null. */
    private JsonNode phaseChangeTo(String id, String phase) {
        try {
            JsonNode versions = JSON.readTree(as("erin", "GET", "/connectors/" + PipelineCompiler.sourceName(id) + "/history", null).body())
                    .path("versions");
            JsonNode found = null;
            for (JsonNode version : versions) {
                if ("PipelinePhaseChanged".equals(version.path("event").asText()) && phase.equals(version.path("phase").path("phase").asText())) {
                    found = version.path("phase");
                }
            }
            return found;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
