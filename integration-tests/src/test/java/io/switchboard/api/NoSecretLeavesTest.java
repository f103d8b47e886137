package io.switchboard.api;

import io.switchboard.kafka.KafkaIdentities;
import io.switchboard.http.HttpServer.Route;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.secrets.Keyring;
import io.switchboard.secrets.SecretBox;
import io.switchboard.testing.TestUsers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No secret leaves: a connector holding a password (the built-in key rule), a value of a key only
 * the operator's glob makes secret ({@code --secret-key-patterns=*.dsn}), and a sealed value with
 * text in front of it under a key no rule calls secret, is read back through every GET route of
 * the route table, the {@code /events} stream, its history, and the lifecycle topic itself, as a
 * viewer, an operator, an editor and an admin: no answer holds a secret value, a sealed value's
 * ciphertext, or a sealed value at all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NoSecretLeavesTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final Pattern PARAM = Pattern.compile("\\{([^}]+)}");
    private static final List<String> ROLES = List.of("vera", "otto", "erin", "ada");
    private static final String CONNECTOR = "leaky";
    private static final String PASSWORD = "hunter2-plain-password";
    private static final String NEW_PASSWORD = "hunter3-plain-password";
    private static final String DSN = "dsn-only-the-operator-calls-secret";

    private SwitchboardFixture fx;
    private String kafkaClusterId;
    /** What must never be seen, by what it is. */
    private final Map<String, String> secrets = new LinkedHashMap<>();

    @BeforeAll
    void start() throws IOException {
        Path dir = Files.createTempDirectory("switchboard-no-secret");
        Path users = TestUsers.write(dir, Map.of("vera", "viewer@default", "otto", "operator@default",
                "erin", "editor@default", "ada", "admin@default"));
        fx = new SwitchboardFixture(options -> options.secretKeyPatterns("*.dsn")
                .flags("--users-file", users.toString()));
        kafkaClusterId = SwitchboardFixture.JSON.readTree(call("GET", "/", null, "erin").body()).path("kafka_cluster_id").asText();
        // A sealed value as Switchboard seals it, pasted after some text under a key that is not secret.
        Keyring keyring = Keyring.loadOrCreate(fx.dir.resolve("replica").resolve("secrets.key"));
        String sealed = new SecretBox(keyring).seal("leak.note", "sealed-note-plaintext");
        secrets.put("the password", PASSWORD);
        secrets.put("the new password", NEW_PASSWORD);
        secrets.put("the value of a key the operator's glob makes secret", DSN);
        secrets.put("a sealed value's ciphertext", sealed.substring(sealed.lastIndexOf(':') + 1, sealed.length() - 1));
        secrets.put("a sealed value", "${switchboard:");

        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "FileStreamSource");
        config.put("file", "/tmp/switchboard-test-files/leaky");
        config.put("topic", "leaky");
        config.put("database.password", PASSWORD);
        config.put("mongo.dsn", DSN);
        // A sealed value pasted, even after some text under a key that is not secret, is refused (it is kept, never given).
        Map<String, String> pasted = new LinkedHashMap<>(config);
        pasted.put("leak.note", "note: " + sealed);
        Answer refused = call("POST", "/connectors", SwitchboardFixture.json(Map.of("name", CONNECTOR, "config", pasted)), "erin");
        assertEquals(400, refused.status(), refused.body());
        assertNoSecret("the refusal of a pasted sealed value", refused.body());
        Answer created = call("POST", "/connectors", SwitchboardFixture.json(Map.of("name", CONNECTOR, "config", config)), "erin");
        assertEquals(201, created.status(), created.body());
        config.put("database.password", NEW_PASSWORD);
        Answer changed = call("PUT", "/connectors/" + CONNECTOR + "/config", SwitchboardFixture.json(config), "ada");
        assertEquals(200, changed.status(), changed.body());
        assertNoSecret("the answer to the create", created.body());
        assertNoSecret("the answer to the change", changed.body());
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    @Test
    void noRouteShowsASecretToAnyRole() {
        List<String> leaks = new ArrayList<>();
        int calls = 0;
        int answered = 0;
        for (Route route : fx.app.routes()) {
            if (!route.method().equals("GET") || route.path().equals("/events")) {
                continue;
            }
            String path = concrete(route.path());
            for (String user : ROLES) {
                Answer answer = call("GET", path, null, user);
                calls++;
                if (answer.status() == 200) {
                    answered++;
                }
                leaks.addAll(leaks("GET " + path + " as " + user + " (" + answer.status() + ")", answer.body()));
            }
        }
        assertTrue(answered > 100, "most routes answer the connector: " + answered + " of " + calls);
        assertTrue(leaks.isEmpty(), calls + " calls, " + leaks.size() + " showed a secret:\n" + String.join("\n", leaks));
    }

    @Test
    void theHistoryShowsBothVersionsWithoutTheirSecrets() {
        for (String user : ROLES) {
            Answer history = call("GET", "/connectors/" + CONNECTOR + "/history", null, user);
            assertEquals(200, history.status(), history.body());
            assertTrue(history.body().contains("database.password"), history.body());
            assertTrue(history.body().contains("mongo.dsn"), history.body());
            assertNoSecret("the history as " + user, history.body());
        }
    }

    @Test
    void theEventStreamShowsNoSecretToAnyRole() throws Exception {
        for (String user : ROLES) {
            String events = events(user);
            assertTrue(events.contains("ConnectorCreated") && events.contains("ConnectorConfigChanged"), user + ": " + events);
            assertTrue(events.contains("mongo.dsn"), events);
            assertNoSecret("/events as " + user, events);
        }
    }

    @Test
    void theLifecycleTopicHoldsNoSecret() {
        List<LifecycleEvent> events = LifecycleEvents.upToNow(fx.kafka.client(KafkaIdentities.EVENTS), fx.app.schemaRegistryUrl(),
                fx.topics().lifecycle());
        List<String> ours = events.stream().filter(e -> e.getConnector().equals(CONNECTOR)).map(String::valueOf).toList();
        assertTrue(ours.size() >= 2, "the create and the change: " + ours);
        assertNoSecret("the lifecycle topic", String.join("\n", ours));
    }

    private void assertNoSecret(String where, String text) {
        List<String> leaks = leaks(where, text);
        assertTrue(leaks.isEmpty(), String.join("\n", leaks));
    }

    private List<String> leaks(String where, String text) {
        List<String> found = new ArrayList<>();
        secrets.forEach((what, value) -> {
            int at = text.indexOf(value);
            if (at >= 0) {
                found.add(where + " shows " + what + ": ..." + text.substring(Math.max(0, at - 60),
                        Math.min(text.length(), at + value.length() + 20)) + "...");
            }
        });
        return found;
    }

    /** The stream from its start, read until both events of the connector are in or 30 s have passed. */
    private String events(String user) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(fx.app.url() + "/events?connector=" + CONNECTOR + "&from=earliest"))
                .header("Authorization", TestUsers.basic(user)).GET().build();
        HttpResponse<InputStream> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode(), user);
        StringBuilder seen = new StringBuilder();
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try (InputStream in = response.body()) {
            Future<?> reading = reader.submit(() -> {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        synchronized (seen) {
                            seen.append(line).append('\n');
                            if (seen.indexOf("ConnectorCreated") >= 0 && seen.indexOf("ConnectorConfigChanged") >= 0
                                    && line.isEmpty()) {
                                return null;
                            }
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return null;
            });
            try {
                reading.get(30, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                reading.cancel(true);
            }
        } finally {
            reader.shutdownNow();
        }
        synchronized (seen) {
            return seen.toString();
        }
    }

    private String concrete(String template) {
        Matcher m = PARAM.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = switch (m.group(1)) {
                case "cluster", "cluster_name" -> "default";
                case "environment_id" -> "env-default";
                case "kafka_cluster_id" -> kafkaClusterId;
                case "task" -> "0";
                case "sequence" -> "1";
                case "plugin", "plugin_name" -> "org.apache.kafka.connect.file.FileStreamSourceConnector";
                case "part" -> "source";
                case "store" -> "connectors";
                case "logger" -> "io.switchboard";
                default -> CONNECTOR;
            };
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    record Answer(int status, String body) {
    }

    private Answer call(String method, String path, String body, String user) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fx.app.url() + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", TestUsers.basic(user));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
