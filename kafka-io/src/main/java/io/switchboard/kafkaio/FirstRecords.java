package io.switchboard.kafkaio;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads the first record at given offsets of any topics' partitions, in a bounded time: one
 * consumer (no group, assign and seek, nothing committed), made at the first read and kept, each
 * partition paused once its first record is in, and nothing left assigned between reads (so nothing
 * is fetched between them). How much a fetch brings is the caller's (its consumer settings: the
 * fetch sizes, {@code max.poll.records}). Not thread-safe: one caller thread.
 */
public final class FirstRecords implements AutoCloseable {
    private final KafkaClients clients;
    private final Map<String, Object> settings;
    private KafkaConsumer<byte[], byte[]> consumer;

    /** @param consumerSettings the consumer's own settings (client id, fetch sizes, offset reset); never a group */
    public FirstRecords(KafkaClients clients, Map<String, ?> consumerSettings) {
        this.clients = clients;
        Map<String, Object> all = new HashMap<>(consumerSettings);
        all.put("enable.auto.commit", false);
        all.remove("group.id");
        this.settings = Map.copyOf(all);
    }

    /**
     * The timestamp of the first record at or after each offset, for the partitions read within
     * {@code budget}. When reading fails (not allowed to read a topic, the broker gone), the
     * partitions read so far are answered and {@code failed} is told; an interrupt is thrown.
     */
    public Map<TopicPartition, Long> timestamps(Map<TopicPartition, Long> offsets, Duration budget, Consumer<KafkaException> failed) {
        Map<TopicPartition, Long> stamps = new HashMap<>();
        if (offsets.isEmpty()) {
            return stamps;
        }
        if (consumer == null) {
            consumer = clients.consumer(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }
        try {
            consumer.assign(offsets.keySet());
            offsets.forEach(consumer::seek);
            Set<TopicPartition> waiting = new HashSet<>(offsets.keySet());
            long deadline = System.nanoTime() + budget.toNanos();
            while (!waiting.isEmpty() && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                for (TopicPartition partition : records.partitions()) {
                    if (waiting.remove(partition)) {
                        stamps.put(partition, records.records(partition).get(0).timestamp());
                        consumer.pause(List.of(partition));
                    }
                }
            }
        } catch (InterruptException e) {
            throw e;
        } catch (KafkaException e) {
            failed.accept(e);
        } finally {
            consumer.unsubscribe();
        }
        return stamps;
    }

    @Override
    public void close() {
        if (consumer != null) {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                // closing anyway
            }
        }
    }
}
