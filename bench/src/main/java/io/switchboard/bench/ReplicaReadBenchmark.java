package io.switchboard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.switchboard.kafka.EmbeddedKafka;
import io.switchboard.registry.EmbeddedSchemaRegistry;
import io.switchboard.testing.ReplicaProcess;
import org.apache.kafka.common.utils.Utils;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Reads over three replicas, each a JVM of its own, on one embedded broker: the status of one
 * connector read on the replica that owns it (local) and on one that does not (forwarded, one hop),
 * and the whole list with {@code expand=status&expand=info}. Optionally, a replica killed and started
 * again on its data: the time until it serves, and its resident memory. Not a test: it reports
 * figures and never fails because the machine is slow.
 *
 * <p>Arguments: {@code [--connectors 10000] [--reads 3000] [--lists 20] [--concurrency 8]
 * [--restart false] [--out bench/out]}.
 */
public final class ReplicaReadBenchmark {
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10)).version(HttpClient.Version.HTTP_1_1).build();
    private static final int PARTITIONS = 6;

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = BenchSupport.options(args);
        int connectors = Integer.parseInt(opts.getOrDefault("connectors", "10000"));
        int reads = Integer.parseInt(opts.getOrDefault("reads", "3000"));
        int lists = Integer.parseInt(opts.getOrDefault("lists", "20"));
        int concurrency = Integer.parseInt(opts.getOrDefault("concurrency", "8"));
        boolean restart = Boolean.parseBoolean(opts.getOrDefault("restart", "false"));
        Path out = Path.of(opts.getOrDefault("out", "bench/out"));
        Files.createDirectories(out);

        Path dir = Files.createTempDirectory("switchboard-replica-bench");
        List<ReplicaProcess> replicas = new ArrayList<>();
        try (EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("broker"), 0).start();
             EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(new EmbeddedSchemaRegistry.Settings(kafka.bootstrapServers(),
                     java.util.Map.of(), "switchboard._schemas", "127.0.0.1", 0, io.switchboard.RegistryCredentials.accepted(
                             io.switchboard.secrets.Keyring.loadOrCreate(dir.resolve("shared-secrets.key"))))).start()) {
            String[] flags = {"--bootstrap-servers", kafka.bootstrapServers(), "--schema-registry-url", registry.url(),
                    "--embedded-worker", "false", "--command-partitions", String.valueOf(PARTITIONS)};
            for (int i = 1; i <= 3; i++) {
                replicas.add(ReplicaProcess.start("replica-" + i, dir.resolve("replica-" + i), flags));
            }
            for (ReplicaProcess replica : replicas) {
                replica.awaitHealthy(Duration.ofSeconds(180));
            }
            awaitAllHealthy(replicas);

            Map<Integer, AtomicInteger> createCodes = new ConcurrentHashMap<>();
            long loadStart = System.nanoTime();
            Latencies creates = BenchSupport.measure(connectors, 16, i -> create(replicas.get(i % 3).url(), "bench-" + i, createCodes));
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            awaitAllHealthy(replicas);

            // Which replica runs each partition: only the owner answers a non-stale internal read.
            Map<Integer, Integer> ownerOfPartition = new TreeMap<>();
            for (int i = 0; ownerOfPartition.size() < PARTITIONS && i < connectors; i++) {
                int partition = partition("bench-" + i);
                if (!ownerOfPartition.containsKey(partition)) {
                    for (int r = 0; r < 3; r++) {
                        String path = "/internal/stores/connectors/" + URLEncoder.encode("default/bench-" + i, StandardCharsets.UTF_8)
                                + "?partition=" + partition;
                        if (status(replicas.get(r).url(), path) == 200) {
                            ownerOfPartition.put(partition, r);
                        }
                    }
                }
            }

            Map<Integer, AtomicInteger> readCodes = new ConcurrentHashMap<>();
            IntFunction<Long> local = i -> {
                String name = "bench-" + ((i * 7919L) % connectors);
                int owner = ownerOfPartition.getOrDefault(partition(name), 0);
                return get(replicas.get(owner).url(), "/connectors/" + name + "/status", readCodes);
            };
            IntFunction<Long> forwarded = i -> {
                String name = "bench-" + ((i * 7919L) % connectors);
                int owner = ownerOfPartition.getOrDefault(partition(name), 0);
                return get(replicas.get((owner + 1 + (i % 2)) % 3).url(), "/connectors/" + name + "/status", readCodes);
            };
            BenchSupport.measure(Math.min(500, reads), concurrency, local);
            BenchSupport.measure(Math.min(500, reads), concurrency, forwarded);
            Latencies localReads = BenchSupport.measure(reads, concurrency, local);
            Latencies forwardedReads = BenchSupport.measure(reads, concurrency, forwarded);

            Map<Integer, AtomicInteger> listCodes = new ConcurrentHashMap<>();
            get(replicas.get(0).url(), "/connectors?expand=status&expand=info", listCodes);
            long bytes = body(replicas.get(0).url(), "/connectors?expand=status&expand=info").length();
            Latencies expandedLists = BenchSupport.measure(lists, 1, i -> get(replicas.get(i % 3).url(), "/connectors?expand=status&expand=info", listCodes));
            Latencies plainLists = BenchSupport.measure(lists, 1, i -> get(replicas.get(i % 3).url(), "/connectors", listCodes));

            Map<String, Object> report = new LinkedHashMap<>();
            report.put("benchmark", "reads over three replicas (separate JVMs, one embedded broker)");
            report.put("measured_at", Instant.now().toString());
            report.put("machine_cores", Runtime.getRuntime().availableProcessors());
            report.put("connectors", connectors);
            report.put("partitions", PARTITIONS);
            report.put("owners_of_partitions", ownerOfPartition);
            report.put("create_16_concurrent", Map.of("latency", creates.summary(),
                    "creates_per_second", Latencies.round(connectors / loadSeconds), "status_codes", new TreeMap<>(createCodes)));
            report.put("status_read_local", localReads.summary());
            report.put("status_read_forwarded", forwardedReads.summary());
            report.put("read_status_codes", new TreeMap<>(readCodes));
            report.put("list_expand_status_info", expandedLists.summary());
            report.put("list_expand_bytes", bytes);
            report.put("list_names_only", plainLists.summary());
            report.put("list_status_codes", new TreeMap<>(listCodes));
            Map<String, Object> ratios = new LinkedHashMap<>();
            ratios.put("p50_forwarded_over_local", Latencies.round(forwardedReads.percentileMs(50) / localReads.percentileMs(50)));
            ratios.put("p99_forwarded_over_local", Latencies.round(forwardedReads.percentileMs(99) / localReads.percentileMs(99)));
            report.put("ratios", ratios);

            String restartLine = "";
            if (restart) {
                ReplicaProcess victim = replicas.get(2);
                victim.kill();
                long started = System.nanoTime();
                ReplicaProcess again = ReplicaProcess.start("replica-3", dir.resolve("replica-3"), flags);
                replicas.set(2, again);
                again.awaitHealthy(Duration.ofSeconds(600));
                double serveSeconds = (System.nanoTime() - started) / 1e9;
                long rssKb = rssKb(again.pid());
                Map<String, Object> cold = new LinkedHashMap<>();
                cold.put("seconds_until_healthy", Latencies.round(serveSeconds));
                cold.put("rss_mb_when_healthy", rssKb / 1024);
                cold.put("rss_mb_other_replica", rssKb(replicas.get(0).pid()) / 1024);
                report.put("restart_after_kill", cold);
                restartLine = "\nKilled replica-3 and started it again on its data: healthy after "
                        + cold.get("seconds_until_healthy") + " s, RSS " + cold.get("rss_mb_when_healthy") + " MB (another replica: "
                        + cold.get("rss_mb_other_replica") + " MB)\n";
            }

            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            Path jsonFile = out.resolve("replica-reads.json");
            json.writeValue(jsonFile.toFile(), report);
            String table = "| measure (" + connectors + " connectors over 3 replicas) | p50 ms | p90 ms | p99 ms | max ms |\n"
                    + "|---|---|---|---|---|\n"
                    + row("GET /connectors/{name}/status on the owner (concurrency " + concurrency + ")", localReads)
                    + row("GET /connectors/{name}/status forwarded one hop (concurrency " + concurrency + ")", forwardedReads)
                    + row("GET /connectors?expand=status&expand=info (sequential, " + bytes + " bytes)", expandedLists)
                    + row("GET /connectors (sequential)", plainLists)
                    + row("POST /connectors while loading (concurrency 16)", creates)
                    + "\nforwarded / local: p50 " + ratios.get("p50_forwarded_over_local") + ", p99 "
                    + ratios.get("p99_forwarded_over_local") + "; status codes: reads " + readCodes + ", lists " + listCodes
                    + ", creates " + createCodes + restartLine + "\n";
            Files.writeString(out.resolve("replica-reads.md"), table);
            System.out.println(table);
            System.out.println("Figures written to " + jsonFile.toAbsolutePath());
        } finally {
            replicas.forEach(ReplicaProcess::close);
            BenchSupport.deleteQuietly(dir);
        }
    }

    /** The partition Kafka's default partitioner gives a connector's key. */
    private static int partition(String name) {
        return Utils.toPositive(Utils.murmur2(("default/" + name).getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    private static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private static void awaitAllHealthy(List<ReplicaProcess> replicas) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        int inARow = 0;
        while (inARow < 3 && System.nanoTime() < deadline) {
            inARow = replicas.stream().allMatch(r -> status(r.url(), "/health") == 200) ? inARow + 1 : 0;
            Thread.sleep(500);
        }
    }

    private static String row(String name, Latencies l) {
        return "| " + name + " | " + Latencies.round(l.percentileMs(50)) + " | " + Latencies.round(l.percentileMs(90))
                + " | " + Latencies.round(l.percentileMs(99)) + " | " + Latencies.round(l.percentileMs(100)) + " |\n";
    }

    private static long create(String url, String name, Map<Integer, AtomicInteger> codes) {
        String body = "{\"name\":\"" + name + "\",\"config\":{\"connector.class\":\"FileStreamSource\","
                + "\"file\":\"/tmp/switchboard-test-files/" + name + "\",\"topic\":\"" + name + "\"}}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/connectors"))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return timed(request, codes);
    }

    private static long get(String url, String path, Map<Integer, AtomicInteger> codes) {
        return timed(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60)).GET().build(), codes);
    }

    private static long timed(HttpRequest request, Map<Integer, AtomicInteger> codes) {
        long start = System.nanoTime();
        int code;
        try {
            code = HTTP.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (IOException e) {
            code = -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = -1;
        }
        codes.computeIfAbsent(code, c -> new AtomicInteger()).incrementAndGet();
        return (System.nanoTime() - start) / 1000;
    }

    private static int status(String url, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String body(String url, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(120)).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
