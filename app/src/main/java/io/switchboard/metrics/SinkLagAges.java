package io.switchboard.metrics;

import io.switchboard.kafkaio.FirstRecords;
import io.switchboard.kafkaio.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How old the oldest record a lagging sink has not consumed is: the record at its group's committed
 * offset, read with {@link FirstRecords} (one consumer: no group, assign and seek, nothing committed) on
 * the sink-lag reader's thread, at most {@code maxPartitions} partitions a pass, and only where the committed
 * offset moved since the record there was read (its timestamp is kept). The fetches are small
 * ({@value #PARTITION_FETCH_BYTES} bytes a partition, {@value #FETCH_BYTES} a fetch; the broker still
 * sends a first record batch larger than that whole, up to the topic's {@code max.message.bytes}), each
 * partition is paused once its first record is in, and a pass waits at most {@code budget}. A record
 * without a timestamp (-1) gives no age.
 */
final class SinkLagAges implements AutoCloseable {
    static final int PARTITION_FETCH_BYTES = 1024;
    static final int FETCH_BYTES = 64 * 1024;
    /** Positions whose record's timestamp is kept (about 100 bytes each). */
    static final int MAX_KNOWN = 100_000;
    private static final Logger log = LoggerFactory.getLogger(SinkLagAges.class);
    private final FirstRecords firstRecords;
    private final int maxPartitions;
    private final Duration budget;
    private final AtomicLong partitionsRead = new AtomicLong();
    private int rotation;
    /**
     * The timestamp of the record at each position read, the least recently used dropped past
     * {@value #MAX_KNOWN}: while a sink's committed offset stays, its record is not read again.
     */
    private final Map<Position, Long> known = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Position, Long> eldest) {
            return size() > MAX_KNOWN;
        }
    };

    private record Position(TopicPartition partition, long offset) {
    }

    /** One lagging partition of a sink: where its group has committed, and how many records it is behind there. */
    record Lagging(TopicPartition partition, long committed, long behind) {
    }

    SinkLagAges(String bootstrapServers, Map<String, String> kafkaSettings, int maxPartitions, Duration budget) {
        this.firstRecords = new FirstRecords(new KafkaClients(bootstrapServers, kafkaSettings), Map.of(
                // A committed offset the topic no longer retains: the oldest record it still has is the oldest not consumed.
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, PARTITION_FETCH_BYTES,
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, FETCH_BYTES,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(1, maxPartitions),
                ConsumerConfig.CLIENT_ID_CONFIG, "switchboard-sink-lag-age-" + System.identityHashCode(this)));
        this.maxPartitions = maxPartitions;
        this.budget = budget;
    }

    /** Partitions whose oldest unconsumed record was read, so far. */
    long partitionsRead() {
        return partitionsRead.get();
    }

    /**
     * The age in milliseconds of the oldest unconsumed record of each sink, the largest over its
     * partitions whose record at the committed offset is known (read this pass, or in an earlier one
     * at the same offset); a sink none of whose partitions is known (or has a timestamp) is left out.
     * Called on the reader's thread only.
     */
    Map<String, Long> ages(Map<String, List<Lagging>> laggingBySink) {
        if (maxPartitions == 0 || laggingBySink.isEmpty()) {
            return Map.of();
        }
        Map<String, List<Lagging>> unknown = new HashMap<>();
        laggingBySink.forEach((sink, partitions) -> {
            List<Lagging> toRead = partitions.stream().filter(l -> !known.containsKey(new Position(l.partition(), l.committed()))).toList();
            if (!toRead.isEmpty()) {
                unknown.put(sink, toRead);
            }
        });
        Map<TopicPartition, Long> picked = choose(unknown, maxPartitions, rotation++);
        firstTimestamps(picked).forEach((partition, stamp) -> known.put(new Position(partition, picked.get(partition)), stamp));
        long now = System.currentTimeMillis();
        Map<String, Long> ages = new TreeMap<>();
        laggingBySink.forEach((sink, partitions) -> {
            for (Lagging lagging : partitions) {
                Long stamp = known.get(new Position(lagging.partition(), lagging.committed()));
                long age = stamp == null ? -1 : age(stamp, now);
                if (age >= 0) {
                    ages.merge(sink, age, Math::max);
                }
            }
        });
        return ages;
    }

    /** A record's age at {@code now} in milliseconds (0 for one stamped in the future); -1 for a record without a timestamp. */
    static long age(long timestamp, long now) {
        return timestamp < 0 ? -1 : Math.max(0, now - timestamp);
    }

    /**
     * Which partitions to read this pass, at which offset, at most {@code max}: each sink's most lagging
     * partition first, one sink after another (starting at a sink that moves on each pass, so that
     * none is always left out), then each sink's next. A partition two sinks lag on at different offsets
     * is read at the first one's only.
     */
    static Map<TopicPartition, Long> choose(Map<String, List<Lagging>> laggingBySink, int max, int rotation) {
        List<List<Lagging>> sinks = new ArrayList<>();
        new TreeMap<>(laggingBySink).values().forEach(partitions -> sinks.add(partitions.stream()
                .sorted(Comparator.comparingLong(Lagging::behind).reversed().thenComparing(l -> l.partition().toString())).toList()));
        Map<TopicPartition, Long> picked = new LinkedHashMap<>();
        if (sinks.isEmpty()) {
            return picked;
        }
        int start = Math.floorMod(rotation, sinks.size());
        for (int round = 0; picked.size() < max; round++) {
            boolean any = false;
            for (int i = 0; i < sinks.size() && picked.size() < max; i++) {
                List<Lagging> partitions = sinks.get((start + i) % sinks.size());
                if (round < partitions.size()) {
                    any = true;
                    Lagging lagging = partitions.get(round);
                    picked.putIfAbsent(lagging.partition(), lagging.committed());
                }
            }
            if (!any) {
                break;
            }
        }
        return picked;
    }

    /** The timestamp of the first record at or after each offset, for those read within the budget. */
    private Map<TopicPartition, Long> firstTimestamps(Map<TopicPartition, Long> offsets) {
        // Not allowed to read a topic, or the broker went away: the partitions read so far give their ages,
        // the rest none; the lag in records is not held up.
        Map<TopicPartition, Long> stamps = firstRecords.timestamps(offsets, budget,
                e -> log.debug("Reading the oldest unconsumed records failed: {}", e.toString()));
        partitionsRead.addAndGet(stamps.size());
        return stamps;
    }

    @Override
    public void close() {
        firstRecords.close();
    }
}
