package io.switchboard.bench;

import io.switchboard.core.Views;
import io.switchboard.metrics.SinkLagHistory;
import io.switchboard.metrics.SinkLags;
import io.switchboard.schemas.TargetState;
import io.switchboard.testing.Http;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What the sink-lag reader ({@code SinkLags}) costs a cluster: a broker as a process of its own, N
 * sinks made cheaply (N topics of one partition with 10 records each, and the group {@code
 * connect-<name>} of each given a committed offset of 5 with the Admin API, as a sink's worker would
 * commit it; no worker runs them), then the reader as the replica runs it, on its own Admin client,
 * for a while at a given interval: per pass, the Admin client's requests (its own metric {@code
 * request-total}), the age consumer's requests (its {@code request-total}, over JMX), and the CPU
 * time of the reader's thread and of the Admin client's network thread (ThreadMXBean); and the same
 * per minute at the default interval of 30 s. Each size is run with the lag in seconds off ({@code
 * --health-sink-lag-age-partitions 0}) and at the default (100 partitions a pass), the committed
 * offsets standing still (a stalled sink: its record is read once, then its timestamp is used
 * again); and at the default with every group's committed offset moved on by one after each pass
 * (sinks that consume and still lag: each pass reads as many partitions as it may), the commits
 * made by an Admin client of the benchmark's own, not counted.
 *
 * <p>Arguments: {@code [--sinks 100,1000] [--interval-s 5] [--seconds 60] [--out bench/out]}.
 * Writes {@code lag-cost.json} and prints a table.
 */
public final class LagCostBenchmark {
    /** Enough for the committed offsets to move by one each pass for the whole run. */
    private static final int RECORDS = 100;
    private static final long COMMITTED = 5;

