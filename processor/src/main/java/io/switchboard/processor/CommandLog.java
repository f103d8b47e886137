package io.switchboard.processor;

import io.switchboard.kafkaio.KafkaClients;
import io.switchboard.kafkaio.PartitionSpans;
import io.switchboard.kafkaio.TopicRecord;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * The command topic as it was written, read again: what a partition admitted lately
 * ({@link DecidedCommands}) is rebuilt from it when a task starts deciding, rather than kept in a
 * store with a changelog of its own (one record more for every command).
 */
@FunctionalInterface
public interface CommandLog extends AutoCloseable {
    /** How long one rebuild may read before it is given up (and tried again at the next record). */
    Duration READ_WITHIN = Duration.ofSeconds(60);

    /**
     * Hands {@code each}, in order, every committed record of the command topic's {@code partition}
     * appended at or after {@code since} (the broker's append time) at an offset below {@code before}.
     * Blocks until done; throws when the records cannot be read.
     */
    void read(int partition, long since, long before, Consumer<TopicRecord<byte[], byte[]>> each);

    /** Closes what it reads with; nothing by default. */
    @Override
    default void close() {
    }

    /** The command topic on Kafka, read with one consumer kept between reads ({@link PartitionSpans}), closed with it. */
    static CommandLog of(KafkaClients clients, String topic) {
        PartitionSpans spans = new PartitionSpans(clients, topic);
        return new CommandLog() {
            @Override
            public void read(int partition, long since, long before, java.util.function.Consumer<TopicRecord<byte[], byte[]>> each) {
                spans.read(partition, since, before, READ_WITHIN, each);
            }

            @Override
            public void close() {
                spans.close();
            }
        };
    }
}
