package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.pipelines.PipelineCompiler;
import io.switchboard.testing.Await;
import io.switchboard.testing.Http;
import io.switchboard.testing.Postgres;
import io.switchboard.testing.SharedPostgres;
import io.switchboard.testing.TestUsers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pipeline's two connectors belong to it: no dialect but the pipeline API changes, stops or
 * deletes them, and no connector made elsewhere can claim a pipeline, not even by a restore of the
 * pipeline's own version with its offsets; a password kept hidden is cloned only to the database
 * server it was given for. Real HTTP, a real broker, a real PostgreSQL; requests go as an admin
 * unless they name the editor.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineOwnershipApiTest {
    private static final String HIDDEN = "****************";
    private static final String EDITOR = "erin";
    private static final Await WAIT = Await.atMost(Duration.ofSeconds(120));
    private Postgres postgres;
    private SwitchboardFixture fx;
    private String confluentBase;

    @BeforeAll
    void start() {
        postgres = SharedPostgres.server();
        postgres.createDatabase("own_orders");
        postgres.createDatabase("own_warehouse");
        postgres.sql("own_orders", "CREATE TABLE lines (id int PRIMARY KEY, item text NOT NULL)");
        fx = SwitchboardFixture.withUsers(Map.of("ada", "admin@*", EDITOR, "editor@default"), "ada",
                options -> options.embeddedWorker(true));
        confluentBase = "/connect/v1/environments/env-default/clusters/" + fx.call("GET", "/", null).json().path("kafka_cluster_id").asText();
    }

    @AfterAll
    void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    private Http.Response asEditor(String method, String path, String body) {
        return Http.call(fx.app.url(), method, path, body, Map.of("Authorization", TestUsers.basic(EDITOR)));
    }

    private JsonNode versions(String connector) {
        return fx.call("GET", "/connectors/" + connector + "/history", null).json().path("versions");
    }

    private String connection(String database) {
        return "{\"host\": \"localhost\", \"port\": " + postgres.port() + ", \"user\": \"postgres\", \"password\": \"" + Postgres.PASSWORD
                + "\", \"database\": \"" + database + "\"}";
    }

    private String pipeline() {
        return "{\"source\": {\"postgres\": {\"connection\": " + connection("own_orders")
                + ", \"replication_type\": {\"logical_replication\": {}}}}, \"sink\": {\"postgres\": {\"connection\": "
                + connection("own_warehouse") + "}}}";
    }

    private void createPipeline(String id) {
        SwitchboardFixture.Answer created = fx.call("POST", "/api/v1/connectors/" + id, pipeline());
        assertEquals(201, created.status(), created.body());
    }

    private static void assertConflictNaming(SwitchboardFixture.Answer answer, String message, String what) {
        assertEquals(409, answer.status(), what + ": " + answer.body());
        assertTrue(answer.body().contains(message), what + ": " + answer.body());
    }

    /** What a write could change: its name and config; "type" and "tasks" are the worker's to report, and may arrive meanwhile. */
    private static JsonNode decided(JsonNode connector) {
        ObjectNode kept = ((ObjectNode) connector).objectNode();
        kept.set("name", connector.path("name"));
        kept.set("config", connector.path("config"));
        return kept;
    }

    @Test
    void noDialectButThePipelineApiChangesAPipelinesConnectors() {
        String id = "owned";
        createPipeline(id);
        String source = PipelineCompiler.sourceName(id);
        String sink = PipelineCompiler.sinkName(id);
        JsonNode before = decided(fx.call("GET", "/connectors/" + sink, null).json());
        int versionsBefore = fx.call("GET", "/connectors/" + sink + "/history", null).json().path("versions").size();
        String belongs = "Connector " + sink + " belongs to pipeline " + id + "; change it through /api/v1/connectors/" + id;

        // Kafka Connect's dialect: every write is a 409 in its shape, naming the pipeline.
        List<String[]> writes = List.of(
                new String[] {"DELETE", "/connectors/" + sink, null},
                new String[] {"PUT", "/connectors/" + sink + "/config",
                        "{\"connector.class\": \"io.switchboard.api.RecordingSource\", \"topic\": \"t\"}"},
                new String[] {"PATCH", "/connectors/" + sink + "/config", "{\"tasks.max\": \"4\"}"},
                new String[] {"PATCH", "/connectors/" + sink + "/config", "{\"" + PipelineCompiler.PIPELINE_ID + "\": null}"},
                new String[] {"PUT", "/connectors/" + sink + "/pause", null},
                new String[] {"PUT", "/connectors/" + sink + "/stop", null},
                new String[] {"PUT", "/connectors/" + sink + "/resume", null},
                new String[] {"POST", "/connectors/" + sink + "/restart?includeTasks=true", null},
                new String[] {"DELETE", "/connectors/" + sink + "/offsets", null},
                new String[] {"PUT", "/connectors/" + sink + "/topics/reset", null},
                new String[] {"POST", "/connectors", "{\"name\": \"" + sink + "\", \"config\": "
                        + "{\"connector.class\": \"io.switchboard.api.RecordingSource\", \"topic\": \"t\"}}"});
        for (String[] write : writes) {
            SwitchboardFixture.Answer answer = fx.call(write[0], write[1], write[2]);
            assertConflictNaming(answer, belongs, write[0] + " " + write[1]);
            assertEquals(409, answer.json().path("error_code").asInt(), answer.body());
        }
        assertConflictNaming(fx.call("DELETE", "/clusters/default/connectors/" + source, null), "belongs to pipeline " + id, "scoped");

        // Redpanda's and Confluent's dialects: the same refusal in their shapes.
        SwitchboardFixture.Answer redpanda = fx.call("DELETE", "/v1/kafka-connect/clusters/default/connectors/" + sink, null);
        assertConflictNaming(redpanda, belongs, "Redpanda");
        assertEquals("ABORTED", redpanda.json().path("code").asText(), redpanda.body());
        SwitchboardFixture.Answer confluent = fx.call("DELETE", confluentBase + "/connectors/" + sink, null);
        assertConflictNaming(confluent, belongs, "Confluent");
        assertEquals(409, confluent.json().path("error").path("code").asInt(), confluent.body());

        assertEquals(before, decided(fx.call("GET", "/connectors/" + sink, null).json()), "nothing changed");
        assertEquals(versionsBefore, fx.call("GET", "/connectors/" + sink + "/history", null).json().path("versions").size(),
                "no version was decided: neither a config nor a target state");
        assertEquals(200, fx.call("GET", "/api/v1/connectors/" + id, null).status());

        // The pipeline API changes them as before.
        assertEquals(200, fx.call("PATCH", "/api/v1/connectors/" + id, "{\"disabled\": true}").status());
        assertEquals(202, fx.call("POST", "/api/v1/connector/command/" + id, "{\"command\": \"Restart\"}").status());
        assertEquals(202, fx.call("POST", "/api/v1/connector/command/" + id, "{\"command\": \"ForceDelete\"}").status());
        assertEquals(404, fx.call("GET", "/connectors/" + sink, null).status());
        assertEquals(404, fx.call("GET", "/connectors/" + source, null).status());
    }

    @Test
    void aConfigCannotClaimAPipelineAndAPipelineCannotTakeAConnectorMadeElsewhere() {
        SwitchboardFixture.Answer claimed = fx.call("POST", "/connectors", "{\"name\": \"claims\", \"config\": "
                + "{\"connector.class\": \"io.switchboard.api.RecordingSource\", \"topic\": \"t\", \""
                + PipelineCompiler.PIPELINE_ID + "\": \"someone\"}}");
        assertEquals(400, claimed.status(), claimed.body());
        assertTrue(claimed.body().contains(PipelineCompiler.PIPELINE_ID), claimed.body());
        assertEquals(404, fx.call("GET", "/connectors/claims", null).status());

        String squatted = PipelineCompiler.sinkName("squatted");
        assertEquals(201, fx.call("PUT", "/connectors/" + squatted + "/config",
                "{\"connector.class\": \"io.switchboard.api.RecordingSource\", \"topic\": \"t\"}").status());
        SwitchboardFixture.Answer taken = fx.call("POST", "/api/v1/connectors/squatted", pipeline());
        assertEquals(409, taken.status(), taken.body());
        assertTrue(taken.header("Content-Type").startsWith("application/problem+json"), taken.header("Content-Type"));
        assertTrue(taken.body().contains("does not belong to the pipeline"), taken.body());
        assertEquals("io.switchboard.api.RecordingSource",
                fx.call("GET", "/connectors/" + squatted + "/config", null).json().path("connector.class").asText(), "left as it was");
        assertEquals(204, fx.call("DELETE", "/connectors/" + squatted, null).status());
    }

    /**
     * A restore with offsets stores a config as a put does, so it may not claim a pipeline either: once
     * a pipeline is deleted and an editor makes a connector of its source's name, restoring the offsets
     * reset the pipeline's source left in the history (its config names the pipeline, its offsets
     * were kept) is refused in Kafka Connect's words, nothing is recorded, and the connector stays
     * the editor's to change and delete.
     */
    @Test
    void aRestoreWithOffsetsCannotGiveAConnectorAPipelinesId() {
        String id = "restored";
        String source = PipelineCompiler.sourceName(id);
        createPipeline(id);
        WAIT.until("the pipeline streaming", () -> fx.call("GET", "/api/v1/connectors/" + id, null).json(),
                pipeline -> pipeline.path("status").path("state").has("realtime"));
        // A new run resets the source's offsets: the reset's version keeps the pipeline's config and the offsets it set.
        assertEquals(202, fx.call("POST", "/api/v1/connector/command/" + id, "{\"command\": \"ReIntialize\"}").status());
        JsonNode reset = WAIT.until("the source's offsets reset in its history", () -> {
            JsonNode found = null;
            for (JsonNode version : versions(source)) {
                if ("OffsetsReset".equals(version.path("event").asText())) {
                    found = version;
                }
            }
            return found;
        }, found -> found != null);
        assertEquals(id, reset.path("config").path(PipelineCompiler.PIPELINE_ID).asText(), reset.toString());
        assertTrue(reset.has("offsets"), reset.toString());
        long sequence = reset.path("sequence").asLong();
        assertEquals(202, fx.call("POST", "/api/v1/connector/command/" + id, "{\"command\": \"ForceDelete\"}").status());
        WAIT.until("the pipeline's source deleted", () -> fx.call("GET", "/connectors/" + source, null).status(), status -> status == 404);

        // The editor makes a connector of the source's name, with the database password the restore would take from it.
        Http.Response created = asEditor("POST", "/connectors", "{\"name\": \"" + source + "\", \"config\": "
                + "{\"connector.class\": \"io.switchboard.api.RecordingSource\", \"topic\": \"t\", \"database.password\": \""
                + Postgres.PASSWORD + "\"}}");
        assertEquals(201, created.status(), created.body());
        int versionsBefore = versions(source).size();

        Http.Response restored = asEditor("POST", "/connectors/" + source + "/history/" + sequence + "/restore?offsets=true", null);
        assertEquals(400, restored.status(), "a restore with offsets of the pipeline's version: " + restored.body());
        assertEquals(400, restored.json().path("error_code").asInt(), restored.body());
        assertTrue(restored.json().path("message").asText().contains(PipelineCompiler.PIPELINE_ID + " is set only by the pipeline service"),
                restored.body());

        JsonNode config = asEditor("GET", "/connectors/" + source + "/config", null).json();
        assertFalse(config.has(PipelineCompiler.PIPELINE_ID), "the connector claims no pipeline: " + config);
        assertEquals("io.switchboard.api.RecordingSource", config.path("connector.class").asText(), "left as it was: " + config);
        assertEquals(versionsBefore, versions(source).size(), "no version was decided");
        Http.Response changed = asEditor("PATCH", "/connectors/" + source + "/config", "{\"topic\": \"t2\"}");
        assertEquals(200, changed.status(), changed.body());
        Http.Response deleted = asEditor("DELETE", "/connectors/" + source, null);
        assertEquals(204, deleted.status(), deleted.body());
    }

    @Test
    void cloneFromKeepsAHiddenPasswordForTheServerItWasGivenFor() throws Exception {
        String id = "cloned";
        createPipeline(id);
        JsonNode stored = fx.call("GET", "/api/v1/connectors/" + id, null).json().path("connector");
        assertEquals(HIDDEN, stored.path("source").path("postgres").path("connection").path("password").asText());

        try (ServerSocket elsewhere = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger reached = new AtomicInteger();
            Thread listener = new Thread(() -> {
                while (!elsewhere.isClosed()) {
                    try (Socket ignored = elsewhere.accept()) {
                        reached.incrementAndGet();
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            listener.setDaemon(true);
            listener.start();

            // Another port (a server the caller runs), another database, another user: the password must come again.
            ObjectNode otherPort = stored.deepCopy();
            ((ObjectNode) otherPort.path("source").path("postgres").path("connection")).put("port", elsewhere.getLocalPort());
            ((ObjectNode) otherPort.path("source").path("postgres").path("connection")).put("host", "127.0.0.1");
            ObjectNode otherUser = stored.deepCopy();
            ((ObjectNode) otherUser.path("sink").path("postgres").path("connection")).put("user", "mallory");
            ObjectNode otherDatabase = stored.deepCopy();
            ((ObjectNode) otherDatabase.path("sink").path("postgres").path("connection")).put("database", "postgres");
            Map<ObjectNode, String> attempts = Map.of(otherPort, "source", otherUser, "sink", otherDatabase, "sink");
            for (Map.Entry<ObjectNode, String> attempt : attempts.entrySet()) {
                String side = attempt.getValue();
                SwitchboardFixture.Answer refused = fx.call("POST", "/api/v1/connectors/stolen?clone_from=" + id, attempt.getKey().toString());
                assertEquals(400, refused.status(), refused.body());
                assertTrue(refused.header("Content-Type").startsWith("application/problem+json"), refused.header("Content-Type"));
                Set<String> fields = new HashSet<>();
                refused.json().path("errors").forEach(e -> fields.add(e.path("field").asText()));
                assertTrue(fields.contains(side + ".postgres.connection.password"), refused.body());
                assertTrue(refused.body().contains("must be given again"), refused.body());
            }
            assertEquals(0, reached.get(), "no connection was made with the cloned password");
            assertEquals(404, fx.call("GET", "/api/v1/connectors/stolen", null).status());
        }

        // The same servers, databases and users: the hidden passwords are cloned.
        SwitchboardFixture.Answer clone = fx.call("POST", "/api/v1/connectors/" + id + "-copy?clone_from=" + id, stored.toString());
        assertEquals(201, clone.status(), clone.body());
        for (String pipeline : List.of(id + "-copy", id)) {
            assertEquals(202, fx.call("POST", "/api/v1/connector/command/" + pipeline, "{\"command\": \"ForceDelete\"}").status());
        }
    }
}
