package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.SwitchboardApp;
import io.switchboard.SwitchboardOptions;
import io.switchboard.kafka.KafkaIdentities;
import io.switchboard.kafkaio.Topics;
import io.switchboard.secrets.Keyring;
import io.switchboard.testing.ApiContract;
import io.switchboard.testing.Await;
import io.switchboard.testing.CommandWriter;
import io.switchboard.testing.Http;
import io.switchboard.testing.OptionsBuilder;
import io.switchboard.testing.SecuredKafka;
import io.switchboard.testing.TestReplicas;
import io.switchboard.testing.TestUsers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A Switchboard replica on the test JVM's broker ({@link SharedKafka}), driven over real HTTP. Its
 * topics carry a prefix of their own ({@link #topics()}); they are deleted when it closes. It
 * connects as a user's replica does, with the control plane's and the worker's settings files.
 */
final class SwitchboardFixture implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration RETRY_READS_FOR = Duration.ofSeconds(60);
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    final Path dir;
    final SecuredKafka kafka;
    private final String prefix = SharedKafka.newPrefix();
    SwitchboardApp app;
    /** The options the replica started with. */
    private final SwitchboardOptions started;
    /** A replica several classes share ({@link SharedReplica}): {@link #close} leaves it running. */
    boolean keptUntilExit;
    /** The users file the replica reads its users from, or null when it was not started with one. */
    final Path usersFile;

    SwitchboardFixture() {
        this(UnaryOperator.identity());
    }

    /** @param tuning changes to the test's default options */
    SwitchboardFixture(UnaryOperator<OptionsBuilder> tuning) {
        this(null, tuning);
    }

    /** @param grants users and their grants ({@link TestUsers}), checked on every request; null: security as tuned */
    private SwitchboardFixture(Map<String, String> grants, UnaryOperator<OptionsBuilder> tuning) {
        try {
            dir = Files.createTempDirectory("switchboard-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        kafka = SharedKafka.broker();
        OptionsBuilder options = tuning.apply(options());
        usersFile = grants == null ? null : TestUsers.write(dir.resolve("users"), grants);
        if (usersFile != null) {
            options.flags("--users-file", usersFile.toString());
        }
        // After the tuning, which may give security options of its own: the Kafka credentials stay.
        started = kafka.replica(options.build());
        app = SwitchboardApp.start(started);
        TestReplicas.authorizeWorker(app, started);
        ApiContract.watch(app.url());
    }

    /**
     * A replica that checks these users' grants (user to {@code ROLE@SCOPE}, each with the key
     * {@link TestUsers#KEY}), whose requests go as {@code asUser} unless they name someone else.
     */
    static SwitchboardFixture withUsers(Map<String, String> grants, String asUser, UnaryOperator<OptionsBuilder> tuning) {
        SwitchboardFixture fx = new SwitchboardFixture(grants, tuning);
        Http.authorizeByDefault(fx.app.url(), TestUsers.basic(asUser));
        return fx;
    }

    /** The test's default options, on this fixture's broker, for a test to change and build. */
    OptionsBuilder options() {
        return OptionsBuilder.from(kafka.replica(TestReplicas.defaults()
                .port(0)
                .schemaRegistryPort(0)
                .dataDir(dir.resolve("replica"))
                .topicPrefix(prefix)
                .embeddedWorker(false)
                // A decision is what these tests look at; on a loaded machine it can come later than the
                // default's 30 s, and the 503 "accepted, will be applied" would hide it.
                .commandTimeout(Duration.ofSeconds(60))
                .build()));
    }

    /**
     * Stops the replica and starts it again with the same options and data directory (on a new
     * port): what it held in memory only is gone, what it keeps on disk and in Kafka is not.
     */
    void restart() {
        app.close();
        app = SwitchboardApp.start(started);
        TestReplicas.authorizeWorker(app, started);
        ApiContract.watch(app.url());
    }

    /** Writes commands straight to this replica's command topic, signed with its keyring as a replica signs them. */
    CommandWriter commandWriter() {
        return new CommandWriter(app.bootstrapServers(), app.schemaRegistryUrl(), keyring(),
                kafka.client(KafkaIdentities.CONTROL_PLANE));
    }

    /** A client of this replica's schema registry that may also write to it (the deployment's writer credentials). */
    io.switchboard.schemas.wire.HttpSchemaRegistryClient registryWriter() {
        return io.switchboard.schemas.wire.HttpSchemaRegistryClient.authenticated(app.schemaRegistryUrl(), registryUserInfo());
    }

    /** {@code USER:PASSWORD} that writes to this replica's schema registry. */
    String registryUserInfo() {
        return io.switchboard.RegistryCredentials.userInfo(keyring());
    }

    private Keyring keyring() {
        return started.secretsKey() != null ? Keyring.parse(started.secretsKey())
                : Keyring.loadOrCreate(started.keyringFile().toAbsolutePath());
    }

    /** The names of this replica's topics. */
    Topics topics() {
        return new Topics(prefix);
    }

    record Answer(int status, String body, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("Not JSON (" + status + "): " + body, e);
            }
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    Answer call(String method, String path, String body) {
        return call(app.url(), method, path, body);
    }

    /**
     * One request, as a client that honours the API's answers would send it: a read answered 503
     * "retry shortly" (its data is being moved between replicas or restored, which a loaded machine
     * can stretch past the read's own wait) is sent again, for up to a minute.
     */
    static Answer call(String baseUrl, String method, String path, String body) {
        return Await.atMost(RETRY_READS_FOR).poll(() -> {
            Answer answer = callOnce(baseUrl, method, path, body);
            if (retryShortly(method, answer)) {
                System.out.println("[fixture] GET " + path + " answered 503, retrying: " + answer.body());
            }
            return answer;
        }, answer -> !retryShortly(method, answer));
    }

    private static boolean retryShortly(String method, Answer answer) {
        return method.equals("GET") && answer.status() == 503 && answer.body().contains("retry shortly");
    }

    private static Answer callOnce(String baseUrl, String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json");
        String authorization = Http.defaultAuthorization(baseUrl);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            ApiContract.check(baseUrl, method, path, response.statusCode(),
                    response.headers().map(), response.body());
            return new Answer(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (keptUntilExit) {
            return;
        }
        if (app != null) {
            app.close();
        }
        SharedKafka.deleteTopics(prefix);
        deleteQuietly(dir);
    }

    static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
