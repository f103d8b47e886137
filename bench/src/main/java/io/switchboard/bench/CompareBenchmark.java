package io.switchboard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.switchboard.secrets.Keyring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Switchboard and Kafka Connect side by side: the same HTTP workload, in one run on one machine and
 * one broker, against
 * <ul>
 *   <li>{@code kafka-connect}: a Kafka Connect 4.3.1 distributed worker, driven directly;</li>
 *   <li>{@code switchboard-1}: one Switchboard replica in front of a worker of the same kind;</li>
 *   <li>{@code switchboard-3}: three Switchboard replicas (one deployment) in front of such a worker,
 *       requests spread over them round-robin;</li>
 * </ul>
 * and the floor: the broker's own acks=all produce round trip at the same concurrencies.
 *
 * <p>Every part is a process of its own (broker, each worker, each replica) so that each JVM's peak
 * RSS and CPU seconds can be read from {@code /proc}. Targets run one after another; each gets a
 * fresh worker with its own group and topics. Not a test: it reports what it measures and never
 * fails because the machine is slow.
 *
 * <p>Arguments: {@code [--quick] [--connectors N] [--out DIR] [--targets kafka-connect,switchboard-1,switchboard-3]
 * [--switchboard-jar PATH] [--running-timeout-s S] [--grace-s G] [--stall-s T] [--settle-s S] [--list-samples L] [--pause-rounds R] [--jvm-opts "..."] [--profile LIBASYNCPROFILER [--profile-event cpu|alloc]] [--lower-priority THREAD_NAME_REGEX]}, or {@code --render results.json [--out DIR]} to write the
 * Markdown and the chart again from a run's JSON.
 */
public final class CompareBenchmark {
    static final String KAFKA_CONNECT = "kafka-connect";
    static final String SWITCHBOARD_1 = "switchboard-1";
    static final String SWITCHBOARD_3 = "switchboard-3";
    static final int HIGH_CONCURRENCY = 16;

    private final Map<String, String> opts;
    private final boolean quick;
    private final int connectors;
    private final Path out;
    private final Path work;
    private final String classPath = System.getProperty("java.class.path");
    private final Path switchboardJar;
    private final List<String> jvmOptions;
    /** Profiles the rounds of pauses and resumes when {@code --profile} gives async-profiler's library; else null. */
    private final RoundProfiler profiler;
    /** Lowers the priority of the replicas' threads named by {@code --lower-priority}; else null. */
    private final LowerPriority lowerPriority;
    private final Duration runningTimeout;
    private final int listSamples;
    private final int targetStateRounds;
    /** Properties (KEY=VALUE) given to every target's worker over the stock ones; none by default. */
    private final List<String> workerProps;
    private final Duration grace;
    private final Duration stall;
    private final List<ChildProcess> children = new ArrayList<>();
    private ChildProcess broker;
    /** Connectors of the warm-up round that runs every phase once before a target is measured. */
    private final int warmupConnectors;
    private final int warmupRounds;
    private String bootstrap;
    private BrokerFloor brokerFloor;
    private TargetRound round;
    /** The longest wait for a target's processes to fall quiet before a timed round. */
    private final Duration settleLimit;

