package io.switchboard.metrics;

import io.switchboard.kafkaio.KafkaClients;
import io.switchboard.rules.HealthEvent;
import io.switchboard.rules.HealthTracker;
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
import java.util.List;
import java.util.Map;

/**
 * Reads the lifecycle topic from its beginning, every partition, read_committed and with no
 * consumer group, into a {@link HealthTracker}: so every replica folds the same events in the same
 * order per connector, and a restarted replica folds them again. One thread, 100 records a poll at
 * most; until it has read what the topic held when it started, it is not caught up and the
 * per-connector series are not shown.
 */
final class HealthFeed implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HealthFeed.class);
    private final KafkaClients clients;
    private final Map<String, Object> settings;
    private final String topic;
    private final Deserializer<LifecycleEvent> events;
    private final HealthTracker tracker;
    private final Thread thread;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean stopping;
    private volatile boolean caughtUp;
    private volatile long unreadable;

    HealthFeed(String bootstrapServers, Map<String, String> kafkaSettings, String topic, Deserializer<LifecycleEvent> events,
               HealthTracker tracker) {
        this.clients = new KafkaClients(bootstrapServers, kafkaSettings);
        this.settings = Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100,
                ConsumerConfig.CLIENT_ID_CONFIG, "switchboard-health-" + System.identityHashCode(this));
        this.topic = topic;
        this.events = events;
        this.tracker = tracker;
        this.thread = new Thread(this::run, "switchboard-health-feed");
        thread.setDaemon(true);
    }

    HealthFeed start() {
        thread.start();
        return this;
    }

    boolean caughtUp() {
        return caughtUp;
    }

    long unreadable() {
        return unreadable;
    }

    private void run() {
        while (!stopping) {
            try (KafkaConsumer<byte[], byte[]> kafka = clients.consumer(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer = kafka;
                if (stopping) {
                    return;
                }
                follow(kafka);
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (stopping) {
                    return;
                }
                // What was read so far would be read twice by a new consumer: start again from the
                // beginning with nothing, the series hidden until caught up again.
                log.warn("Reading {} for connector health failed; reading it again from its beginning in 5 s: {}", topic, e.toString());
                caughtUp = false;
                tracker.reset();
                try {
                    Thread.sleep(5_000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void follow(KafkaConsumer<byte[], byte[]> kafka) {
        List<PartitionInfo> infos = kafka.partitionsFor(topic, Duration.ofMinutes(5));
        List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        kafka.assign(partitions);
        kafka.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = kafka.endOffsets(partitions, Duration.ofMinutes(1));
        while (!stopping) {
            for (ConsumerRecord<byte[], byte[]> record : kafka.poll(Duration.ofMillis(500))) {
                LifecycleEvent event;
                try {
                    event = record.value() == null ? null : events.deserialize(record.topic(), record.value());
                } catch (RuntimeException e) {
                    unreadable++;
                    continue;
                }
                if (event != null) {
                    HealthEvent.of(event).ifPresent(health -> tracker.apply(event.getCluster(), event.getConnector(), health));
                }
            }
            if (!caughtUp && ends.entrySet().stream().allMatch(end -> kafka.position(end.getKey()) >= end.getValue())) {
                caughtUp = true;
                log.info("Connector health caught up with {}: {} connectors followed", topic, tracker.tracked());
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        thread.join(Duration.ofSeconds(10).toMillis());
    }
}
