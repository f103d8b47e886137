package io.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.SwitchboardApp;
import io.switchboard.kafka.EmbeddedKafka;
import io.switchboard.testing.Http;
import io.switchboard.testing.OptionsBuilder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * What one pause costs Kafka: Switchboard as its default command runs it (embedded broker, worker
 * and replica, here in this JVM), N FileStreamSource connectors RUNNING, then N pauses at the
 * given concurrency; once all are PAUSED and a settling time has passed, the records each topic
 * gained (end offsets, transaction markers included) and the requests the broker handled, each
 * divided by N. Writes {@code pause-writes.json} and {@code .md} to the output directory.
 * <p>Arguments: {@code [--connectors 100] [--concurrency 16] [--settle-s 15] [--out bench/out]}.
 */
public final class PauseWritesBenchmark {

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = BenchSupport.options(args);
        int connectors = Integer.parseInt(opts.getOrDefault("connectors", "100"));
        int concurrency = Integer.parseInt(opts.getOrDefault("concurrency", "16"));
        int settleSeconds = Integer.parseInt(opts.getOrDefault("settle-s", "15"));
        Path out = Path.of(opts.getOrDefault("out", "bench/out"));
        Files.createDirectories(out);
        Path dir = Files.createTempDirectory("switchboard-pause-writes");
        Map<String, Object> result = new LinkedHashMap<>();
        try (EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("broker"), 0).start();
             SwitchboardApp app = SwitchboardApp.start(OptionsBuilder.defaults().fileConnectorsDir(io.switchboard.testing.TestReplicas.FILES)
                     .port(0)
                     .schemaRegistryPort(0)
                     .dataDir(dir.resolve("switchboard"))
                     .bootstrapServers(kafka.bootstrapServers()).build());
             Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            String url = app.url();
            Map<String, Long> workerBeforeCreates = workerRequests(url);
            for (int i = 0; i < connectors; i++) {
                Path file = Files.writeString(dir.resolve("input-" + i + ".txt"), "one line\n");
                String body = "{\"name\":\"c" + i + "\",\"config\":{\"connector.class\":\"FileStreamSource\",\"tasks.max\":\"1\","
                        + "\"file\":\"" + file + "\",\"topic\":\"pause-writes-" + i + "\"}}";
                int status = Http.call(url, "POST", "/connectors", body).status();
                if (status != 201) {
                    throw new IllegalStateException("create c" + i + " answered " + status);
                }
            }
            await(url, connectors, "RUNNING");
            Thread.sleep(settleSeconds * 1000L);
            Map<String, Long> workerBeforePauses = workerRequests(url);

            Map<String, Long> recordsBefore = endOffsets(admin);
            Map<String, Long> requestsBefore = brokerRequests();
            long[] cpuBefore = cpuNanos();
            long began = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(concurrency);
            try {
                List<Future<Integer>> answers = new ArrayList<>();
                for (int i = 0; i < connectors; i++) {
                    String path = "/connectors/c" + i + "/pause";
                    answers.add(pool.submit(() -> Http.call(url, "PUT", path, null).status()));
                }
                for (Future<Integer> answer : answers) {
                    if (answer.get() != 202) {
                        throw new IllegalStateException("a pause answered " + answer.get());
                    }
                }
            } finally {
                pool.shutdown();
            }
            double pausedAfter = (await(url, connectors, "PAUSED") - began) / 1e9;
            // What the pauses cost each process: until all were PAUSED, and a second for their reports.
            Thread.sleep(1_000);
            long[] cpuAfter = cpuNanos();
            long windowNanos = System.nanoTime() - began;
            Thread.sleep(Math.max(0, settleSeconds * 1000L - 1_000));
            Map<String, Long> recordsAfter = endOffsets(admin);
            Map<String, Double> records = perPause(recordsBefore, recordsAfter, connectors);
            Map<String, Double> requests = perPause(requestsBefore, brokerRequests(), connectors);
            Map<String, Long> workerAfterPauses = workerRequests(url);

