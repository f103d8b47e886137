package io.switchboard.api;

import io.switchboard.SwitchboardApp;
import io.switchboard.SwitchboardOptions;
import io.switchboard.kafka.EmbeddedKafka;
import io.switchboard.kafka.KafkaIdentities;
import io.switchboard.testing.Await;
import io.switchboard.testing.OptionsBuilder;
import io.switchboard.testing.TestReplicas;
import org.junit.jupiter.api.Test;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.Reader;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A data directory of the embedded default from before its broker authenticated (a plain broker on
 * the same directory, as the embedded default then ran it) starts on the secured broker with its
 * connector: the worker keeps its config, offset and status topics, now as a principal of its own,
 * and the connector runs again from its offset (the file's lines are not sent twice). Its first
 * broker is a plain one on purpose: it is the embedded default of the release before the principals.
 */
class KafkaPrincipalsUpgradeTest {

    @Test
    void aConnectorCreatedOnThePlainBrokerRunsAfterTheUpgrade() throws Exception {
        Path dir = Files.createTempDirectory("switchboard-upgrade");
        Path input = io.switchboard.testing.TestReplicas.FILES.resolve(dir.getFileName() + "-in.txt");
        Files.writeString(input, "before\n");
        SwitchboardOptions options = TestReplicas.defaults().port(0).schemaRegistryPort(0).dataDir(dir)
                .embeddedWorker(true).commandTimeout(Duration.ofSeconds(60)).build();
        try {
            try (EmbeddedKafka plain = new EmbeddedKafka(dir, 0).start();
                 SwitchboardApp before = SwitchboardApp.start(OptionsBuilder.from(options)
                         .bootstrapServers(plain.bootstrapServers()).build())) {
                SwitchboardFixture.Answer created = SwitchboardFixture.call(before.url(), "POST", "/connectors",
                        "{\"name\":\"kept\",\"config\":{\"connector.class\":\"org.apache.kafka.connect.file.FileStreamSourceConnector\","
                                + "\"file\":\"" + input + "\",\"topic\":\"kept-lines\",\"tasks.max\":\"1\"}}");
                assertEquals(201, created.status(), created.body());
                awaitRunning(before);
                Thread.sleep(2_000); // the worker flushes its source offsets each second
            }
            assertFalse(Files.exists(dir.resolve(KafkaIdentities.FILE)), "the plain broker made identities");
            Files.writeString(input, "before\nafter\n");
            try (SwitchboardApp after = SwitchboardApp.start(OptionsBuilder.from(options).kafkaPort(0).build())) {
                assertTrue(Files.exists(dir.resolve(KafkaIdentities.FILE)));
                awaitRunning(after);
                List<String> lines = new ArrayList<>();
                try (KafkaConsumer<String, String> consumer = userConsumer(dir)) {
                    consumer.assign(List.of(new TopicPartition("kept-lines", 0)));
                    consumer.seekToBeginning(consumer.assignment());
                    Await.atMost(Duration.ofSeconds(120)).until("the line written after the upgrade", () -> {
                        consumer.poll(Duration.ofMillis(500)).forEach(record -> lines.add(record.value()));
                        return lines.contains("\"after\"");
                    });
                    consumer.poll(Duration.ofSeconds(3)).forEach(record -> lines.add(record.value()));
                }
                assertEquals(List.of("\"before\"", "\"after\""), lines, "the source resumed from its offset");
            }
        } finally {
            SwitchboardFixture.deleteQuietly(dir);
        }
    }

    private static KafkaConsumer<String, String> userConsumer(Path dir) throws Exception {
        Properties settings = new Properties();
        try (Reader in = Files.newBufferedReader(dir.resolve(KafkaIdentities.USER_FILE))) {
            settings.load(in);
        }
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, "upgrade-test");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(settings, new StringDeserializer(), new StringDeserializer());
    }

    private static void awaitRunning(SwitchboardApp app) {
        Await.atMost(Duration.ofSeconds(120)).until("the connector RUNNING on the embedded worker", () -> {
            SwitchboardFixture.Answer status = SwitchboardFixture.call(app.url(), "GET", "/connectors/kept/status", null);
            return status.status() == 200 && "RUNNING".equals(status.json().path("connector").path("state").asText())
                    && "RUNNING".equals(status.json().path("tasks").path(0).path("state").asText());
        });
    }
}
