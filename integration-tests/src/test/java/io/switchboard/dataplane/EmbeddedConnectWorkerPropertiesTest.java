package io.switchboard.dataplane;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
}
