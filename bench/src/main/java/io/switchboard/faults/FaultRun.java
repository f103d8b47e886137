package io.switchboard.faults;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.faults.HistoryChecker.Version;
import io.switchboard.faults.HistoryChecker.Violation;
import io.switchboard.faults.Nemesis.Fault;
import io.switchboard.faults.Op.State;
import io.switchboard.registry.EmbeddedSchemaRegistry;
import io.switchboard.secrets.Keyring;
import io.switchboard.testing.TestUsers;
import io.switchboard.testing.TopicScan;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The fault run: three Switchboard replicas as processes of their own on a broker of its own
 * process, a Kafka Connect worker as their data plane behind a {@link TcpProxy}, concurrent
 * {@link FaultClients} through every dialect, and a {@link Nemesis} that kills, freezes, restarts
 * and cuts them while the clients run. Then the {@link HistoryChecker} decides whether every
 * connector's history explains what the clients saw, the worker must converge to the histories'
 * final state, and no secret value written may appear in a topic, a log or an answer. Figures and
 * violations go to {@code OUT/faults.json} and {@code OUT/faults.md}, the processes' logs to
 * {@code OUT/faults-logs}; the exit status is 1 on any violation.
 *
 * <p>Arguments: {@code [--seconds 120] [--clients 6] [--connectors 8] [--out bench/out] [--seed N]
 * [--faults kill-replica,freeze-replica,restart-broker,kill-worker,cut-worker] [--rounds 1]
 * [--sample-seconds 30]}: the clients run at least {@code seconds}, and for as long as the faults
 * take, each fault kind once per round; {@code --check FILE} runs the checker again on a run's
 * {@code faults-history.json}.
 */
public final class FaultRun {
    static final List<String> ALL_FAULTS = List.of("kill-replica", "freeze-replica", "restart-broker", "kill-worker", "cut-worker",
            "cut-broker", "skew-clock", "fill-disk", "rolling-restart");
    /** How far a skewed replica's wall clock is ahead of the others', and for how long. */
    static final String CLOCK_SKEW = "+300s";
    static final long SKEW_MILLIS = 30_000;
    /** How long a replica's data disk stays full: long enough for its state stores to have to write. */
    static final long FILL_DISK_MILLIS = 30_000;
    /** How long a replica is cut from the broker: past its Streams session, so its partitions move. */
    static final long CUT_BROKER_MILLIS = 50_000;
    /** Longer than a Streams member's session timeout (45 s), so that the group moves its partitions. */
    static final long FREEZE_MILLIS = 50_000;
    /** How long the data plane may take to match the histories once the last fault has healed. */
    static final long CONVERGE_MILLIS = 180_000;

    private final Map<String, String> options;
    private final Path out;
    private final Path work;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String authorization = TestUsers.basic("faults");
    private JavaProcess broker;
    /** The replicas' schema registry, in this process; closed before the broker stops, or its clients log every retry. */
    private EmbeddedSchemaRegistry registry;
    private String bootstrap;
    private JavaProcess worker;
    private String workerUrl;
    private TcpProxy proxy;
    /** Each replica's own way to the broker (a listener of its own behind a proxy), by replica. */
    private final List<TcpProxy> brokerLinks = new ArrayList<>();
    private final List<JavaProcess> replicas = new ArrayList<>();
    private DiskFull diskFull;
    private final List<String> replicaUrls = new ArrayList<>();
    /** What the clients reach: every replica but one being restarted on purpose. */
    private final Endpoints endpoints = new Endpoints(replicaUrls);

    private FaultRun(Map<String, String> options) throws Exception {
        this.options = options;
        this.out = Path.of(options.getOrDefault("out", "bench/out"));
        this.work = Files.createTempDirectory("switchboard-faults");
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        if (options.containsKey("check")) {
            System.exit(recheck(Path.of(options.get("check"))));
        }
        int exit = new FaultRun(options).run();
        System.exit(exit);
    }

