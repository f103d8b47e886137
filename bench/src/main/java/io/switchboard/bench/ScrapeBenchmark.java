package io.switchboard.bench;

import io.switchboard.testing.Http;
import io.switchboard.testing.TestUsers;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a scrape of the per-connector health series costs at N connectors: a broker and a replica,
 * each a process of its own (the replica a JVM as users run it: C2, its own heap), no data plane.
 * The lifecycle events of N connectors over a few clusters ({@link ScrapeWorkload}) are written
 * straight to the lifecycle topic, which the replica's health feed folds as it folds the
 * processor's; once {@code /metrics/connectors} shows all N with every failure and restart
 * counted, it is scraped as Prometheus scrapes it, with a viewer's credentials, with
 * {@code Accept-Encoding: gzip} and without, interleaved, after untimed warm-ups: per scrape the
 * time to the first byte and to the last, the bytes on the wire and decoded, the series, and the
 * replica's CPU seconds; then the replica's resident memory and its collections meanwhile. Then,
 * with {@code --bounded M}, the same replica restarted on its data with
 * {@code --health-max-connectors M} and scraped again. Writes {@code scrape.json} and {@code .md}.
 *
 * <p>Arguments: {@code [--connectors 10000] [--clusters 3] [--scrapes 10] [--warmups 3]
 * [--bounded 1000] [--jvm-opts "-Xmx512m -XX:+ExitOnOutOfMemoryError"] [--jfr true] [--out bench/out]}. With
 * {@code --policies P}, what {@code GET /metrics} costs with P user policies in force instead ({@link PolicyScrapeBenchmark}).
 */
