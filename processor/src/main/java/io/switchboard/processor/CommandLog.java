package io.switchboard.processor;

import io.switchboard.kafkaio.KafkaClients;
import io.switchboard.kafkaio.PartitionSpan;
import io.switchboard.kafkaio.TopicRecord;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * The command topic as it was written, read again: what a partition admitted lately
 * ({@link DecidedCommands}) is rebuilt from it when a task starts deciding, rather than kept in a
 * store with a changelog of its own (one record more for every command).
 */
@FunctionalInterface
public interface CommandLog {
    /** How long one rebuild may read before it is given up (and tried again at the next record). */
    Duration READ_WITHIN = Duration.ofSeconds(60);

    /**
     * Hands {@code each}, in order, every committed record of the command topic's {@code partition}
     * appended at or after {@code since} (the broker's append time) at an offset below {@code before}.
     * Blocks until done; throws when the records cannot be read.
     */
    void read(int partition, long since, long before, Consumer<TopicRecord<byte[], byte[]>> each);

    /** The command topic on Kafka, each read with a consumer of its own. */
    static CommandLog of(KafkaClients clients, String topic) {
        return (partition, since, before, each) ->
                PartitionSpan.read(clients, new TopicPartition(topic, partition), since, before, READ_WITHIN, each);
    }
}