    private int run() throws Exception {
        long seconds = Long.parseLong(options.getOrDefault("seconds", "120"));
        int clientCount = Integer.parseInt(options.getOrDefault("clients", "6"));
        int connectorCount = Integer.parseInt(options.getOrDefault("connectors", "8"));
        long seed = Long.parseLong(options.getOrDefault("seed", String.valueOf(System.currentTimeMillis())));
        List<String> faultKinds = List.of(options.getOrDefault("faults", String.join(",", ALL_FAULTS)).split(","));
        long setupStarted = System.nanoTime();
        startParts();
        double setupSeconds = (System.nanoTime() - setupStarted) / 1e9;
        System.out.println("[faults] started in " + Math.round(setupSeconds) + " s; seed " + seed + "; work in " + work);

        String kafkaClusterId = json(get(replicaUrls.get(0) + "/")).path("kafka_cluster_id").asText();
        String file = work.resolve("source.txt").toString();
        Files.writeString(Path.of(file), "one\ntwo\n");
        createSecret();
        List<String> connectors = new ArrayList<>();
        String run = Long.toString(seed % 100_000, 36);
        for (int i = 0; i < connectorCount; i++) {
            connectors.add("f" + run + "-" + i);
        }
        FaultClients clients = new FaultClients(connectors, endpoints::get, kafkaClusterId, authorization, file);
        Probe probe = new Probe(this, clients::nanosSinceStart, file);
        List<Thread> threads = clients.start(clientCount, seed);
        Nemesis nemesis = new Nemesis(clients::nanosSinceStart, probe::recovered);
        long clientsStarted = System.nanoTime();
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "1"));
        Sampler sampler = new Sampler(replicas, Long.parseLong(options.getOrDefault("sample-seconds", "30")) * 1000).start();
        Random random = new Random(seed);
        for (int round = 0; round < rounds; round++) {
            nemesis.run(faults(faultKinds, random), 5_000);
        }
        long remaining = seconds * 1000 - (System.nanoTime() - clientsStarted) / 1_000_000;
        Thread.sleep(Math.max(5_000, remaining));
        clients.stop(threads);
        List<Map<String, Object>> samples = sampler.stop();
        long lastFaultHealed = clients.nanosSinceStart();
        System.out.println("[faults] clients stopped after " + (System.nanoTime() - clientsStarted) / 1_000_000_000 + " s: " + clients.ops().size() + " ops");

        awaitHealthy(Duration.ofSeconds(120));
        Map<String, List<Version>> histories = new TreeMap<>();
        Map<String, State> finalReads = new TreeMap<>();
        for (String connector : connectors) {
            histories.put(connector, history(connector));
            finalReads.put(connector, finalRead(connector));
        }
        Recorded recorded = new Recorded(clients.ops(), histories, finalReads);
        Files.createDirectories(out);
        FaultClients.JSON.writeValue(out.resolve("faults-history.json").toFile(), recorded);
        List<Violation> violations = new ArrayList<>(HistoryChecker.check(recorded.ops(), histories, finalReads));
        long convergeStarted = System.nanoTime();
        List<String> notConverged = Convergence.await(this, histories, CONVERGE_MILLIS);
        long convergeMillis = (System.nanoTime() - convergeStarted) / 1_000_000;
        for (String difference : notConverged) {
            violations.add(new Violation("NOT_CONVERGED", difference.substring(0, difference.indexOf(':')), -1, difference));
        }
        LeakScan scan = new LeakScan(clients.secretValues());
        Map<String, Integer> recordsByTopic = TopicScan.scanEveryTopic(Map.<String, Object>of("bootstrap.servers", bootstrap),
                (topic, bytes) -> scan.check("topic " + topic, new String(bytes, StandardCharsets.ISO_8859_1)));
        for (JavaProcess process : logs()) {
            scan.checkFile("log of " + process.name(), process.log());
        }
        clients.answers().forEach(answer -> scan.check("an answer", answer));
        for (String leak : scan.leaks()) {
            violations.add(new Violation("SECRET_LEAKED", "(secrets)", -1, leak));
        }
        FaultReport report = new FaultReport(seed, seconds, setupSeconds, clients.ops(), nemesis.windows(), violations,
                histories, convergeMillis, lastFaultHealed, samples, recordsByTopic);
        report.write(out);
        stopParts();
        FaultReport.keepLogs(work.resolve("logs"), out.resolve("faults-logs"));
        violations.forEach(v -> System.out.println("[faults] VIOLATION " + v));
        System.out.println("[faults] " + violations.size() + " violations; figures in " + out.resolve("faults.md"));
        return violations.isEmpty() ? 0 : 1;
    }

    /** What a run recorded, kept so that the checker can be run on it again: {@code --check FILE}. */
    record Recorded(List<Op> ops, Map<String, List<Version>> histories, Map<String, State> finalReads) {
    }

    private static int recheck(Path file) throws Exception {
        Recorded recorded = FaultClients.JSON.readValue(file.toFile(), Recorded.class);
        List<Violation> violations = HistoryChecker.check(recorded.ops(), recorded.histories(), recorded.finalReads());
        violations.forEach(v -> System.out.println("VIOLATION " + v));
        System.out.println(violations.size() + " violations in " + recorded.ops().size() + " ops");
        return violations.isEmpty() ? 0 : 1;
    }

    private List<Fault> faults(List<String> kinds, Random random) {
        List<Fault> faults = new ArrayList<>();
        for (String kind : kinds) {
            int r = random.nextInt(replicas.size());
            JavaProcess replica = replicas.get(r);
            faults.add(switch (kind) {
                case "kill-replica" -> new Fault(kind, replica.name(), replica::kill, 2_000, () -> restartReplica(r));
                case "freeze-replica" -> new Fault(kind, replica.name(), replica::freeze, FREEZE_MILLIS, replica::thaw);
                case "restart-broker" -> new Fault(kind, "broker", broker::kill, 3_000, this::restartBroker);
                case "kill-worker" -> new Fault(kind, "worker", worker::kill, 3_000, this::restartWorker);
                case "cut-worker" -> new Fault(kind, "replicas-worker link", proxy::blackhole, 20_000, proxy::heal);
                case "cut-broker" -> new Fault(kind, replica.name() + "-broker link", brokerLinks.get(r)::blackhole,
                        CUT_BROKER_MILLIS, brokerLinks.get(r)::heal);
                case "skew-clock" -> new Fault(kind, replica.name() + " clock " + CLOCK_SKEW, () -> restartReplica(r, CLOCK_SKEW),
                        SKEW_MILLIS, () -> restartReplica(r, null));
                case "fill-disk" -> new Fault(kind, replica.name() + " data disk", () -> fillDisk(r),
                        FILL_DISK_MILLIS, () -> freeDisk(r));
                case "rolling-restart" -> new Fault(kind, "every replica in turn", () -> new RollingRestart(replicas, replicaUrls, endpoints,
                        (url, path) -> call("GET", url + path, null).status()).run(), 0, () -> { });
                default -> throw new IllegalArgumentException("Unknown fault " + kind + "; known: " + ALL_FAULTS);
            });
        }
        return faults;
    }

    private void startParts() throws Exception {
        Path logs = work.resolve("logs");
        diskFull = DiskFull.build(work);
        int brokerPort = JavaProcess.freePort();
        List<String> brokerArgs = new ArrayList<>(List.of(work.resolve("broker").toString(), String.valueOf(brokerPort)));
        for (int i = 1; i <= 3; i++) {
            // Every connection replica i makes to the broker passes its own proxy, which the nemesis can cut.
            int listenerPort = JavaProcess.freePort();
            TcpProxy link = new TcpProxy(listenerPort);
            brokerLinks.add(link);
            brokerArgs.add("REPLICA" + i + ":" + listenerPort + ":" + link.port());
        }
        broker = new JavaProcess("broker", List.of("-Xmx512m", "-XX:+UseSerialGC"), "io.switchboard.bench.BenchBroker",
                brokerArgs, logs).start();
        bootstrap = broker.awaitLine("READY ", 0, 120_000);
        registry = new EmbeddedSchemaRegistry(new EmbeddedSchemaRegistry.Settings(bootstrap, Map.of(), "switchboard._schemas", "127.0.0.1", 0,
                io.switchboard.RegistryCredentials.accepted(Keyring.loadOrCreate(work.resolve("shared-secrets.key"))))).start();
        int workerPort = JavaProcess.freePort();
        worker = new JavaProcess("worker", List.of("-Xmx768m", "-XX:+UseSerialGC"), "io.switchboard.bench.BenchWorker",
                List.of(bootstrap, String.valueOf(workerPort), "group.id=fault-connect", "config.storage.topic=fault-connect-configs",
                        "offset.storage.topic=fault-connect-offsets", "status.storage.topic=fault-connect-status",
                        "offset.flush.interval.ms=1000"), logs).start();
        workerUrl = worker.awaitLine("READY ", 0, 180_000).split(" ")[0];
        proxy = new TcpProxy(workerPort);
        Path keyring = work.resolve("shared-secrets.key");
        Keyring.loadOrCreate(keyring);
        Path users = TestUsers.write(work.resolve("users"), Map.of("faults", "admin@*"));
        for (int i = 1; i <= 3; i++) {
            int port = JavaProcess.freePort();
            String url = "http://127.0.0.1:" + port;
            JavaProcess replica = new JavaProcess("replica-" + i, List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError",
                    "-Xlog:gc:file=" + logs.resolve("replica-" + i + "-gc.log") + ":uptime"),
                    "io.switchboard.Switchboard", List.of("--port", String.valueOf(port), "--bind-host", "127.0.0.1",
                    "--advertised-url", url, "--data-dir", dataDir(i - 1).toString(),
                    "--secrets-key-file", keyring.toString(), "--users-file", users.toString(),
                    "--bootstrap-servers", "127.0.0.1:" + brokerLinks.get(i - 1).port(), "--schema-registry-url", registry.url(),
                    "--embedded-worker", "false", "--command-timeout-ms", "15000",
                    "--connect-cluster", "default=http://127.0.0.1:" + proxy.port() + ";status-topic=fault-connect-status;config-topic=fault-connect-configs",
                    // --static-membership true: each replica a stable identity, as a StatefulSet gives it.
                    "--instance-id", Boolean.parseBoolean(options.getOrDefault("static-membership", "false")) ? "replica-" + i : ""), logs);
            replicas.add(replica.withEnvironment(diskFull.environment(dataDir(i - 1))).start());
            replicaUrls.add(url);
            awaitHealthy(i - 1, Duration.ofSeconds(180));
        }
    }

    /**
     * Fills a replica's data disk, and restarts it (SIGKILL, then started again) on the full disk: a
     * running replica writes its disk rarely (its stores flush when they checkpoint), while one that
     * starts must write every store it restores.
     */
    private void fillDisk(int index) throws Exception {
        diskFull.fill(dataDir(index));
        JavaProcess replica = replicas.get(index);
        replica.kill();
        replica.start();
    }

    /** Frees the disk; the replica is to recover by itself, and is started again only if it has exited. */
    private void freeDisk(int index) throws Exception {
        diskFull.free(dataDir(index));
        JavaProcess replica = replicas.get(index);
        if (!replica.isAlive()) {
            System.out.println("[faults] " + replica.name() + " exited on the full disk; started again");
            replica.start();
        }
        awaitHealthy(index, Duration.ofSeconds(180));
    }

    private Path dataDir(int index) {
        return work.resolve("replica-" + (index + 1));
    }

    private void restartReplica(int index) throws Exception {
        replicas.get(index).start();
        awaitHealthy(index, Duration.ofSeconds(180));
    }

    /** Stops a replica (SIGTERM, as an operator would) and starts it on its data with the clock given, or the machine's. */
    private void restartReplica(int index, String clockOffset) throws Exception {
        JavaProcess replica = replicas.get(index);
        replica.stop();
        if (clockOffset == null) {
            replica.start();
        } else {
            replica.startSkewed(clockOffset);
        }
        awaitHealthy(index, Duration.ofSeconds(180));
    }

    private void restartBroker() throws Exception {
        int from = broker.lines().size();
        broker.start();
        broker.awaitLine("READY ", from, 120_000);
    }

    private void restartWorker() throws Exception {
        int from = worker.lines().size();
        worker.start();
        worker.awaitLine("READY ", from, 180_000);
    }

    private void stopParts() {
        replicas.forEach(JavaProcess::stop);
        worker.stop();
        try {
            registry.close();
        } catch (Exception ignored) {
            // closing
        }
        broker.stop();
        List<TcpProxy> proxies = new ArrayList<>(brokerLinks);
        proxies.add(proxy);
        for (TcpProxy each : proxies) {
            try {
                each.close();
            } catch (Exception ignored) {
                // closing
            }
        }
    }

    List<JavaProcess> logs() {
        List<JavaProcess> all = new ArrayList<>(replicas);
        all.add(worker);
        all.add(broker);
        return all;
    }

    void awaitHealthy(Duration timeout) throws InterruptedException {
        for (int i = 0; i < replicas.size(); i++) {
            awaitHealthy(i, timeout);
        }
    }

    private void awaitHealthy(int index, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (call("GET", replicaUrls.get(index) + "/health", null).status() == 200) {
                return;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(replicas.get(index).name() + " not healthy in " + timeout + "; see " + replicas.get(index).log());
    }

    private void createSecret() {
        String body = FaultClients.json(Map.of("name", FaultClients.SECRET_ID,
                "secret_data", Base64.getEncoder().encodeToString("initial".getBytes(StandardCharsets.UTF_8))));
        Answer created = call("POST", replicaUrls.get(0) + "/v1/kafka-connect/clusters/default/secrets", body);
        if (created.status() >= 300) {
            throw new IllegalStateException("Could not create the secret: " + created);
        }
    }

    private List<Version> history(String connector) throws InterruptedException {
        for (int attempt = 0; ; attempt++) {
            Answer answer = call("GET", replicaUrls.get(attempt % replicas.size()) + "/connectors/" + connector + "/history", null);
            if (answer.status() == 404) {
                return List.of();
            }
            if (answer.status() == 200) {
                List<Version> versions = new ArrayList<>();
                for (JsonNode v : json(answer).path("versions")) {
                    JsonNode config = v.path("config");
                    State after = config.isObject()
                            ? new State(true, config.path(Op.MARKER_KEY).isMissingNode() ? null : config.path(Op.MARKER_KEY).asText(),
                            v.path("target_state").asText(null))
                            : State.ABSENT;
                    versions.add(new Version(v.path("sequence").asLong(), v.path("event").asText(), v.path("request_id").asText(null), after));
                }
                return versions;
            }
            if (attempt > 60) {
                throw new IllegalStateException("History of " + connector + " unreadable: " + answer);
            }
            Thread.sleep(1000);
        }
    }

    /** The connector's config marker and target state, as replica 1 answers them now. */
    private State finalRead(String connector) throws InterruptedException {
        for (int attempt = 0; ; attempt++) {
            Answer config = call("GET", replicaUrls.get(0) + "/connectors/" + connector + "/config", null);
            if (config.status() == 404) {
                return State.ABSENT;
            }
            Answer history = call("GET", replicaUrls.get(0) + "/connectors/" + connector + "/history", null);
            if (config.status() == 200 && history.status() == 200) {
                JsonNode versions = json(history).path("versions");
                String target = versions.get(versions.size() - 1).path("target_state").asText(null);
                JsonNode marker = json(config).path(Op.MARKER_KEY);
                return new State(true, marker.isMissingNode() ? null : marker.asText(), target);
            }
            if (attempt > 60) {
                throw new IllegalStateException("Config of " + connector + " unreadable: " + config);
            }
            Thread.sleep(1000);
        }
    }

    /** A status, a body, or -1 and the error when there was no answer. */
    record Answer(int status, String body) {
    }

    Answer call(String method, String url, String body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                    .header("Authorization", authorization).header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(-1, "interrupted");
        } catch (Exception e) {
            return new Answer(-1, e.toString());
        }
    }

    private Answer get(String url) {
        return call("GET", url, null);
    }

    static JsonNode json(Answer answer) {
        try {
            return FaultClients.JSON.readTree(answer.body());
        } catch (Exception e) {
            throw new IllegalStateException("Not JSON: " + answer, e);
        }
    }

    String workerUrl() {
        return workerUrl;
    }

    List<String> replicaUrls() {
        return replicaUrls;
    }
}