            result.put("connectors", connectors);
            result.put("concurrency", concurrency);
            result.put("settle_seconds", settleSeconds);
            result.put("all_paused_after_seconds", Latencies.round(pausedAfter));
            result.put("cpu_ms_per_pause", Map.of(
                    "worker", Latencies.round((cpuAfter[1] - cpuBefore[1]) / 1e6 / connectors),
                    "replica_and_broker", Latencies.round((cpuAfter[0] - cpuBefore[0]) / 1e6 / connectors),
                    "window_seconds", Latencies.round(windowNanos / 1e9)));
            result.put("records_per_pause_by_topic", records);
            result.put("switchboard_records_per_pause", switchboardPerPause(recordsBefore, recordsAfter, connectors));
            result.put("broker_requests_per_pause_by_type", requests);
            // What Switchboard asked of its worker (the replica's own count, every client of the worker),
            // from the first create until the settling time after all were RUNNING, and over the pauses.
            result.put("worker_requests_per_create", perPause(workerBeforeCreates, workerBeforePauses, connectors));
            result.put("worker_requests_per_pause", perPause(workerBeforePauses, workerAfterPauses, connectors));
        } finally {
            BenchSupport.deleteQuietly(dir);
        }
        Files.writeString(out.resolve("pause-writes.json"), Http.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        Files.writeString(out.resolve("pause-writes.md"), markdown(result));
        System.out.println(markdown(result));
    }

    /** Polls the list until every connector and its task are in {@code state}; answers when (System.nanoTime). */
    private static long await(String url, int connectors, String state) throws InterruptedException {
        long deadline = System.nanoTime() + 180_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode all = Http.get(url, "/connectors?expand=status").json();
            int inState = 0;
            for (int i = 0; i < connectors; i++) {
                JsonNode status = all.path("c" + i).path("status");
                if (state.equals(status.path("connector").path("state").asText())
                        && status.path("tasks").size() == 1
                        && state.equals(status.path("tasks").get(0).path("state").asText())) {
                    inState++;
                }
            }
            if (inState == connectors) {
                return System.nanoTime();
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("not all " + connectors + " connectors " + state + " within 180 s");
    }

    /**
     * CPU time used so far, in nanoseconds: this JVM's (the broker, the replica and the benchmark's
     * own clients) and its child processes' (the embedded worker), from /proc.
     */
    private static long[] cpuNanos() throws java.io.IOException {
        long self = procCpuNanos(ProcessHandle.current().pid());
        long children = 0;
        for (ProcessHandle child : ProcessHandle.current().children().toList()) {
            children += procCpuNanos(child.pid());
        }
        return new long[]{self, children};
    }

    /** utime + stime of /proc/PID/stat, at Linux's 100 ticks a second. */
    private static long procCpuNanos(long pid) throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
    }

    /** Every topic's end offsets summed over its partitions. */
    private static Map<String, Long> endOffsets(Admin admin) throws Exception {
        Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
        Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get().values().forEach(topic -> topic.partitions()
                .forEach(p -> wanted.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest())));
        Map<String, Long> sums = new TreeMap<>();
        admin.listOffsets(wanted).all().get().forEach((tp, info) -> sums.merge(tp.topic(), info.offset(), Long::sum));
        return sums;
    }

    /** The replica's count of each kind of request it made of its worker, from its metrics. */
    private static Map<String, Long> workerRequests(String url) {
        Map<String, Long> counts = new TreeMap<>();
        for (String line : Http.get(url, "/metrics").body().split("\n")) {
            if (line.startsWith("switchboard_worker_requests_total{")) {
                Matcher m = Pattern.compile("request=\"([^\"]*)\"").matcher(line);
                if (m.find()) {
                    counts.merge(m.group(1), (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Long::sum);
                }
            }
        }
        return counts;
    }

    /** The embedded broker's count of each kind of request it handled, from its metrics (this JVM's MBeans). */
    private static Map<String, Long> brokerRequests() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Map<String, Long> counts = new TreeMap<>();
        for (ObjectName name : server.queryNames(new ObjectName("kafka.network:type=RequestMetrics,name=RequestsPerSec,*"), null)) {
            counts.merge(name.getKeyProperty("request"), ((Number) server.getAttribute(name, "Count")).longValue(), Long::sum);
        }
        return counts;
    }

    private static Map<String, Double> perPause(Map<String, Long> before, Map<String, Long> after, int pauses) {
        Map<String, Double> out = new TreeMap<>();
        after.forEach((key, count) -> {
            long gained = count - before.getOrDefault(key, 0L);
            if (gained > 0) {
                out.put(key, Math.round(gained * 100.0 / pauses) / 100.0);
            }
        });
        return out;
    }

    /**
     * Whether a topic is Switchboard's own (its topics and its Kafka Streams changelogs), not the
     * embedded worker's ({@code switchboard-connect-*}) nor Kafka's or the connectors'.
     */
    static boolean switchboards(String topic) {
        return (topic.startsWith("switchboard.") || topic.startsWith("switchboard-")) && !topic.startsWith("switchboard-connect-");
    }

    /** The records Switchboard's own topics gained per pause, summed before rounding. */
    private static double switchboardPerPause(Map<String, Long> before, Map<String, Long> after, int pauses) {
        long gained = 0;
        for (Map.Entry<String, Long> topic : after.entrySet()) {
            if (switchboards(topic.getKey())) {
                gained += Math.max(0, topic.getValue() - before.getOrDefault(topic.getKey(), 0L));
            }
        }
        return Math.round(gained * 100.0 / pauses) / 100.0;
    }

    @SuppressWarnings("unchecked")
    private static String markdown(Map<String, Object> result) {
        StringBuilder md = new StringBuilder("# What one pause writes\n\n");
        md.append("`bench/pause-writes.sh`: Switchboard as its default command runs it (embedded broker, worker and replica), ")
                .append(result.get("connectors")).append(" FileStreamSource connectors RUNNING, then as many pauses at concurrency ")
                .append(result.get("concurrency")).append("; all were PAUSED ").append(result.get("all_paused_after_seconds"))
                .append(" s after the first was sent, and the counts were read ").append(result.get("settle_seconds"))
                .append(" s after that. Per pause:\n\n| topic | records (end offsets, transaction markers included) |\n|---|---|\n");
        ((Map<String, Double>) result.get("records_per_pause_by_topic")).forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        md.append("\nAll of Switchboard's own topics and changelogs (`switchboard.*`, `switchboard-*` but the worker's ")
                .append("`switchboard-connect-*`): **").append(result.get("switchboard_records_per_pause"))
                .append("** records per pause.\n");
        md.append("\n| worker request (Switchboard's, to its worker) | per create (until RUNNING and settled) | per pause (until PAUSED and settled) |\n|---|---|---|\n");
        Map<String, Double> perCreate = (Map<String, Double>) result.get("worker_requests_per_create");
        Map<String, Double> perPause = (Map<String, Double>) result.get("worker_requests_per_pause");
        Set<String> kinds = new TreeSet<>(perCreate.keySet());
        kinds.addAll(perPause.keySet());
        kinds.forEach(k -> md.append("| ").append(k).append(" | ").append(perCreate.getOrDefault(k, 0.0)).append(" | ")
                .append(perPause.getOrDefault(k, 0.0)).append(" |\n"));
        Map<String, Object> cpu = (Map<String, Object>) result.get("cpu_ms_per_pause");
        md.append("\nCPU per pause, from the first pause sent until a second after all were PAUSED (")
                .append(cpu.get("window_seconds")).append(" s, idle work included): the worker ")
                .append(cpu.get("worker")).append(" ms, the broker with the replica (one JVM, the benchmark's clients in it) ")
                .append(cpu.get("replica_and_broker")).append(" ms.\n");
        md.append("\n| broker request | count |\n|---|---|\n");
        ((Map<String, Double>) result.get("broker_requests_per_pause_by_type")).forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        return md.toString();
    }
}
