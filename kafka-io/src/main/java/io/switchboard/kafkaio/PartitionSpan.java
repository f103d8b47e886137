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
 * One bounded read of a span of one partition, on the caller's thread: the committed records
 * appended at or after a time (the broker's record timestamps, found by its time index) and before
 * an offset, in order. A {@link TopicReader} tails a topic for as long as it runs; this reads a past
 * span once and is done, with a consumer of its own (no group, nothing committed, as a reader's),
 * closed before it answers.
 */
public final class PartitionSpan {
    private static final Duration POLL = Duration.ofMillis(200);

    private PartitionSpan() {
    }

    /**
     * Hands {@code each} every committed record of {@code partition} appended at or after
     * {@code since} and at an offset below {@code before}.
     *
     * @param within how long the whole read may take; past it, it throws and {@code each} may have
     *               had some of the records (the caller reads again from the start)
     * @throws IllegalStateException when the span was not read within {@code within}
     * @throws org.apache.kafka.common.KafkaException when Kafka refuses the read
     */
    public static void read(KafkaClients clients, TopicPartition partition, long since, long before, Duration within,
                            Consumer<TopicRecord<byte[], byte[]>> each) {
        if (before <= 0) {
            return;
        }
        long deadline = System.nanoTime() + within.toNanos();
        Map<String, Object> settings = ReaderConsumerSettings.of(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.CLIENT_ID_CONFIG, "switchboard-span-" + partition,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"));
        try (KafkaConsumer<byte[], byte[]> consumer = clients.consumer(settings, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
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
                    each.accept(new TopicRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(), r.headers(), r.key(),
                            r.value()));
                }
            }
        }
    }
}
