package io.switchboard.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.switchboard.bench.CompareBenchmark.HIGH_CONCURRENCY;
import static io.switchboard.bench.CompareBenchmark.log;

/**
 * One target's part of the comparison, once its processes serve: the broker floor measured beside
 * it, the untimed warm-up rounds, then every timed round of the workload (creates, deletes, status
 * reads, lists, config updates, pauses and resumes), each from a quiet system, with the CPU and JIT
 * compiler seconds its processes used; at the end its processes are stopped and their figures read.
 */
final class TargetRound {
    /** What a run's options say about every target's rounds. */
    record Settings(boolean quick, int connectors, boolean skipC1, int warmupConnectors, int warmupRounds,
                    int listSamples, int targetStateRounds, Duration runningTimeout, Duration grace, Duration stall,
                    Path out, Path work, RoundProfiler profiler) {
    }

    private final Settings settings;
    private final boolean quick;
    private final int connectors;
    private final int warmupConnectors;
    private final int warmupRounds;
    private final int listSamples;
    private final int targetStateRounds;
    private final Path out;
    private final Path work;
    private final RoundProfiler profiler;
    private final String bootstrap;
    private final ChildProcess broker;
    private final BrokerFloor brokerFloor;
    private final ProcessReadings readings;

    TargetRound(Settings settings, String bootstrap, ChildProcess broker, BrokerFloor brokerFloor, ProcessReadings readings) {
        this.settings = settings;
        this.quick = settings.quick();
        this.connectors = settings.connectors();
        this.warmupConnectors = settings.warmupConnectors();
        this.warmupRounds = settings.warmupRounds();
        this.listSamples = settings.listSamples();
        this.targetStateRounds = settings.targetStateRounds();
        this.out = settings.out();
        this.work = settings.work();
        this.profiler = settings.profiler();
        this.bootstrap = bootstrap;
        this.broker = broker;
        this.brokerFloor = brokerFloor;
        this.readings = readings;
    }

