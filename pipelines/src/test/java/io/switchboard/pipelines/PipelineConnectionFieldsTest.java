package io.switchboard.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.core.ServiceException.Violation;
import org.junit.jupiter.api.Test;
import org.postgresql.Driver;
import org.postgresql.PGProperty;

import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pipeline's connection fields carry no driver parameter (security review N7), and a kept
 * password goes over no weaker ssl_mode than it was given with (N13).
 */
class PipelineConnectionFieldsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INJECTED = "postgres?ApplicationName=INJECTED&sslmode=disable&";

    private static ObjectNode body(String host, String database, String sslMode, String password) {
        ObjectNode body = JSON.createObjectNode();
        for (String side : List.of("source", "sink")) {
            ObjectNode c = body.putObject(side).putObject("postgres").putObject("connection");
            c.put("host", host).put("user", "repl").put("database", database).put("password", password);
            if (sslMode != null) {
                c.put("ssl_mode", sslMode);
            }
        }
        ((ObjectNode) body.get("source").get("postgres")).putObject("replication_type").putObject("logical_replication");
        return body;
    }

    private static List<String> refusedFields(JsonNode body, PipelineSpec current) {
        return assertThrows(PipelineSpec.Invalid.class, () -> PipelineSpec.parse("p1", body, current))
                .violations().stream().map(Violation::key).toList();
    }

    @Test
    void aDatabaseOrHostCarryingDriverParametersIsRefusedNamingTheField() {
        assertEquals(List.of("source.postgres.connection.database", "sink.postgres.connection.database"),
                refusedFields(body("db.example", INJECTED, "VerifyFull", "pw"), null));
        for (String host : List.of("db.example/other?sslmode=disable", "a,b", "db.example#x", "db.example:6432")) {
            assertTrue(refusedFields(body(host, "postgres", null, "pw"), null).contains("source.postgres.connection.host"), host);
        }
        PipelineSpec ok = PipelineSpec.parse("p1", body("[::1]", "my app-db.2", "VerifyFull", "pw"), null);
        assertEquals("my app-db.2", ok.source().database());
    }

    @Test
    void theDriverIsGivenTheAddressAsPropertiesSoNoneOfItBecomesAParameter() {
        // Even were the check bypassed, the database is one value to the driver on Switchboard, and URL-encoded in the worker's URL.
        PostgresConnection c = new PostgresConnection("db.example", 5432, "repl", "pw", INJECTED, "VerifyFull");
        Properties parsed = Driver.parseURL(c.dataSource(5).getUrl(), new Properties());
        assertEquals(INJECTED, PGProperty.PG_DBNAME.getOrDefault(parsed));
        assertEquals("verify-full", PGProperty.SSL_MODE.getOrDefault(parsed));
        assertNull(parsed.getProperty("ApplicationName"));
        Properties worker = Driver.parseURL(c.jdbcUrl(), new Properties());
        assertEquals(INJECTED, PGProperty.PG_DBNAME.getOrDefault(worker));
        assertEquals("verify-full", PGProperty.SSL_MODE.getOrDefault(worker));
        assertNull(worker.getProperty("ApplicationName"));
    }

    @Test
    void aKeptPasswordIsNotSentWithAWeakerSslMode() {
        PipelineSpec current = PipelineSpec.parse("p1", body("db.example", "postgres", "VerifyFull", "secret"), null);
        for (String weaker : new String[] {"Disable", "Prefer", "Require", "VerifyCa", null}) {
            List<String> fields = refusedFields(body("db.example", "postgres", weaker, PipelineSpec.HIDDEN), current);
            assertEquals(List.of("source.postgres.connection.password", "sink.postgres.connection.password"), fields, weaker);
        }
        assertEquals("secret", PipelineSpec.parse("p1", body("db.example", "postgres", "VerifyFull", PipelineSpec.HIDDEN), current)
                .source().password());
        // A stronger one keeps it; a weaker one with the password given again is accepted.
        PipelineSpec prefer = PipelineSpec.parse("p1", body("db.example", "postgres", null, "secret"), null);
        assertEquals("secret", PipelineSpec.parse("p1", body("db.example", "postgres", "Require", PipelineSpec.HIDDEN), prefer)
                .sink().password());
        assertEquals("again", PipelineSpec.parse("p1", body("db.example", "postgres", "Disable", "again"), current).sink().password());
    }
}
