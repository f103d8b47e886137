package io.switchboard.dataplane;

import io.switchboard.pipelines.PipelineCompiler;
import io.switchboard.pipelines.PostgresConnection;
import io.switchboard.rules.ConnectorPolicies;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedded worker's own producers must not linger: its herder thread waits for each config
 * write in turn, so Kafka 4's 5 ms default would be paid several times per create. What the
 * operator gives the worker still wins, and the connectors' producers keep their defaults.
 */
class EmbeddedConnectWorkerPropertiesTest {
    @Test
    void theWorkersOwnProducersSendAtOnce() {
        Map<String, String> props = EmbeddedConnectWorker.properties("localhost:9092", null, "g", 8083, Map.of());
        assertEquals("0", props.get("linger.ms"));
        assertFalse(props.containsKey("producer.linger.ms"), "connectors' producers keep their defaults");
    }

    @Test
    void whatTheOperatorGivesWins() {
        Map<String, String> props = EmbeddedConnectWorker.properties("localhost:9092", null, "g", 8083, Map.of("linger.ms", "20"));
        assertEquals("20", props.get("linger.ms"));
        assertEquals("g-configs", props.get("config.storage.topic"));
    }

    @Test
    void connectorsOverrideOnlyTheAllowListAndNothingOfWhereOrAsWhomTheyConnect() {
        Map<String, String> props = EmbeddedConnectWorker.properties("localhost:9092", null, "g", 8083, Map.of());
        assertEquals("Allowlist", props.get("connector.client.config.override.policy"));
        List<String> allowed = Arrays.asList(props.get("connector.client.config.override.allowlist").split(","));
        assertEquals(EmbeddedConnectWorker.OVERRIDABLE, allowed);
        for (String key : allowed) {
            assertFalse(ConnectorPolicies.isConnectionSetting(key), key + " says where or as whom a client connects");
        }
        assertFalse(allowed.contains("group.id"));
        // What a typed pipeline's connectors override themselves is allowed.
        PostgresConnection db = new PostgresConnection("localhost", 5432, "u", "p", "d", null);
        PipelineCompiler.Compiled compiled = PipelineCompiler.compile("p1", db, null, false, null, db, "public");
        for (Map<String, String> config : List.of(compiled.source(), compiled.sink())) {
            config.keySet().stream().filter(k -> k.contains(".override.")).forEach(k ->
                    assertTrue(allowed.contains(k.substring(k.indexOf(".override.") + ".override.".length())), k));
        }
    }
}
