package io.switchboard.http;

import io.switchboard.core.ReadConsistency;
import io.switchboard.testing.Http;
import io.switchboard.unit.UnitApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The consistency a request asks for with {@code ?consistency=} (docs/reads.md) is what the store
 * is asked for, over the core in memory ({@link UnitApi}, whose store keeps the consistency of
 * every read): {@link ReadConsistency#LOCAL} for every read of a read that asked for it, in every
 * dialect and the console; {@link ReadConsistency#LINEARIZABLE} for every read of one that did not,
 * or asked for {@code linearizable}, and of every write. A value the server refuses is a 400 in the
 * dialect's error format, before the store is read.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadConsistencyRoutesTest {
    private static final String CONFIG = "{\"connector.class\":\"org.example.Sink\",\"topics\":\"orders\"}";
    private UnitApi api;
    /** Reads of the connector c1, as each dialect and the console route them. */
    private List<String> reads;

    @BeforeAll
    void start() {
        api = new UnitApi(UnitApi.Security.NONE);
        String confluent = api.confluentBase();
        String redpanda = "/v1/kafka-connect/clusters/default";
        reads = List.of("/connectors", "/connectors?expand=status&expand=info", "/connectors/c1", "/connectors/c1/config",
                "/connectors/c1/status", "/connectors/c1/tasks", "/connectors/c1/history", "/connectors/c1/timeline",
                "/clusters/default/connectors/c1/status", "/health/connectors", "/rollouts",
                confluent + "/connectors", confluent + "/connectors/c1", confluent + "/connectors/c1/config",
                confluent + "/connectors/c1/status", redpanda + "/connectors", redpanda + "/connectors/c1",
                redpanda + "/connectors/c1/status", "/api/v1/connectors", "/console/",
                "/console/clusters/default/connectors/c1");
        assertEquals(201, call("POST", "/connectors", "{\"name\":\"c1\",\"config\":" + CONFIG + "}").status());
    }

    @AfterAll
    void stop() {
        api.close();
    }

    private Http.Response call(String method, String path, String body) {
        return Http.call(api.url(), method, path, body);
    }

    /** The consistencies the store was asked for while {@code path} was answered, which must be 200. */
    private Set<ReadConsistency> readFor(String method, String path, String body) {
        api.core.kafka.forgetConsistencies();
        Http.Response answer = call(method, path, body);
        assertTrue(answer.status() < 300, method + " " + path + ": " + answer);
        List<ReadConsistency> asked = api.core.kafka.consistencies();
        assertFalse(asked.isEmpty(), method + " " + path + " read nothing from the store");
        return Set.copyOf(asked);
    }

    private static String with(String path, String consistency) {
        return path + (path.contains("?") ? "&" : "?") + "consistency=" + consistency;
    }

    @Test
    void aReadThatAsksForLocalReadsTheStoreLocallyAndOnlyThen() {
        for (String path : reads) {
            assertEquals(Set.of(ReadConsistency.LOCAL), readFor("GET", with(path, "local"), null), path);
            assertEquals(Set.of(ReadConsistency.LOCAL), readFor("GET", with(path, "LOCAL"), null), path);
            assertEquals(Set.of(ReadConsistency.LINEARIZABLE), readFor("GET", path, null), path);
            assertEquals(Set.of(ReadConsistency.LINEARIZABLE), readFor("GET", with(path, "linearizable"), null), path);
        }
    }

    @Test
    void aWriteReadsTheCurrentState() {
        assertEquals(Set.of(ReadConsistency.LINEARIZABLE), readFor("PUT", "/connectors/c1/config", CONFIG));
        assertEquals(Set.of(ReadConsistency.LINEARIZABLE), readFor("PUT", with("/connectors/c1/config", "linearizable"), CONFIG));
        assertEquals(Set.of(ReadConsistency.LINEARIZABLE), readFor("POST", "/connectors/c1/restart", null));
        assertEquals(Set.of(ReadConsistency.LINEARIZABLE), readFor("POST", with("/connectors/c1/restart", "linearizable"), null));
    }

    @Test
    void aConsistencyTheServerRefusesIsA400InTheDialectsFormatBeforeAnyRead() {
        Map<String, String> refused = Map.of(
                "/connectors?consistency=eventual", "GET",
                "/connectors/c1/pause?consistency=local", "PUT",
                api.confluentBase() + "/connectors/c1?consistency=eventual", "GET",
                "/api/v1/connectors?consistency=eventual", "GET");
        refused.forEach((path, method) -> {
            api.core.kafka.forgetConsistencies();
            Http.Response answer = call(method, path, null);
            assertEquals(400, answer.status(), method + " " + path + ": " + answer);
            assertTrue(answer.body().contains("consistency"), method + " " + path + ": " + answer);
            assertEquals(List.of(), api.core.kafka.consistencies(), method + " " + path);
        });
        assertEquals(400, call("GET", "/connectors?consistency=eventual", null).json().path("error_code").asInt());
        assertEquals(400, call("GET", api.confluentBase() + "/connectors/c1?consistency=eventual", null)
                .json().path("error").path("code").asInt());
        assertEquals(400, call("GET", "/api/v1/connectors?consistency=eventual", null).json().path("status").asInt());
    }
}