    private CompareBenchmark(Map<String, String> opts) throws IOException {
        this.opts = opts;
        this.quick = opts.containsKey("quick");
        this.connectors = Integer.parseInt(opts.getOrDefault("connectors", quick ? "5" : "500"));
        this.out = Path.of(opts.getOrDefault("out", "bench/out"));
        this.work = Files.createTempDirectory("switchboard-compare");
        this.switchboardJar = Path.of(opts.getOrDefault("switchboard-jar", "app/target/switchboard.jar"));
        String extra = opts.getOrDefault("jvm-opts", "").trim();
        this.profiler = opts.containsKey("profile")
                ? new RoundProfiler(opts.get("profile"), opts.getOrDefault("profile-event", "cpu"), out.resolve("profile"))
                : null;
        this.lowerPriority = opts.containsKey("lower-priority") ? new LowerPriority(opts.get("lower-priority")) : null;
        List<String> jvm = new ArrayList<>(extra.isEmpty() ? List.of() : List.of(extra.split("\\s+")));
        if (profiler != null) {
            jvm.addAll(profiler.jvmOptions());
        }
        this.jvmOptions = List.copyOf(jvm);
        String props = opts.getOrDefault("worker-props", "").trim();
        this.workerProps = props.isEmpty() ? List.of() : List.of(props.split(","));
        this.runningTimeout = Duration.ofSeconds(Long.parseLong(opts.getOrDefault("running-timeout-s", quick ? "60" : "1200")));
        this.warmupConnectors = Integer.parseInt(opts.getOrDefault("warmup", "250"));
        this.warmupRounds = Integer.parseInt(opts.getOrDefault("warmup-rounds", "3"));
        this.listSamples = Integer.parseInt(opts.getOrDefault("list-samples", quick ? "10" : "50"));
        this.targetStateRounds = Integer.parseInt(opts.getOrDefault("pause-rounds", quick ? "1" : "5"));
        this.grace = Duration.ofSeconds(Long.parseLong(opts.getOrDefault("grace-s", quick ? "5" : "30")));
        this.stall = Duration.ofSeconds(Long.parseLong(opts.getOrDefault("stall-s", quick ? "10" : "60")));
        this.settleLimit = Duration.ofSeconds(Long.parseLong(opts.getOrDefault("settle-s", quick ? "5" : "60")));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = BenchSupport.options(args);
        if (opts.containsKey("render")) {
            render(opts);
            return;
        }
        CompareBenchmark bench = new CompareBenchmark(opts);
        Runtime.getRuntime().addShutdownHook(new Thread(bench::killAll, "bench-teardown"));
        try {
            bench.run();
        } finally {
            bench.killAll();
            BenchSupport.deleteQuietly(bench.work);
        }
        System.exit(0);
    }

    /** {@code --render results.json}: writes results.md and latency.png again from a run's figures. */
    @SuppressWarnings("unchecked")
    private static void render(Map<String, String> opts) throws IOException {
        Path out = Path.of(opts.getOrDefault("out", "bench/out"));
        Files.createDirectories(out);
        Map<String, Object> report = new ObjectMapper().readValue(Path.of(opts.get("render")).toFile(), Map.class);
        Files.writeString(out.resolve("results.md"), Report.markdown(report));
        LatencyChart.write(report, out.resolve("latency.png"));
        log("Rendered " + out.resolve("results.md") + " and " + out.resolve("latency.png"));
    }

    private void run() throws Exception {
        long started = System.nanoTime();
        Files.createDirectories(out);
        Files.createDirectories(out.resolve("logs"));
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("benchmark", "Switchboard vs Kafka Connect 4.3.1, same workload, one run");
        report.put("measured_at", Instant.now().toString());
        report.put("quick", quick);
        report.put("connectors", connectors);
        report.put("high_concurrency", HIGH_CONCURRENCY);
        report.put("list_samples", listSamples);
        report.put("pause_resume_rounds", targetStateRounds);
        report.put("worker_props", workerProps);
        report.put("partial_options", partialOptions(opts));
        if (lowerPriority != null) {
            report.put("lower_priority", opts.get("lower-priority"));
        }
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        machine.put("memory_mib", memoryMiB());
        report.put("machine", machine);
        report.put("retry_policy", "409 (not 'already exists') and 500 'rebalance' answers are retried after "
                + TargetClient.RETRY_BACKOFF_MS + " ms, at most " + TargetClient.MAX_ATTEMPTS + " attempts; latency includes retries");

        log("Starting the broker");
        broker = start("broker", "Kafka broker (KRaft, one node)", List.of("-cp", classPath, BenchBroker.class.getName(),
                work.resolve("broker").toString(), String.valueOf(freePort())));
        bootstrap = broker.awaitReady(120_000);
        log("Broker at " + bootstrap);
        brokerFloor = new BrokerFloor(bootstrap);
        round = new TargetRound(new TargetRound.Settings(quick, connectors, opts.containsKey("skip-c1"), warmupConnectors,
                warmupRounds, listSamples, targetStateRounds, runningTimeout, grace, stall, out, work, profiler),
                bootstrap, broker, brokerFloor, new ProcessReadings(broker, settleLimit));

        List<String> names = new ArrayList<>();
        for (String target : opts.getOrDefault("targets", KAFKA_CONNECT + "," + SWITCHBOARD_1 + "," + SWITCHBOARD_3).split(",")) {
            names.add(target.trim());
        }
        List<Map<String, Object>> targets = new ArrayList<>();
        if (quick) {
            // Quick: every target starts at once, then each runs its workload in turn.
            List<CompletableFuture<Deployment>> starting = new ArrayList<>();
            for (String name : names) {
                starting.add(CompletableFuture.supplyAsync(() -> startQuietly(name)));
            }
            for (var deployment : starting) {
                targets.add(round.run(deployment.join()));
            }
        } else {
            for (String name : names) {
                targets.add(round.run(startTarget(name)));
            }
        }
        report.put("floor_produce_acks_all", brokerFloor.pooled());
        report.put("targets", targets);
        report.put("broker_process", broker.stop());
        double seconds = (System.nanoTime() - started) / 1e9;
        report.put("duration_seconds", Latencies.round(seconds));

        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        json.writeValue(out.resolve("results.json").toFile(), report);
        String markdown = Report.markdown(report);
        Files.writeString(out.resolve("results.md"), markdown);
        LatencyChart.write(report, out.resolve("latency.png"));
        System.out.println(markdown);
        log("Figures written to " + out.toAbsolutePath() + " (results.json, results.md, latency.png) in "
                + Math.round(seconds) + " s");
    }

