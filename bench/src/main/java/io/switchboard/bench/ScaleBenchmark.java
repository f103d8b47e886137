package io.switchboard.bench;

import io.switchboard.secrets.Keyring;
import io.switchboard.testing.CommandWriter;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.TargetState;
import io.switchboard.testing.Http;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * How one replica carries many connectors: a broker and a replica (no data plane), each a process
 * of its own; N create commands written straight to the command topic (the API's own path is
 * measured by the other benchmarks; here the stores are what is measured); then the time the
 * processor took to decide them, the replica's resident memory, the latency of a list and of
 * single reads, the time until the replica serves again after a restart on its data, and the time
 * until a new replica with no data serves a complete list. Writes {@code scale.json} and
 * {@code .md}.
 * <p>Arguments: {@code [--connectors 100000] [--jvm-opts "-Xmx384m"] [--reads 200] [--out bench/out]}.
 */
public final class ScaleBenchmark {
    private static final String CLASS_PATH = System.getProperty("java.class.path");

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = BenchSupport.options(args);
        int connectors = Integer.parseInt(opts.getOrDefault("connectors", "100000"));
        int reads = Integer.parseInt(opts.getOrDefault("reads", "200"));
        List<String> jvmOpts = List.of(opts.getOrDefault("jvm-opts", "-Xmx384m").trim().split("\\s+"));
        Path out = Path.of(opts.getOrDefault("out", "bench/out"));
        Files.createDirectories(out);
        Path work = Files.createTempDirectory("switchboard-scale");
        Path logs = out.resolve("scale-logs");
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("connectors", connectors);
        result.put("replica_jvm_options", String.join(" ", jvmOpts));
        List<ChildProcess> children = new ArrayList<>();
        try {
            ChildProcess broker = BenchBroker.start(work.resolve("broker"), logs);
            children.add(broker);
            String bootstrap = broker.awaitReady(120_000);
            int registryPort = freePort();
            Replica first = Replica.start("replica-1", work.resolve("replica-1"), bootstrap, registryPort, true, jvmOpts, logs);
            children.add(first.process);
            first.awaitHealthy(180);

            long produced = System.nanoTime();
            produceCreates(bootstrap, "http://127.0.0.1:" + registryPort, work.resolve("shared-secrets.key"), connectors);
            double producedSeconds = (System.nanoTime() - produced) / 1e9;
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                awaitDecisions(admin, connectors, 3_600);
            }
            double decidedSeconds = (System.nanoTime() - produced) / 1e9;
            result.put("commands_written_in_seconds", Latencies.round(producedSeconds));
            result.put("all_decided_after_seconds", Latencies.round(decidedSeconds));
            result.put("decided_per_second", Math.round(connectors / decidedSeconds));
            Thread.sleep(5_000);
            result.put("loaded", first.figures(connectors, reads));

            // The same replica again on its own data.
            first.process.stop();
            long restarted = System.nanoTime();
            Replica again = Replica.start("replica-1-again", work.resolve("replica-1"), bootstrap, registryPort, true, jvmOpts, logs);
            children.add(again.process);
            again.awaitList(connectors, 1_800);
            result.put("restart_on_its_data_serves_after_seconds", Latencies.round((System.nanoTime() - restarted) / 1e9));
            result.put("restarted", again.figures(connectors, reads));