    /** Runs every round against the target, stops its processes, and returns the target's figures. */
    Map<String, Object> run(Deployment d) throws Exception {
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
        Workload workload = new Workload(client, urls.get(0), workerUrl, files, dataTopic, settings.runningTimeout(), settings.grace(), settings.stall());

        // The floor, measured now that this target is up and idle: its ratios use it.
        Map<String, Object> floor = brokerFloor.measure(Math.max(connectors, 200));
        log(target + ": floor " + floor);

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("target", target);
        result.put("label", CompareBenchmark.label(target));
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
            Map<String, Double> jitBefore = readings.jitOf(processes);
            warmUp(workload, names("warmup" + round, warm), quick, targetStateRounds);
            Map<String, Double> jit = ProcessReadings.since(readings.jitOf(processes), jitBefore);
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
        if (!settings.skipC1()) {
            settled.add(readings.settle(target, processes, "creates at concurrency 1"));
            log(target + ": " + connectors + " creates at concurrency 1");
            List<String> c1 = names("c1", connectors);
            createStart = System.nanoTime();
            Phase create1 = workload.create(c1, 1);
            phases.put("create c=1", create1.summary());
            running.add(withRound("RUNNING after creates at concurrency 1", workload.awaitRunning(c1, createStart, System.nanoTime())));
            settled.add(readings.settle(target, processes, "deletes at concurrency 1"));
            log(target + ": deletes at concurrency 1");
            deleteStart = System.nanoTime();
            phases.put("delete c=1", workload.delete(c1, 1).summary());
            running.add(withRound("gone after deletes at concurrency 1", workload.awaitGone(connectors, deleteStart)));
        }

        settled.add(readings.settle(target, processes, "creates at concurrency " + HIGH_CONCURRENCY));
        log(target + ": " + connectors + " creates at concurrency " + HIGH_CONCURRENCY);
        List<String> c16 = names("c16", connectors);
        Map<String, Double> cpuBefore = readings.cpuOf(processes);
        Map<String, Double> jitBefore = readings.jitOf(processes);
        createStart = System.nanoTime();
        phases.put("create c=16", workload.create(c16, HIGH_CONCURRENCY).summary());
        running.add(withRound("RUNNING after creates at concurrency " + HIGH_CONCURRENCY, workload.awaitRunning(c16, createStart, System.nanoTime())));
        Map<String, Double> roundCpu = readings.cpuSince(processes, cpuBefore);
        Map<String, Double> roundJit = ProcessReadings.since(readings.jitOf(processes), jitBefore);
        result.put("cpu_seconds_until_running_c" + HIGH_CONCURRENCY, roundCpu);
        result.put("jit_cpu_seconds_until_running_c" + HIGH_CONCURRENCY, roundJit);
        log(target + ": CPU seconds until all RUNNING at concurrency " + HIGH_CONCURRENCY + ": " + roundCpu
                + ", of which the JIT compilers " + roundJit);
        settled.add(readings.settle(target, processes, "reads, list and config updates"));
        log(target + ": reads, list, updates, pause and resume");
        phases.put("status read", workload.statusReads(c16, connectors, HIGH_CONCURRENCY).summary());
        phases.put("list expand=status,info", workload.list(listSamples).summary());
        long updateStart = System.nanoTime();
        phases.put("config update", workload.updateConfigs(c16, HIGH_CONCURRENCY).summary());
        running.add(withRound("RUNNING again after config updates", workload.awaitRunning(c16, updateStart, System.nanoTime(), Workload.UPDATED_CONFIG)));
        settled.add(readings.settle(target, processes, "pauses and resumes"));
        log(target + ": " + targetStateRounds + " rounds of pauses and resumes at concurrency " + HIGH_CONCURRENCY);
        List<ChildProcess> profiled = new ArrayList<>(processes);
        profiled.add(broker);
        if (profiler != null) {
            profiler.start(profiled);
        }
        Map<String, Double> pauseCpuBefore = readings.cpuOf(processes);
        Map<String, Double> pauseJitBefore = readings.jitOf(processes);
        workload.pauseAndResume(c16, HIGH_CONCURRENCY, targetStateRounds).forEach((name, phase) -> phases.put(name, phase.summary()));
        Map<String, Double> pauseCpu = readings.cpuSince(processes, pauseCpuBefore);
        Map<String, Double> pauseJit = ProcessReadings.since(readings.jitOf(processes), pauseJitBefore);
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
        settled.add(readings.settle(target, processes, "pauses until PAUSED"));
        log(target + ": pauses at concurrency " + HIGH_CONCURRENCY + ", until all PAUSED");
        long pauseStart = System.nanoTime();
        workload.targetState(c16, "pause", HIGH_CONCURRENCY);
        running.add(withRound("PAUSED after pauses at concurrency " + HIGH_CONCURRENCY,
                workload.awaitState(c16, "PAUSED", pauseStart, System.nanoTime())));
        settled.add(readings.settle(target, processes, "resumes until RUNNING"));
        log(target + ": resumes at concurrency " + HIGH_CONCURRENCY + ", until all RUNNING");
        long resumeStart = System.nanoTime();
        workload.targetState(c16, "resume", HIGH_CONCURRENCY);
        running.add(withRound("RUNNING again after resumes at concurrency " + HIGH_CONCURRENCY,
                workload.awaitRunning(c16, resumeStart, System.nanoTime())));
        // The same pauses and resumes one at a time: what a client that pauses one connector waits
        // for, when its answer does not queue behind fifteen others for the same cores.
        settled.add(readings.settle(target, processes, "pauses and resumes at concurrency 1"));
        log(target + ": pauses and resumes at concurrency 1");
        phases.put("pause c=1", workload.targetState(c16, "pause", 1).summary());
        phases.put("resume c=1", workload.targetState(c16, "resume", 1).summary());
        settled.add(readings.settle(target, processes, "deletes at concurrency " + HIGH_CONCURRENCY));
        log(target + ": deletes at concurrency " + HIGH_CONCURRENCY);
        deleteStart = System.nanoTime();
        phases.put("delete c=16", workload.delete(c16, HIGH_CONCURRENCY).summary());
        running.add(withRound("gone after deletes at concurrency " + HIGH_CONCURRENCY, workload.awaitGone(connectors, deleteStart)));
        result.put("phases", phases);
        result.put("running", running);

        // Replicas first (in parallel), then the worker; figures are read just before each stops.
        long stopping = System.nanoTime();
        List<CompletableFuture<Map<String, Object>>> stops = new ArrayList<>();
        for (ChildProcess p : processes.subList(1, processes.size())) {
            stops.add(CompletableFuture.supplyAsync(() -> stopQuietly(p)));
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

    /** A replica's own metrics (decision and request timings) after the timed phases, kept beside the logs. */
    private void keepMetrics(TargetClient client, List<String> urls, String target) throws IOException {
        if (CompareBenchmark.KAFKA_CONNECT.equals(target)) {
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

    private static List<String> names(String prefix, int n) {
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add(String.format("%s-%05d", prefix, i));
        }
        return names;
    }
}
