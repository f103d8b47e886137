package io.switchboard.bench;

import io.switchboard.testing.Http;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@code GET /metrics} scrape costs the replica at N connectors with P user policies in
 * force, whose {@code switchboard_policy_violations} counts the connectors that break each
 * ({@code bench/scrape.sh --policies P}): a broker and a replica, each a process of its own, no
 * data plane; N creates written straight to the command topic ({@link ScaleBenchmark#produceCreates}),
 * and once the replica lists them all, the replica's CPU seconds per scrape (in all, and in its HTTP
 * server's threads) with no policy (back to back), on the first scrape after the P policies are put,
 * and on scrapes with nothing changed, each {@code interval-s} after the one before (as Prometheus
 * scrapes). The policies are {@link PolicyCostBenchmark#policy}'s: each matches every connector and
 * none is broken. Writes {@code policy-scrape.json} and {@code .md}.
 *
 * <p>Arguments: {@code --policies 50 [--connectors 10000] [--scrapes 5] [--warmups 3] [--interval-s 35]
 * [--jvm-opts "-Xmx1g"] [--out bench/out]}.
 */
final class PolicyScrapeBenchmark {
    private PolicyScrapeBenchmark() {
    }

    static void run(Map<String, String> opts) throws Exception {
        int connectors = Integer.parseInt(opts.getOrDefault("connectors", "10000"));
        int policies = Integer.parseInt(opts.getOrDefault("policies", "50"));
        int scrapes = Integer.parseInt(opts.getOrDefault("scrapes", "5"));
        int warmups = Integer.parseInt(opts.getOrDefault("warmups", "3"));
        int intervalSeconds = Integer.parseInt(opts.getOrDefault("interval-s", "35"));
        List<String> jvmOpts = List.of(opts.getOrDefault("jvm-opts", "-Xmx1g").trim().split("\\s+"));
        Path out = Path.of(opts.getOrDefault("out", "bench/out"));
        Files.createDirectories(out);
        Path work = Files.createTempDirectory("switchboard-policy-scrape");
        Path logs = out.resolve("policy-scrape-logs");
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("measured_at", Instant.now().toString());
        result.put("connectors", connectors);
        result.put("policies", policies);
        result.put("scrapes", scrapes);
        result.put("interval_seconds", intervalSeconds);
        result.put("replica_jvm_options", String.join(" ", jvmOpts));
        result.put("load_average_at_start", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        List<ChildProcess> children = new ArrayList<>();
        try {
            ScaleBenchmark.Started started = ScaleBenchmark.Started.brokerAndReplica(work, jvmOpts, logs, children);
            ScaleBenchmark.Replica replica = started.replica();
            long filling = System.nanoTime();
            ScaleBenchmark.produceCreates(started.bootstrap(), started.registryUrl(), work.resolve("shared-secrets.key"), connectors);
            replica.awaitList(connectors, 1_800);
            result.put("listed_after_seconds", Latencies.round((System.nanoTime() - filling) / 1e9));

            for (int i = 0; i < warmups; i++) {
                scrape(replica, 0);
            }
            result.put("no_policy", summary(scrapes(replica, scrapes, 0, 0)));
            for (int i = 0; i < policies; i++) {
                Http.Response put = Http.call(replica.url(), "PUT", "/policies/rule-" + i, PolicyCostBenchmark.policy(i));
                if (put.status() != 200 && put.status() != 201) {
                    throw new IllegalStateException("policy rule-" + i + " answered " + put);
                }
            }
            result.put("first_after_policies", summary(List.of(scrape(replica, policies))));
            result.put("nothing_changed", summary(scrapes(replica, scrapes, policies, intervalSeconds)));
            result.put("load_average_at_end", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        } finally {
            for (ChildProcess child : children) {
                child.kill();
            }
            BenchSupport.deleteQuietly(work);
        }
        Files.writeString(out.resolve("policy-scrape.json"), Http.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        String md = markdown(result);
        Files.writeString(out.resolve("policy-scrape.md"), md);
        System.out.println(md);
    }

    /** One scrape's cost to the replica: CPU seconds in all, in its HTTP server's threads, and the time it took. */
    private record Scrape(double cpuSeconds, double httpCpuSeconds, double ms) {
    }

    /** {@code count} scrapes, each {@code intervalSeconds} after the one before. */
    private static List<Scrape> scrapes(ScaleBenchmark.Replica replica, int count, int policies, int intervalSeconds)
            throws InterruptedException {
        List<Scrape> done = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Thread.sleep(intervalSeconds * 1_000L);
            done.add(scrape(replica, policies));
        }
        return done;
    }

    /** One {@code GET /metrics}, checked to count the violations of each of the {@code policies}. */
    private static Scrape scrape(ScaleBenchmark.Replica replica, int policies) {
        double httpBefore = ScrapeProbe.threadCpu(replica.process().pid())[0];
        double before = replica.process().cpuSeconds();
        long began = System.nanoTime();
        Http.Response answer = Http.call(replica.url(), "GET", "/metrics", null);
        long ended = System.nanoTime();
        double cpu = replica.process().cpuSeconds() - before;
        double http = ScrapeProbe.threadCpu(replica.process().pid())[0] - httpBefore;
        if (answer.status() != 200) {
            throw new IllegalStateException("GET /metrics answered " + answer.status());
        }
        long counted = (long) ScrapeProbe.sumAndCount(answer.body(), "switchboard_policy_violations")[1];
        if (counted != policies) {
            throw new IllegalStateException("GET /metrics counted the violations of " + counted + " policies, not " + policies);
        }
        return new Scrape(cpu, http, (ended - began) / 1e6);
    }

    private static Map<String, Object> summary(List<Scrape> scrapes) {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("replica_cpu_seconds", ConsoleProbe.spread(scrapes.stream().map(Scrape::cpuSeconds).toList()));
        figures.put("http_threads_cpu_seconds", ConsoleProbe.spread(scrapes.stream().map(Scrape::httpCpuSeconds).toList()));
        figures.put("total_ms", ConsoleProbe.spread(scrapes.stream().map(Scrape::ms).toList()));
        return figures;
    }

    @SuppressWarnings("unchecked")
    private static String markdown(Map<String, Object> result) {
        StringBuilder md = new StringBuilder("| GET /metrics at " + result.get("connectors") + " connectors | replica CPU s, median (min-max)"
                + " | HTTP threads' CPU s, median | total ms, median |\n|---|---|---|---|\n");
        for (String kind : List.of("no_policy", "first_after_policies", "nothing_changed")) {
            Map<String, Object> figures = (Map<String, Object>) result.get(kind);
            Map<String, Object> cpu = (Map<String, Object>) figures.get("replica_cpu_seconds");
            md.append("| ").append(kind.replace('_', ' ')).append(" | ").append(cpu.get("median")).append(" (").append(cpu.get("min"))
                    .append("-").append(cpu.get("max")).append(") | ")
                    .append(((Map<String, Object>) figures.get("http_threads_cpu_seconds")).get("median")).append(" | ")
                    .append(((Map<String, Object>) figures.get("total_ms")).get("median")).append(" |\n");
        }
        md.append("\n").append(result.get("policies")).append(" policies; nothing changed: scrapes ").append(result.get("interval_seconds"))
                .append(" s apart; load average ").append(result.get("load_average_at_start"))
                .append(" at the start, ").append(result.get("load_average_at_end")).append(" at the end\n");
        return md.toString();
    }
}
