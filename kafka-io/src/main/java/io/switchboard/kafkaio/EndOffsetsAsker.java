package io.switchboard.kafkaio;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Asks where a reader's partitions end, with a consumer of its own that never fetches: the broker
 * answers a connection's requests one at a time, and the reader's own connection may hold an idle
 * fetch there for {@link ReaderConsumerSettings#IDLE_FETCH_WAIT_MS}, which a read to the end asked
 * on it would wait out (a lookup of a schema the registry did not hold took 10 s to answer 404).
 * Its consumer is made at the first question and closed with the reader's; one thread uses it.
 */
final class EndOffsetsAsker<K, V> implements AutoCloseable {
    private final Supplier<KafkaConsumer<K, V>> make;
    private KafkaConsumer<K, V> consumer;

    EndOffsetsAsker(Supplier<KafkaConsumer<K, V>> make) {
        this.make = make;
    }

    /** The reader's settings, with a client id of its own when the reader has one. */
    static Map<String, Object> settings(Map<String, Object> reader) {
        Map<String, Object> own = new HashMap<>(reader);
        own.computeIfPresent(ConsumerConfig.CLIENT_ID_CONFIG, (key, id) -> id + "-ends");
        return own;
    }

    /** Where the partitions end now (the isolation level's end: the last stable offset for read_committed). */
    Map<TopicPartition, Long> ends(List<TopicPartition> partitions) {
        if (consumer == null) {
            consumer = make.get();
        }
        if (!consumer.assignment().equals(new java.util.HashSet<>(partitions))) {
            // Assigned, never polled: it fetches nothing, and the end offsets it is answered are for partitions
            // it holds (of partitions it does not, the consumer logs a warning for each, on every answer).
            consumer.assign(partitions);
        }
        return consumer.endOffsets(partitions);
    }

    /** Closes its consumer, if made, without waiting (it is in no group and fetched nothing); the next question makes another. */
    @Override
    public void close() {
        if (consumer != null) {
            try {
                consumer.close(Duration.ZERO);
            } catch (RuntimeException e) {
                // closing anyway
            }
            consumer = null;
        }
    }
}
