package io.switchboard.kafkaio;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Bounded reads of past spans of one topic's partitions, each on the caller's thread: the committed
 * records appended at or after a time (the broker's record timestamps, found by its time index) and
 * before an offset, in order. A {@link TopicReader} tails a topic for as long as it runs; this reads a
 * span when asked and is done. One consumer (no group, nothing committed, as a reader's) serves every
 * read, one at a time, made at the first and kept, assigned nothing between reads, so that reads in a
 * row (a replica taking several partitions over) cost a fetch each, not a connection each; a read
 * that fails closes it, and the next makes another.
 */
public final class PartitionSpans implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration CLOSE = Duration.ofSeconds(2);

    private final KafkaClients clients;
    private final String topic;
    /** Guarded by this; null before the first read, after a failed one, and once closed. */
    private KafkaConsumer<byte[], byte[]> consumer;
    private boolean closed;

    public PartitionSpans(KafkaClients clients, String topic) {
        this.clients = clients;
        this.topic = topic;
    }

    /**
     * Hands {@code each} every committed record of the topic's {@code partition} appended at or after
     * {@code since} and at an offset below {@code before}.
     *
     * @param within how long the read may take; past it, it throws and {@code each} may have had some
     *               of the records (the caller reads again from the start)
     * @throws IllegalStateException when the span was not read within {@code within}, or once closed
     * @throws org.apache.kafka.common.KafkaException when Kafka refuses the read
     */
    public synchronized void read(int partition, long since, long before, Duration within,
                                  Consumer<TopicRecord<byte[], byte[]>> each) {
        if (closed) {
            throw new IllegalStateException("Closed: " + topic + " is no longer read");
        }
        if (before <= 0) {
            return;
        }
        if (consumer == null) {
            consumer = clients.consumer(ReaderConsumerSettings.of(Map.of(
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.CLIENT_ID_CONFIG, "switchboard-spans-" + topic,
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none",
                    // The span is in the past: a fetch that finds nothing yet (markers, aborted records) comes back at once.
                    ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10)), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }
        try {
            read(consumer, new TopicPartition(topic, partition), since, before, within, each);
            consumer.assign(List.of());
        } catch (RuntimeException e) {
            closeConsumer();
            throw e;
        }
    }

    private static void read(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition, long since, long before,
                             Duration within, Consumer<TopicRecord<byte[], byte[]>> each) {
        long deadline = System.nanoTime() + within.toNanos();
        consumer.assign(List.of(partition));
        OffsetAndTimestamp first = consumer.offsetsForTimes(Map.of(partition, Math.max(0, since)), within).get(partition);
        if (first == null || first.offset() >= before) {
            return;
        }
        consumer.seek(partition, first.offset());
        while (consumer.position(partition, within) < before) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Read " + partition + " only to offset " + consumer.position(partition)
                        + " of " + before + " within " + within.toSeconds() + " s");
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                if (r.offset() >= before) {
                    return;
                }
                each.accept(new TopicRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(), r.headers(), r.key(), r.value()));
            }
        }
    }

    private void closeConsumer() {
        if (consumer != null) {
            try {
                consumer.close(CLOSE);
            } catch (RuntimeException ignored) {
                // closing anyway
            }
            consumer = null;
        }
    }

    /** Closes the consumer, after a read under way ends; reads after this throw. */
    @Override
    public synchronized void close() {
        closed = true;
        closeConsumer();
    }
}
