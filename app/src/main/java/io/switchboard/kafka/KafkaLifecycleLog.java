package io.switchboard.kafka;

import io.switchboard.events.LifecycleLog;
import io.switchboard.events.StreamPosition;
import io.switchboard.kafkaio.KafkaClients;
import io.switchboard.schemas.LifecycleEvent;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The lifecycle topic for {@code GET /events}, in Kafka: each reader its own consumer
 * (read_committed, no group, every partition assigned), which holds at most a fetch of
 * {@value #FETCH_MAX_BYTES} bytes, handed out 100 records at a time.
 */
public final class KafkaLifecycleLog implements LifecycleLog {
    private static final Logger log = LoggerFactory.getLogger(KafkaLifecycleLog.class);
    static final int FETCH_MAX_BYTES = 1024 * 1024;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final AtomicLong READERS = new AtomicLong();

    private final KafkaClients clients;
    private final String topic;
    private final Deserializer<LifecycleEvent> events;

    public KafkaLifecycleLog(KafkaClients clients, String topic, Deserializer<LifecycleEvent> events) {
        this.clients = clients;
        this.topic = topic;
        this.events = events;
    }

    @Override
    public Reader open(StreamPosition start) {
        KafkaConsumer<byte[], byte[]> consumer = clients.consumer(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                // What one client may hold in memory: a fetch of at most 1 MiB, handed out 100 records at a time.
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, FETCH_MAX_BYTES,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, FETCH_MAX_BYTES,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100,
                ConsumerConfig.CLIENT_ID_CONFIG, "switchboard-events-" + READERS.incrementAndGet()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try {
            return new KafkaReader(consumer, seek(consumer, start));
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            throw e;
        }
    }

    /** Assigns every partition and moves to the start; answers the position of each partition. */
    private Map<Integer, Long> seek(KafkaConsumer<byte[], byte[]> kafka, StreamPosition start) {
        List<PartitionInfo> infos = kafka.partitionsFor(topic, WAIT);
        List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        kafka.assign(partitions);
        switch (start.start()) {
            case EARLIEST -> kafka.seekToBeginning(partitions);
            case LATEST -> kafka.seekToEnd(partitions);
            case OFFSETS -> {
                for (TopicPartition partition : partitions) {
                    Long offset = start.offsets().get(partition.partition());
                    if (offset == null) {
                        kafka.seekToBeginning(List.of(partition));
                    } else {
                        kafka.seek(partition, offset);
                    }
                }
            }
        }
        Map<Integer, Long> positions = new HashMap<>();
        for (TopicPartition partition : partitions) {
            positions.put(partition.partition(), kafka.position(partition, WAIT));
        }
        return positions;
    }

    private final class KafkaReader implements Reader {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Map<Integer, Long> positions;

        KafkaReader(KafkaConsumer<byte[], byte[]> consumer, Map<Integer, Long> positions) {
            this.consumer = consumer;
            this.positions = Map.copyOf(positions);
        }

        @Override
        public Map<Integer, Long> positions() {
            return positions;
        }

        @Override
        public List<Entry> poll(Duration timeout) {
            List<Entry> read = new ArrayList<>();
            try {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
                    read.add(new Entry(record.partition(), record.offset(), decode(record)));
                }
            } catch (WakeupException stopped) {
                // the stream is stopping
            }
            return read;
        }

        @Override
        public void wakeup() {
            consumer.wakeup();
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    private LifecycleEvent decode(ConsumerRecord<byte[], byte[]> record) {
        try {
            return events.deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            log.warn("Skipping lifecycle record {}-{}@{} that cannot be read: {}", record.topic(), record.partition(),
                    record.offset(), e.toString());
            return null;
        }
    }
}
