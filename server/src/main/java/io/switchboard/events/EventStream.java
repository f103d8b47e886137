package io.switchboard.events;

import io.switchboard.kafkaio.KafkaClients;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.core.LifecycleViews;
import io.switchboard.core.Visibility;
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

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One client of {@code GET /events}: its own consumer of the lifecycle topic (read_committed, no
 * group, every partition assigned), each event written as one Server-Sent Event. It ends when the
 * client goes away (a write fails; a comment is written when nothing else was for a while, so a
 * silent client is noticed too) or when the server stops.
 */
final class EventStream implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(EventStream.class);
    /**
     * A client that left is noticed only when a write fails: this often at the latest, so that its
     * place among the streams (and its consumer and thread) is free again within seconds.
     */
    static final Duration HEARTBEAT = Duration.ofSeconds(3);
    private static final Duration POLL = Duration.ofMillis(200);
    static final int FETCH_MAX_BYTES = 1024 * 1024;

    /**
     * Which events the client wants (null matches any) among those of the clusters it may see; in
     * which clusters it sees config values rather than keys only.
     */
    record Filter(String cluster, String connector, Predicate<String> mayView, Predicate<String> seesValues) {
        Filter(String cluster, String connector) {
            this(cluster, connector, any -> true, any -> true);
        }

        boolean matches(LifecycleEvent event) {
            return (cluster == null || cluster.equals(event.getCluster()))
                    && (connector == null || connector.equals(event.getConnector()))
                    && mayView.test(event.getCluster());
        }
    }

    private final String bootstrapServers;
    private final Map<String, String> kafkaSettings;
    private final String topic;
    private final Deserializer<LifecycleEvent> events;
    private final ObjectMapper json;
    private final StreamPosition start;
    private final Filter filter;
    private final LifecycleViews views;
    private final OutputStream out;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private volatile boolean stopping;
    /** For {@code ?set=}: the set's connectors only, each event followed by its progress; null otherwise. */
    private SetFeed sets;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    EventStream(String bootstrapServers, Map<String, String> kafkaSettings, String topic, Deserializer<LifecycleEvent> events,
                ObjectMapper json, StreamPosition start, Filter filter, LifecycleViews views, OutputStream out) {
        this.bootstrapServers = bootstrapServers;
        this.kafkaSettings = kafkaSettings;
        this.topic = topic;
        this.events = events;
        this.json = json;
        this.start = start;
        this.filter = filter;
        this.views = views;
        this.out = out;
    }

    /** Keeps one connector set's events, each followed by the connector's progress in the set's latest change. */
    EventStream forSet(SetFeed feed) {
        this.sets = feed;
        return this;
    }

    /** Completes when the stream has ended and its consumer is closed. */
    CompletableFuture<Void> done() {
        return done;
    }

    /** Ends the stream from another thread. */
    void stop() {
        stopping = true;
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    @Override
    public void run() {
        KafkaClients clients = new KafkaClients(bootstrapServers, kafkaSettings);
        Map<String, Object> settings = Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100,
                // What one client may hold in memory: a fetch of at most 1 MiB, handed out 100 records at a time.
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, FETCH_MAX_BYTES,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, FETCH_MAX_BYTES,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100,
                ConsumerConfig.CLIENT_ID_CONFIG, "switchboard-events-" + System.identityHashCode(this));
        try (KafkaConsumer<byte[], byte[]> kafka = clients.consumer(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer = kafka;
            if (stopping) {
                return;
            }
            Map<Integer, Long> positions = seek(kafka);
            write(": lifecycle events from " + StreamPosition.format(positions) + "\n\n");
            long lastWrite = System.nanoTime();
            while (!stopping) {
                for (ConsumerRecord<byte[], byte[]> record : kafka.poll(POLL)) {
                    positions.put(record.partition(), record.offset() + 1);
                    LifecycleEvent event = decode(record);
                    if (event != null && filter.matches(event) && (sets == null || sets.includes(event.getConnector()))) {
                        String id = StreamPosition.format(positions);
                        write(message(event, record, id));
                        if (sets != null) {
                            Optional<Map<String, Object>> progress = sets.progress(event.getConnector());
                            if (progress.isPresent()) {
                                write("id: " + id + "\nevent: SetProgress\ndata: " + json.writeValueAsString(progress.get()) + "\n\n");
                            }
                        }
                        lastWrite = System.nanoTime();
                    }
                }
                if (System.nanoTime() - lastWrite > HEARTBEAT.toNanos()) {
                    write(": keep-alive\n\n");
                    lastWrite = System.nanoTime();
                }
            }
        } catch (WakeupException stopped) {
            // the server is stopping
        } catch (IOException gone) {
            log.debug("Event stream client went away: {}", gone.toString());
        } catch (RuntimeException e) {
            log.warn("Event stream ended: {}", e.toString());
        } finally {
            consumer = null;
            try {
                out.close();
            } catch (IOException | RuntimeException ignored) {
                // already gone
            }
            done.complete(null);
        }
    }

    /** Assigns every partition and moves to the start; answers the position of each partition. */
    private Map<Integer, Long> seek(KafkaConsumer<byte[], byte[]> kafka) {
        List<PartitionInfo> infos = kafka.partitionsFor(topic, Duration.ofSeconds(30));
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
            positions.put(partition.partition(), kafka.position(partition, Duration.ofSeconds(30)));
        }
        return positions;
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

    private String message(LifecycleEvent event, ConsumerRecord<byte[], byte[]> record, String id) {
        // As the core shows it: secrets hidden, and to a viewer of the event's cluster keys without values.
        Map<String, Object> data = LifecycleJson.of(views.shape(event,
                filter.seesValues().test(event.getCluster()) ? Visibility.FULL : Visibility.KEYS_ONLY));
        data.put("partition", record.partition());
        data.put("offset", record.offset());
        try {
            return "id: " + id + "\nevent: " + LifecycleJson.kind(event) + "\ndata: " + json.writeValueAsString(data) + "\n\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Waits for the stream to end after {@link #stop}. */
    void awaitEnd(Duration timeout) {
        try {
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.debug("Event stream did not end in {}", timeout);
        }
    }
}
