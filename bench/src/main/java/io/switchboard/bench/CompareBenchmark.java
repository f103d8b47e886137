package io.switchboard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    private final List<Latencies> floorC1 = new ArrayList<>();
    private final List<Latencies> floorC16 = new ArrayList<>();
    private final List<ChildProcess> children = new ArrayList<>();
    private ChildProcess broker;
    /** Connectors of the warm-up round that runs every phase once before a target is measured. */
    private final int warmupConnectors;
    private final int warmupRounds;
    private String bootstrap;
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

        List<String> names = new ArrayList<>();
        for (String target : opts.getOrDefault("targets", KAFKA_CONNECT + "," + SWITCHBOARD_1 + "," + SWITCHBOARD_3).split(",")) {
            names.add(target.trim());
        }
        List<Map<String, Object>> targets = new ArrayList<>();
        if (quick) {
            // Quick: every target starts at once, then each runs its workload in turn.
            List<java.util.concurrent.CompletableFuture<Deployment>> starting = new ArrayList<>();
            for (String name : names) {
                starting.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> startQuietly(name)));
            }
            for (var deployment : starting) {
                targets.add(runTarget(deployment.join()));
            }
        } else {
            for (String name : names) {
                targets.add(runTarget(startTarget(name)));
            }
        }
        Map<String, Object> floor = new LinkedHashMap<>();
        floor.put("c1", Latencies.pooled(floorC1).summary());
        floor.put("c16", Latencies.pooled(floorC16).summary());
        report.put("floor_produce_acks_all", floor);
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

    /** One target's processes, once they all serve. */
    private record Deployment(String target, int replicas, ChildProcess worker, String workerUrl,
                              List<ChildProcess> processes, List<String> urls, double startupSeconds) {
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
        List<String> urls = new ArrayList<>();
        if (replicas == 0) {
            urls.add(workerUrl);
        } else {
            int registryPort = freePort();
            // Replicas share one keyring, as they must.
            Path keyring = work.resolve(target + "-secrets.key");
            io.switchboard.secrets.Keyring.loadOrCreate(keyring);
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
                        "--connect-cluster", "default=" + workerUrl + ";status-topic=" + workerStatusTopic));
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

    private Map<String, Object> runTarget(Deployment d) throws Exception {
        String target = d.target();
        int replicas = d.replicas();
        List<String> urls = d.urls();
        String workerUrl = d.workerUrl();
        ChildProcess worker = d.worker();
        List<ChildProcess> processes = d.processes();
        double startupSeconds = d.startupSeconds();
        double brokerCpuBefore = broker.cpuSeconds();
        String dataTopic = "bench-" + target + "-data";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(dataTopic, 1, (short) 1))).all().get();
        }
        Path files = work.resolve("files").resolve(target);
        Files.createDirectories(files);
        TargetClient client = new TargetClient(urls);
        Workload workload = new Workload(client, urls.get(0), workerUrl, files, dataTopic, runningTimeout, grace, stall);

        // The floor, measured now that this target is up and idle: its ratios use it.
        int floorCount = Math.max(connectors, 200);
        Latencies f1 = floor(floorCount, 1);
        Latencies f16 = floor(floorCount, HIGH_CONCURRENCY);
        floorC1.add(f1);
        floorC16.add(f16);
        Map<String, Object> floor = new LinkedHashMap<>();
        floor.put("c1", f1.summary());
        floor.put("c16", f16.summary());
        log(target + ": floor " + floor);

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("target", target);
        result.put("label", label(target));
        result.put("switchboard_replicas", replicas);
        result.put("urls", urls);
        result.put("startup_seconds", Latencies.round(startupSeconds));
        result.put("floor_produce_acks_all", floor);

        // Warm-up: every phase of the workload on fewer connectors, a few rounds, so that what is
        // measured is JVMs past their JIT compilation, as a long-running worker and control plane
        // are; not reported, except how much CPU the JIT compilers took in each round.
        int warm = Math.min(connectors, quick ? 3 : warmupConnectors);
        int rounds = quick ? 1 : warmupRounds;
        List<Map<String, Double>> warmupJit = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            log(target + ": warm-up round " + round + " of " + rounds + " with " + warm + " connectors");
            Map<String, Double> jitBefore = jitOf(processes);
            warmUp(workload, names("warmup" + round, warm), quick, targetStateRounds);
            Map<String, Double> jit = since(jitOf(processes), jitBefore);
            warmupJit.add(jit);
            log(target + ": JIT compiler CPU seconds in warm-up round " + round + ": " + jit);
        }
        result.put("jit_cpu_seconds_per_warmup_round", warmupJit);

        Map<String, Map<String, Object>> phases = new LinkedHashMap<>();
        List<Map<String, Object>> running = new ArrayList<>();

        long createStart;
        long deleteStart;
        List<Map<String, Object>> settled = new ArrayList<>();
        result.put("settled_before", settled);
        if (!opts.containsKey("skip-c1")) {
            settled.add(settle(target, processes, "creates at concurrency 1"));
            log(target + ": " + connectors + " creates at concurrency 1");
            List<String> c1 = names("c1", connectors);
            createStart = System.nanoTime();
            Phase create1 = workload.create(c1, 1);
            phases.put("create c=1", create1.summary());
            running.add(withRound("RUNNING after creates at concurrency 1", workload.awaitRunning(c1, createStart, System.nanoTime())));
            settled.add(settle(target, processes, "deletes at concurrency 1"));
            log(target + ": deletes at concurrency 1");
            deleteStart = System.nanoTime();
            phases.put("delete c=1", workload.delete(c1, 1).summary());
            running.add(withRound("gone after deletes at concurrency 1", workload.awaitGone(connectors, deleteStart)));
        }

        settled.add(settle(target, processes, "creates at concurrency " + HIGH_CONCURRENCY));
        log(target + ": " + connectors + " creates at concurrency " + HIGH_CONCURRENCY);
        List<String> c16 = names("c16", connectors);
        Map<String, Double> cpuBefore = cpuOf(processes);
        Map<String, Double> jitBefore = jitOf(processes);
        createStart = System.nanoTime();
        phases.put("create c=16", workload.create(c16, HIGH_CONCURRENCY).summary());
        running.add(withRound("RUNNING after creates at concurrency " + HIGH_CONCURRENCY, workload.awaitRunning(c16, createStart, System.nanoTime())));
        Map<String, Double> roundCpu = cpuSince(processes, cpuBefore);
        Map<String, Double> roundJit = since(jitOf(processes), jitBefore);
        result.put("cpu_seconds_until_running_c" + HIGH_CONCURRENCY, roundCpu);
        result.put("jit_cpu_seconds_until_running_c" + HIGH_CONCURRENCY, roundJit);
        log(target + ": CPU seconds until all RUNNING at concurrency " + HIGH_CONCURRENCY + ": " + roundCpu
                + ", of which the JIT compilers " + roundJit);
        settled.add(settle(target, processes, "reads, list and config updates"));
        log(target + ": reads, list, updates, pause and resume");
        phases.put("status read", workload.statusReads(c16, connectors, HIGH_CONCURRENCY).summary());
        phases.put("list expand=status,info", workload.list(listSamples).summary());
        long updateStart = System.nanoTime();
        phases.put("config update", workload.updateConfigs(c16, HIGH_CONCURRENCY).summary());
        running.add(withRound("RUNNING again after config updates", workload.awaitRunning(c16, updateStart, System.nanoTime(), Workload.UPDATED_CONFIG)));
        settled.add(settle(target, processes, "pauses and resumes"));
        log(target + ": " + targetStateRounds + " rounds of pauses and resumes at concurrency " + HIGH_CONCURRENCY);
        List<ChildProcess> profiled = new ArrayList<>(processes);
        profiled.add(broker);
        if (profiler != null) {
            profiler.start(profiled);
        }
        Map<String, Double> pauseCpuBefore = cpuOf(processes);
        Map<String, Double> pauseJitBefore = jitOf(processes);
        workload.pauseAndResume(c16, HIGH_CONCURRENCY, targetStateRounds).forEach((name, phase) -> phases.put(name, phase.summary()));
        Map<String, Double> pauseCpu = cpuSince(processes, pauseCpuBefore);
        Map<String, Double> pauseJit = since(jitOf(processes), pauseJitBefore);
        if (profiler != null) {
            profiler.stop(profiled);
            log(target + ": profiles of the rounds of pauses and resumes written to " + out.resolve("profile"));
        }
        result.put("cpu_seconds_pause_resume", pauseCpu);
        result.put("jit_cpu_seconds_pause_resume", pauseJit);
        log(target + ": CPU seconds while pausing and resuming: " + pauseCpu + ", of which the JIT compilers " + pauseJit);
        keepMetrics(client, urls, target);
        // What a user waits for after a pause: the connectors paused, not the answers. One more
        // round each way, from quiet, timed until the target and the worker show every connector
        // and task PAUSED (then RUNNING again), like the rounds of creates.
        settled.add(settle(target, processes, "pauses until PAUSED"));
        log(target + ": pauses at concurrency " + HIGH_CONCURRENCY + ", until all PAUSED");
        long pauseStart = System.nanoTime();
        workload.targetState(c16, "pause", HIGH_CONCURRENCY);
        running.add(withRound("PAUSED after pauses at concurrency " + HIGH_CONCURRENCY,
                workload.awaitState(c16, "PAUSED", pauseStart, System.nanoTime())));
        settled.add(settle(target, processes, "resumes until RUNNING"));
        log(target + ": resumes at concurrency " + HIGH_CONCURRENCY + ", until all RUNNING");
        long resumeStart = System.nanoTime();
        workload.targetState(c16, "resume", HIGH_CONCURRENCY);
        running.add(withRound("RUNNING again after resumes at concurrency " + HIGH_CONCURRENCY,
                workload.awaitRunning(c16, resumeStart, System.nanoTime())));
        // The same pauses and resumes one at a time: what a client that pauses one connector waits
        // for, when its answer does not queue behind fifteen others for the same cores.
        settled.add(settle(target, processes, "pauses and resumes at concurrency 1"));
        log(target + ": pauses and resumes at concurrency 1");
        phases.put("pause c=1", workload.targetState(c16, "pause", 1).summary());
        phases.put("resume c=1", workload.targetState(c16, "resume", 1).summary());
        settled.add(settle(target, processes, "deletes at concurrency " + HIGH_CONCURRENCY));
        log(target + ": deletes at concurrency " + HIGH_CONCURRENCY);
        deleteStart = System.nanoTime();
        phases.put("delete c=16", workload.delete(c16, HIGH_CONCURRENCY).summary());
        running.add(withRound("gone after deletes at concurrency " + HIGH_CONCURRENCY, workload.awaitGone(connectors, deleteStart)));
        result.put("phases", phases);
        result.put("running", running);

        // Replicas first (in parallel), then the worker; figures are read just before each stops.
        long stopping = System.nanoTime();
        List<java.util.concurrent.CompletableFuture<Map<String, Object>>> stops = new ArrayList<>();
        for (ChildProcess p : processes.subList(1, processes.size())) {
            stops.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> stopQuietly(p)));
        }
        List<Map<String, Object>> figures = new ArrayList<>();
        for (var stop : stops) {
            figures.add(stop.join());
        }
        figures.add(0, stopQuietly(worker));
        log(target + ": processes stopped in " + Math.round((System.nanoTime() - stopping) / 1e9) + " s");
        result.put("processes", figures);
        result.put("broker_cpu_seconds_during_workload", Latencies.round(broker.cpuSeconds() - brokerCpuBefore));
        log(target + " done: " + phases.keySet().size() + " phases, running " + running);
        return result;
    }

    /** CPU a target's processes and the broker may use together, per second, and still count as quiet. */
    static final double QUIET_CPU_PER_SECOND = 0.2;
    /** How many seconds in a row they must be quiet. */
    static final int QUIET_SECONDS = 3;

    /**
     * Waits until the target's processes and the broker have been quiet for {@link #QUIET_SECONDS}
     * (at most {@link #settleLimit}), so that each timed round starts from an idle system whatever
     * the previous round left behind: a target that finished the previous round sooner may still be
     * carrying out its tail (a worker stopping tasks, offsets flushed, topics compacted), which
     * would otherwise be counted in the next round. The same rule for every target; the time it
     * took and the CPU of each second are reported.
     */
    private Map<String, Object> settle(String target, List<ChildProcess> processes, String before) throws InterruptedException {
        long began = System.nanoTime();
        Map<String, Double> last = cpuOf(processes);
        int quietFor = 0;
        List<Double> perSecond = new ArrayList<>();
        while (quietFor < QUIET_SECONDS && System.nanoTime() - began < settleLimit.toNanos()) {
            Thread.sleep(1_000);
            Map<String, Double> now = cpuOf(processes);
            double used = 0;
            for (Map.Entry<String, Double> e : now.entrySet()) {
                double d = e.getValue() - last.getOrDefault(e.getKey(), 0.0);
                if (!Double.isNaN(d)) {
                    used += d;
                }
            }
            last = now;
            perSecond.add(Latencies.round(used));
            quietFor = used <= QUIET_CPU_PER_SECOND ? quietFor + 1 : 0;
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        boolean quiet = quietFor >= QUIET_SECONDS;
        log(target + ": " + (quiet ? "quiet" : "still busy") + " after " + Math.round(seconds) + " s before " + before
                + " (CPU seconds used in each second: " + perSecond + ")");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("before", before);
        out.put("seconds", Latencies.round(seconds));
        out.put("quiet", quiet);
        out.put("cpu_seconds_each_second", perSecond);
        return out;
    }

    /** One warm-up round: every phase of the workload once on these connectors. */
    private static void warmUp(Workload workload, List<String> names, boolean quick, int pauseRounds) throws Exception {
        workload.create(names, HIGH_CONCURRENCY);
        if (!quick) {
            workload.awaitRunning(names, System.nanoTime(), System.nanoTime());
        }
        workload.statusReads(names, names.size(), HIGH_CONCURRENCY);
        workload.list(quick ? 1 : 5);
        if (!quick) {
            workload.updateConfigs(names, HIGH_CONCURRENCY);
            workload.awaitRunning(names, System.nanoTime(), System.nanoTime(), Workload.UPDATED_CONFIG);
            // As many rounds as are measured: one round of a few hundred answers leaves the
            // per-request code to be compiled during the measured rounds.
            workload.pauseAndResume(names, HIGH_CONCURRENCY, pauseRounds);
            workload.targetState(names, "pause", 1);
            workload.targetState(names, "resume", 1);
        }
        workload.delete(names, HIGH_CONCURRENCY);
        if (!quick) {
            workload.awaitGone(names.size(), System.nanoTime());
        }
    }

    /** JIT compiler CPU seconds of each process (and the broker) now, by name. */
    private Map<String, Double> jitOf(List<ChildProcess> processes) {
        Map<String, Double> jit = new LinkedHashMap<>();
        jit.put("broker", broker.jitCpuSeconds());
        for (ChildProcess p : processes) {
            jit.put(p.name(), p.jitCpuSeconds());
        }
        return jit;
    }

    private static Map<String, Double> since(Map<String, Double> now, Map<String, Double> before) {
        Map<String, Double> used = new LinkedHashMap<>();
        now.forEach((name, value) -> used.put(name, Latencies.round(value - before.getOrDefault(name, 0.0))));
        return used;
    }

    /** CPU seconds of each process (and the broker) now, by name. */
    private Map<String, Double> cpuOf(List<ChildProcess> processes) {
        Map<String, Double> cpu = new LinkedHashMap<>();
        cpu.put("broker", broker.cpuSeconds());
        for (ChildProcess p : processes) {
            cpu.put(p.name(), p.cpuSeconds());
        }
        return cpu;
    }

    private Map<String, Double> cpuSince(List<ChildProcess> processes, Map<String, Double> before) {
        Map<String, Double> used = new LinkedHashMap<>();
        cpuOf(processes).forEach((name, now) -> used.put(name, Latencies.round(now - before.getOrDefault(name, 0.0))));
        return used;
    }

    /** A replica's own metrics (decision and request timings) after the timed phases, kept beside the logs. */
    private void keepMetrics(TargetClient client, List<String> urls, String target) throws IOException {
        if (KAFKA_CONNECT.equals(target)) {
            return;
        }
        TargetClient.Answer metrics = client.send("GET", urls.get(0) + "/metrics", null);
        if (metrics.status() == 200) {
            Files.writeString(out.resolve("logs").resolve(target + "-metrics.txt"), metrics.body());
        }
    }

    private static Map<String, Object> stopQuietly(ChildProcess process) {
        try {
            return process.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> withRound(String round, Map<String, Object> figures) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("round", round);
        out.putAll(figures);
        return out;
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

    private static List<String> names(String prefix, int n) {
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add(String.format("%s-%05d", prefix, i));
        }
        return names;
    }

    private ChildProcess start(String name, String role, List<String> args) throws IOException {
        ChildProcess child = ChildProcess.start(name, role, jvmOptions, args, out.resolve("logs"));
        synchronized (children) {
            children.add(child);
        }
        return child;
    }

    private static void awaitHttp(ChildProcess process, String url, Duration timeout) {
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

    /**
     * The floor at one concurrency; a measurement the producer cannot finish (a send that times
     * out) is made again once on a fresh topic, and otherwise reported as no samples.
     */
    private Latencies floor(int count, int concurrency) {
        for (int attempt = 1; attempt <= 2; attempt++) {
            try {
                return produceRoundTrips(count, concurrency, attempt);
            } catch (Exception e) {
                log("floor at concurrency " + concurrency + " failed (attempt " + attempt + "): " + e);
            }
        }
        return new Latencies(new long[0]);
    }

    /** The broker's own round trip: acks=all, idempotent, no linger, one record per send. */
    private Latencies produceRoundTrips(int count, int concurrency, int attempt) throws Exception {
        String topic = "bench-floor-c" + concurrency + "-" + floorC1.size() + "-" + attempt;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 6, (short) 1))).all().get();
        }
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        byte[] value = new byte[200];
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            long[] samples = new long[count];
            // One record to each partition, one at a time, before any concurrent sends: a new topic's
            // partitions may not have their leader yet, and concurrent first sends then fail out of order.
            for (int partition = 0; partition < 6; partition++) {
                producer.send(new ProducerRecord<>(topic, partition, "first", value)).get();
            }
            TargetClient.runAll(200, concurrency, i -> sendOne(producer, topic, "warmup-" + i, value));
            TargetClient.runAll(count, concurrency, i -> samples[i] = sendOne(producer, topic, "key-" + i, value));
            return new Latencies(samples);
        }
    }

    private static long sendOne(KafkaProducer<String, byte[]> producer, String topic, String key, byte[] value) {
        long start = System.nanoTime();
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return (System.nanoTime() - start) / 1000;
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
