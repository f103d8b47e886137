package io.switchboard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.switchboard.SwitchboardApp;
import io.switchboard.kafka.EmbeddedKafka;
import io.switchboard.testing.OptionsBuilder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
 * Create latency through Switchboard at a given concurrency, against the floor: the broker's own
 * acks=all produce round trip, measured in the same run on the same embedded broker with the same
 * concurrency. Not a test: it reports figures and never fails because the machine is slow.
 *
 * <p>Arguments: {@code [--connectors N] [--concurrency C] [--warmup W] [--out DIR]}.
 */
public final class CreateLatencyBenchmark {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = BenchSupport.options(args);
        int connectors = Integer.parseInt(opts.getOrDefault("connectors", "2000"));
        int concurrency = Integer.parseInt(opts.getOrDefault("concurrency", "16"));
        int warmup = Integer.parseInt(opts.getOrDefault("warmup", "300"));
        Path out = Path.of(opts.getOrDefault("out", "bench/out"));
        Files.createDirectories(out);

        Path dir = Files.createTempDirectory("switchboard-bench");
        try (EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("broker"), 0).start();
             SwitchboardApp app = SwitchboardApp.start(OptionsBuilder.defaults().fileConnectorsDir(io.switchboard.testing.TestReplicas.FILES).port(0)
                     .schemaRegistryPort(0).dataDir(dir.resolve("replica"))
                     .bootstrapServers(kafka.bootstrapServers()).embeddedWorker(false).build())) {

            Latencies floor = produceRoundTrips(kafka.bootstrapServers(), warmup, connectors, concurrency);
            Map<Integer, AtomicInteger> codes = new ConcurrentHashMap<>();
            BenchSupport.measure(warmup, concurrency, i -> create(app.url(), "warmup-" + i, codes));
            codes.clear();
            long start = System.nanoTime();
            Latencies creates = BenchSupport.measure(connectors, concurrency, i -> create(app.url(), "bench-" + i, codes));
            double seconds = (System.nanoTime() - start) / 1e9;
            // A read of one connector: the HTTP and interactive-query cost without a command.
            Latencies reads = BenchSupport.measure(connectors, concurrency, i -> get(app.url(), "/connectors/bench-" + ((i * 7919) % connectors)));

            Map<String, Object> report = new LinkedHashMap<>();
            report.put("benchmark", "create latency");
            report.put("measured_at", Instant.now().toString());
            report.put("connectors", connectors);
            report.put("concurrency", concurrency);
            report.put("machine_cores", Runtime.getRuntime().availableProcessors());
            report.put("floor_produce_acks_all", floor.summary());
            Map<String, Object> sb = new LinkedHashMap<>(creates.summary());
            sb.put("creates_per_second", Latencies.round(connectors / seconds));
            sb.put("status_codes", new TreeMap<>(codes));
            report.put("switchboard_create", sb);
            report.put("switchboard_get_connector", reads.summary());
            Map<String, Object> ratios = new LinkedHashMap<>();
            ratios.put("p50_create_over_produce", Latencies.round(creates.percentileMs(50) / floor.percentileMs(50)));
            ratios.put("p99_create_over_produce", Latencies.round(creates.percentileMs(99) / floor.percentileMs(99)));
            report.put("ratios", ratios);

            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            Path jsonFile = out.resolve("create-latency.json");
            json.writeValue(jsonFile.toFile(), report);
            String table = "| measure (concurrency " + concurrency + ", " + connectors + " ops) | p50 ms | p90 ms | p99 ms | max ms |\n"
                    + "|---|---|---|---|---|\n"
                    + row("broker produce, acks=all (floor)", floor)
                    + row("Switchboard POST /connectors (201)", creates)
                    + row("Switchboard GET /connectors/{name} (200)", reads)
                    + "\np99 ratio create / produce: " + ratios.get("p99_create_over_produce")
                    + "; p50 ratio: " + ratios.get("p50_create_over_produce")
                    + "; creates/s: " + sb.get("creates_per_second") + "; status codes: " + codes + "\n";
            Files.writeString(out.resolve("create-latency.md"), table);
            System.out.println(table);
            System.out.println("Figures written to " + jsonFile.toAbsolutePath());
        } finally {
            BenchSupport.deleteQuietly(dir);
        }
    }

    static String row(String name, Latencies l) {
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
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            codes.computeIfAbsent(response.statusCode(), c -> new AtomicInteger()).incrementAndGet();
        } catch (IOException e) {
            codes.computeIfAbsent(-1, c -> new AtomicInteger()).incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return (System.nanoTime() - start) / 1000;
    }

    private static long get(String url, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60)).GET().build();
        long start = System.nanoTime();
        try {
            HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            // counted as a sample all the same
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return (System.nanoTime() - start) / 1000;
    }

    /** The broker's own round trip: acks=all, idempotent, no linger, one record per send, same concurrency. */
    private static Latencies produceRoundTrips(String bootstrap, int warmup, int count, int concurrency) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic("bench.floor", 6, (short) 1))).all().get();
        }
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0);
        byte[] value = new byte[200];
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            IntFunction<Long> send = i -> {
                long start = System.nanoTime();
                try {
                    producer.send(new ProducerRecord<>("bench.floor", "key-" + i, value)).get();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return (System.nanoTime() - start) / 1000;
            };
            BenchSupport.measure(warmup, concurrency, send);
            return BenchSupport.measure(count, concurrency, send);
        }
    }
}
