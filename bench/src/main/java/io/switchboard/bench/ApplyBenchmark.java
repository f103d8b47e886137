package io.switchboard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.switchboard.apply.ApplyCommand;
import io.switchboard.secrets.Keyring;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.switchboard.bench.CompareBenchmark.freePort;
import static io.switchboard.bench.CompareBenchmark.log;

/**
 * Connectors as code against direct calls: in one run on one broker, N connectors made on a Kafka
 * Connect 4.3.1 worker of its own by N {@code PUT /connectors/{name}/config} sent one at a time (as
 * a CI tool such as kcctl sends them), and the same N connectors applied to Switchboard (one
 * replica in front of a worker of the same kind) from files by the command line's own code
 * ({@link ApplyCommand}: the plan with {@code dry_run}, then the apply with {@code If-Match}), then
 * the same files applied again through {@code java -jar switchboard.jar apply}. For each side: the
 * time until it answered (decided) and until the worker's own REST API shows every connector and
 * its task RUNNING, the records each topic gained, and each process's CPU seconds from /proc; the
 * broker's produce round trip is measured beside each side as the floor. Not a test: it reports
 * what it measures and fails only when something does not work (a refusal, a bounded wait that
 * runs out, a process that exits).
 *
 * <p>Arguments: {@code [--connectors 500] [--runs 1] [--out bench/out] [--switchboard-jar PATH]
 * [--running-timeout-s 600] [--settle-s 60] [--count-after-s 65]}.
 */
public final class ApplyBenchmark {
    private static final String PREFIX = "bench-apply";
    private static final String DIRECT_DATA = "apply-direct-data";
    private static final String SWITCHBOARD_DATA = "apply-switchboard-data";

    private final Map<String, String> opts;
    private final int connectors;
    private final int runs;
    private final Path out;
    private final Path switchboardJar;
    private final Duration runningTimeout;
    private final Duration settleLimit;
    /**
     * How long after all are RUNNING the records are counted at the earliest: a worker writes a
     * source task's offsets on its periodic flush (BenchWorker: every 60 s), and they belong to the
     * apply's window, not to the re-apply's.
     */
    private final Duration countAfter;
    private final String classPath = System.getProperty("java.class.path");
    private final List<ChildProcess> children = new ArrayList<>();

    private ApplyBenchmark(Map<String, String> opts) {
        this.opts = opts;
        this.connectors = Integer.parseInt(opts.getOrDefault("connectors", "500"));
        this.runs = Integer.parseInt(opts.getOrDefault("runs", "1"));
        this.out = Path.of(opts.getOrDefault("out", "bench/out"));
        this.switchboardJar = Path.of(opts.getOrDefault("switchboard-jar", "app/target/switchboard.jar"));
        this.runningTimeout = Duration.ofSeconds(Long.parseLong(opts.getOrDefault("running-timeout-s", "600")));
        this.settleLimit = Duration.ofSeconds(Long.parseLong(opts.getOrDefault("settle-s", "60")));
        this.countAfter = Duration.ofSeconds(Long.parseLong(opts.getOrDefault("count-after-s", "65")));
        if (connectors < 1 || connectors > 500) {
            throw new IllegalArgumentException("--connectors takes 1 to 500: one set's change holds at most 500 connectors");
        }
        if (runs < 1) {
            throw new IllegalArgumentException("--runs takes a whole number from 1");
        }
    }

    public static void main(String[] args) throws Exception {
        ApplyBenchmark bench = new ApplyBenchmark(BenchSupport.options(args));
        Runtime.getRuntime().addShutdownHook(new Thread(bench::killAll, "bench-teardown"));
        int status = 0;
        try {
            bench.run();
        } catch (Exception e) {
            log("FAILED: " + e);
            e.printStackTrace(System.out);
            status = 1;
        } finally {
            bench.killAll();
        }
        System.exit(status);
    }

