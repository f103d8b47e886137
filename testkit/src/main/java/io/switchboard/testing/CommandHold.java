package io.switchboard.testing;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Holds every command written to a command topic after it undecided, on every replica at once,
 * until it is closed: a transaction left open with a record in each partition of the topic. The
 * command processors read committed records only, so none reads past it; closing aborts it, its
 * records are never read, and the commands behind it are decided as usual.
 *
 * <p>Tests hold decisions this way rather than with {@code KafkaStreams#pause}: pausing a
 * processor pauses its standby tasks too, and resuming them stops the stream thread in Kafka
 * Streams 4.3 (its state updater asks the changelog reader to update standbys while it already
 * does, KAFKA-20731), which the replica then replaces, rebalancing the group.
 */
public final class CommandHold implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;

    private CommandHold(KafkaProducer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    /** Opens the hold: once this returns, no command written to {@code topic} afterwards is decided. */
    /** @param client a client's settings that may write the command topic (the control plane's) */
    public static CommandHold on(Map<String, Object> client, String topic) {
        Map<String, Object> settings = new java.util.HashMap<>(client);
        settings.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "command-hold-" + UUID.randomUUID());
        settings.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 120_000);
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer());
        try {
            producer.initTransactions();
            producer.beginTransaction();
            List<PartitionInfo> partitions = producer.partitionsFor(topic);
            List<Future<?>> written = partitions.stream().<Future<?>>map(p -> producer.send(
                    new ProducerRecord<>(topic, p.partition(), "held".getBytes(), new byte[0]))).toList();
            for (Future<?> each : written) {
                each.get();
            }
            return new CommandHold(producer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            producer.close();
            throw new IllegalStateException(e);
        } catch (ExecutionException | RuntimeException e) {
            producer.close();
            throw new IllegalStateException("The hold on " + topic + " was not written", e);
        }
    }

    /** Lets the processors go on: the hold's records are aborted, never read. */
    @Override
    public void close() {
        try {
            producer.abortTransaction();
        } finally {
            producer.close();
        }
    }
}
