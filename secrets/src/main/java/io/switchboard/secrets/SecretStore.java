package io.switchboard.secrets;

import io.switchboard.kafkaio.KafkaClients;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
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
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.common.errors.WakeupException;
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
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Named secrets per Connect cluster, kept in a compacted Kafka topic ({@code <prefix>.secrets}, one
 * partition, keyed {@code <cluster>/<name>}) with their values sealed by the keyring: the topic
 * never holds a value in plain text. Every replica reads the whole topic into memory with one
 * thread, so any replica can answer; a write returns once this replica has read it back, so a
 * client reads what it wrote. Only {@link #open} gives a value back, for the worker that needs it.
 *
 * <p>Every change is decided by one writer at a time, against every record written before it: all
 * replicas write through one transactional id ({@code <topic>.writer}), so a replica's writer
 * fences the one before it. A {@link #change} reads the topic to its end, decides, and commits; if
 * another replica's writer started meanwhile, the commit is refused (fenced), and the change is
 * read and decided again. So of two creates of one secret, on any replicas, exactly one writes.
 */
public final class SecretStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SecretStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WRITE_VISIBLE_WITHIN = Duration.ofSeconds(10);
    /** Times a change is decided again after another replica wrote first; contention is rare, and bounded. */
    private static final int ATTEMPTS = 10;

    /** A secret as stored: its value sealed, never in plain text. */
    public record StoredSecret(String cluster, String name, Map<String, String> labels,
                               @JsonProperty("sealed") String sealedValue, long createdAt, long updatedAt) {
    }

    /**
     * How a secret changes, decided against the secret as the whole topic has it (null: there is
     * none). Answers the secret to write, or null to delete it; throws to refuse, and then nothing
     * is written. It may be called again (after another replica wrote), so it must not act.
     */
    @FunctionalInterface
    public interface Change {
        StoredSecret decide(StoredSecret current);
    }

    /** The store cannot be read or written now. */
    public static final class StoreUnavailable extends RuntimeException {
        StoreUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final String topic;
    private final SecretBox box;
    private final KafkaClients clients;
    private final Map<String, Object> producerSettings;
    private final KafkaConsumer<String, String> consumer;
    /** Reads where the topic ends, for a change to read everything before it decides; used under {@link #writeLock}. */
    private final KafkaConsumer<String, String> endReader;
    private final Object writeLock = new Object();
    /** This replica's transactional writer, while no other replica's has fenced it; under {@link #writeLock}. */
    private KafkaProducer<String, String> writer;
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
        this.clients = new KafkaClients(bootstrapServers, kafkaSettings);
        this.producerSettings = Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, topic + ".writer",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        Map<String, Object> consumerSettings = Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = clients.consumer(consumerSettings, new StringDeserializer(), new StringDeserializer());
        this.endReader = clients.consumer(consumerSettings, new StringDeserializer(), new StringDeserializer());
        TopicPartition partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        // Never polled: assigned only so that asking for the end of a read_committed partition is not
        // logged as a warning ("no longer assigned") on every change of a secret.
        endReader.assign(List.of(partition));
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
            } catch (WakeupException e) {
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

    /** A secret with this value sealed: a new one ({@code current} null), or a new value and labels for {@code current}. */
    public StoredSecret sealed(String cluster, String name, Map<String, String> labels, String value, StoredSecret current, long now) {
        return new StoredSecret(cluster, name, Map.copyOf(labels), box.seal("secret:" + cluster + "/" + name, value),
                current == null ? now : current.createdAt(), now);
    }

    /**
     * Decides a change of one secret against every record written before it, by any replica, and
     * writes what it decided; answers what was written (null: deleted) once this replica reads it.
     * What {@code change} throws is thrown, and nothing is written.
     */
    public StoredSecret change(String cluster, String name, Change change) {
        String key = key(cluster, name);
        synchronized (writeLock) {
            for (int attempt = 1; ; attempt++) {
                KafkaProducer<String, String> producer = writer();
                readToTheEnd();
                StoredSecret next = change.decide(secrets.get(key));
                if (next != null && !(next.cluster().equals(cluster) && next.name().equals(name))) {
                    throw new IllegalArgumentException("A change of secret " + key + " must keep its name");
                }
                try {
                    producer.beginTransaction();
                    Future<RecordMetadata> sent = producer.send(
                            new ProducerRecord<>(topic, key, next == null ? null : JSON.writeValueAsString(next)));
                    producer.commitTransaction();
                    awaitRead(sent.get(30, TimeUnit.SECONDS).offset());
                    return next;
                } catch (ProducerFencedException | InvalidProducerEpochException | TransactionAbortableException fenced) {
                    // Another replica's writer started since this one did, so nothing was committed:
                    // read what it wrote, and decide again.
                    closeWriter();
                    if (attempt == ATTEMPTS) {
                        throw new StoreUnavailable("Secrets are being changed on other replicas; try again", fenced);
                    }
                } catch (JsonProcessingException e) {
                    closeWriter();
                    throw new IllegalStateException(e);
                } catch (KafkaException | ExecutionException | TimeoutException e) {
                    closeWriter();
                    throw new StoreUnavailable("The secrets topic cannot be written now", e);
                } catch (InterruptedException e) {
                    closeWriter();
                    Thread.currentThread().interrupt();
                    throw new StoreUnavailable("Interrupted", e);
                }
            }
        }
    }

    /** This replica's writer; a new one fences every other replica's and ends the transaction any left open. */
    private KafkaProducer<String, String> writer() {
        if (writer == null) {
            KafkaProducer<String, String> created = clients.producer(producerSettings, new StringSerializer(), new StringSerializer());
            try {
                created.initTransactions();
            } catch (KafkaException e) {
                created.close(Duration.ZERO);
                throw new StoreUnavailable("The secrets topic cannot be written now", e);
            }
            writer = created;
        }
        return writer;
    }

    private void closeWriter() {
        if (writer != null) {
            writer.close(Duration.ZERO);
            writer = null;
        }
    }

    /** Waits until this replica has read every committed record of the topic there is now. */
    private void readToTheEnd() {
        long end;
        try {
            TopicPartition partition = new TopicPartition(topic, 0);
            end = endReader.endOffsets(List.of(partition), Duration.ofSeconds(10)).get(partition);
        } catch (KafkaException e) {
            throw new StoreUnavailable("The secrets topic cannot be read now", e);
        }
        awaitPosition(end);
    }

    /**
     * Waits (bounded) until this replica has read every secret the topic holds now: before a worker
     * that opens secrets with it starts its connectors. Throws {@link StoreUnavailable} past the bound.
     */
    public void awaitCaughtUp() {
        synchronized (writeLock) {
            readToTheEnd();
        }
    }

    /** The secret's value in plain text, for the worker that starts a connector using it; empty when there is none. */
    public Optional<String> open(String cluster, String name) {
        return get(cluster, name).map(s -> box.open(s.sealedValue()));
    }

    private void awaitRead(long offset) {
        awaitPosition(offset + 1);
    }

    /** Waits until the reader is at {@code position} or past it. */
    private void awaitPosition(long position) {
        long deadline = System.nanoTime() + WRITE_VISIBLE_WITHIN.toNanos();
        while (readUpTo < position) {
            if (System.nanoTime() > deadline) {
                throw new StoreUnavailable("The secrets topic is not read up to date yet; try again shortly", null);
            }
            sleep(10);
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
        synchronized (writeLock) {
            if (writer != null) {
                writer.close(Duration.ofSeconds(2));
                writer = null;
            }
            endReader.close(Duration.ofSeconds(2));
        }
    }
}
