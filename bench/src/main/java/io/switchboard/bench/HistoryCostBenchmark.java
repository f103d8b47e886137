package io.switchboard.bench;

import com.sun.management.OperatingSystemMXBean;
import io.switchboard.SwitchboardApp;
import io.switchboard.kafka.EmbeddedKafka;
import io.switchboard.testing.Http;
import io.switchboard.testing.OptionsBuilder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * What a pause costs as a connector's history grows: Switchboard in this JVM (embedded broker, one
 * replica, no data plane, so that only deciding and recording is measured), {@code connectors}
 * connectors grown to {@code entries} history entries ("long") and, each round, as many new ones
 * with one entry ("short"); each round pauses the short ones, then the long ones, at concurrency 16,
 * and reads what each group cost: CPU of the Kafka Streams threads (where the history is written),
 * CPU of the whole process, and records and bytes the history store's changelog gained. Writes
 * {@code history-cost.json} and {@code .md} with each round's figures, the long-to-short ratios
 * and their medians.
 * <p>Arguments: {@code [--connectors 50] [--entries 1000] [--rounds 3] [--out bench/out]}.
 */
public final class HistoryCostBenchmark {
    private static final String CHANGELOG = "switchboard-history-changelog";
    private static final int CONCURRENCY = 16;

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = BenchSupport.options(args);
        int connectors = Integer.parseInt(opts.getOrDefault("connectors", "50"));
        int entries = Integer.parseInt(opts.getOrDefault("entries", "1000"));
        int rounds = Integer.parseInt(opts.getOrDefault("rounds", "3"));
        Path out = Path.of(opts.getOrDefault("out", "bench/out"));
        Files.createDirectories(out);
        Path dir = Files.createTempDirectory("switchboard-history-cost");
        Map<String, Object> result = new LinkedHashMap<>();
        try (EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("broker"), 0).start();
             SwitchboardApp app = SwitchboardApp.start(OptionsBuilder.defaults().fileConnectorsDir(io.switchboard.testing.TestReplicas.FILES)
                     .port(0).schemaRegistryPort(0).embeddedWorker(false)
                     .dataDir(dir.resolve("switchboard")).bootstrapServers(kafka.bootstrapServers()).build());
             Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            String url = app.url();
            List<String> longOnes = names("long", connectors);
            long grownIn = System.nanoTime();
            runAll(longOnes, name -> {
                create(url, name);
                // A config change first, so that the toggles after it end RUNNING with `entries` entries.
                expect(Http.call(url, "PUT", "/connectors/" + name + "/config", config(name, "2")).status(), 200, name);
                for (int i = 0; i < entries - 2; i++) {
                    expect(Http.call(url, "PUT", "/connectors/" + name + (i % 2 == 0 ? "/pause" : "/resume"), null).status(), 202, name);
                }
            });
            result.put("connectors_per_group", connectors);
            result.put("entries_of_long_histories", entries);
            result.put("grown_in_seconds", Latencies.round((System.nanoTime() - grownIn) / 1e9));
            List<Map<String, Object>> perRound = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                List<String> shortOnes = names("short-" + round, connectors);
                runAll(shortOnes, name -> create(url, name));
                Map<String, Double> shortCost = pauses(url, admin, shortOnes);
                Map<String, Double> longCost = pauses(url, admin, longOnes);
                runAll(longOnes, name -> expect(Http.call(url, "PUT", "/connectors/" + name + "/resume", null).status(), 202, name));
                Map<String, Object> figures = new LinkedHashMap<>();
                figures.put("short", shortCost);
                figures.put("long", longCost);
                Map<String, Double> ratios = new LinkedHashMap<>();
                shortCost.forEach((k, v) -> ratios.put(k, v == 0 ? 0 : Math.round(longCost.get(k) / v * 100) / 100.0));
                figures.put("long_to_short", ratios);
                perRound.add(figures);
            }
            result.put("rounds", perRound);
            result.put("median_long_to_short", medians(perRound));
        } finally {
            BenchSupport.deleteQuietly(dir);
        }
        Files.writeString(out.resolve("history-cost.json"), Http.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        Files.writeString(out.resolve("history-cost.md"), markdown(result));
        System.out.println(markdown(result));
    }

    private static List<String> names(String prefix, int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(prefix + "-" + i);
        }
        return names;
    }

    private static String config(String name, String tasks) {
        return "{\"connector.class\":\"FileStreamSource\",\"tasks.max\":\"" + tasks + "\",\"file\":\"/tmp/switchboard-test-files/" + name
                + ".txt\",\"topic\":\"history-cost\"}";
    }

    private static void create(String url, String name) {
        String body = "{\"name\":\"" + name + "\",\"config\":" + config(name, "1") + "}";
        expect(Http.call(url, "POST", "/connectors", body).status(), 201, name);
    }

    private static void expect(int status, int wanted, String name) {
        if (status != wanted) {
            throw new IllegalStateException(name + ": answered " + status + ", not " + wanted);
        }
    }

    interface Work {
        void run(String name) throws Exception;
    }

    /** Each connector's work in order, the connectors CONCURRENCY at a time; every answer is back on return. */
    private static void runAll(List<String> names, Work work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (String name : names) {
                done.add(pool.submit(() -> {
                    work.run(name);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    /** One pause of each connector; per pause: Streams threads' CPU-ms, process CPU-ms, changelog records and bytes. */
    private static Map<String, Double> pauses(String url, Admin admin, List<String> names) throws Exception {
        Thread.sleep(1_000);
        long recordsBefore = changelogRecords(admin);
        long bytesBefore = changelogBytes();
        long streamsBefore = streamsCpuNanos();
        long processBefore = processCpuNanos();
        runAll(names, name -> expect(Http.call(url, "PUT", "/connectors/" + name + "/pause", null).status(), 202, name));
        // A pause is answered once decided, and its history entry is written in the same step, so
        // the CPU is read as the last answer is back, before any idle time; the changelog record
        // is in the same transaction, committed within the commit interval.
        long streamsCpu = streamsCpuNanos() - streamsBefore;
        long processCpu = processCpuNanos() - processBefore;
        Thread.sleep(1_000);
        double n = names.size();
        Map<String, Double> cost = new LinkedHashMap<>();
        cost.put("streams_cpu_ms", round(streamsCpu / 1e6 / n));
        cost.put("process_cpu_ms", round(processCpu / 1e6 / n));
        cost.put("changelog_records", round((changelogRecords(admin) - recordsBefore) / n));
        cost.put("changelog_bytes", round((changelogBytes() - bytesBefore) / n));
        return cost;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    private static long streamsCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().contains("StreamThread")) {
                sum += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return sum;
    }

    private static long processCpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long changelogRecords(Admin admin) throws Exception {
        Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
        admin.describeTopics(List.of(CHANGELOG)).allTopicNames().get().get(CHANGELOG).partitions()
                .forEach(p -> wanted.put(new TopicPartition(CHANGELOG, p.partition()), OffsetSpec.latest()));
        return admin.listOffsets(wanted).all().get().values().stream().mapToLong(info -> info.offset()).sum();
    }

    /** The bytes of the changelog's logs on the broker (this JVM's MBeans). */
    private static long changelogBytes() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        long sum = 0;
        for (ObjectName name : server.queryNames(new ObjectName("kafka.log:type=Log,name=Size,topic=" + CHANGELOG + ",*"), null)) {
            sum += ((Number) server.getAttribute(name, "Value")).longValue();
        }
        return sum;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Double> medians(List<Map<String, Object>> rounds) {
        Map<String, Double> medians = new LinkedHashMap<>();
        for (String key : ((Map<String, Double>) rounds.get(0).get("long_to_short")).keySet()) {
            List<Double> values = new ArrayList<>();
            rounds.forEach(r -> values.add(((Map<String, Double>) r.get("long_to_short")).get(key)));
            values.sort(Double::compare);
            medians.put(key, values.get(values.size() / 2));
        }
        return medians;
    }

    @SuppressWarnings("unchecked")
    private static String markdown(Map<String, Object> result) {
        StringBuilder md = new StringBuilder("# What a pause costs as the history grows\n\n");
        md.append("`bench/history-cost.sh`: one replica in one JVM with its broker and no data plane; ")
                .append(result.get("connectors_per_group")).append(" connectors with ").append(result.get("entries_of_long_histories"))
                .append(" history entries (\"long\", grown in ").append(result.get("grown_in_seconds"))
                .append(" s) and, each round, as many new ones with one (\"short\"), each paused once at concurrency ")
                .append(CONCURRENCY).append(". Per pause:\n\n| round | group | Streams CPU-ms | process CPU-ms | changelog records | changelog bytes |\n|---|---|---|---|---|---|\n");
        int round = 1;
        for (Map<String, Object> r : (List<Map<String, Object>>) result.get("rounds")) {
            for (String group : List.of("short", "long", "long_to_short")) {
                Map<String, Double> f = (Map<String, Double>) r.get(group);
                md.append("| ").append(round).append(" | ").append(group.replace('_', ' ')).append(" | ").append(f.get("streams_cpu_ms"))
                        .append(" | ").append(f.get("process_cpu_ms")).append(" | ").append(f.get("changelog_records"))
                        .append(" | ").append(f.get("changelog_bytes")).append(" |\n");
            }
            round++;
        }
        Map<String, Double> m = (Map<String, Double>) result.get("median_long_to_short");
        md.append("| median | long to short | ").append(m.get("streams_cpu_ms")).append(" | ").append(m.get("process_cpu_ms"))
                .append(" | ").append(m.get("changelog_records")).append(" | ").append(m.get("changelog_bytes")).append(" |\n");
        return md.toString();
    }
}
