package io.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.switchboard.SwitchboardApp;
import io.switchboard.core.PolicyWire;
import io.switchboard.kafka.EmbeddedKafka;
import io.switchboard.rules.PolicyExpressions;
import io.switchboard.rules.UserPolicies;
import io.switchboard.schemas.ConnectorPolicy;
import io.switchboard.schemas.PolicySpec;
import io.switchboard.testing.OptionsBuilder;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What user policies cost (docs/policies.md), in one run on one replica and one embedded broker:
 * create latency at a concurrency (16) with no policy and with P (50) policies in force that every
 * create matches and obeys, the two interleaved round by round (0, P, P, 0, 0, P, ...) so that
 * neither always runs on a warmer or a fuller replica; then the time of a policy's dry run
 * ({@code PUT /policies/{name}?dry_run=true}) over D (10,000) connectors, every one of which breaks
 * it; and, without broker or HTTP, the CPU the decider's check of one create against the P policies
 * takes. No worker: creates are decided and answered, and a dry run reads the replica's stores only.
 * Not a test: it reports figures and never fails because the machine is slow.
 *
 * <p>Arguments: {@code [--connectors N per round, 1000] [--rounds R per side, 3] [--concurrency C, 16]
 * [--policies P, 50] [--warmup W, 500] [--dry-run-connectors D, 10000] [--dry-runs K, 5] [--out DIR]}.
 */
public final class PolicyCostBenchmark {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = BenchSupport.options(args);
        int perRound = Integer.parseInt(opts.getOrDefault("connectors", "1000"));
        int rounds = Integer.parseInt(opts.getOrDefault("rounds", "3"));
        int concurrency = Integer.parseInt(opts.getOrDefault("concurrency", "16"));
        int policies = Integer.parseInt(opts.getOrDefault("policies", "50"));
        int warmup = Integer.parseInt(opts.getOrDefault("warmup", "500"));
        int dryRunConnectors = Integer.parseInt(opts.getOrDefault("dry-run-connectors", "10000"));
        int dryRuns = Integer.parseInt(opts.getOrDefault("dry-runs", "5"));
        Path out = Path.of(opts.getOrDefault("out", "bench/out"));
        Files.createDirectories(out);

