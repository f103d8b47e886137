package io.switchboard.api;

import io.switchboard.pipelines.PipelineCompiler;
import io.switchboard.testing.Postgres;
import io.switchboard.testing.SharedPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A typed pipeline's own connectors are checked against the policies in force like any other: a
 * pipeline whose sink breaks a deny policy is refused in the pipeline API's own shape (RFC 9457
 * problem details, {@code invalid-request}) naming the policy and its message, and nothing of it
 * is stored. Real HTTP, a real broker, Streams, a real PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelinePolicyApiTest {
    private Postgres postgres;
    private SwitchboardFixture fx;

    @BeforeAll
    void start() {
        postgres = SharedPostgres.server();
        postgres.createDatabase("policy_orders");
        postgres.createDatabase("policy_warehouse");
        postgres.sql("policy_orders", "CREATE TABLE lines (id int PRIMARY KEY, item text NOT NULL)");
        fx = SharedReplica.withWorker();
    }

    private String connection(String database) {
        return "{\"host\": \"localhost\", \"port\": " + postgres.port() + ", \"user\": \"postgres\", \"password\": \"" + Postgres.PASSWORD
                + "\", \"database\": \"" + database + "\"}";
    }

    private String pipeline() {
        return "{\"source\": {\"postgres\": {\"connection\": " + connection("policy_orders")
                + ", \"replication_type\": {\"logical_replication\": {}}}}, \"sink\": {\"postgres\": {\"connection\": "
                + connection("policy_warehouse") + "}}}";
    }

    @Test
    void aPipelineWhoseSinkBreaksAPolicyIsRefusedNamingIt() {
        String policy = SwitchboardFixture.json(Map.of("action", "deny", "match", Map.of("classes", List.of("*JdbcSinkConnector")),
                "validations", List.of(Map.of("expression", "connector.name.startsWith('warehouse-')",
                        "message", "JDBC sinks are named warehouse-*"))));
        assertEquals(201, fx.call("PUT", "/policies/sink-names", policy).status());

        String id = "refused";
        SwitchboardFixture.Answer refused = fx.call("POST", "/api/v1/connectors/" + id, pipeline());
        assertEquals(400, refused.status(), refused.body());
        assertTrue(refused.raw().headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                refused.raw().headers().toString());
        assertEquals("https://switchboard.dev/problems/invalid-request", refused.json().path("type").asText(), refused.body());
        assertEquals(400, refused.json().path("status").asInt(), refused.body());
        assertEquals("Connector config refused by policy sink-names: JDBC sinks are named warehouse-*",
                refused.json().path("detail").asText(), refused.body());

        assertEquals(404, fx.call("GET", "/connectors/" + PipelineCompiler.sinkName(id), null).status(), "the sink was not stored");
        assertEquals(404, fx.call("GET", "/connectors/" + PipelineCompiler.sourceName(id), null).status(), "nor the source");
        assertEquals(404, fx.call("GET", "/api/v1/connectors/" + id, null).status(), "nor the pipeline");

        // Once the policy no longer refuses it, the same pipeline is created.
        assertEquals(204, fx.call("DELETE", "/policies/sink-names", null).status());
        SwitchboardFixture.Answer created = fx.call("POST", "/api/v1/connectors/" + id, pipeline());
        assertEquals(201, created.status(), created.body());
    }
}
