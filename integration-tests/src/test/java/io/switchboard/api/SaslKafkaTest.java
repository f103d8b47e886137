package io.switchboard.api;

import io.switchboard.SwitchboardApp;
import io.switchboard.kafka.EmbeddedKafka;
import io.switchboard.testing.Await;
import io.switchboard.testing.OptionsBuilder;
import io.switchboard.testing.TestReplicas;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A replica on a Kafka that asks for credentials, as a managed Kafka does: a broker of its own
 * whose only listener the replica is told of takes SASL/PLAIN and nothing else. The replica is given
 * its credentials with {@code --kafka-property}, and the embedded Connect worker, another principal,
 * its own with {@code --worker-kafka-property}. Every Kafka client the replica makes (its command
 * processor, the embedded schema registry, the secrets and replica keys, the data plane) must carry
 * the first, and the worker and its connectors' clients the second, or it does not start or its
 * connector never runs; a worker given none is refused at start rather than given the replica's.
 * Its broker is not the secured default ({@code SecuredKafka}) on purpose: it stands for a managed
 * Kafka whose credentials are whatever the operator is given, passed as flags rather than files.
 */
class SaslKafkaTest {
    private static final String USER = "switchboard";
    private static final String PASSWORD = "sasl-test-password";
    private static final String WORKER = "worker";
    private static final String WORKER_PASSWORD = "sasl-worker-password";
    private static Path dir;
    private static EmbeddedKafka broker;
    private static String saslBootstrap;
    private static SwitchboardApp app;

    @BeforeAll
    static void start() throws IOException {
        dir = Files.createTempDirectory("switchboard-sasl");
        int saslPort = freePort();
        broker = new EmbeddedKafka(dir.resolve("broker"), 0).withSaslListener("SASL", saslPort,
                Map.of(USER, PASSWORD, WORKER, WORKER_PASSWORD)).start();
        saslBootstrap = "127.0.0.1:" + saslPort;
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> SwitchboardApp.start(options()
                .flags(credentials("--kafka-property", USER, PASSWORD)).build()),
                "a worker started without credentials of its own");
        assertTrue(refused.getMessage().contains("--worker-kafka-property"), refused.getMessage());
        app = SwitchboardApp.start(options().flags(credentials("--kafka-property", USER, PASSWORD))
                .flags(credentials("--worker-kafka-property", WORKER, WORKER_PASSWORD)).build());
    }

    /** The settings of a client that signs in as {@code user}, each given with {@code flag}. */
    private static String[] credentials(String flag, String user, String password) {
        return new String[] {
                flag, "security.protocol=SASL_PLAINTEXT",
                flag, "sasl.mechanism=PLAIN",
                flag, "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
                        + "\" password=\"" + password + "\";"};
    }

    private static OptionsBuilder options() {
        return TestReplicas.defaults()
                .port(0)
                .schemaRegistryPort(0)
                .dataDir(dir.resolve("replica"))
                .bootstrapServers(saslBootstrap)
                .topicPrefix("sasl")
                .embeddedWorker(true)
                .commandTimeout(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (broker != null) {
            broker.close();
        }
        SwitchboardFixture.deleteQuietly(dir);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void theListenerRefusesAClientWithoutCredentials() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, saslBootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000))) {
            Exception refused = assertThrows(Exception.class, () -> admin.listTopics().names().get(10, TimeUnit.SECONDS),
                    "a client without credentials lists the topics");
            assertEquals(true, refused instanceof ExecutionException || refused instanceof TimeoutException, refused.toString());
        }
    }

    @Test
    void aConnectorCreatedThroughTheApiRunsOnTheEmbeddedWorker() throws IOException {
        Files.writeString(io.switchboard.testing.TestReplicas.FILES.resolve(dir.getFileName() + "-in.txt"), "one line\n");
        String body = "{\"name\":\"sasl-source\",\"config\":{\"connector.class\":\"org.apache.kafka.connect.file.FileStreamSourceConnector\","
                + "\"file\":\"" + io.switchboard.testing.TestReplicas.FILES.resolve(dir.getFileName() + "-in.txt") + "\",\"topic\":\"sasl-lines\",\"tasks.max\":\"1\"}}";
        SwitchboardFixture.Answer created = SwitchboardFixture.call(app.url(), "POST", "/connectors", body);
        assertEquals(201, created.status(), created.body());
        Await.atMost(Duration.ofSeconds(90)).until("the connector RUNNING on the embedded worker", () -> {
            SwitchboardFixture.Answer status = SwitchboardFixture.call(app.url(), "GET", "/connectors/sasl-source/status", null);
            return status.status() == 200 && "RUNNING".equals(status.json().path("connector").path("state").asText())
                    && "RUNNING".equals(status.json().path("tasks").path(0).path("state").asText());
        });
    }
}