    private void run() throws Exception {
        long started = System.nanoTime();
        Files.createDirectories(out);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("benchmark", "apply of N connectors from files against N direct calls to a Kafka Connect worker");
        report.put("measured_at", Instant.now().toString());
        report.put("connectors", connectors);
        report.put("command", "bench/apply.sh" + (opts.isEmpty() ? "" : " " + String.join(" ", opts.entrySet().stream()
                .filter(e -> !e.getKey().equals("out")).map(e -> "--" + e.getKey() + " " + e.getValue()).toList())));
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        report.put("machine", machine);
        List<Map<String, Object>> each = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            log("Run " + run + " of " + runs + ", " + connectors + " connectors");
            each.add(runOnce(run));
            Files.writeString(out.resolve("apply.json"), json(withRuns(report, each)));
        }
        report = withRuns(report, each);
        report.put("medians", ApplyReport.medians(each));
        report.put("duration_seconds", Latencies.round((System.nanoTime() - started) / 1e9));
        Files.writeString(out.resolve("apply.json"), json(report));
        String markdown = ApplyReport.markdown(report);
        Files.writeString(out.resolve("apply.md"), markdown);
        System.out.println(markdown);
        log("Figures written to " + out.resolve("apply.json").toAbsolutePath() + " and apply.md in "
                + Math.round((System.nanoTime() - started) / 1e9) + " s");
    }

    private static Map<String, Object> withRuns(Map<String, Object> report, List<Map<String, Object>> each) {
        Map<String, Object> copy = new LinkedHashMap<>(report);
        copy.put("runs", each);
        return copy;
    }

    private static String json(Object value) throws Exception {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
    }

    /** One run: a fresh broker, then the worker driven directly, then Switchboard in front of a fresh worker. */
    private Map<String, Object> runOnce(int run) throws Exception {
        Path work = Files.createTempDirectory("switchboard-apply");
        Path logs = out.resolve("apply-logs").resolve("run-" + run);
        Map<String, Object> result = new LinkedHashMap<>();
        try {
            ChildProcess broker = start("broker", "Kafka broker (KRaft, one node)", List.of("-cp", classPath,
                    BenchBroker.class.getName(), work.resolve("broker").toString(), String.valueOf(freePort())), logs);
            String bootstrap = broker.awaitReady(120_000);
            ApplyWorkload workload = new ApplyWorkload(connectors, work.resolve("in"));
            Side side = new Side(bootstrap, new BrokerFloor(bootstrap), new ProcessReadings(broker, settleLimit), workload, logs);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic(DIRECT_DATA, 1, (short) 1), new NewTopic(SWITCHBOARD_DATA, 1, (short) 1)))
                        .all().get(60, TimeUnit.SECONDS);
                result.put("kafka_connect", direct(side, admin));
                result.put("switchboard", switchboard(side, admin, work));
            }
            result.put("broker_process", broker.stop());
            return result;
        } finally {
            killAll();
            BenchSupport.deleteQuietly(work);
        }
    }

    private record Side(String bootstrap, BrokerFloor floor, ProcessReadings readings,
                        ApplyWorkload workload, Path logs) {
    }

    private record Worker(ChildProcess process, String url, String group) {
    }

    /** (a) N PUT /connectors/{name}/config, one at a time, to a worker of its own; then until all are RUNNING there. */
    private Map<String, Object> direct(Side side, Admin admin) throws Exception {
        Worker worker = startWorker("direct-worker", side);
        List<ChildProcess> processes = List.of(worker.process());
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("floor_produce_acks_all", side.floor().measure(Math.max(connectors, 200)));
        figures.put("settled_before", side.readings().settle("kafka-connect", processes, "the PUTs"));
        Map<String, Long> before = TopicOffsets.endOffsets(admin);
        Map<String, Double> cpuBefore = side.readings().cpuOf(processes);
        TargetClient client = new TargetClient(List.of(worker.url()));
        ApplyWorkload workload = side.workload();
        Phase puts = new Phase("PUT /connectors/{name}/config", 1, connectors);
        log("kafka-connect: " + connectors + " PUT /connectors/{name}/config, one at a time");
        long began = System.nanoTime();
        TargetClient.run(puts, i -> {
            client.operation(puts, i, "PUT", "/connectors/" + workload.names().get(i) + "/config", workload.putBody(i, DIRECT_DATA));
            return null;
        });
        double answered = (System.nanoTime() - began) / 1e9;
        if (!puts.non2xx().isEmpty()) {
            throw new IllegalStateException("the worker answered PUTs outside 2xx: " + puts.non2xx() + "; see " + worker.process().log());
        }
        log("kafka-connect: all answered after " + Latencies.round(answered) + " s; waiting until all are RUNNING");
        ApplyWorkload.Converged converged = workload.awaitRunning(client, worker.url(), null, began, runningTimeout,
                Duration.ZERO, processes);
        log("kafka-connect: all RUNNING on the worker after " + converged.workerRunningS() + " s");
        figures.put("puts", puts.summary());
        figures.put("all_answered_s", Latencies.round(answered));
        figures.put("all_running_on_worker_s", Latencies.round(converged.workerRunningS()));
        figures.put("cpu_seconds_until_running", side.readings().cpuSince(processes, cpuBefore));
        awaitOffsetFlush(began, converged);
        figures.put("settled_after", side.readings().settle("kafka-connect", processes, "counting records"));
        figures.put("records", TopicOffsets.summary(before, TopicOffsets.endOffsets(admin), t -> owner(t, worker.group())));
        figures.put("cpu_seconds_until_counted", side.readings().cpuSince(processes, cpuBefore));
        figures.put("processes", List.of(worker.process().stop()));
        return figures;
    }

    /**
     * (b) The files applied to one replica by the command line's code; until every connector is
     * RUNNING on its worker; then the same files applied again by {@code java -jar switchboard.jar apply}.
     */
    private Map<String, Object> switchboard(Side side, Admin admin, Path work) throws Exception {
        Worker worker = startWorker("switchboard-worker", side);
        Replica started = startReplica(worker, side, work);
        ChildProcess replica = started.process();
        String url = started.url();
        List<ChildProcess> processes = List.of(worker.process(), replica);
        Path files = work.resolve("connectors");
        side.workload().writeFiles(files, SWITCHBOARD_DATA);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("floor_produce_acks_all", side.floor().measure(Math.max(connectors, 200)));
        figures.put("settled_before", side.readings().settle("switchboard", processes, "the apply"));
        Map<String, Long> before = TopicOffsets.endOffsets(admin);
        Map<String, Double> cpuBefore = side.readings().cpuOf(processes);
        TargetClient client = new TargetClient(List.of(url));

        log("switchboard: apply -f " + files + " --url " + url + " (" + connectors + " connectors, the command line's code in this JVM)");
        ApplyWorkload.LineClock clock = new ApplyWorkload.LineClock();
        long began = System.nanoTime();
        int exit = ApplyCommand.run(List.of("-f", files.toString(), "--url", url), Map.of(), new PrintStream(clock, true, StandardCharsets.UTF_8));
        long answeredAt = System.nanoTime();
        // How many Switchboard lists once the apply is answered, and when it first lists them all: read
        // beside the wait for RUNNING (every 500 ms, bounded like it) rather than before it.
        CompletableFuture<double[]> listed = CompletableFuture.supplyAsync(() -> {
            int first = client.count(url);
            int now = first;
            while (now != connectors && System.nanoTime() - answeredAt < runningTimeout.toNanos()) {
                TargetClient.sleep(500);
                now = client.count(url);
            }
            return new double[] {first, now == connectors ? (System.nanoTime() - began) / 1e9 : Double.NaN};
        });
        Files.writeString(side.logs().resolve("apply-output.txt"), clock.text());
        if (exit != 2) {
            throw new IllegalStateException("the apply exited " + exit + " (2 expected: changes applied); output in "
                    + side.logs().resolve("apply-output.txt") + ":\n" + tail(clock.text()));
        }
        long plannedAt = clock.firstLineNotStartingWith("Read ");
        double decided = (answeredAt - began) / 1e9;
        log("switchboard: applied (decided) after " + Latencies.round(decided) + " s; waiting until all are RUNNING on its worker");
        ApplyWorkload.Converged converged = side.workload().awaitRunning(client, worker.url(), url, began, runningTimeout,
                Duration.ofSeconds(60), processes);
        log("switchboard: all RUNNING on the worker after " + converged.workerRunningS() + " s; the set's change converged (its own view) after "
                + converged.setConvergedS() + " s");
        figures.put("exit_status", exit);
        figures.put("plan_answered_s", plannedAt < 0 ? null : Latencies.round((plannedAt - began) / 1e9));
        figures.put("decided_s", Latencies.round(decided));
        double[] listing = listed.get(runningTimeout.toSeconds() + 60, TimeUnit.SECONDS);
        figures.put("listed_right_after_answer", (int) listing[0]);
        figures.put("all_listed_by_switchboard_s", Double.isNaN(listing[1]) ? null : Latencies.round(listing[1]));
        figures.put("all_running_on_worker_s", Latencies.round(converged.workerRunningS()));
        figures.put("set_change_converged_s", converged.setConvergedS() == null ? null : Latencies.round(converged.setConvergedS()));
        figures.put("output_last_line", lastLine(clock.text()));
        figures.put("cpu_seconds_until_running", side.readings().cpuSince(processes, cpuBefore));
        awaitOffsetFlush(began, converged);
        figures.put("settled_after", side.readings().settle("switchboard", processes, "counting records"));
        Map<String, Long> afterApply = TopicOffsets.endOffsets(admin);
        figures.put("records", TopicOffsets.summary(before, afterApply, t -> owner(t, worker.group())));
        figures.put("cpu_seconds_until_counted", side.readings().cpuSince(processes, cpuBefore));
        figures.put("reapply", reapply(side, admin, files, url, processes, worker.group()));
        List<Map<String, Object>> stopped = new ArrayList<>();
        stopped.add(replica.stop());
        stopped.add(worker.process().stop());
        figures.put("processes", stopped);
        return figures;
    }

    /** The same files again through the runnable jar's {@code apply}: exit status 0 expected, and no record written. */
    private Map<String, Object> reapply(Side side, Admin admin, Path files, String url, List<ChildProcess> processes, String group)
            throws Exception {
        Map<String, Double> cpuBefore = side.readings().cpuOf(processes);
        Map<String, Long> before = TopicOffsets.endOffsets(admin);
        Path output = side.logs().resolve("reapply-output.txt");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                switchboardJar.toString(), "apply", "-f", files.toString(), "--url", url);
        log("switchboard: the same files again: " + String.join(" ", command));
        long began = System.nanoTime();
        Process cli = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!cli.waitFor(300, TimeUnit.SECONDS)) {
            cli.destroyForcibly();
            throw new IllegalStateException("the re-apply did not finish within 300 s; output in " + output);
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        int exit = cli.exitValue();
        String text = Files.readString(output);
        if (exit != 0) {
            throw new IllegalStateException("the re-apply exited " + exit + " (0 expected: nothing changed); output in " + output
                    + ":\n" + tail(text));
        }
        // A short window after the answer: whatever else writes meanwhile (the data plane's passes) shows per topic.
        Thread.sleep(2_000);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("exit_status", exit);
        figures.put("seconds_with_jvm_start", Latencies.round(seconds));
        figures.put("output_last_line", lastLine(text));
        figures.put("records", TopicOffsets.summary(before, TopicOffsets.endOffsets(admin), t -> owner(t, group)));
        figures.put("cpu_seconds", side.readings().cpuSince(processes, cpuBefore));
        log("switchboard: re-apply exited " + exit + " after " + Latencies.round(seconds) + " s: " + lastLine(text));
        return figures;
    }

    /** Sleeps until {@link #countAfter} has passed since every connector was RUNNING. */
    private void awaitOffsetFlush(long began, ApplyWorkload.Converged converged) throws InterruptedException {
        long until = began + (long) (converged.workerRunningS() * 1e9) + countAfter.toNanos();
        long wait = until - System.nanoTime();
        if (wait > 0) {
            log("  waiting " + Math.round(wait / 1e9) + " s for the workers' offset flush before counting records");
            Thread.sleep(wait / 1_000_000);
        }
    }

    /** Whose a topic is: Switchboard's own (its prefix), the worker's (config, offset, status), the connectors' data, Kafka's. */
    private static String owner(String topic, String workerGroup) {
        if (topic.startsWith(PREFIX + ".") || topic.startsWith(PREFIX + "-")) {
            return "switchboard";
        }
        if (topic.startsWith(workerGroup + "-")) {
            return "worker";
        }
        if (topic.equals(DIRECT_DATA) || topic.equals(SWITCHBOARD_DATA)) {
            return "data";
        }
        return topic.startsWith("__") ? "kafka-internal" : "other";
    }

    private Worker startWorker(String name, Side side) throws Exception {
        ChildProcess worker = start(name, "Kafka Connect 4.3.1 worker", List.of("-cp", classPath, BenchWorker.class.getName(),
                side.bootstrap(), String.valueOf(freePort())), side.logs());
        String[] ready = worker.awaitReady(180_000).split(" ");
        String group = ready[1].substring(0, ready[1].length() - "-status".length());
        log(name + " serves at " + ready[0] + " (group " + group + ")");
        return new Worker(worker, ready[0], group);
    }

    private record Replica(ChildProcess process, String url) {
    }

    /** One Switchboard replica from the runnable jar, in front of the worker, as bench/run.sh starts one. */
    private Replica startReplica(Worker worker, Side side, Path work) throws Exception {
        Path keyring = work.resolve("secrets.key");
        Keyring.loadOrCreate(keyring);
        int port = freePort();
        String replicaUrl = "http://127.0.0.1:" + port;
        ChildProcess replica = start("switchboard-replica", "Switchboard replica", List.of("-jar", switchboardJar.toString(),
                "--port", String.valueOf(port),
                "--data-dir", work.resolve("replica").toString(),
                "--secrets-key-file", keyring.toString(),
                "--bootstrap-servers", side.bootstrap(),
                "--advertised-url", replicaUrl,
                "--bind-host", "127.0.0.1",
                "--topic-prefix", PREFIX,
                "--embedded-worker", "false",
                "--schema-registry-port", String.valueOf(freePort()),
                "--connect-cluster", "default=" + worker.url() + ";status-topic=" + worker.group() + "-status;config-topic="
                        + worker.group() + "-configs"), side.logs());
        CompareBenchmark.awaitHttp(replica, replicaUrl, Duration.ofSeconds(180));
        log("switchboard-replica serves at " + replicaUrl);
        return new Replica(replica, replicaUrl);
    }

    private ChildProcess start(String name, String role, List<String> args, Path logs) throws Exception {
        ChildProcess child = ChildProcess.start(name, role, List.of(), args, logs);
        synchronized (children) {
            children.add(child);
        }
        return child;
    }

    private void killAll() {
        synchronized (children) {
            children.forEach(ChildProcess::kill);
            children.clear();
        }
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1];
    }

    private static String tail(String text) {
        String[] lines = text.strip().split("\n");
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 20), lines.length));
    }
}
