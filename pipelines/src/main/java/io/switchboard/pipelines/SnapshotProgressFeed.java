package io.switchboard.pipelines;

import io.switchboard.kafkaio.KafkaClients;
import io.switchboard.kafkaio.TopicReader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the pipelines' Debezium notifications topic from its start, on a thread of its own, and
 * keeps each pipeline's {@link SnapshotProgress}, keyed by its source's topic prefix (Debezium's
 * {@code connector_name}). Every replica reads the whole topic, so any answers the same.
 *
 * <p>Bounded: one small record per pipeline, at most {@link #MAX_PIPELINES} (the least recently
 * changed forgotten first); fetches of at most 1 MiB. A record that is not a notification is
 * skipped. Thread-safe: the map is changed by the feed's thread and read under its lock.
 */
public final class SnapshotProgressFeed implements AutoCloseable {
    static final int MAX_PIPELINES = 10_000;
    private static final Logger log = LoggerFactory.getLogger(SnapshotProgressFeed.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TopicReader<byte[], byte[]> reader;
    private final Map<String, SnapshotProgress> progress = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SnapshotProgress> eldest) {
            return size() > MAX_PIPELINES;
        }
    };

    public SnapshotProgressFeed(String bootstrapServers, Map<String, String> kafkaSettings, String topic) {
        reader = TopicReader.of(new KafkaClients(bootstrapServers, kafkaSettings), topic,
                        new ByteArrayDeserializer(), new ByteArrayDeserializer())
                .settings(Map.of(
                        "fetch.max.bytes", 1 << 20,
                        "max.partition.fetch.bytes", 1 << 20,
                        "client.id", "switchboard-pipeline-notifications-" + Long.toHexString(System.nanoTime())))
                .pollFor(Duration.ofSeconds(1))
                .threadName("switchboard-pipeline-notifications")
                .onRecords(records -> records.forEach(record -> accept(record.value())))
                .onFailure(TopicReader.OnFailure.RETRY, Duration.ofSeconds(1),
                        e -> log.warn("Reading pipeline notifications failed; trying again: {}", e.toString()))
                .build();
    }

    public SnapshotProgressFeed start() {
        reader.start();
        return this;
    }

    /** The snapshot progress of the pipeline whose source has this topic prefix, if it has sent any. */
    public Optional<SnapshotProgress> of(String topicPrefix) {
        synchronized (progress) {
            return Optional.ofNullable(progress.get(topicPrefix));
        }
    }

    /** One record of the topic. */
    private void accept(byte[] value) {
        decode(value).ifPresent(notification -> {
            synchronized (progress) {
                SnapshotProgress next = SnapshotProgress.after(progress.get(notification.connector()), notification.payload());
                if (next != null) {
                    progress.put(notification.connector(), next);
                }
            }
        });
    }

    /** A notification and the connector (topic prefix) that sent it. */
    record Notification(String connector, JsonNode payload) {
    }

    /** A record's notification, in Kafka Connect's JSON with or without its schema envelope; empty if it is none. */
    static Optional<Notification> decode(byte[] value) {
        if (value == null) {
            return Optional.empty();
        }
        JsonNode notification;
        try {
            JsonNode json = JSON.readTree(value);
            notification = json.has("payload") && json.has("schema") ? json.get("payload") : json;
        } catch (IOException e) {
            return Optional.empty();
        }
        String connector = notification.path("additional_data").path("connector_name").asText(null);
        return connector == null ? Optional.empty() : Optional.of(new Notification(connector, notification));
    }

    @Override
    public void close() {
        reader.close();
    }
}
