package io.switchboard.secrets;

import io.switchboard.testing.SecuredKafka;
import io.switchboard.kafka.KafkaIdentities;
import io.switchboard.testing.TestReplicas;
import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.SwitchboardApp;
import io.switchboard.examples.LifecycleConsumer;
import io.switchboard.schemas.ConnectorConfigChanged;
import io.switchboard.testing.ApiContract;
import io.switchboard.testing.Await;
import io.switchboard.testing.Http;
import io.switchboard.testing.TopicScan;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Secrets end to end: sealed before any topic, hidden in every answer and event, opened only by the
 * worker when the connector starts, absent from every topic and log line, and still readable after
 * the key is rotated; named secrets (written through Redpanda's API, never read back) likewise.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretsTest {
    private static final String HIDDEN = "****************";
    /** A phrase the plugin declares PASSWORD; its key name matches no secret pattern. */
    private final String phrase = "phrase-" + UUID.randomUUID();
    /** A value secret by its key's name. */
    private final String password = "pw-" + UUID.randomUUID();
    private final String rotatedPassword = "pw2-" + UUID.randomUUID();
    /** The value of a named secret, which a connector config names as ${secretsManager:ECHO_PHRASE}. */
    private final String namedValue = "named-" + UUID.randomUUID();
    private static final String SECRETS = "/v1/kafka-connect/clusters/default/secrets";
    private final String placeholder = "${file:/etc/switchboard/creds.properties:api.token}";
    private final List<String> logLines = Collections.synchronizedList(new ArrayList<>());
    private Path dir;
    private SecuredKafka kafka;
    private SwitchboardApp app;
    private AbstractAppender capture;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("switchboard-secrets");
        capture = new AbstractAppender("secrets-capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                logLines.add(event.getMessage().getFormattedMessage()
                        + (event.getThrown() == null ? "" : " " + event.getThrown()));
            }
        };
        capture.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().addAppender(capture, Level.ALL, null);
        context.updateLoggers();
        // Everything Switchboard and the worker log at INFO and above is captured.
        Configurator.setLevel("io.switchboard", Level.DEBUG);
        Configurator.setLevel("org.apache.kafka.connect", Level.INFO);
        kafka = SecuredKafka.start(dir.resolve("broker"));
        app = startApp();
    }

    private SwitchboardApp startApp() {
        SwitchboardApp started = SwitchboardApp.start(kafka.replica(TestReplicas.defaults().port(0).schemaRegistryPort(0)
                .dataDir(dir.resolve("replica")).build()));
        ApiContract.watch(started.url());
        return started;
    }

    @AfterAll
    void stop() {
        Configurator.setLevel("io.switchboard", Level.WARN);
        Configurator.setLevel("org.apache.kafka.connect", Level.WARN);
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender("secrets-capture");
        context.updateLoggers();
        if (app != null) {
            app.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private String config(String topic, String dbPassword) {
        return "{\"connector.class\":\"" + SecretEchoSource.class.getName() + "\",\"topic\":\"" + topic + "\","
                + "\"echo.phrase\":\"" + phrase + "\",\"db.password\":\"" + dbPassword + "\","
                + "\"api.token\":\"" + placeholder.replace("$", "\\u0024") + "\"}";
    }

    @Test
    void secretsAreSealedHiddenOpenedOnlyByTheWorkerAndSurviveKeyRotation() throws Exception {
        String topic = "echo-" + UUID.randomUUID().toString().substring(0, 8);
        Http.Response created = Http.call(app.url(), "POST", "/connectors",
                "{\"name\":\"vault\",\"config\":" + config(topic, password) + "}");
        assertEquals(201, created.status(), created.body());
        assertEquals(HIDDEN, created.json().path("config").path("echo.phrase").asText(), "declared PASSWORD by the plugin");
        assertEquals(HIDDEN, created.json().path("config").path("db.password").asText(), "secret by its name");
        assertEquals(placeholder, created.json().path("config").path("api.token").asText(), "placeholders pass untouched");

        // The connector got the real phrase: its task writes the phrase's digest.
        assertTrue(readUntil(topic, v -> v.contains(SecretEchoSource.digest(phrase))), "the worker opened the sealed phrase");

        for (String path : List.of("/connectors/vault", "/connectors/vault/config", "/connectors?expand=info",
                "/connectors/vault/tasks", "/connectors/vault/status")) {
            String body = Http.get(app.url(), path).body();
            assertNoPlainSecrets(path, body);
        }
        assertTrue(Http.get(app.url(), "/connectors/vault/config").body().contains(HIDDEN));

        // The same config again changes nothing; a new password is a change whose event hides it.
        Http.Response same = Http.call(app.url(), "PUT", "/connectors/vault/config", config(topic, password));
        assertEquals(200, same.status(), same.body());
        Http.Response changed = Http.call(app.url(), "PUT", "/connectors/vault/config", config(topic, rotatedPassword));
        assertEquals(200, changed.status(), changed.body());
        Http.Response patched = Http.call(app.url(), "PATCH", "/connectors/vault/config",
                "{\"db.password\":\"" + password + "\"}");
        assertEquals(200, patched.status(), patched.body());
        assertEquals(HIDDEN, patched.json().path("config").path("db.password").asText());

        // An error that would quote the config hides its secrets too.
        Http.Response refused = Http.call(app.url(), "POST", "/connectors",
                "{\"name\":\"bad\",\"config\":{\"topic\":\"t\",\"db.password\":\"" + password + "\"}}");
        assertEquals(400, refused.status());
        assertNoPlainSecrets("an error", refused.body());

        List<String> kinds = new ArrayList<>();
        List<String> changedKeys = new ArrayList<>();
        LifecycleConsumer.consume(kafka.clients(KafkaIdentities.EVENTS), app.schemaRegistryUrl(),
                "switchboard.lifecycle", "secrets-" + System.nanoTime(), Duration.ofSeconds(15), event -> {
                    if (event.getConnector().equals("vault")) {
                        kinds.add(event.getEvent().getClass().getSimpleName());
                        if (event.getEvent() instanceof ConnectorConfigChanged c) {
                            changedKeys.addAll(c.getChanged());
                            assertEquals(HIDDEN, c.getConfig().get("db.password"));
                        }
                    }
                    return kinds.stream().filter("ConnectorConfigChanged"::equals).count() < 2;
                });
        assertEquals(2, kinds.stream().filter("ConnectorConfigChanged"::equals).count(),
                "the identical PUT was no change: " + kinds);
        assertEquals(List.of("db.password", "db.password"), changedKeys);

        // A named secret: written once, never read back, opened by the worker for the connector that names it.
        Http.Response stored = Http.call(app.url(), "POST", SECRETS, "{\"name\": \"ECHO_PHRASE\", \"labels\": {\"team\": \"data\"}, "
                + "\"secret_data\": \"" + Base64.getEncoder().encodeToString(namedValue.getBytes(StandardCharsets.UTF_8)) + "\"}");
        assertEquals(201, stored.status(), stored.body());
        assertEquals("ECHO_PHRASE", stored.json().path("secret").path("id").asText());
        assertEquals(409, Http.call(app.url(), "POST", SECRETS, "{\"name\": \"ECHO_PHRASE\", \"secret_data\": \"eA==\"}").status());
        String namedTopic = topic + "-named";
        String named = "{\"connector.class\":\"" + SecretEchoSource.class.getName() + "\",\"topic\":\"" + namedTopic + "\","
                + "\"echo.phrase\":\"\u0024{secretsManager:ECHO_PHRASE}\"}";
        Http.Response usesIt = Http.call(app.url(), "POST", "/v1/kafka-connect/clusters/default/connectors",
                "{\"name\":\"vault3\",\"config\":" + named + "}");
        assertEquals(201, usesIt.status(), usesIt.body());
        assertEquals("${secretsManager:ECHO_PHRASE}", usesIt.json().path("config").path("echo.phrase").asText());
        assertTrue(readUntil(namedTopic, v -> v.contains(SecretEchoSource.digest(namedValue))), "the worker opened the named secret");
        // A worker resolves references while it validates; the answer shows them as they were given. (In a key
        // no built-in policy reads, and a string: a reference in FileStream's `file` is refused by file-connectors,
        // validation or not.)
        String echoSource = SecretEchoSource.class.getName();
        String withReference = "{\"connector.class\":\"" + echoSource + "\",\"topic\":\"t\","
                + "\"echo.phrase\":\"${secretsManager:ECHO_PHRASE}\"}";
        String confluent = "/connect/v1/environments/env-default/clusters/" + Http.get(app.url(), "/").json().path("kafka_cluster_id").asText();
        for (String path : List.of("/connector-plugins/" + echoSource + "/config/validate",
                confluent + "/connector-plugins/SecretEchoSource/config/validate")) {
            Http.Response validated = Http.call(app.url(), "PUT", path, withReference);
            assertEquals(200, validated.status(), path + ": " + validated.body());
            assertFalse(validated.body().contains(namedValue), path + " echoed the secret's value: " + validated.body());
            String file = null;
            for (JsonNode entry : validated.json().path("configs")) {
                if (entry.path("value").path("name").asText().equals("echo.phrase")) {
                    file = entry.path("value").path("value").asText();
                }
            }
            assertEquals("${secretsManager:ECHO_PHRASE}", file, path + ": " + validated.body());
        }
        // A reference in a key whose type its value does not parse as: the worker's error would quote the secret.
        String typed = "{\"connector.class\":\"org.apache.kafka.connect.file.FileStreamSourceConnector\",\"topic\":\"t\","
                + "\"file\":\"/tmp/switchboard-test-files/validated.txt\",\"batch.size\":\"${secretsManager:ECHO_PHRASE}\"}";
        Http.Response typeError = Http.call(app.url(), "PUT",
                "/connector-plugins/org.apache.kafka.connect.file.FileStreamSourceConnector/config/validate", typed);
        assertEquals(200, typeError.status(), typeError.body());
        assertFalse(typeError.body().contains(namedValue), "a validation error echoed the secret's value: " + typeError.body());
        Http.Response unknown = Http.call(app.url(), "POST", "/connectors", "{\"name\":\"vault4\",\"config\":"
                + named.replace("ECHO_PHRASE", "NO_SUCH_SECRET") + "}");
        assertEquals(400, unknown.status(), "a config naming a secret the cluster does not have: " + unknown.body());
        Http.Response inUse = Http.call(app.url(), "DELETE", SECRETS + "/ECHO_PHRASE", null);
        assertEquals(400, inUse.status(), inUse.body());
        assertEquals("FAILED_PRECONDITION", inUse.json().path("code").asText());
        assertTrue(inUse.json().path("message").asText().contains("vault3"), inUse.body());
        for (String path : List.of(SECRETS, SECRETS + "/ECHO_PHRASE", "/connectors/vault3/config", "/connectors/vault3/tasks")) {
            assertNoPlainSecrets(path, Http.get(app.url(), path).body());
        }
        assertEquals("data", Http.get(app.url(), SECRETS + "/ECHO_PHRASE").json().path("secret").path("labels").path("team").asText());
        assertFalse(topicText("switchboard.secrets").isEmpty());

        // Nothing in any topic, the worker's own included, holds a secret in plain text.
        Map<String, Integer> scanned = scanAllTopics();
        assertTrue(scanned.keySet().containsAll(Set.of("switchboard.commands", "switchboard.lifecycle",
                "switchboard.decisions", "switchboard-connect-configs")), scanned.toString());
        assertTrue(scanned.values().stream().mapToInt(Integer::intValue).sum() > 0);
        assertTrue(topicText("switchboard-connect-configs").contains(SecretBox.PREFIX),
                "the worker keeps the sealed text, not the value");
        assertTrue(logText().length() > 0, "log lines were captured");
        assertNoPlainSecrets("the log", logText());

        // Rotation: a new key seals from now on; the old one still opens what it sealed.
        Path keyring = dir.resolve("replica").resolve("secrets.key");
        String oldKeys = Files.readString(keyring);
        String newKey = Keyring.newKeyLine();
        int digestsBefore = countOf(topicText(topic), SecretEchoSource.digest(phrase));
        int namedBefore = countOf(topicText(namedTopic), SecretEchoSource.digest(namedValue));
        app.close();
        Files.writeString(keyring, newKey + "\n" + oldKeys);
        app = startApp();
        assertEquals(HIDDEN, Http.get(app.url(), "/connectors/vault/config").json().path("db.password").asText());
        // The new worker restarts the connector with the value the old key sealed.
        assertTrue(readUntil(topic, v -> countOf(v, SecretEchoSource.digest(phrase)) > digestsBefore),
                "the connector started again with its secret after the rotation");
        assertTrue(readUntil(namedTopic, v -> countOf(v, SecretEchoSource.digest(namedValue)) > namedBefore),
                "the connector naming a secret started again with it after the rotation");
        Http.Response afterRotation = Http.call(app.url(), "PUT", "/connectors/vault/config", config(topic, password));
        assertEquals(200, afterRotation.status(), afterRotation.body());
        String newTopic = topic + "-new";
        assertEquals(201, Http.call(app.url(), "POST", "/connectors",
                "{\"name\":\"vault2\",\"config\":" + config(newTopic, rotatedPassword) + "}").status());
        assertTrue(readUntil(newTopic, v -> v.contains(SecretEchoSource.digest(phrase))));
        String newId = newKey.substring(0, newKey.indexOf('='));
        assertTrue(topicText("switchboard.commands").contains(SecretBox.PREFIX + newId + ":"), "new values are sealed with the new key");
        assertNoPlainSecrets("the log after rotation", logText());
        scanAllTopics();
        assertEquals(204, Http.call(app.url(), "DELETE", "/connectors/vault", null).status());
        assertEquals(204, Http.call(app.url(), "DELETE", "/connectors/vault2", null).status());
        assertEquals(204, Http.call(app.url(), "DELETE", "/connectors/vault3", null).status());
        assertEquals(204, Http.call(app.url(), "DELETE", SECRETS + "/ECHO_PHRASE", null).status());
        assertEquals(404, Http.get(app.url(), SECRETS + "/ECHO_PHRASE").status());
    }

    /**
     * A named secret deleted while a write naming it is being validated (the worker may take
     * seconds): the write is refused once validated, before its command is sent, rather than storing
     * a connector that names a secret the cluster no longer has.
     */
    @Test
    void aSecretDeletedWhileAWriteNamingItIsValidatedRefusesTheWrite() throws Exception {
        assertEquals(201, Http.call(app.url(), "POST", SECRETS, "{\"name\": \"RACED\", \"secret_data\": \""
                + Base64.getEncoder().encodeToString("raced-value".getBytes(StandardCharsets.UTF_8)) + "\"}").status());
        // Where the worker can write: the directory its wall gives it.
        Path signals = Files.createTempDirectory(TestReplicas.FILES, "hold");
        HoldingSource.hold(signals);
        CompletableFuture<Http.Response> created;
        try {
            created = CompletableFuture.supplyAsync(() -> Http.call(app.url(), "POST", "/connectors",
                    "{\"name\":\"races-a-delete\",\"config\":{\"connector.class\":\"" + HoldingSource.class.getName()
                            + "\",\"" + HoldingSource.DIR + "\":\"" + signals + "\",\"login\":\"\u0024{secretsManager:RACED}\"}}"));
            assertTrue(HoldingSource.awaitHeld(signals, 30), "the worker never began validating the write");
            assertEquals(204, Http.call(app.url(), "DELETE", SECRETS + "/RACED", null).status(), "no connector uses it yet");
        } finally {
            HoldingSource.release(signals);
        }
        Http.Response answer = created.get(60, TimeUnit.SECONDS);
        assertEquals(400, answer.status(), "a write naming a secret deleted while it was validated: " + answer.body());
        assertTrue(answer.body().contains("RACED"), answer.body());
        assertEquals(404, Http.get(app.url(), "/connectors/races-a-delete").status());
    }

    /**
     * The embedded worker's process, whose output the replica logs: a plugin that logs the secret the
     * config providers resolved for it (a sealed value, a named secret) leaves only the mask in the log.
     */
    @Test
    void whatAPluginLogsOfItsResolvedSecretIsMaskedInTheLog() throws Exception {
        String sealedPhrase = "logged-sealed-" + UUID.randomUUID();
        String namedPhrase = "logged-named-" + UUID.randomUUID();
        assertEquals(201, Http.call(app.url(), "POST", SECRETS, "{\"name\": \"LOGGED\", \"secret_data\": \""
                + Base64.getEncoder().encodeToString(namedPhrase.getBytes(StandardCharsets.UTF_8)) + "\"}").status());
        Map<String, String> phrases = Map.of("logs-sealed", sealedPhrase, "logs-named", "\u0024{secretsManager:LOGGED}");
        for (Map.Entry<String, String> connector : phrases.entrySet()) {
            Http.Response created = Http.call(app.url(), "POST", "/connectors", "{\"name\":\"" + connector.getKey()
                    + "\",\"config\":{\"connector.class\":\"" + SecretEchoSource.class.getName() + "\",\"topic\":\""
                    + connector.getKey() + "\",\"echo.phrase\":\"" + connector.getValue() + "\"}}");
            assertEquals(201, created.status(), created.body());
        }
        assertTrue(readUntil("logs-sealed", v -> v.contains(SecretEchoSource.digest(sealedPhrase))), "the worker opened the sealed phrase");
        assertTrue(readUntil("logs-named", v -> v.contains(SecretEchoSource.digest(namedPhrase))), "the worker opened the named secret");
        String log = logText();
        assertTrue(log.contains("Echo task signing in with " + HIDDEN), "the plugin's line is in the log, masked");
        assertFalse(log.contains(sealedPhrase), "the log holds the sealed value's plaintext");
        assertFalse(log.contains(namedPhrase), "the log holds the named secret's value");
        for (String name : phrases.keySet()) {
            assertEquals(204, Http.call(app.url(), "DELETE", "/connectors/" + name, null).status());
        }
    }

    @Test
    void whatAWorkerQuotesOfASecretIsHiddenInStatusTimelineAndSwitchboardsTopics() throws Exception {
        String sealed = SecretEchoSource.FAIL + "sealed-" + UUID.randomUUID();
        String named = SecretEchoSource.FAIL + "named-" + UUID.randomUUID();
        assertEquals(201, Http.call(app.url(), "POST", SECRETS, "{\"name\": \"LEAKY\", \"secret_data\": \""
                + Base64.getEncoder().encodeToString(named.getBytes(StandardCharsets.UTF_8)) + "\"}").status());
        Map<String, String> quoted = Map.of("leaky-sealed", sealed, "leaky-named", named);
        Map<String, String> phrases = Map.of("leaky-sealed", sealed, "leaky-named", "\u0024{secretsManager:LEAKY}");
        for (Map.Entry<String, String> connector : phrases.entrySet()) {
            Http.Response created = Http.call(app.url(), "POST", "/connectors", "{\"name\":\"" + connector.getKey()
                    + "\",\"config\":{\"connector.class\":\"" + SecretEchoSource.class.getName() + "\",\"topic\":\"leaky\","
                    + "\"echo.phrase\":\"" + connector.getValue() + "\"}}");
            assertEquals(201, created.status(), created.body());
        }
        for (Map.Entry<String, String> connector : quoted.entrySet()) {
            String name = connector.getKey();
            String status = Await.atMost(Duration.ofSeconds(90)).poll(() -> Http.get(app.url(), "/connectors/" + name + "/status").body(),
                    body -> body.contains("Cannot sign in with"));
            assertTrue(status.contains("Cannot sign in with " + HIDDEN), name + ": the task failed, quoting its secret hidden: " + status);
            assertFalse(status.contains(connector.getValue()), name + ": the status quotes the secret");
            String timeline = failureInTimeline(name);
            assertTrue(timeline.contains("Cannot sign in with"), name + ": " + timeline);
            assertFalse(timeline.contains(connector.getValue()), name + ": the timeline quotes the secret");
        }
        // Switchboard's own topics; the worker's status topic holds its traces as the worker wrote them.
        TopicScan.everyTopic(kafka.client(KafkaIdentities.CONTROL_PLANE)).forEach((topic, records) -> {
            if (!topic.contains("connect-")) {
                records.forEach(text -> quoted.values().forEach(secret ->
                        assertFalse(text.contains(secret), "topic " + topic + " holds a quoted secret")));
            }
        });
        for (String name : quoted.keySet()) {
            assertEquals(204, Http.call(app.url(), "DELETE", "/connectors/" + name, null).status());
        }
    }

    /**
     * A connector's timeline once it holds the failure its status shows. The processor writes the
     * entry before the status (ObservationWriteOrderTest checks that order); this waits rather than
     * reading once, so that what it checks here is what the entry hides, whatever the order.
     */
    private String failureInTimeline(String name) {
        return Await.atMost(Duration.ofSeconds(30)).poll(() -> Http.get(app.url(), "/connectors/" + name + "/timeline").body(),
                body -> body.contains("Cannot sign in with"));
    }

    /**
     * Kafka Connect's three-part form of a named secret's reference, ${secretsManager:PATH:NAME},
     * which the worker resolves, and values shaped like a placeholder without being one
     * (${env:X}...}), are secrets like any other: sealed, hidden, scrubbed from what the worker
     * quotes (a task that fails quotes the resolved value), and the secret cannot be deleted while a
     * connector names it so.
     */
    @Test
    void aThreePartReferenceAndAPlaceholderShapedValueAreSecretsLikeAnyOther() throws Exception {
        String named = SecretEchoSource.FAIL + "s3cr3t-" + UUID.randomUUID();
        String shapedPhrase = "${env:X}" + SecretEchoSource.FAIL + UUID.randomUUID() + "}";
        String dbPassword = "${env:Y}hunter2-" + UUID.randomUUID() + "}";
        assertEquals(201, Http.call(app.url(), "POST", SECRETS, "{\"name\": \"LEAK3\", \"secret_data\": \""
                + Base64.getEncoder().encodeToString(named.getBytes(StandardCharsets.UTF_8)) + "\"}").status());
        Http.Response threePart = Http.call(app.url(), "POST", "/connectors", "{\"name\":\"sec-3part\",\"config\":{"
                + "\"connector.class\":\"" + SecretEchoSource.class.getName() + "\",\"topic\":\"leaky3-3part\","
                + "\"echo.phrase\":\"\u0024{secretsManager:x:LEAK3}\"}}");
        assertEquals(201, threePart.status(), threePart.body());
        Http.Response shaped = Http.call(app.url(), "POST", "/connectors", "{\"name\":\"sec-shaped\",\"config\":{"
                + "\"connector.class\":\"" + SecretEchoSource.class.getName() + "\",\"topic\":\"leaky3\","
                + "\"echo.phrase\":\"" + shapedPhrase + "\",\"db.password\":\"" + dbPassword.replace("$", "\\u0024") + "\"}}");
        assertEquals(201, shaped.status(), shaped.body());
        String echoPhrase = shapedPhrase;
        JsonNode config = Http.get(app.url(), "/connectors/sec-shaped/config").json();
        assertEquals(HIDDEN, config.path("echo.phrase").asText(), "a PASSWORD shaped like a placeholder is a secret: " + config);
        assertEquals(HIDDEN, config.path("db.password").asText(), "a secret key's value shaped like a placeholder: " + config);
        assertEquals("${secretsManager:x:LEAK3}",
                Http.get(app.url(), "/connectors/sec-3part/config").json().path("echo.phrase").asText(), "a reference is shown as written");

        Map<String, String> failures = Map.of("sec-3part", "Cannot sign in with", "sec-shaped", "Cannot sign in with");
        for (Map.Entry<String, String> failure : failures.entrySet()) {
            String status = Await.atMost(Duration.ofSeconds(90)).poll(
                    () -> Http.get(app.url(), "/connectors/" + failure.getKey() + "/status").body(), body -> body.contains(failure.getValue()));
            assertTrue(status.contains(failure.getValue()), failure.getKey() + ": the task failed, quoting its config: " + status);
            String timeline = failureInTimeline(failure.getKey());
            assertTrue(timeline.contains(failure.getValue()), failure.getKey() + ": " + timeline);
            for (String secret : List.of(named, echoPhrase, dbPassword)) {
                assertFalse(status.contains(secret), failure.getKey() + ": the status quotes a secret: " + status);
                assertFalse(timeline.contains(secret), failure.getKey() + ": the timeline quotes a secret: " + timeline);
            }
        }
        assertTrue(Http.get(app.url(), "/connectors/sec-3part/status").body().contains("Cannot sign in with " + HIDDEN));

        Http.Response inUse = Http.call(app.url(), "DELETE", SECRETS + "/LEAK3", null);
        assertEquals("FAILED_PRECONDITION", inUse.json().path("code").asText(), "a secret in use stays: " + inUse.body());
        assertTrue(inUse.json().path("message").asText().contains("sec-3part"), inUse.body());

        TopicScan.everyTopic(kafka.client(KafkaIdentities.CONTROL_PLANE)).forEach((topic, records) -> {
            if (!topic.contains("connect-")) {
                records.forEach(text -> List.of(named, echoPhrase, dbPassword).forEach(secret ->
                        assertFalse(text.contains(secret), "topic " + topic + " holds a secret in plain text")));
            }
        });
        for (String name : failures.keySet()) {
            assertEquals(204, Http.call(app.url(), "DELETE", "/connectors/" + name, null).status());
        }
        assertEquals(204, Http.call(app.url(), "DELETE", SECRETS + "/LEAK3", null).status(),
                "once no connector names it, it can be deleted");
    }

    private static int countOf(String text, String part) {
        int count = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            count++;
        }
        return count;
    }

    private void assertNoPlainSecrets(String where, String text) {
        for (String secret : List.of(phrase, password, rotatedPassword, namedValue)) {
            assertFalse(text.contains(secret), where + " holds a secret in plain text");
        }
    }

    /** Reads every record of every topic on the broker and checks none holds a secret; answers records per topic. */
    private Map<String, Integer> scanAllTopics() {
        Map<String, Integer> counts = new TreeMap<>();
        TopicScan.everyTopic(kafka.client(KafkaIdentities.CONTROL_PLANE)).forEach((topic, records) -> {
            counts.put(topic, records.size());
            records.forEach(text -> assertNoPlainSecrets("topic " + topic, text));
        });
        return counts;
    }

    private String topicText(String topic) {
        return TopicScan.text(kafka.client(KafkaIdentities.CONTROL_PLANE), topic);
    }

    /** Polls the topic's text until the condition holds (up to two minutes). */
    private boolean readUntil(String topic, Predicate<String> done) {
        Supplier<String> text = () -> {
            try (Admin admin = Admin.create(kafka.client(KafkaIdentities.CONTROL_PLANE))) {
                if (!admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(topic)) {
                    return "";
                }
            } catch (Exception e) {
                return "";
            }
            return topicText(topic);
        };
        return done.test(Await.atMost(Duration.ofSeconds(120)).poll(text, done));
    }

    /** The captured log so far; the list is appended to by the server's threads meanwhile. */
    private String logText() {
        synchronized (logLines) {
            return String.join("\n", logLines);
        }
    }
}
