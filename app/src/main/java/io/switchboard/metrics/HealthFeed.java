package io.switchboard.metrics;

import io.switchboard.kafkaio.KafkaClients;
import io.switchboard.kafkaio.TopicReader;
import io.switchboard.kafkaio.TopicRecord;
import io.switchboard.rules.HealthEvent;
import io.switchboard.rules.HealthTracker;
import io.switchboard.schemas.LifecycleEvent;
import org.apache.kafka.clients.consumer.ConsumerConfig;
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
 * per-connector series are not shown. After a failure it folds the topic again from its beginning,
 * with nothing, 5 s later (what was read so far would be read twice).
 */
final class HealthFeed implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HealthFeed.class);
    private final String topic;
    private final Deserializer<LifecycleEvent> events;
    private final HealthTracker tracker;
    private final TopicReader<byte[], byte[]> reader;
    private volatile long unreadable;

    HealthFeed(String bootstrapServers, Map<String, String> kafkaSettings, String topic, Deserializer<LifecycleEvent> events,
               HealthTracker tracker) {
        this.topic = topic;
        this.events = events;
        this.tracker = tracker;
        this.reader = TopicReader.of(new KafkaClients(bootstrapServers, kafkaSettings), topic,
                        new ByteArrayDeserializer(), new ByteArrayDeserializer())
                .settings(Map.of(
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100,
                        ConsumerConfig.CLIENT_ID_CONFIG, "switchboard-health-" + System.identityHashCode(this)))
                .threadName("switchboard-health-feed")
                .onRecords(this::fold)
                .onCaughtUp(() -> log.info("Connector health caught up with {}: {} connectors followed", topic, tracker.tracked()))
                .onFailure(TopicReader.OnFailure.RESTART, Duration.ofSeconds(5), e -> {
                    log.warn("Reading {} for connector health failed; reading it again from its beginning in 5 s: {}", topic, e.toString());
                    tracker.reset();
                })
                .build();
    }

    HealthFeed start() {
        reader.start();
        return this;
    }

    boolean caughtUp() {
        return reader.caughtUp();
    }

    long unreadable() {
        return unreadable;
    }

    private void fold(List<TopicRecord<byte[], byte[]>> records) {
        for (TopicRecord<byte[], byte[]> record : records) {
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
    }

    @Override
    public void close() {
        reader.close();
    }
}
