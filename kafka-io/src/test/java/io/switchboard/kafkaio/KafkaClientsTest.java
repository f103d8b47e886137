package io.switchboard.kafkaio;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class KafkaClientsTest {
    private final KafkaClients clients = new KafkaClients("broker:9093",
            Map.of("security.protocol", "SASL_SSL", "request.timeout.ms", "30000"));

    @Test
    void aClientGetsTheCommonSettingsUnderItsOwnAndTheBootstrapServers() {
        Map<String, Object> settings = clients.settings(Map.of("request.timeout.ms", 10_000, "acks", "all"));
        assertEquals("SASL_SSL", settings.get("security.protocol"));
        assertEquals(10_000, settings.get("request.timeout.ms"), "its own setting wins");
        assertEquals("all", settings.get("acks"));
        assertEquals("broker:9093", settings.get("bootstrap.servers"));
        assertEquals("broker:9093", clients.settings(Map.of("bootstrap.servers", "elsewhere:1")).get("bootstrap.servers"),
                "the bootstrap servers are given once");
        assertEquals("SASL_SSL", clients.properties(Map.of()).get("security.protocol"));
    }

    @Test
    void aWorkerGetsThemForItsOwnClientsAndItsConnectors() {
        Map<String, String> worker = clients.forWorker(Map.of("group.id", "connect"));
        assertEquals("SASL_SSL", worker.get("security.protocol"));
        assertEquals("SASL_SSL", worker.get("producer.security.protocol"));
        assertEquals("SASL_SSL", worker.get("consumer.security.protocol"));
        assertEquals("SASL_SSL", worker.get("admin.security.protocol"));
        assertEquals("connect", worker.get("group.id"));
    }

    @Test
    void connectorsGivenTheirOwnSettingsKeepThem() {
        KafkaClients worker = new KafkaClients("broker:9093", Map.of("sasl.jaas.config", "worker's",
                "producer.sasl.jaas.config", "connectors'", "consumer.sasl.jaas.config", "connectors'",
                "admin.sasl.jaas.config", "connectors'"));
        Map<String, String> settings = worker.forWorker(Map.of());
        assertEquals("worker's", settings.get("sasl.jaas.config"));
        for (String prefix : new String[]{"producer.", "consumer.", "admin."}) {
            assertEquals("connectors'", settings.get(prefix + "sasl.jaas.config"), prefix);
        }
    }

    @Test
    void theBootstrapServersAreNotACommonSetting() {
        assertThrows(IllegalArgumentException.class, () -> new KafkaClients("a:1", Map.of("bootstrap.servers", "b:2")));
        assertThrows(IllegalArgumentException.class, () -> new KafkaClients(" ", Map.of()));
    }
}
