package io.switchboard.registry;

import io.switchboard.kafkaio.KafkaClients;
import io.switchboard.kafkaio.TopicReader;
import io.switchboard.kafkaio.TopicRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The registry's log in a single-partition Kafka topic. Entries are appended with an idempotent producer
 * (acks=all); a {@link TopicReader} reads the partition from the start and applies each entry to the
 * view, so the log order decides between instances that write at the same time.
 */
final class KafkaRegistryLog implements RegistryLog, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KafkaRegistryLog.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

    private final String topic;
    private final Duration timeout;
    private final RegistryView view;
    private final LogEntryCodec codec = new LogEntryCodec();
    private final Map<String, CompletableFuture<Boolean>> pending = new ConcurrentHashMap<>();
    private final Admin admin;
    private final KafkaProducer<byte[], byte[]> producer;
    private final TopicReader<byte[], byte[]> reader;

    /** @param common settings every client gets besides its own (SASL, SSL); its own win */
    KafkaRegistryLog(String bootstrapServers, Map<String, String> common, String topic, Duration timeout, RegistryView view) {
        this.topic = topic;
        this.timeout = timeout;
        this.view = view;
        KafkaClients clients = new KafkaClients(bootstrapServers, common);
        this.admin = clients.admin(Map.of(AdminClientConfig.CLIENT_ID_CONFIG, "switchboard-schema-registry-admin"));
        try {
            this.producer = clients.producer(Map.of(
                    ProducerConfig.CLIENT_ID_CONFIG, "switchboard-schema-registry-writer",
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.LINGER_MS_CONFIG, 0,
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis()),
                    new ByteArraySerializer(), new ByteArraySerializer());
            this.reader = TopicReader.of(clients, topic, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                    .settings(Map.of(
                            ConsumerConfig.CLIENT_ID_CONFIG, "switchboard-schema-registry-reader",
                            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"))
                    .pollFor(POLL_TIMEOUT)
                    .threadName("schema-registry-reader-" + topic)
                    .onRecords(records -> records.forEach(this::applyRecord))
                    .onFailure(TopicReader.OnFailure.RETRY, Duration.ofMillis(500),
                            e -> log.warn("Reading schema topic {} failed; retrying", topic, e))
                    .build();
        } catch (RuntimeException e) {
            admin.close();
            throw e;
        }
    }

    /** Creates the topic if needed, starts reading it and returns once everything in it is applied. */
    void start() {
        RegistryTopic.ensure(admin, topic, timeout);
        reader.start();
        catchUp();
    }

    @Override
    public boolean append(LogEntry entry) {
        CompletableFuture<Boolean> applied = new CompletableFuture<>();
        pending.put(entry.nonce(), applied);
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            producer.send(new ProducerRecord<>(topic, 0, codec.key(entry), codec.value(entry)))
                    .get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
            return applied.get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw RegistryError.timeout("Operation timed out: the schema log " + topic + " did not confirm the change within " + timeout);
        } catch (ExecutionException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw RegistryError.storeError("Error in the backend data store: cannot write to " + topic + ": " + cause.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RegistryError.storeError("Interrupted while writing to " + topic);
        } finally {
            pending.remove(entry.nonce());
        }
    }

    @Override
    public void catchUp() {
        boolean read;
        try {
            read = reader.readToEnd(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RegistryError.storeError("Interrupted while reading " + topic);
        }
        if (!read) {
            throw RegistryError.timeout("Operation timed out: could not read the schema log " + topic + " to its end within " + timeout);
        }
    }

    private void applyRecord(TopicRecord<byte[], byte[]> record) {
        LogEntry entry = codec.decode(record.value());
        if (entry == null) {
            if (record.value() != null) {
                log.warn("Skipping a record the registry does not understand at {}@{}", topic, record.offset());
            }
            return;
        }
        boolean applied = view.apply(entry);
        CompletableFuture<Boolean> waiter = pending.get(entry.nonce());
        if (waiter != null) {
            waiter.complete(applied);
        }
    }

    private static long remainingMillis(long deadlineNanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }

    @Override
    public void close() {
        reader.close();
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }
}