            // A new replica with no data beside it: it must restore its share from the changelogs.
            long joined = System.nanoTime();
            Replica fresh = Replica.start("replica-2", work.resolve("replica-2"), bootstrap, registryPort, false, jvmOpts, logs);
            children.add(fresh.process);
            fresh.awaitHealthy(1_800);
            double healthy = (System.nanoTime() - joined) / 1e9;
            fresh.awaitList(connectors, 1_800);
            result.put("new_replica_healthy_after_seconds", Latencies.round(healthy));
            result.put("new_replica_lists_all_after_seconds", Latencies.round((System.nanoTime() - joined) / 1e9));
            result.put("new_replica", fresh.figures(connectors, reads));
        } finally {
            for (ChildProcess child : children) {
                child.kill();
            }
            BenchSupport.deleteQuietly(work);
        }
        Files.writeString(out.resolve("scale.json"), Http.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        Files.writeString(out.resolve("scale.md"), ScaleReport.markdown(result));
        System.out.println(ScaleReport.markdown(result));
    }

    static String name(int i) {
        return String.format("c-%07d", i);
    }

    /** Writes creates straight to the command topic, signed with the replicas' keyring ({@code keyring}) as a replica signs them. */
    static void produceCreates(String bootstrap, String registryUrl, Path keyring, int connectors) throws Exception {
        Map<String, Object> settings = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 262_144);
        try (CommandWriter producer = new CommandWriter(bootstrap, registryUrl, Keyring.loadOrCreate(keyring), settings)) {
            long now = System.currentTimeMillis();
            for (int i = 0; i < connectors; i++) {
                String name = name(i);
                Map<String, String> config = new HashMap<>(Map.of(
                        "connector.class", "org.apache.kafka.connect.file.FileStreamSourceConnector",
                        "tasks.max", "1", "file", "/var/data/" + name + ".txt", "topic", "scale-" + (i % 100),
                        "name", name));
                ConnectorCommand command = ConnectorCommand.newBuilder().setCommandId(UUID.randomUUID().toString())
                        .setCluster("default").setConnector(name).setIssuedAt(now).setPrincipal("scale")
                        .setAction(new CreateConnector(config, TargetState.RUNNING, null)).build();
                producer.sendAsync("switchboard.commands", command);
            }
            producer.flush();
        }
    }

    static void awaitDecisions(Admin admin, int connectors, int timeoutSeconds) throws Exception {
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
            admin.describeTopics(List.of("switchboard.decisions")).allTopicNames().get().get("switchboard.decisions").partitions()
                    .forEach(p -> wanted.put(new TopicPartition("switchboard.decisions", p.partition()), OffsetSpec.latest()));
            // End offsets count transaction markers too, so this is a lower bound on the decisions made.
            long end = admin.listOffsets(wanted).all().get().values().stream().mapToLong(info -> info.offset()).sum();
            if (end >= connectors) {
                return;
            }
            Thread.sleep(1_000);
        }
        throw new IllegalStateException("the commands were not decided within " + timeoutSeconds + " s");
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * A broker and a replica that serves the schema registry, each a process of its own (added to
     * {@code children}), the replica healthy: what the benchmarks that fill one replica start from.
     */
    record Started(String bootstrap, String registryUrl, Replica replica) {
        static Started brokerAndReplica(Path work, List<String> jvmOpts, Path logs, List<ChildProcess> children) throws Exception {
            ChildProcess broker = BenchBroker.start(work.resolve("broker"), logs);
            children.add(broker);
            String bootstrap = broker.awaitReady(120_000);
            int registryPort = freePort();
            Replica replica = Replica.start("replica", work.resolve("replica"), bootstrap, registryPort, true, jvmOpts, logs);
            children.add(replica.process());
            replica.awaitHealthy(180);
            return new Started(bootstrap, "http://127.0.0.1:" + registryPort, replica);
        }
    }

    /** One replica process and the reads the benchmark makes of it. */
    record Replica(ChildProcess process, String url) {
        static Replica start(String name, Path dataDir, String bootstrap, int registryPort, boolean servesRegistry,
                             List<String> jvmOpts, Path logs) throws Exception {
            int port = freePort();
            String url = "http://127.0.0.1:" + port;
            List<String> args = new ArrayList<>(List.of("-cp", CLASS_PATH, "io.switchboard.Switchboard",
                    "--port", String.valueOf(port), "--data-dir", dataDir.toString(), "--bootstrap-servers", bootstrap,
                    "--advertised-url", url, "--bind-host", "127.0.0.1", "--embedded-worker", "false",
                    "--secrets-key-file", dataDir.resolveSibling("shared-secrets.key").toString()));
            args.addAll(servesRegistry ? List.of("--schema-registry-port", String.valueOf(registryPort))
                    : List.of("--schema-registry-url", "http://127.0.0.1:" + registryPort));
            return new Replica(ChildProcess.start(name, "Switchboard replica", jvmOpts, args, logs), url);
        }

        void awaitHealthy(int timeoutSeconds) throws InterruptedException {
            long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(process.name() + " exited; see " + process.log());
                }
                try {
                    if (Http.call(url, "GET", "/health", null).status() == 200) {
                        return;
                    }
                } catch (UncheckedIOException notListeningYet) {
                    // starting
                }
                Thread.sleep(200);
            }
            throw new IllegalStateException(process.name() + " not healthy within " + timeoutSeconds + " s");
        }

        void awaitList(int connectors, int timeoutSeconds) throws Exception {
            long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(process.name() + " exited; see " + process.log());
                }
                try {
                    Http.Response list = Http.call(url, "GET", "/connectors", null);
                    if (list.status() == 200 && Http.JSON.readTree(list.body()).size() == connectors) {
                        return;
                    }
                } catch (UncheckedIOException notListeningYet) {
                    // starting
                }
                Thread.sleep(200);
            }
            throw new IllegalStateException(process.name() + " did not list " + connectors + " connectors within " + timeoutSeconds + " s");
        }

        /** Resident memory now and at its peak, and the latency of lists and single reads (median and p99, ms). */
        Map<String, Object> figures(int connectors, int reads) throws Exception {
            Map<String, Object> figures = new LinkedHashMap<>();
            List<Double> lists = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                long began = System.nanoTime();
                Http.Response list = Http.call(url, "GET", "/connectors", null);
                lists.add((System.nanoTime() - began) / 1e6);
                if (list.status() != 200 || Http.JSON.readTree(list.body()).size() != connectors) {
                    throw new IllegalStateException("the list answered " + list.status());
                }
            }
            List<Double> configs = new ArrayList<>();
            List<Double> statuses = new ArrayList<>();
            Random random = new Random(42);
            for (int i = 0; i < reads; i++) {
                String name = name(random.nextInt(connectors));
                long began = System.nanoTime();
                int status = Http.call(url, "GET", "/connectors/" + name + "/config", null).status();
                configs.add((System.nanoTime() - began) / 1e6);
                if (status != 200) {
                    throw new IllegalStateException("a config read answered " + status);
                }
                began = System.nanoTime();
                Http.call(url, "GET", "/connectors/" + name + "/status", null);
                statuses.add((System.nanoTime() - began) / 1e6);
            }
            figures.put("rss_mib", Latencies.round(ScaleReport.rssMiB(process.pid())));
            figures.put("peak_rss_mib", Latencies.round(process.peakRssMiB()));
            figures.put("list_ms", ScaleReport.medianAndP99(lists));
            figures.put("config_read_ms", ScaleReport.medianAndP99(configs));
            figures.put("status_read_ms", ScaleReport.medianAndP99(statuses));
            ScaleReport.memoryBreakdown(process.pid(), process.log().getParent(), process.name());
            return figures;
        }
    }
}