    private LagCostBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = BenchSupport.options(args);
        List<Integer> sizes = new ArrayList<>();
        for (String size : opts.getOrDefault("sinks", "100,1000").split(",")) {
            sizes.add(Integer.parseInt(size.trim()));
        }
        Duration interval = Duration.ofSeconds(Integer.parseInt(opts.getOrDefault("interval-s", "5")));
        int seconds = Integer.parseInt(opts.getOrDefault("seconds", "60"));
        Path out = Path.of(opts.getOrDefault("out", "bench/out"));
        Files.createDirectories(out);
        Path work = Files.createTempDirectory("switchboard-lag-cost");
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("interval_s", interval.toSeconds());
        result.put("measured_s", seconds);
        result.put("cores", Runtime.getRuntime().availableProcessors());
        result.put("load_average_at_start", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        List<Map<String, Object>> runs = new ArrayList<>();
        ChildProcess broker = BenchBroker.start(work.resolve("broker"), out.resolve("lag-cost-logs"));
        try {
            String bootstrap = broker.awaitReady(120_000);
            for (int sinks : sizes) {
                String prefix = "s" + sinks + "-";
                log("making " + sinks + " sinks' topics, records and committed offsets");
                make(bootstrap, prefix, sinks);
                for (int agePartitions : List.of(0, 100, -100)) {
                    boolean moving = agePartitions < 0;
                    log(sinks + " sinks, " + Math.abs(agePartitions) + " age partitions a pass, committed offsets "
                            + (moving ? "moving" : "still") + ": reading for " + seconds + " s");
                    Map<String, Object> run = measure(bootstrap, prefix, sinks, Math.abs(agePartitions), moving, interval, seconds);
                    System.out.println(run);
                    runs.add(run);
                }
            }
        } finally {
            broker.kill();
            BenchSupport.deleteQuietly(work);
        }
        result.put("runs", runs);
        Files.writeString(out.resolve("lag-cost.json"), Http.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        System.out.println(markdown(result));
    }

    /** N topics of one partition with {@value #RECORDS} records each, and each sink's group committed at {@value #COMMITTED}. */
    private static void make(String bootstrap, String prefix, int sinks) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            for (int from = 0; from < sinks; from += 200) {
                List<NewTopic> topics = new ArrayList<>();
                for (int i = from; i < Math.min(sinks, from + 200); i++) {
                    topics.add(new NewTopic(prefix + i, 1, (short) 1));
                }
                admin.createTopics(topics).all().get(5, TimeUnit.MINUTES);
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.LINGER_MS_CONFIG, 20), new StringSerializer(), new StringSerializer())) {
                long stamp = System.currentTimeMillis() - 60_000;
                for (int i = 0; i < sinks; i++) {
                    for (int r = 0; r < RECORDS; r++) {
                        producer.send(new ProducerRecord<>(prefix + i, 0, stamp + r, null, "{\"n\":" + r + "}"));
                    }
                }
                producer.flush();
            }
            commitAll(admin, prefix, sinks, COMMITTED);
        }
    }

    private static Map<String, Object> measure(String bootstrap, String prefix, int sinks, int agePartitions, boolean moving,
                                               Duration interval, int seconds) throws Exception {
        Instant now = Instant.now();
        List<Views.ConnectorDetails> details = new ArrayList<>();
        for (int i = 0; i < sinks; i++) {
            String name = prefix + i;
            details.add(new Views.ConnectorDetails(new Views.ConnectorView("default", name, Map.of(), 1, "sink", TargetState.RUNNING, 1, now, now),
                    new Views.StatusView(name, "RUNNING", null, null, null, List.of(), "sink", TargetState.RUNNING, null, null, now)));
        }
        Supplier<Map<String, List<Views.ConnectorDetails>>> connectors = () -> Map.of("default", details);
        String clientId = "lag-cost-admin-" + sinks + "-" + agePartitions;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("sinks", sinks);
        run.put("age_partitions", agePartitions);
        run.put("committed_offsets", moving ? "moving" : "still");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, AdminClientConfig.CLIENT_ID_CONFIG, clientId))) {
            SinkLags lags = SinkLags.of(admin, connectors, java.util.Set.of("default"), new SinkLagHistory(interval), bootstrap, Map.of(), agePartitions);
            Thread mover = moving ? mover(bootstrap, prefix, sinks, lags) : null;
            try {
                lags.start(interval);
                if (mover != null) {
                    mover.start();
                }
                // The first pass (connections, metadata) is left out: from the end of the first pass on.
                awaitPasses(lags, 1, 120);
                Thread.sleep(200);
                long passes0 = lags.passes();
                double admin0 = adminRequests(admin);
                double consumer0 = consumerRequests();
                long reader0 = cpu(threads, "switchboard-sink-lag");
                long network0 = cpu(threads, "kafka-admin-client-thread | " + clientId);
                long reads0 = lags.ageReads();
                long started = System.nanoTime();
                Thread.sleep(seconds * 1000L);
                awaitPasses(lags, lags.passes() + 1, 120);
                double wall = (System.nanoTime() - started) / 1e9;
                long passes = lags.passes() - passes0;
                double adminPerPass = (adminRequests(admin) - admin0) / passes;
                double consumerPerPass = (consumerRequests() - consumer0) / passes;
                double readerMsPerPass = (cpu(threads, "switchboard-sink-lag") - reader0) / 1e6 / passes;
                double networkMsPerPass = (cpu(threads, "kafka-admin-client-thread | " + clientId) - network0) / 1e6 / passes;
                run.put("passes", passes);
                run.put("wall_s", Latencies.round(wall));
                run.put("lagging_sinks", lags.lags().getOrDefault("default", Map.of()).values().stream().filter(l -> l > 0).count());
                run.put("sinks_with_seconds", lags.ages().getOrDefault("default", Map.of()).size());
                run.put("admin_requests_per_pass", Latencies.round(adminPerPass));
                run.put("age_consumer_requests_per_pass", Latencies.round(consumerPerPass));
                run.put("age_partitions_read_per_pass", Latencies.round((lags.ageReads() - reads0) / (double) passes));
                run.put("reader_thread_cpu_ms_per_pass", Latencies.round(readerMsPerPass));
                run.put("admin_network_thread_cpu_ms_per_pass", Latencies.round(networkMsPerPass));
                // At the default interval (30 s): two passes a minute.
                run.put("admin_requests_per_minute_at_30s", Latencies.round(2 * adminPerPass));
                run.put("age_consumer_requests_per_minute_at_30s", Latencies.round(2 * consumerPerPass));
                run.put("cpu_s_per_minute_at_30s", Latencies.round(2 * (readerMsPerPass + networkMsPerPass) / 1000));
            } finally {
                if (mover != null) {
                    mover.interrupt();
                    mover.join(60_000);
                }
                lags.close();
            }
        }
        return run;
    }

    /**
     * After each pass of the reader, every sink's committed offset one further on (from where the
     * last run left it), with an Admin client of its own, until interrupted.
     */
    private static Thread mover(String bootstrap, String prefix, int sinks, SinkLags lags) throws Exception {
        long start;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            start = admin.listConsumerGroupOffsets("connect-" + prefix + 0).partitionsToOffsetAndMetadata()
                    .get(1, TimeUnit.MINUTES).get(new TopicPartition(prefix + 0, 0)).offset();
        }
        Thread thread = new Thread(() -> {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                long committed = start;
                long seen = lags.passes();
                while (!Thread.currentThread().isInterrupted() && committed < RECORDS - 1) {
                    awaitPasses(lags, seen + 1, 120);
                    seen = lags.passes();
                    committed++;
                    commitAll(admin, prefix, sinks, committed);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                log("moving the committed offsets failed: " + e);
            }
        }, "lag-cost-mover");
        thread.setDaemon(true);
        return thread;
    }

    private static void commitAll(Admin admin, String prefix, int sinks, long offset) throws Exception {
        for (int from = 0; from < sinks; from += 100) {
            List<org.apache.kafka.common.KafkaFuture<Void>> commits = new ArrayList<>();
            for (int i = from; i < Math.min(sinks, from + 100); i++) {
                commits.add(admin.alterConsumerGroupOffsets("connect-" + prefix + i,
                        Map.of(new TopicPartition(prefix + i, 0), new OffsetAndMetadata(offset))).all());
            }
            for (org.apache.kafka.common.KafkaFuture<Void> commit : commits) {
                commit.get(2, TimeUnit.MINUTES);
            }
        }
    }

    private static void awaitPasses(SinkLags lags, long passes, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (lags.passes() < passes) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the reader made no pass in " + seconds + " s");
            }
            Thread.sleep(20);
        }
    }

    /** The Admin client's own count of the requests it sent. */
    private static double adminRequests(Admin admin) {
        double total = 0;
        for (Map.Entry<MetricName, ? extends Metric> metric : admin.metrics().entrySet()) {
            if (metric.getKey().name().equals("request-total") && metric.getKey().group().equals("admin-client-metrics")) {
                total += ((Number) metric.getValue().metricValue()).doubleValue();
            }
        }
        return total;
    }

    /** The age consumers' own count of the requests they sent, over JMX (the consumer is the reader's). */
    private static double consumerRequests() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        double total = 0;
        for (ObjectName name : server.queryNames(new ObjectName("kafka.consumer:type=consumer-metrics,client-id=switchboard-sink-lag-age-*"), null)) {
            total += ((Number) server.getAttribute(name, "request-total")).doubleValue();
        }
        return total;
    }

    /** CPU nanoseconds of the live threads of that name. */
    private static long cpu(ThreadMXBean threads, String name) {
        long total = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals(name)) {
                total += Math.max(0, threads.getThreadCpuTime(thread.getId()));
            }
        }
        return total;
    }

    private static String markdown(Map<String, Object> result) {
        StringBuilder md = new StringBuilder("| sinks | age partitions a pass | committed offsets | passes | Admin requests a pass | age consumer requests a pass "
                + "| partitions read a pass | reader thread CPU ms a pass | Admin network thread CPU ms a pass "
                + "| a minute at 30 s: Admin requests, consumer requests, CPU s |\n|---|---|---|---|---|---|---|---|---|---|\n");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> runs = (List<Map<String, Object>>) result.get("runs");
        for (Map<String, Object> run : runs) {
            md.append("| ").append(run.get("sinks")).append(" | ").append(run.get("age_partitions")).append(" | ")
                    .append(run.get("committed_offsets")).append(" | ").append(run.get("passes"))
                    .append(" | ").append(run.get("admin_requests_per_pass")).append(" | ").append(run.get("age_consumer_requests_per_pass"))
                    .append(" | ").append(run.get("age_partitions_read_per_pass")).append(" | ").append(run.get("reader_thread_cpu_ms_per_pass"))
                    .append(" | ").append(run.get("admin_network_thread_cpu_ms_per_pass")).append(" | ")
                    .append(run.get("admin_requests_per_minute_at_30s")).append(", ").append(run.get("age_consumer_requests_per_minute_at_30s"))
                    .append(", ").append(run.get("cpu_s_per_minute_at_30s")).append(" |\n");
        }
        return md.toString();
    }

    private static void log(String message) {
        System.out.println("[lag-cost " + Instant.now() + "] " + message);
    }
}
