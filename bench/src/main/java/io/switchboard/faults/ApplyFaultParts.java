package io.switchboard.faults;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.faults.HistoryChecker.Version;
import io.switchboard.faults.Op.State;
import io.switchboard.registry.EmbeddedSchemaRegistry;
import io.switchboard.secrets.Keyring;
import io.switchboard.testing.TestUsers;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the apply fault run runs on: a broker and a Kafka Connect worker, each a process of its own,
 * and three Switchboard replicas as processes of their own with identities in the processor's group
 * ({@code --instance-id replica-N}, as the Helm chart gives each pod its name), the worker their
 * cluster {@code default}; and the HTTP calls the run makes of them.
 */
final class ApplyFaultParts implements AutoCloseable {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String authorization = TestUsers.basic("faults");
    private final Path work;
    private JavaProcess broker;
    private EmbeddedSchemaRegistry registry;
    private String bootstrap;
    private JavaProcess worker;
    private String workerUrl;
    final List<JavaProcess> replicas = new ArrayList<>();
    final List<String> urls = new ArrayList<>();

    ApplyFaultParts(Path work) {
        this.work = work;
    }

    ApplyFaultParts start() throws Exception {
        Path logs = work.resolve("logs");
        broker = new JavaProcess("broker", List.of("-Xmx512m", "-XX:+UseSerialGC"), "io.switchboard.bench.BenchBroker",
                List.of(work.resolve("broker").toString(), String.valueOf(JavaProcess.freePort())), logs).start();
        bootstrap = broker.awaitLine("READY ", 0, 120_000);
        // The replicas' keyring, from which the registry's writer credentials derive.
        registry = new EmbeddedSchemaRegistry(new EmbeddedSchemaRegistry.Settings(bootstrap, java.util.Map.of(), "switchboard._schemas",
                "127.0.0.1", 0, io.switchboard.RegistryCredentials.accepted(Keyring.loadOrCreate(work.resolve("shared-secrets.key"))))).start();
        int workerPort = JavaProcess.freePort();
        worker = new JavaProcess("worker", List.of("-Xmx768m", "-XX:+UseSerialGC"), "io.switchboard.bench.BenchWorker",
                List.of(bootstrap, String.valueOf(workerPort), "group.id=apply-connect", "config.storage.topic=apply-connect-configs",
                        "offset.storage.topic=apply-connect-offsets", "status.storage.topic=apply-connect-status"), logs).start();
        workerUrl = worker.awaitLine("READY ", 0, 180_000).split(" ")[0];
        Path keyring = work.resolve("shared-secrets.key");
        Keyring.loadOrCreate(keyring);
        Path users = TestUsers.write(work.resolve("users"), Map.of("faults", "admin@*"));
        for (int i = 1; i <= 3; i++) {
            int port = JavaProcess.freePort();
            String url = "http://127.0.0.1:" + port;
            replicas.add(new JavaProcess("replica-" + i, List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError"),
                    "io.switchboard.Switchboard", List.of("--port", String.valueOf(port), "--bind-host", "127.0.0.1",
                    "--advertised-url", url, "--data-dir", work.resolve("replica-" + i).toString(),
                    "--secrets-key-file", keyring.toString(), "--users-file", users.toString(),
                    "--bootstrap-servers", bootstrap, "--schema-registry-url", registry.url(),
                    "--embedded-worker", "false", "--command-timeout-ms", "30000", "--instance-id", "replica-" + i,
                    "--connect-cluster", "default=" + workerUrl + ";status-topic=apply-connect-status;config-topic=apply-connect-configs"),
                    logs).start());
            urls.add(url);
            awaitHealthy(i - 1, Duration.ofSeconds(300));
        }
        return this;
    }

    String bootstrap() {
        return bootstrap;
    }

    String workerUrl() {
        return workerUrl;
    }

    /** SIGKILL of a replica, and its start again on its data, until it answers {@code /health}. */
    void killAndRestart(int replica) throws InterruptedException {
        replicas.get(replica).kill();
        replicas.get(replica).start();
        awaitHealthy(replica, Duration.ofSeconds(300));
    }

    void awaitHealthy(int index, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (call("GET", urls.get(index) + "/health", null, Map.of()).status() == 200) {
                return;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(replicas.get(index).name() + " not healthy in " + timeout + "; see " + replicas.get(index).log());
    }

    /** A request as a client sends it; status -1 and the error when there was no answer. */
    FaultRun.Answer call(String method, String url, String body, Map<String, String> headers) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(90))
                    .header("Authorization", authorization).header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            headers.forEach(request::header);
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new FaultRun.Answer(response.statusCode(), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new FaultRun.Answer(-1, "interrupted");
        } catch (Exception e) {
            return new FaultRun.Answer(-1, e.toString());
        }
    }

    /** A GET through replica {@code index}, sent again while it is answered 503 or not at all, for up to a minute. */
    FaultRun.Answer read(int index, String path) throws InterruptedException {
        FaultRun.Answer answer = null;
        for (int attempt = 0; attempt < 240; attempt++) {
            answer = call("GET", urls.get((index + attempt) % urls.size()) + path, null, Map.of());
            if (answer.status() != 503 && answer.status() != -1) {
                return answer;
            }
            Thread.sleep(250);
        }
        return answer;
    }

    /** A connector as replica {@code index} answers its config: absent, or its marker. */
    State connector(int index, String name) throws InterruptedException {
        FaultRun.Answer config = read(index, "/connectors/" + name + "/config");
        if (config.status() == 404) {
            return State.ABSENT;
        }
        if (config.status() != 200) {
            throw new IllegalStateException("Config of " + name + " unreadable: " + config);
        }
        JsonNode marker = FaultRun.json(config).path(Op.MARKER_KEY);
        return new State(true, marker.isMissingNode() ? null : marker.asText(), null);
    }

    /** Every version of a connector, as {@code GET .../history} answers it (none for a connector that never was). */
    List<Version> history(String name) throws InterruptedException {
        FaultRun.Answer answer = read(0, "/connectors/" + name + "/history");
        if (answer.status() == 404) {
            return List.of();
        }
        if (answer.status() != 200) {
            throw new IllegalStateException("History of " + name + " unreadable: " + answer);
        }
        List<Version> versions = new ArrayList<>();
        for (JsonNode v : FaultRun.json(answer).path("versions")) {
            JsonNode config = v.path("config");
            State after = config.isObject()
                    ? new State(true, config.path(Op.MARKER_KEY).isMissingNode() ? null : config.path(Op.MARKER_KEY).asText(),
                    v.path("target_state").asText(null))
                    : State.ABSENT;
            versions.add(new Version(v.path("sequence").asLong(), v.path("event").asText(), v.path("request_id").asText(null), after));
        }
        return versions;
    }

    @Override
    public void close() {
        replicas.forEach(JavaProcess::stop);
        if (worker != null) {
            worker.stop();
        }
        try {
            if (registry != null) {
                registry.close();
            }
        } catch (Exception ignored) {
            // closing
        }
        if (broker != null) {
            broker.stop();
        }
    }
}