public final class ScrapeBenchmark {
    private static final String CLASS_PATH = System.getProperty("java.class.path");
    private static final String USER = "prometheus";

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = BenchSupport.options(args);
        if (opts.containsKey("policies")) {
            PolicyScrapeBenchmark.run(opts);
            return;
        }
        int connectors = Integer.parseInt(opts.getOrDefault("connectors", "10000"));
        int clusterCount = Integer.parseInt(opts.getOrDefault("clusters", "3"));
        int scrapes = Integer.parseInt(opts.getOrDefault("scrapes", "10"));
        int warmups = Integer.parseInt(opts.getOrDefault("warmups", "3"));
        int bounded = Integer.parseInt(opts.getOrDefault("bounded", "1000"));
        boolean jfr = Boolean.parseBoolean(opts.getOrDefault("jfr", "false"));
        List<String> jvmOpts = List.of(opts.getOrDefault("jvm-opts", "-Xmx512m -XX:+ExitOnOutOfMemoryError").trim().split("\\s+"));
        Path out = Path.of(opts.getOrDefault("out", "bench/out"));
        Files.createDirectories(out);
        Path work = Files.createTempDirectory("switchboard-scrape");
        Path logs = out.resolve("scrape-logs");
        List<String> clusters = new ArrayList<>();
        for (int c = 0; c < clusterCount; c++) {
            clusters.add(List.of("prod", "staging", "dev", "edge", "lab").get(c % 5) + (c >= 5 ? "-" + c : ""));
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("measured_at", Instant.now().toString());
        result.put("connectors", connectors);
        result.put("clusters", clusters);
        result.put("scrapes", scrapes);
        result.put("warmups", warmups);
        result.put("replica_jvm_options", String.join(" ", jvmOpts));
        result.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        result.put("cores", Runtime.getRuntime().availableProcessors());
        result.put("load_average_at_start", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        List<ChildProcess> children = new ArrayList<>();
        try {
            ChildProcess broker = BenchBroker.start(work.resolve("broker"), logs);
            children.add(broker);
            String bootstrap = broker.awaitReady(120_000);
            int registryPort = ScaleBenchmark.freePort();
            Path users = TestUsers.write(work.resolve("users"), Map.of(USER, "viewer@*"));
            Replica replica = Replica.start("replica", work, bootstrap, registryPort, users, connectors, jvmOpts, logs);
            children.add(replica.process);

            log("writing the lifecycle events of " + connectors + " connectors");
            long filling = System.nanoTime();
            ScrapeWorkload.Expected expected = new ScrapeWorkload(connectors, clusters, System.currentTimeMillis())
                    .write(bootstrap, "http://127.0.0.1:" + registryPort, io.switchboard.RegistryCredentials.userInfo(
                            io.switchboard.secrets.Keyring.loadOrCreate(work.resolve("shared-secrets.key"))));
            result.put("events_written", expected.events());
            result.put("events_written_in_seconds", Latencies.round((System.nanoTime() - filling) / 1e9));
            replica.awaitSeries(connectors, expected, 600);
            result.put("folded_after_seconds", Latencies.round((System.nanoTime() - filling) / 1e9));
            result.put("expected", Map.of("failures", expected.failures(), "restarts", expected.restarts(),
                    "flapping", expected.flapping(), "failed_now", expected.failedNow()));
            log("scraping " + connectors + " connectors' series, " + scrapes + " times each way");
            result.put("all", replica.measure(scrapes, warmups, jfr));

            if (bounded > 0 && bounded < connectors) {
                replica.process.stop();
                long restarted = System.nanoTime();
                Replica again = Replica.start("replica-bounded", work, bootstrap, registryPort, users, bounded, jvmOpts, logs);
                children.add(again.process);
                again.awaitSeries(bounded, null, 600);
                Map<String, Object> figures = new LinkedHashMap<>();
                figures.put("health_max_connectors", bounded);
                figures.put("restarted_and_folded_after_seconds", Latencies.round((System.nanoTime() - restarted) / 1e9));
                log("scraping with --health-max-connectors " + bounded);
                figures.putAll(again.measure(scrapes, warmups, jfr));
                result.put("bounded", figures);
            }
            result.put("load_average_at_end", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        } finally {
            for (ChildProcess child : children) {
                child.kill();
            }
            BenchSupport.deleteQuietly(work);
        }
        Files.writeString(out.resolve("scrape.json"), Http.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        String md = ScrapeReport.markdown(result);
        Files.writeString(out.resolve("scrape.md"), md);
        System.out.println(md);
    }

    /** The replica: started with its users file and export bound, then waited for and scraped. */
    private record Replica(ChildProcess process, String url, String authorization) {
        static Replica start(String name, Path work, String bootstrap, int registryPort, Path users, int maxConnectors,
                             List<String> jvmOpts, Path logs) throws Exception {
            int port = ScaleBenchmark.freePort();
            String url = "http://127.0.0.1:" + port;
            Path data = work.resolve("replica");
            List<String> args = List.of("-cp", CLASS_PATH, "io.switchboard.Switchboard",
                    "--port", String.valueOf(port), "--data-dir", data.toString(), "--bootstrap-servers", bootstrap,
                    "--advertised-url", url, "--bind-host", "127.0.0.1", "--embedded-worker", "false",
                    "--secrets-key-file", work.resolve("shared-secrets.key").toString(), "--users-file", users.toString(),
                    "--schema-registry-port", String.valueOf(registryPort),
                    "--health-max-connectors", String.valueOf(maxConnectors));
            ChildProcess process = ChildProcess.start(name, "Switchboard replica", jvmOpts, args, logs);
            new ScaleBenchmark.Replica(process, url).awaitHealthy(180);
            return new Replica(process, url, TestUsers.basic(USER));
        }

        ScrapeProbe.Scrape scrape(boolean gzip, boolean keepBody) {
            ScrapeProbe.Scrape scrape = ScrapeProbe.get(url + "/metrics/connectors", authorization, gzip, process.pid(),
                    process::cpuSeconds, keepBody);
            if (scrape.status() != 200) {
                throw new IllegalStateException("GET /metrics/connectors answered " + scrape.status());
            }
            return scrape;
        }

        /**
         * Scrapes until the series show {@code connectors} connectors, caught up, and (when given)
         * every failure and restart the events hold: the feed has folded every event written.
         */
        void awaitSeries(int connectors, ScrapeWorkload.Expected expected, int timeoutSeconds) throws Exception {
            long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
            String seen = "nothing";
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(process.name() + " exited; see " + process.log());
                }
                String text = scrape(true, true).body();
                double[] failures = ScrapeProbe.sumAndCount(text, "switchboard_connector_failures_total");
                double[] restarts = ScrapeProbe.sumAndCount(text, "switchboard_connector_restarts_total");
                boolean caughtUp = text.contains("switchboard_connector_health_caught_up 1");
                seen = "caught up " + caughtUp + ", " + (long) failures[1] + " connectors, " + (long) failures[0] + " failures, "
                        + (long) restarts[0] + " restarts";
                if (caughtUp && failures[1] == connectors && (expected == null
                        || (failures[0] == expected.failures() && restarts[0] == expected.restarts()))) {
                    log(process.name() + ": " + seen);
                    return;
                }
                Thread.sleep(1_000);
            }
            throw new IllegalStateException(process.name() + " did not fold the events within " + timeoutSeconds + " s: " + seen);
        }

        /**
         * The idle CPU over 5 s, then {@code warmups} untimed and {@code scrapes} timed scrapes each
         * way (gzip, identity, interleaved), then resident memory and the collections since the
         * warm-ups ended. With {@code jfr}, a flight recording (settings {@code profile}) of the
         * timed scrapes goes to {@code <name>.jfr} beside the replica's log.
         */
        Map<String, Object> measure(int scrapes, int warmups, boolean jfr) throws Exception {
            Map<String, Object> figures = new LinkedHashMap<>();
            Thread.sleep(2_000);
            double idleFrom = process.cpuSeconds();
            long idleStarted = System.nanoTime();
            Thread.sleep(5_000);
            figures.put("idle_cpu_seconds_per_second",
                    Latencies.round((process.cpuSeconds() - idleFrom) / ((System.nanoTime() - idleStarted) / 1e9)));
            for (int i = 0; i < warmups; i++) {
                scrape(true, false);
                scrape(false, false);
            }
            if (jfr) {
                jcmd("JFR.start", "name=scrape", "settings=profile");
            }
            Map<String, Object> gcBefore = GcLog.summary(process.log().resolveSibling(process.name() + "-gc.log"));
            List<ScrapeProbe.Scrape> gzip = new ArrayList<>();
            List<ScrapeProbe.Scrape> identity = new ArrayList<>();
            for (int i = 0; i < scrapes; i++) {
                gzip.add(scrape(true, false));
                identity.add(scrape(false, false));
            }
            Map<String, Object> gcAfter = GcLog.summary(process.log().resolveSibling(process.name() + "-gc.log"));
            if (jfr) {
                jcmd("JFR.stop", "name=scrape", "filename=" + process.log().resolveSibling(process.name() + ".jfr").toAbsolutePath());
            }
            figures.put("gzip", ScrapeProbe.summary(gzip));
            figures.put("identity", ScrapeProbe.summary(identity));
            figures.put("rss_mib", Latencies.round(ScaleReport.rssMiB(process.pid())));
            figures.put("peak_rss_mib", Latencies.round(process.peakRssMiB()));
            figures.put("young_gcs_during_timed_scrapes", number(gcAfter, "young_gcs") - number(gcBefore, "young_gcs"));
            figures.put("allocated_mib_per_scrape",
                    Latencies.round((number(gcAfter, "allocated_mib") - number(gcBefore, "allocated_mib")) / (2.0 * scrapes)));
            return figures;
        }

        private void jcmd(String... command) throws Exception {
            List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    String.valueOf(process.pid())));
            line.addAll(List.of(command));
            Process jcmd = new ProcessBuilder(line).redirectErrorStream(true).start();
            String output = new String(jcmd.getInputStream().readAllBytes());
            if (jcmd.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", line) + ": " + output);
            }
        }

        private static long number(Map<String, Object> figures, String key) {
            Object value = figures.get(key);
            return value instanceof Number n ? n.longValue() : 0;
        }
    }

    static void log(String message) {
        System.out.println(Instant.now() + " " + message);
    }
}
