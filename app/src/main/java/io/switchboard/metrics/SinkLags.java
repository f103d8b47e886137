package io.switchboard.metrics;

import io.switchboard.core.Views;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Each sink connector's lag, in records: what its consumer group ({@code connect-<name>}) has
 * committed against the end offsets of the partitions it committed on, summed, read with the
 * AdminClient on Switchboard's Kafka (where the embedded worker's groups are, and those of
 * external clusters that share it). Per cluster and pass, two requests whatever the number of sinks
 * (the groups' offsets, then the partitions' ends), at most {@value #MAX_SINKS_PER_CLUSTER} sinks; a
 * pass every {@code interval}, on one thread. Kafka Connect documents {@code sink-record-lag-max}
 * but never implemented it (apache/kafka 23431).
 */
final class SinkLags implements AutoCloseable {
    static final int MAX_SINKS_PER_CLUSTER = 10_000;
    private static final Logger log = LoggerFactory.getLogger(SinkLags.class);
    private static final long CALL_TIMEOUT_S = 30;
    private final Admin admin;
    private final Supplier<Map<String, List<Views.ConnectorDetails>>> connectors;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "switchboard-sink-lag");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong requests = new AtomicLong();
    private volatile Map<String, Map<String, Long>> lags = Map.of();
    private final SinkLagHistory history;

    /** @param history where each pass's readings are kept for the console's sparklines */
    SinkLags(Admin admin, Supplier<Map<String, List<Views.ConnectorDetails>>> connectors, SinkLagHistory history) {
        this.admin = admin;
        this.connectors = connectors;
        this.history = history;
    }

    SinkLags start(Duration interval) {
        thread.scheduleWithFixedDelay(this::readAll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Lag in records by cluster, then sink connector, as of the last pass. */
    Map<String, Map<String, Long>> lags() {
        return lags;
    }

    /** The AdminClient requests made so far. */
    long requests() {
        return requests.get();
    }

    private void readAll() {
        Map<String, Map<String, Long>> all = new TreeMap<>();
        try {
            for (Map.Entry<String, List<Views.ConnectorDetails>> cluster : connectors.get().entrySet()) {
                List<String> sinks = cluster.getValue().stream().filter(d -> "sink".equals(d.status().type()))
                        .map(d -> d.connector().name()).limit(MAX_SINKS_PER_CLUSTER).toList();
                if (!sinks.isEmpty()) {
                    all.put(cluster.getKey(), read(sinks));
                }
            }
            lags = all;
            history.record(all, Instant.now());
        } catch (Exception e) {
            // The last figures stay; the next pass tries again.
            log.debug("Reading sink lag failed: {}", e.toString());
        }
    }

    /** One cluster's sinks: their groups' committed offsets in one request, the partitions' ends in another. */
    Map<String, Long> read(List<String> sinks) throws Exception {
        Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
        sinks.forEach(name -> specs.put("connect-" + name, new ListConsumerGroupOffsetsSpec()));
        requests.incrementAndGet();
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = admin.listConsumerGroupOffsets(specs)
                .all().get(CALL_TIMEOUT_S, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
        committed.values().forEach(offsets -> offsets.keySet().forEach(tp -> wanted.put(tp, OffsetSpec.latest())));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = Map.of();
        if (!wanted.isEmpty()) {
            requests.incrementAndGet();
            ends = admin.listOffsets(wanted).all().get(CALL_TIMEOUT_S, TimeUnit.SECONDS);
        }
        Map<String, Long> lag = new TreeMap<>();
        for (String name : sinks) {
            Map<TopicPartition, OffsetAndMetadata> offsets = committed.get("connect-" + name);
            if (offsets == null || offsets.isEmpty()) {
                continue;
            }
            long sum = 0;
            for (Map.Entry<TopicPartition, OffsetAndMetadata> offset : offsets.entrySet()) {
                ListOffsetsResult.ListOffsetsResultInfo end = ends.get(offset.getKey());
                if (end != null && offset.getValue() != null) {
                    sum += Math.max(0, end.offset() - offset.getValue().offset());
                }
            }
            lag.put(name, sum);
        }
        return lag;
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
