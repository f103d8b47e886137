package io.switchboard.metrics;

import io.switchboard.core.Views;
import io.switchboard.kafkaio.KafkaRefusals;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Each sink connector's lag, in records: over every partition of the topics it subscribes to, from
 * where its consumer group ({@code connect-<name>}) would read next (its committed offset, else its
 * reset point: the log start unless it overrides {@code auto.offset.reset} to latest) to the
 * partition's end, summed ({@link SinkLagCounts}; a sink that has not committed yet lags by all its
 * topics hold), read with the
 * AdminClient on Switchboard's Kafka, for the clusters whose workers' groups are there (the
 * embedded worker's, and external clusters configured with their status or config topic there),
 * keyed by cluster: a sink of a name two such clusters have is read for neither. Per cluster and pass, at most five requests whatever the number of sinks
 * (the groups' offsets, the topics' names when a sink subscribes by pattern, the topics' partitions, their log starts, their ends), at most {@value #MAX_SINKS_PER_CLUSTER} sinks; a
 * pass every {@code interval}, on one thread. Kafka Connect documents {@code sink-record-lag-max}
 * but never implemented it (apache/kafka 23431). And, where its records carry times, in seconds:
 * the age of the oldest record it has not consumed ({@link SinkLagAges}, the largest over its lagging
 * partitions read this pass; 0 when it lags by no record). Public for the cost benchmark.
 */
public final class SinkLags implements AutoCloseable {
    static final int MAX_SINKS_PER_CLUSTER = 10_000;
    private static final Logger log = LoggerFactory.getLogger(SinkLags.class);
    private static final long CALL_TIMEOUT_S = 30;
    private final Admin admin;
    private final Supplier<Map<String, List<Views.ConnectorDetails>>> connectors;
    private final Set<String> clustersHere;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "switchboard-sink-lag");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong passes = new AtomicLong();
    private volatile Map<String, Map<String, Long>> lags = Map.of();
    private volatile Map<String, Map<String, Long>> ages = Map.of();
    private final SinkLagHistory history;
    private final SinkLagAges ageReader;
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
    private final KafkaRefusals.Reporter refusals = new KafkaRefusals.Reporter(log, "The sink-lag reader",
            KafkaRefusals.CONTROL_PLANE_SETTINGS, Duration.ofMinutes(1));
    /** When a failed pass was last said at WARN (System.nanoTime); the reader's thread only. */
    private long lastWarned = System.nanoTime() - WARN_EVERY_NANOS - 1;

    /**
     * @param history  where each pass's readings are kept for the console's sparklines
     * @param ageReader where the oldest unconsumed records of lagging sinks are read; used on this reader's thread only
     */
    SinkLags(Admin admin, Supplier<Map<String, List<Views.ConnectorDetails>>> connectors, Set<String> clustersHere,
             SinkLagHistory history, SinkLagAges ageReader) {
        this.admin = admin;
        this.clustersHere = Set.copyOf(clustersHere);
        this.connectors = connectors;
        this.history = history;
        this.ageReader = ageReader;
    }

    /**
     * A reader on {@code admin} that reads ages with a consumer of its own on the same Kafka, at most {@code agePartitions} a pass.
     *
     * @param clustersHere the clusters whose workers' consumer groups are on this Kafka (the embedded
     *                     worker's, or external clusters whose status or config topic is here): no
     *                     other cluster's sinks are read, since a group of their name here is not theirs
     */
    public static SinkLags of(Admin admin, Supplier<Map<String, List<Views.ConnectorDetails>>> connectors, Set<String> clustersHere,
                              SinkLagHistory history, String bootstrapServers, Map<String, String> kafkaSettings, int agePartitions) {
        Duration budget = Duration.ofMillis(Math.min(5_000, Math.max(500, history.interval().toMillis() / 2)));
        return new SinkLags(admin, connectors, clustersHere, history, new SinkLagAges(bootstrapServers, kafkaSettings, agePartitions, budget));
    }

    public SinkLags start(Duration interval) {
        thread.scheduleWithFixedDelay(this::readAll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Lag in records by cluster, then sink connector, as of the last pass. */
    public Map<String, Map<String, Long>> lags() {
        return lags;
    }

    /** The age of each sink's oldest unconsumed record in milliseconds, by cluster, then sink, as of the last pass. */
    public Map<String, Map<String, Long>> ages() {
        return ages;
    }

    /** The AdminClient requests made so far. */
    public long requests() {
        return requests.get();
    }

    /** Passes completed so far. */
    public long passes() {
        return passes.get();
    }

    /** Partitions whose oldest unconsumed record was read so far. */
    public long ageReads() {
        return ageReader.partitionsRead();
    }

    /**
     * The sinks whose lag is read here, by cluster: only those of the clusters whose workers' groups
     * are on Switchboard's Kafka ({@code here}), and of those only the names no other such cluster
     * has too: two clusters' sinks of one name share the group {@code connect-<name>}, so its figure
     * is neither's, and is shown under none. At most {@value #MAX_SINKS_PER_CLUSTER} a cluster.
     */
    static Map<String, List<String>> readable(Map<String, List<String>> sinks, Set<String> here) {
        Map<String, Integer> clustersPerName = new HashMap<>();
        sinks.forEach((cluster, names) -> {
            if (here.contains(cluster)) {
                new java.util.HashSet<>(names).forEach(name -> clustersPerName.merge(name, 1, Integer::sum));
            }
        });
        Map<String, List<String>> readable = new TreeMap<>();
        sinks.forEach((cluster, names) -> {
            if (here.contains(cluster)) {
                List<String> own = names.stream().filter(name -> clustersPerName.get(name) == 1).distinct()
                        .limit(MAX_SINKS_PER_CLUSTER).toList();
                if (!own.isEmpty()) {
                    readable.put(cluster, own);
                }
            }
        });
        return readable;
    }

    private void readAll() {
        Map<String, Map<String, Long>> all = new TreeMap<>();
        Map<String, Map<String, Long>> allAges = new TreeMap<>();
        try {
            Map<String, List<String>> sinksByCluster = new TreeMap<>();
            Map<String, Map<String, SinkLagCounts.Subscription>> subscriptions = new HashMap<>();
            connectors.get().forEach((cluster, details) -> {
                List<Views.ConnectorDetails> sinkDetails = details.stream().filter(d -> "sink".equals(d.status().type())).toList();
                sinksByCluster.put(cluster, sinkDetails.stream().map(d -> d.connector().name()).toList());
                Map<String, SinkLagCounts.Subscription> bySink = new HashMap<>();
                sinkDetails.forEach(d -> bySink.put(d.connector().name(), SinkLagCounts.Subscription.of(d.connector().config())));
                subscriptions.put(cluster, bySink);
            });
            for (Map.Entry<String, List<String>> cluster : readable(sinksByCluster, clustersHere).entrySet()) {
                Map<String, SinkLagCounts.Subscription> sinks = new TreeMap<>();
                cluster.getValue().forEach(name -> sinks.put(name, subscriptions.get(cluster.getKey()).get(name)));
                if (!sinks.isEmpty()) {
                    Map<String, Long> clusterAges = new TreeMap<>();
                    all.put(cluster.getKey(), read(sinks, clusterAges));
                    allAges.put(cluster.getKey(), clusterAges);
                }
            }
            lags = all;
            ages = allAges;
            history.record(all, allAges, Instant.now());
            passes.incrementAndGet();
        } catch (Exception e) {
            if (refusals.report(e)) {
                // Kafka refusing the reader (its credentials, or its principal's ACLs on a sink's group or topics): said at ERROR, naming the setting.
                return;
            }
            // The last figures stay; the next pass tries again. Said at WARN at most once a minute, so
            // that figures held by passes failing one after another are seen, without a line a pass.
            long now = System.nanoTime();
            if (now - lastWarned > WARN_EVERY_NANOS) {
                lastWarned = now;
                log.warn("Reading sink lag failed; the last figures stay until a pass succeeds: {}", e.toString());
            } else {
                log.debug("Reading sink lag failed: {}", e.toString());
            }
        }
    }

    /**
     * One cluster's sinks ({@link SinkLagCounts}): their groups' committed offsets in one request; the
     * topics' names when a sink subscribes by pattern, in another; the partitions of the topics they
     * read in one more; their log starts and ends in two more; then the ages of the oldest records the
     * lagging ones have not consumed, into {@code ages}.
     */
    Map<String, Long> read(Map<String, SinkLagCounts.Subscription> sinks, Map<String, Long> ages) throws Exception {
        Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
        sinks.keySet().forEach(name -> specs.put("connect-" + name, new ListConsumerGroupOffsetsSpec()));
        requests.incrementAndGet();
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = admin.listConsumerGroupOffsets(specs)
                .all().get(CALL_TIMEOUT_S, TimeUnit.SECONDS);
        Set<String> existing = Set.of();
        if (sinks.values().stream().anyMatch(SinkLagCounts.Subscription::needsTopicList)) {
            requests.incrementAndGet();
            existing = admin.listTopics().names().get(CALL_TIMEOUT_S, TimeUnit.SECONDS);
        }
        Map<String, Set<String>> topicsBySink = new HashMap<>();
        Set<String> allTopics = new TreeSet<>();
        for (Map.Entry<String, SinkLagCounts.Subscription> sink : sinks.entrySet()) {
            Set<String> topics = sink.getValue().topicsAmong(existing);
            topicsBySink.put(sink.getKey(), topics);
            allTopics.addAll(topics);
        }
        Set<String> refusedTopics = new TreeSet<>();
        Map<String, List<TopicPartition>> partitionsByTopic = partitions(allTopics, refusedTopics);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        partitionsByTopic.values().forEach(list -> list.forEach(tp -> {
            latest.put(tp, OffsetSpec.latest());
            earliest.put(tp, OffsetSpec.earliest());
        }));
        Map<TopicPartition, Long> ends = offsets(latest);
        Map<TopicPartition, Long> starts = offsets(earliest);
        Map<String, Long> lag = new TreeMap<>();
        Map<String, List<SinkLagAges.Lagging>> lagging = new HashMap<>();
        for (Map.Entry<String, SinkLagCounts.Subscription> sink : sinks.entrySet()) {
            String name = sink.getKey();
            List<TopicPartition> partitions = new ArrayList<>();
            topicsBySink.get(name).forEach(topic -> partitions.addAll(partitionsByTopic.getOrDefault(topic, List.of())));
            if (partitions.isEmpty() || topicsBySink.get(name).stream().anyMatch(refusedTopics::contains)) {
                // Nothing it reads exists (yet), or a topic it reads may not be described here: no figure
                // rather than a 0 that says "all read", or a part of its lag.
                continue;
            }
            Map<TopicPartition, Long> at = new HashMap<>();
            committed.getOrDefault("connect-" + name, Map.of()).forEach((tp, offset) -> {
                if (offset != null) {
                    at.put(tp, offset.offset());
                }
            });
            SinkLagCounts.Lag counted = SinkLagCounts.of(partitions, sink.getValue().fromLatest(), at, starts, ends);
            lag.put(name, counted.records());
            if (counted.records() == 0) {
                ages.put(name, 0L);
            } else {
                lagging.put(name, counted.lagging());
            }
        }
        ages.putAll(ageReader.ages(lagging));
        return lag;
    }

    /** The partitions of each of {@code topics} that exists and this replica may describe, in one request. */
    private Map<String, List<TopicPartition>> partitions(Set<String> topics, Set<String> refused) throws Exception {
        Map<String, List<TopicPartition>> partitions = new HashMap<>();
        if (topics.isEmpty()) {
            return partitions;
        }
        requests.incrementAndGet();
        for (Map.Entry<String, KafkaFuture<TopicDescription>> topic : admin.describeTopics(topics).topicNameValues().entrySet()) {
            try {
                TopicDescription description = topic.getValue().get(CALL_TIMEOUT_S, TimeUnit.SECONDS);
                partitions.put(topic.getKey(), description.partitions().stream()
                        .map(p -> new TopicPartition(topic.getKey(), p.partition())).toList());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicAuthorizationException) {
                    // A topic this replica may not describe gives its sinks no figure; the others are read on.
                    refused.add(topic.getKey());
                    refusals.report(new TopicAuthorizationException(e.getCause().getMessage(), Set.of(topic.getKey())));
                } else if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
        }
        return partitions;
    }

    /** The offsets asked for, in one request. */
    private Map<TopicPartition, Long> offsets(Map<TopicPartition, OffsetSpec> wanted) throws Exception {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        if (!wanted.isEmpty()) {
            requests.incrementAndGet();
            admin.listOffsets(wanted).all().get(CALL_TIMEOUT_S, TimeUnit.SECONDS)
                    .forEach((tp, info) -> offsets.put(tp, info.offset()));
        }
        return offsets;
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // The consumer is the reader thread's: closed once that thread has stopped.
        ageReader.close();
    }
}