        Path dir = Files.createTempDirectory("switchboard-policy-bench");
        try (EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("broker"), 0).start();
             SwitchboardApp app = SwitchboardApp.start(OptionsBuilder.defaults().fileConnectorsDir(io.switchboard.testing.TestReplicas.FILES).port(0)
                     .schemaRegistryPort(0).dataDir(dir.resolve("replica"))
                     .bootstrapServers(kafka.bootstrapServers()).embeddedWorker(false).build())) {
            String url = app.url();
            Map<Integer, AtomicInteger> codes = new ConcurrentHashMap<>();
            AtomicInteger created = new AtomicInteger();
            // Warm-up: both sides, so that CEL's programs and the code paths of both are compiled before any timed round.
            BenchSupport.measure(warmup / 2, concurrency, i -> create(url, "warmup-a-" + i, codes, created));
            putPolicies(url, policies);
            BenchSupport.measure(warmup - warmup / 2, concurrency, i -> create(url, "warmup-b-" + i, codes, created));
            deletePolicies(url, policies);
            codes.clear();

            List<Latencies> without = new ArrayList<>();
            List<Latencies> with = new ArrayList<>();
            List<Map<String, Object>> roundFigures = new ArrayList<>();
            for (int r = 0; r < 2 * rounds; r++) {
                // 0, P, P, 0, 0, P, ...: each side goes first as often as the other.
                boolean withPolicies = (r % 4 == 1) || (r % 4 == 2);
                if (withPolicies) {
                    putPolicies(url, policies);
                }
                String prefix = "r" + r + (withPolicies ? "-p-" : "-n-");
                Latencies round = BenchSupport.measure(perRound, concurrency, i -> create(url, prefix + i, codes, created));
                (withPolicies ? with : without).add(round);
                Map<String, Object> figures = new LinkedHashMap<>(round.summary());
                figures.put("policies", withPolicies ? policies : 0);
                roundFigures.add(figures);
                System.out.println("round " + r + " with " + (withPolicies ? policies : 0) + " policies: " + round.summary());
                if (withPolicies) {
                    deletePolicies(url, policies);
                }
            }
            Latencies none = Latencies.pooled(without);
            Latencies fifty = Latencies.pooled(with);

            // Up to D connectors, then the dry runs.
            int have = created.get();
            if (have < dryRunConnectors) {
                BenchSupport.measure(dryRunConnectors - have, concurrency, i -> create(url, "fill-" + i, codes, created));
            }
            int inCluster = JSON.readTree(send(url, "GET", "/connectors", null).body()).size();
            String breaking = JSON.writeValueAsString(Map.of("action", "deny",
                    "validations", List.of(Map.of("expression", "int(connector.config[?'tasks.max'].orValue('1')) <= 0",
                            "message", "no task at all"))));
            long[] dryRunMillis = new long[dryRuns];
            JsonNode lastAnswer = null;
            for (int k = 0; k < dryRuns; k++) {
                long start = System.nanoTime();
                HttpResponse<String> answer = send(url, "PUT", "/policies/no-tasks?dry_run=true", breaking);
                dryRunMillis[k] = (System.nanoTime() - start) / 1_000_000;
                if (answer.statusCode() != 200) {
                    throw new IllegalStateException("dry run answered " + answer.statusCode() + ": " + answer.body());
                }
                lastAnswer = JSON.readTree(answer.body());
            }
            long[] sorted = dryRunMillis.clone();
            Arrays.sort(sorted);
            double checkMicros = checkMicros(policies);

            Map<String, Object> report = new LinkedHashMap<>();
            report.put("benchmark", "policy cost");
            report.put("measured_at", Instant.now().toString());
            report.put("machine_cores", Runtime.getRuntime().availableProcessors());
            report.put("concurrency", concurrency);
            report.put("creates_per_round", perRound);
            report.put("rounds_per_side", rounds);
            report.put("policies", policies);
            report.put("create_no_policy", none.summary());
            report.put("create_with_policies", fifty.summary());
            Map<String, Object> ratios = new LinkedHashMap<>();
            ratios.put("p50_with_over_without", Latencies.round(fifty.percentileMs(50) / none.percentileMs(50)));
            ratios.put("p99_with_over_without", Latencies.round(fifty.percentileMs(99) / none.percentileMs(99)));
            report.put("ratios", ratios);
            report.put("rounds", roundFigures);
            report.put("status_codes", new TreeMap<>(codes));
            Map<String, Object> dry = new LinkedHashMap<>();
            dry.put("connectors_in_cluster", inCluster);
            dry.put("checked", lastAnswer.path("checked").asInt(-1));
            dry.put("violators_listed", lastAnswer.path("violators").size());
            dry.put("runs_ms", dryRunMillis);
            dry.put("median_ms", sorted[sorted.length / 2]);
            dry.put("min_ms", sorted[0]);
            dry.put("max_ms", sorted[sorted.length - 1]);
            report.put("dry_run", dry);
            report.put("decider_check_us_per_create", Latencies.round(checkMicros));

            Path jsonFile = out.resolve("policy-cost.json");
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(jsonFile.toFile(), report);
            String table = "| create at concurrency " + concurrency + " (" + rounds + " x " + perRound + " each) | p50 ms | p90 ms | p99 ms | max ms |\n"
                    + "|---|---|---|---|---|\n"
                    + CreateLatencyBenchmark.row("no policy", none)
                    + CreateLatencyBenchmark.row(policies + " policies in force", fifty)
                    + "\nwith / without: p50 " + ratios.get("p50_with_over_without") + ", p99 " + ratios.get("p99_with_over_without")
                    + "; status codes: " + codes + "\n"
                    + "\ndry run over " + inCluster + " connectors (" + dry.get("checked") + " checked, " + dry.get("violators_listed")
                    + " listed): median " + dry.get("median_ms") + " ms, min " + sorted[0] + ", max " + sorted[sorted.length - 1]
                    + " (" + dryRuns + " runs)\n"
                    + "\nthe decider's check of one create against the " + policies + " policies, on one thread: "
                    + Latencies.round(checkMicros) + " us (median of 20 batches of 1000)\n";
            Files.writeString(out.resolve("policy-cost.md"), table);
            System.out.println(table);
            System.out.println("Figures written to " + jsonFile.toAbsolutePath());
        } finally {
            BenchSupport.deleteQuietly(dir);
        }
    }

    /**
     * P policies a platform team might write, each matching every FileStream connector and obeyed
     * by the benchmark's creates: tasks, a dead letter queue with errors.tolerance=all, allowed
     * classes, name and topic shapes.
     */
    static String policy(int i) throws IOException {
        String expression = switch (i % 5) {
            case 0 -> "int(connector.config[?'tasks.max'].orValue('1')) <= " + (8 + i);
            case 1 -> "connector.name.matches('^[a-z0-9-]+$')";
            case 2 -> "connector.config[?'errors.tolerance'].orValue('none') != 'all' "
                    + "|| connector.config[?'errors.deadletterqueue.topic.name'].orValue('') != ''";
            case 3 -> "connector.class in ['FileStreamSource', 'org.apache.kafka.connect.file.FileStreamSourceConnector', 'c" + i + "']";
            default -> "!connector.config[?'topic'].orValue('').startsWith('forbidden-" + i + "')";
        };
        return JSON.writeValueAsString(Map.of("action", "deny", "match", Map.of("classes", List.of("*FileStream*")),
                "validations", List.of(Map.of("expression", expression, "message", "rule " + i))));
    }

    /**
     * The CPU the decider spends on one create's check against the policies, without the broker or
     * HTTP: {@link UserPolicies#check} on one thread, the median of 20 batches of 1000 after a warm-up.
     */
    static double checkMicros(int count) throws IOException {
        List<ConnectorPolicy> inForce = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            PolicySpec spec = PolicyWire.read(JSON.readValue(policy(i), Map.class), (field, message) -> {
                throw new IllegalStateException(field + ": " + message);
            });
            inForce.add(ConnectorPolicy.newBuilder().setCluster("default").setName("rule-" + i).setVersion(1).setSpec(spec)
                    .setChangedAt(0L).setCommandId("bench-" + i).build());
        }
        UserPolicies policies = new UserPolicies(inForce);
        PolicyExpressions.Subject subject = new PolicyExpressions.Subject("default", "bench-1", Map.of("connector.class", "FileStreamSource",
                "file", "/tmp/switchboard-test-files/bench-1", "topic", "bench-1", "tasks.max", "1"), Map.of());
        for (int i = 0; i < 5000; i++) {
            requireAccepted(policies.check(subject, null, ""));
        }
        double[] batches = new double[20];
        for (int b = 0; b < batches.length; b++) {
            long start = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
                requireAccepted(policies.check(subject, null, ""));
            }
            batches[b] = (System.nanoTime() - start) / 1000.0 / 1000;
        }
        Arrays.sort(batches);
        return batches[batches.length / 2];
    }

    private static void requireAccepted(UserPolicies.Verdict verdict) {
        if (verdict.denial() != null) {
            throw new IllegalStateException("the benchmark's create breaks " + verdict.denial().refusal());
        }
    }

    private static void putPolicies(String url, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            HttpResponse<String> answer = send(url, "PUT", "/policies/rule-" + i, policy(i));
            if (answer.statusCode() != 200 && answer.statusCode() != 201) {
                throw new IllegalStateException("policy rule-" + i + " answered " + answer.statusCode() + ": " + answer.body());
            }
        }
    }

    private static void deletePolicies(String url, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            HttpResponse<String> answer = send(url, "DELETE", "/policies/rule-" + i, null);
            if (answer.statusCode() != 204) {
                throw new IllegalStateException("delete of rule-" + i + " answered " + answer.statusCode() + ": " + answer.body());
            }
        }
    }

    private static long create(String url, String name, Map<Integer, AtomicInteger> codes, AtomicInteger created) {
        String body = "{\"name\":\"" + name + "\",\"config\":{\"connector.class\":\"FileStreamSource\","
                + "\"file\":\"/tmp/switchboard-test-files/" + name + "\",\"topic\":\"" + name + "\",\"tasks.max\":\"1\"}}";
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = send(url, "POST", "/connectors", body);
            codes.computeIfAbsent(response.statusCode(), c -> new AtomicInteger()).incrementAndGet();
            if (response.statusCode() == 201) {
                created.incrementAndGet();
            }
        } catch (IOException e) {
            codes.computeIfAbsent(-1, c -> new AtomicInteger()).incrementAndGet();
        }
        return (System.nanoTime() - start) / 1000;
    }

    private static HttpResponse<String> send(String url, String method, String path, String body) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + path))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(120))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
