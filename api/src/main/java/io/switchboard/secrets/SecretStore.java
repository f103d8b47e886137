package io.switchboard.secrets;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Named secrets per Connect cluster, kept in a compacted Kafka topic ({@code <prefix>.secrets}, one
 * partition, keyed {@code <cluster>/<name>}) with their values sealed by the keyring: the topic
 * never holds a value in plain text. Every replica reads the whole topic into memory with one
 * thread, so any replica can answer; a write returns once this replica has read it back, so a
 * client reads what it wrote. Only {@link #open} gives a value back, for the worker that needs it.
 */
public final class SecretStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SecretStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WRITE_VISIBLE_WITHIN = Duration.ofSeconds(10);

    /** A secret as stored: its value sealed, never in plain text. */
    public record StoredSecret(String cluster, String name, Map<String, String> labels,
                               @JsonProperty("sealed") String sealedValue, long createdAt, long updatedAt) {
    }

    /** The store cannot be read or written now. */
    public static final class StoreUnavailable extends RuntimeException {
        StoreUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final String topic;
    private final SecretBox box;
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> consumer;
    private final Map<String, StoredSecret> secrets = new ConcurrentHashMap<>();
    private final Thread reader;
    private volatile long readUpTo = -1;
    private volatile boolean closed;

    public SecretStore(String bootstrapServers, String topic, SecretBox box, Admin admin) {
        this(bootstrapServers, Map.of(), topic, box, admin);
    }

    /** @param kafkaSettings settings every Kafka client gets (security, for one), under Switchboard's own */
    public SecretStore(String bootstrapServers, Map<String, String> kafkaSettings, String topic, SecretBox box, Admin admin) {
        this.topic = topic;
        this.box = box;
        createTopic(admin, topic);
        Map<String, Object> producerSettings = new java.util.HashMap<>(kafkaSettings);
        producerSettings.putAll(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true));
        this.producer = new KafkaProducer<>(producerSettings, new StringSerializer(), new StringSerializer());
        Map<String, Object> consumerSettings = new java.util.HashMap<>(kafkaSettings);
        consumerSettings.putAll(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        this.consumer = new KafkaConsumer<>(consumerSettings, new StringDeserializer(), new StringDeserializer());
        TopicPartition partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        this.reader = new Thread(this::read, "switchboard-secrets-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private static void createTopic(Admin admin, String topic) {
        try {
            int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
            short replication = (short) Math.min(3, Math.max(1, brokers));
            admin.createTopics(List.of(new NewTopic(topic, 1, replication).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                    TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(Math.min(2, replication)))))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Cannot create " + topic + ": " + e.getCause().getMessage(), e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Cannot create " + topic + ": timed out", e);
        }
    }

    private void read() {
        while (!closed) {
            try {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    apply(record);
                }
                readUpTo = consumer.position(new TopicPartition(topic, 0));
            } catch (org.apache.kafka.common.errors.WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (!closed) {
                    log.warn("Reading {} failed ({}); reading on", topic, e.toString());
                    sleep(1000);
                }
            }
        }
    }

    private void apply(ConsumerRecord<String, String> record) {
        if (record.value() == null) {
            secrets.remove(record.key());
            return;
        }
        try {
            secrets.put(record.key(), JSON.readValue(record.value(), StoredSecret.class));
        } catch (IOException e) {
            log.warn("Skipped an unreadable record at offset {} of {}", record.offset(), topic);
        }
    }

    public Optional<StoredSecret> get(String cluster, String name) {
        return Optional.ofNullable(secrets.get(key(cluster, name)));
    }

    /** The cluster's secrets, by name. */
    public List<StoredSecret> list(String cluster) {
        Map<String, StoredSecret> sorted = new TreeMap<>();
        secrets.values().stream().filter(s -> s.cluster().equals(cluster)).forEach(s -> sorted.put(s.name(), s));
        return new ArrayList<>(sorted.values());
    }

    /** Seals and writes a secret (a new one, or a new value and labels for one); answers it once this replica reads it. */
    public StoredSecret put(String cluster, String name, Map<String, String> labels, String value, long now) {
        StoredSecret existing = secrets.get(key(cluster, name));
        StoredSecret secret = new StoredSecret(cluster, name, Map.copyOf(labels),
                box.seal("secret:" + cluster + "/" + name, value), existing == null ? now : existing.createdAt(), now);
        try {
            write(key(cluster, name), JSON.writeValueAsString(secret));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return secret;
    }

    public void delete(String cluster, String name) {
        write(key(cluster, name), null);
    }

    /** The secret's value in plain text, for the worker that starts a connector using it; empty when there is none. */
    public Optional<String> open(String cluster, String name) {
        return get(cluster, name).map(s -> box.open(s.sealedValue()));
    }

    private void write(String key, String value) {
        try {
            RecordMetadata written = producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + WRITE_VISIBLE_WITHIN.toNanos();
            while (readUpTo <= written.offset()) {
                if (System.nanoTime() > deadline) {
                    throw new StoreUnavailable("The secret was written but is not read back yet; read it again shortly", null);
                }
                sleep(10);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new StoreUnavailable("The secrets topic cannot be written now", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailable("Interrupted", e);
        }
    }

    private static String key(String cluster, String name) {
        return cluster + "/" + name;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(2));
        producer.close(Duration.ofSeconds(2));
    }
}