    /**
     * Starts a target, trying again (up to three times) when one of its processes exits while
     * starting: a free port handed to a child can be taken by another process before it binds.
     */
    private Deployment startQuietly(String target) {
        for (int attempt = 1; ; attempt++) {
            try {
                return startTarget(target);
            } catch (Exception e) {
                synchronized (children) {
                    // Only this target's own processes: in --quick, the others start at the same time.
                    children.stream().filter(c -> c.name().startsWith(target + "-")).forEach(ChildProcess::kill);
                    children.removeIf(c -> c.name().startsWith(target + "-"));
                }
                if (attempt == 3) {
                    throw new IllegalStateException("Cannot start " + target + ": " + e.getMessage(), e);
                }
                log("Target " + target + " did not start (" + e.getMessage() + "); starting it again");
            }
        }
    }

    private Deployment startTarget(String target) throws Exception {
        int replicas = switch (target) {
            case KAFKA_CONNECT -> 0;
            case SWITCHBOARD_1 -> 1;
            case SWITCHBOARD_3 -> 3;
            default -> throw new IllegalArgumentException("unknown target " + target);
        };
        log("Target " + target + ": starting its Kafka Connect worker" + (replicas > 0 ? " and " + replicas + " replica(s)" : ""));
        long targetStarted = System.nanoTime();
        int loweredBefore = lowerPriority == null ? 0 : lowerPriority.lowerNow();
        List<ChildProcess> processes = new ArrayList<>();
        List<String> workerArgs = new ArrayList<>(List.of("-cp", classPath, BenchWorker.class.getName(), bootstrap,
                String.valueOf(freePort())));
        workerArgs.addAll(workerProps);
        ChildProcess worker = start(target + "-worker", "Kafka Connect 4.3.1 worker", workerArgs);
        processes.add(worker);
        String[] ready = worker.awaitReady(180_000).split(" ");
        String workerUrl = ready[0];
        String workerStatusTopic = ready[1];
        // The worker's topics are named after its group: GROUP-status, GROUP-configs (BenchWorker).
        String workerConfigTopic = workerStatusTopic.substring(0, workerStatusTopic.length() - "-status".length()) + "-configs";
        List<String> urls = new ArrayList<>();
        if (replicas == 0) {
            urls.add(workerUrl);
        } else {
            int registryPort = freePort();
            // Replicas share one keyring, as they must.
            Path keyring = work.resolve(target + "-secrets.key");
            Keyring.loadOrCreate(keyring);
            List<ChildProcess> started = new ArrayList<>();
            for (int r = 1; r <= replicas; r++) {
                int port = freePort();
                String url = "http://127.0.0.1:" + port;
                List<String> args = new ArrayList<>(List.of("-jar", switchboardJar.toString(),
                        "--port", String.valueOf(port),
                        "--data-dir", work.resolve(target + "-replica-" + r).toString(),
                        "--secrets-key-file", keyring.toString(),
                        "--bootstrap-servers", bootstrap,
                        "--advertised-url", url,
                        "--bind-host", "127.0.0.1",
                        "--topic-prefix", "bench-" + target,
                        "--embedded-worker", "false",
                        // Statuses are read from the worker's status topic as they are written.
                        "--connect-cluster", "default=" + workerUrl + ";status-topic=" + workerStatusTopic
                                + ";config-topic=" + workerConfigTopic));
                if (r == 1) {
                    args.addAll(List.of("--schema-registry-port", String.valueOf(registryPort)));
                } else {
                    args.addAll(List.of("--schema-registry-url", "http://127.0.0.1:" + registryPort));
                }
                ChildProcess replica = start(target + "-replica-" + r, "Switchboard replica", args);
                if (lowerPriority != null) {
                    lowerPriority.watch(replica);
                }
                processes.add(replica);
                started.add(replica);
                urls.add(url);
                if (r == 1) {
                    awaitHttp(replica, url, Duration.ofSeconds(180)); // the others need its registry
                }
            }
            for (int r = 0; r < started.size(); r++) {
                awaitHttp(started.get(r), urls.get(r), Duration.ofSeconds(180));
            }
        }
        if (lowerPriority != null && replicas > 0) {
            int lowered = lowerPriority.lowerNow() - loweredBefore;
            if (lowered == 0) {
                String failure = lowerPriority.lastFailure();
                throw new IllegalStateException("--lower-priority " + opts.get("lower-priority") + (failure == null
                        ? " matches no thread of the replicas" : " lowered no thread of the replicas (" + failure + ")"));
            }
            log("Target " + target + ": " + lowered + " threads of its replicas at nice " + LowerPriority.NICE);
        }
        double startupSeconds = (System.nanoTime() - targetStarted) / 1e9;
        log("Target " + target + " serves at " + urls + " (worker " + workerUrl + ") after " + Math.round(startupSeconds) + " s");
        return new Deployment(target, replicas, worker, workerUrl, processes, urls, startupSeconds);
    }

