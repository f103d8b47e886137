package io.switchboard.api;

import io.switchboard.kafka.KafkaIdentities;
import io.switchboard.testing.TestReplicas;
import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.SwitchboardApp;
import io.switchboard.core.WorkerClient;
import io.switchboard.dataplane.ConnectClusterClient;
import io.switchboard.http.Tls;
import io.switchboard.testing.ConnectWorker;
import io.switchboard.testing.PrivateCa;
import io.switchboard.testing.SecuredKafka;
import io.switchboard.testing.TopicScan;
import io.switchboard.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Kafka Connect worker serving HTTPS only, with a certificate signed by a CA of the test's
 * own, as cluster {@code secure} of a Switchboard given that CA as {@code --tls-truststore}: the
 * data plane creates and runs connectors on it, creates are validated by its plugins, and the calls
 * passed through reach it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpsWorkerTest {
    private static final Await WAIT = Await.atMost(Duration.ofSeconds(90));
    private static final String SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector";
    private Path dir;
    private SecuredKafka kafka;
    private ConnectWorker worker;
    private SwitchboardApp app;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("switchboard-https-worker");
        PrivateCa ca = PrivateCa.create(dir);
        kafka = SecuredKafka.start(dir.resolve("broker"));
        worker = ConnectWorker.startHttps(kafka, ca.serverKeystore(), ca.password(), Tls.trusting(ca.caPem(), null));
        app = SwitchboardApp.start(kafka.replica(TestReplicas.defaults().port(0).schemaRegistryPort(0)
                .dataDir(dir.resolve("replica")).embeddedWorker(false)
                .connectClusters("secure=" + worker.url()).confluentScopes("secure=env-secure/lkc-secure")
                .flags("--tls-truststore", ca.caPem().toString()).build()));
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {app, worker, kafka}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
        SwitchboardFixture.deleteQuietly(dir);
    }

    private SwitchboardFixture.Answer call(String method, String path, Object body) {
        return SwitchboardFixture.call(app.url(), method, path, body == null ? null : SwitchboardFixture.json(body));
    }

    private Map<String, Object> create(String name, Map<String, String> config) {
        return Map.of("name", name, "config", config);
    }

    private Map<String, String> source(String name) throws Exception {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", SOURCE);
        config.put("tasks.max", "1");
        config.put("file", Files.writeString(dir.resolve(name + ".txt"), "a line\n").toString());
        config.put("topic", name + "-lines");
        return config;
    }

    /** The worker's certificate is not one the JDK trusts: what works below works by the truststore given. */
    @Test
    void theWorkersCertificateIsTrustedOnlyByTheTruststoreGiven() {
        assertTrue(worker.url().startsWith("https://"), worker.url());
        try (ConnectClusterClient jdkTrust = ConnectClusterClient.of(worker.url(), Optional.empty())) {
            WorkerClient.ConnectCallException refused = assertThrows(WorkerClient.ConnectCallException.class, jdkTrust::root);
            assertTrue(String.valueOf(refused.getMessage()).contains("PKIX"), refused.getMessage());
        }
    }

    @Test
    void aConnectorCreatedOnTheHttpsClusterRunsOnItsWorker() throws Exception {
        SwitchboardFixture.Answer created = call("POST", "/clusters/secure/connectors", create("over-tls", source("over-tls")));
        assertEquals(201, created.status(), created.body());

        WAIT.until("the connector and its task RUNNING as the worker reports them", () -> status("over-tls"),
                status -> status != null && "RUNNING".equals(status.path("connector").path("state").asText())
                        && "RUNNING".equals(status.path("tasks").path(0).path("state").asText()));
        SwitchboardFixture.Answer onWorker = call("GET", "/clusters/secure/connectors/over-tls/topics", null);
        assertEquals(200, onWorker.status(), "passed through to the worker: " + onWorker.body());
    }

    /** A config only the worker's plugin can find wrong (no topic) is refused with the plugin's message. */
    @Test
    void createsAreValidatedByTheWorkersPlugins() throws Exception {
        Map<String, String> config = source("no-topic");
        config.remove("topic");
        SwitchboardFixture.Answer refused = call("POST", "/clusters/secure/connectors", create("no-topic", config));
        assertEquals(400, refused.status(), "validated by the worker's plugin, not only locally: " + refused.body());
        assertTrue(refused.body().contains("topic"), refused.body());
        assertEquals(404, call("GET", "/clusters/secure/connectors/no-topic", null).status());
    }

    @Test
    void callsPassedThroughReachTheWorker() throws Exception {
        SwitchboardFixture.Answer plugins = call("GET", "/clusters/secure/connector-plugins", null);
        assertEquals(200, plugins.status(), plugins.body());
        assertTrue(plugins.body().contains(SOURCE), plugins.body());
        Map<String, String> toValidate = new LinkedHashMap<>(source("validated"));
        toValidate.put("name", "validated"); // the worker counts a missing name as an error
        SwitchboardFixture.Answer validated = call("PUT", "/clusters/secure/connector-plugins/FileStreamSourceConnector/config/validate",
                toValidate);
        assertEquals(200, validated.status(), validated.body());
        assertEquals(0, validated.json().path("error_count").asInt(), validated.body());
    }

    /**
     * A validation sends the external worker no more than a create would: a config holding a secret
     * (a secret key's value, a value of a key the plugin declares PASSWORD, a named secret's
     * reference) is refused with a 400 naming every such key, in each dialect that validates, and
     * the worker's plugin never sees it; a config without one is validated by the plugin.
     */
    @Test
    void aValidationHoldingASecretIsRefusedBeforeTheWorkerGetsIt() {
        String plugin = RecordingSource.class.getName();
        Map<String, String> plain = new LinkedHashMap<>();
        plain.put("connector.class", plugin);
        plain.put("name", "checked-" + UUID.randomUUID());
        plain.put("topic", "t");
        SwitchboardFixture.Answer passed = call("PUT", "/clusters/secure/connector-plugins/" + plugin + "/config/validate", plain);
        assertEquals(200, passed.status(), passed.body());
        assertTrue(RecordingSource.validated().stream().anyMatch(c -> plain.get("name").equals(c.get("name"))),
                "a config without a secret reaches the worker's plugin: " + RecordingSource.validated());

        SwitchboardFixture.Answer stored = call("POST", "/v1/kafka-connect/clusters/secure/secrets",
                Map.of("name", "NOT_SENT", "secret_data", Base64.getEncoder().encodeToString("named".getBytes(StandardCharsets.UTF_8))));
        assertEquals(201, stored.status(), stored.body());
        String byName = "by-name-" + UUID.randomUUID();
        String declared = "declared-" + UUID.randomUUID();
        Map<String, String> secret = new LinkedHashMap<>(plain);
        secret.put("db.password", byName);
        secret.put("login.phrase", declared);
        // A reference in a key that neither chooses code nor routes data (config-references refuses those first).
        secret.put("banner.text", "t-${secretsManager:x:NOT_SENT}");
        for (String path : List.of("/clusters/secure/connector-plugins/" + plugin + "/config/validate",
                "/clusters/secure/connector-plugins/RecordingSource/config/validate",
                "/connect/v1/environments/env-secure/clusters/lkc-secure/connector-plugins/" + plugin + "/config/validate")) {
            SwitchboardFixture.Answer refused = call("PUT", path, secret);
            assertEquals(400, refused.status(), path + ": " + refused.body());
            for (String key : List.of("db.password", "login.phrase", "banner.text")) {
                assertTrue(refused.body().contains(key), path + " names " + key + ": " + refused.body());
            }
            assertTrue(refused.body().contains("never sends them a secret in the clear"), refused.body());
        }
        Map<String, String> toCreate = new LinkedHashMap<>(secret);
        toCreate.remove("name");
        SwitchboardFixture.Answer created = call("POST", "/clusters/secure/connectors", create("refused-as-well", toCreate));
        assertEquals(400, created.status(), "a create of the same config is refused the same way: " + created.body());
        assertTrue(created.body().contains("never sends them a secret in the clear"), created.body());

        String seen = RecordingSource.validated().toString();
        assertFalse(seen.contains(byName), "the worker's plugin was given a secret key's value to validate: " + seen);
        assertFalse(seen.contains(declared), "the worker's plugin was given a PASSWORD value to validate: " + seen);
        assertFalse(seen.contains("NOT_SENT"), "the worker's plugin was given a named secret's reference to validate: " + seen);
    }

    /**
     * The worker is external: it has not Switchboard's config providers, so a secret bound for it is
     * refused, never sent. Its config topic, and every other topic, is read after a create, an
     * update that reconfigures the task, a restart and refused attempts to add a secret: no record
     * holds a secret's value.
     */
    @Test
    void noSecretReachesTheExternalWorkersConfigTopic() throws Exception {
        String plain = "plain-" + UUID.randomUUID();
        String named = "named-" + UUID.randomUUID();
        SwitchboardFixture.Answer stored = call("POST", "/v1/kafka-connect/clusters/secure/secrets",
                Map.of("name", "SCANNED_PW", "secret_data", Base64.getEncoder().encodeToString(named.getBytes(StandardCharsets.UTF_8))));
        assertEquals(201, stored.status(), stored.body());

        for (Map.Entry<String, String> secret : Map.of("db.password", plain, "topic", "t-${secretsManager:SCANNED_PW}").entrySet()) {
            Map<String, String> config = source("refused");
            config.put(secret.getKey(), secret.getValue());
            SwitchboardFixture.Answer refused = call("POST", "/clusters/secure/connectors", create("refused", config));
            assertEquals(400, refused.status(), refused.body());
        }
        SwitchboardFixture.Answer created = call("POST", "/clusters/secure/connectors", create("scanned", source("scanned")));
        assertEquals(201, created.status(), created.body());
        awaitTask("scanned", task -> "RUNNING".equals(task.path("state").asText()) ? task : null);

        // An update that gives the task a new config, then a restart of the connector and its task.
        Map<String, String> updated = source("scanned-again");
        updated.put("topic", "scanned-lines");
        SwitchboardFixture.Answer put = call("PUT", "/clusters/secure/connectors/scanned/config", updated);
        assertEquals(200, put.status(), put.body());
        SwitchboardFixture.Answer patched = call("PATCH", "/clusters/secure/connectors/scanned/config", Map.of("db.password", plain));
        assertEquals(400, patched.status(), patched.body());
        String newFile = updated.get("file");
        awaitTasksConfig("scanned", newFile);
        SwitchboardFixture.Answer restarted = call("POST", "/clusters/secure/connectors/scanned/restart?includeTasks=true", null);
        assertTrue(restarted.status() == 202 || restarted.status() == 204, restarted.body());
        awaitTask("scanned", task -> "RUNNING".equals(task.path("state").asText()) ? task : null);

        Map<String, List<String>> topics = TopicScan.everyTopic(kafka.client(KafkaIdentities.CONTROL_PLANE));
        String workerConfigs = String.join("\n", topics.getOrDefault(worker.groupId() + "-configs", List.of()));
        assertTrue(workerConfigs.contains(newFile), "the scan reads the worker's config topic after the update: " + topics.keySet());
        String encoded = Base64.getEncoder().encodeToString(named.getBytes(StandardCharsets.UTF_8));
        topics.forEach((topic, records) -> records.forEach(text -> {
            for (String secret : List.of(plain, named, encoded)) {
                assertFalse(text.contains(secret), "topic " + topic + " holds a secret's value in plain text");
            }
        }));
        assertEquals(204, call("DELETE", "/clusters/secure/connectors/scanned", null).status());
    }

    /** The connector's status, or null while it is not answered 200. */
    private JsonNode status(String name) {
        SwitchboardFixture.Answer answer = call("GET", "/clusters/secure/connectors/" + name + "/status", null);
        return answer.status() == 200 ? answer.json() : null;
    }

    private JsonNode awaitTask(String name, Function<JsonNode, JsonNode> done) {
        JsonNode status = WAIT.until(name + "'s task to get there", () -> status(name),
                s -> s != null && done.apply(s.path("tasks").path(0)) != null);
        return done.apply(status.path("tasks").path(0));
    }

    private void awaitTasksConfig(String name, String part) {
        WAIT.until(name + "'s tasks to show " + part, () -> call("GET", "/clusters/secure/connectors/" + name + "/tasks", null).body(),
                tasks -> tasks.contains(part));
    }
}
