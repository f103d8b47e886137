package io.switchboard;

import io.switchboard.kafka.KafkaPrincipals;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The control plane's and the worker's Kafka settings are given apart ({@code --kafka-property} /
 * {@code --kafka-config} and {@code --worker-kafka-property} / {@code --worker-kafka-config}, or
 * their environment variables), and the worker never gets the control plane's credentials.
 */
class KafkaPrincipalOptionsTest {
    @Test
    void aPropertiesFileIsReadAndTheFlagsWinOverIt() throws Exception {
        Path file = Files.createTempFile("kafka", ".properties");
        Files.writeString(file, "bootstrap.servers=ignored:9092\nsecurity.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username\\=\"sb\" password\\=\"p=w\";\n");
        try {
            SwitchboardOptions options = SwitchboardOptions.parse(new String[]{"--kafka-config", file.toString(),
                    "--kafka-property", "sasl.mechanism=SCRAM-SHA-512", "--worker-kafka-property", "security.protocol=SSL",
                    "--worker-kafka-property", "ssl.truststore.location=/t.p12"}, Map.of());
            Map<String, String> control = options.security().kafkaSettings();
            assertEquals("SCRAM-SHA-512", control.get("sasl.mechanism"));
            assertEquals("SASL_PLAINTEXT", control.get("security.protocol"));
            assertEquals("org.apache.kafka.common.security.plain.PlainLoginModule required username=\"sb\" password=\"p=w\";",
                    control.get("sasl.jaas.config"));
            assertTrue(!control.containsKey("bootstrap.servers"), control.toString());
            assertEquals(Map.of("security.protocol", "SSL", "ssl.truststore.location", "/t.p12"), options.security().workerKafkaSettings());

            SwitchboardOptions fromEnv = SwitchboardOptions.parse(new String[0], Map.of("SWITCHBOARD_WORKER_KAFKA_CONFIG", file.toString()));
            assertEquals("PLAIN", fromEnv.security().workerKafkaSettings().get("sasl.mechanism"));
            assertTrue(fromEnv.security().kafkaSettings().isEmpty(), fromEnv.security().kafkaSettings().toString());
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void theWorkerNeverFallsBackToTheControlPlanesCredentials() {
        Map<String, String> control = Map.of("security.protocol", "SASL_SSL", "sasl.jaas.config", "secret");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> KafkaPrincipals.worker(null, Map.of(), control, true));
        assertTrue(refused.getMessage().contains("--worker-kafka-property"), refused.getMessage());
        assertEquals(Map.of("sasl.jaas.config", "its own"), KafkaPrincipals.worker(null, Map.of("sasl.jaas.config", "its own"), control, true));
        // No embedded worker: nothing is asked of it; a plain Kafka: nothing to fall back on.
        assertTrue(KafkaPrincipals.worker(null, Map.of(), control, false).isEmpty());
        assertTrue(KafkaPrincipals.worker(null, Map.of(), Map.of("linger.ms", "5"), true).isEmpty());
    }
}