    static String label(String target) {
        return switch (target) {
            case KAFKA_CONNECT -> "Kafka Connect";
            case SWITCHBOARD_1 -> "Switchboard x1";
            case SWITCHBOARD_3 -> "Switchboard x3";
            default -> target;
        };
    }

    /** Options that change what a run measures, away from a full run's; the report names them. */
    static final List<String> MEASURING_OPTIONS = List.of("connectors", "targets", "warmup", "warmup-rounds",
            "pause-rounds", "skip-c1", "list-samples", "settle-s", "jvm-opts", "worker-props", "profile", "profile-event", "lower-priority");

    private static List<String> partialOptions(Map<String, String> opts) {
        List<String> given = new ArrayList<>();
        for (String option : MEASURING_OPTIONS) {
            if (opts.containsKey(option)) {
                String value = opts.get(option);
                given.add("--" + option + (value == null || value.equals("true") ? "" : " " + value));
            }
        }
        return given;
    }

    private ChildProcess start(String name, String role, List<String> args) throws IOException {
        ChildProcess child = ChildProcess.start(name, role, jvmOptions, args, out.resolve("logs"));
        synchronized (children) {
            children.add(child);
        }
        return child;
    }

    static void awaitHttp(ChildProcess process, String url, Duration timeout) {
        TargetClient probe = new TargetClient(List.of(url));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(process.name() + " exited; see " + process.log());
            }
            if (probe.send("GET", url + "/connectors", null).status() == 200) {
                return;
            }
            TargetClient.sleep(200);
        }
        throw new IllegalStateException(process.name() + " did not serve " + url + " in " + timeout + "; see " + process.log());
    }

    private void killAll() {
        synchronized (children) {
            for (ChildProcess child : children) {
                child.kill();
            }
        }
    }

    static void log(String message) {
        System.out.println("[bench " + Instant.now().toString().substring(11, 19) + "] " + message);
        System.out.flush();
    }

    private static long memoryMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return -1;
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
