package io.switchboard.kafka;

import io.switchboard.kafkaio.KafkaClients;
import io.switchboard.kafkaio.TopicReader;
import io.switchboard.secrets.SecretBox;
import io.switchboard.secrets.SecretStore;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;

/**
 * The secret store's log in a compacted Kafka topic ({@code <prefix>.secrets}, one partition, made
 * with the other topics at start). Every replica reads the whole topic into memory with one
 * {@link TopicReader} (read_committed), so any replica can answer; a write returns once this
 * replica has read it back, so a client reads what it wrote.
 *
 * <p>Every change is decided by one writer at a time, against every record written before it: all
 * replicas write through one transactional id ({@code <topic>.writer}), so a replica's writer
 * fences the one before it. A {@link #change} reads the topic to its end, decides, and commits; if
 * another replica's writer started meanwhile, the commit is refused (fenced), and the change is
 * read and decided again. So of two creates of one secret, on any replicas, exactly one writes.
 */
public final class KafkaSecretStore extends SecretStore {
    private static final Logger log = LoggerFactory.getLogger(KafkaSecretStore.class);
    private static final Duration WRITE_VISIBLE_WITHIN = Duration.ofSeconds(10);
    /**
     * How long a change is decided again after other replicas' writers fenced this one's: contention
     * is rare, and bounded in time (well inside a request's answer window), not in attempts, which a
     * busy machine spends faster than the writers get through.
     */
    private static final Duration FENCED_FOR_AT_MOST = Duration.ofSeconds(15);
    /** The shortest pause before a write fenced by another replica's writer is tried again, in milliseconds. */
    private static final long FENCED_PAUSE_MS = 25;
    /** The longest such pause, in milliseconds. */
    private static final long FENCED_PAUSE_MAX_MS = 2_000;

    private final String topic;
    private final KafkaClients clients;
    private final Map<String, Object> producerSettings;
    private final TopicReader<String, String> reader;
    private final Object writeLock = new Object();
    /** This replica's transactional writer, while no other replica's has fenced it; under {@link #writeLock}. */
    private KafkaProducer<String, String> writer;

    /** Starts reading {@code topic}, which exists (see {@code Topics#toCreate}). */
    public KafkaSecretStore(KafkaClients clients, String topic, SecretBox box) {
        super(box);
        this.topic = topic;
        this.clients = clients;
        this.producerSettings = Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, topic + ".writer",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        this.reader = TopicReader.of(clients, topic, new StringDeserializer(), new StringDeserializer())
                .settings(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))
                .pollFor(Duration.ofMillis(200))
                .threadName("switchboard-secrets-reader")
                .onRecords(records -> records.forEach(record -> {
                    if (!applyRecord(record.key(), record.value())) {
                        log.warn("Skipped an unreadable record at offset {} of {}", record.offset(), topic);
                    }
                }))
                .onFailure(TopicReader.OnFailure.RETRY, Duration.ofSeconds(1),
                        e -> log.warn("Reading {} failed ({}); reading on", topic, e.toString()))
                .build()
                .start();
    }

    @Override
    public StoredSecret change(String cluster, String name, Change change) {
        String key = key(cluster, name);
        synchronized (writeLock) {
            long giveUpAt = System.nanoTime() + FENCED_FOR_AT_MOST.toNanos();
            for (int attempt = 1; ; attempt++) {
                KafkaProducer<String, String> producer = writer();
                readToTheEnd();
                StoredSecret next = change.decide(current(key));
                if (next != null && !(next.cluster().equals(cluster) && next.name().equals(name))) {
                    throw new IllegalArgumentException("A change of secret " + key + " must keep its name");
                }
                try {
                    producer.beginTransaction();
                    Future<RecordMetadata> sent = producer.send(new ProducerRecord<>(topic, key, next == null ? null : encode(next)));
                    producer.commitTransaction();
                    sent.get(30, TimeUnit.SECONDS);
                    // Committed: the end of the topic is past it now, so reading to the end reads it.
                    readToTheEnd();
                    return next;
                } catch (KafkaException | ExecutionException | TimeoutException e) {
                    closeWriter();
                    if (!fenced(e)) {
                        throw new StoreUnavailable("The secrets topic cannot be written now", e);
                    }
                    // Another replica's writer started since this one did, so nothing was committed:
                    // read what it wrote, and decide again.
                    if (System.nanoTime() - giveUpAt >= 0) {
                        throw new StoreUnavailable("Secrets are being changed on other replicas; try again", e);
                    }
                    // Two replicas writing at once fence each other in turn: a random pause, doubling in
                    // range with each attempt, lets one of them commit before the other's next writer fences it.
                    pauseAfterFencing(attempt);
                } catch (InterruptedException e) {
                    closeWriter();
                    Thread.currentThread().interrupt();
                    throw new StoreUnavailable("Interrupted", e);
                }
            }
        }
    }

    private static void pauseAfterFencing(int attempt) {
        try {
            long longest = Math.min(FENCED_PAUSE_MAX_MS, FENCED_PAUSE_MS << Math.min(attempt, 10));
            Thread.sleep(ThreadLocalRandom.current().nextLong(FENCED_PAUSE_MS, longest + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailable("Interrupted", e);
        }
    }

    /**
     * Whether a failed write failed because another replica's writer fenced this one: the producer
     * says so directly, or as the cause of the error it ends in (a commit after a failed send throws
     * a plain {@link KafkaException} over it; a send's future, an {@link ExecutionException}), or the
     * coordinator had already aborted the transaction for the new writer (a commit refused as
     * {@link InvalidTxnStateException}).
     */
    static boolean fenced(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException
                    || t instanceof TransactionAbortableException || t instanceof InvalidTxnStateException) {
                return true;
            }
        }
        return false;
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

    /** Waits (bounded) until this replica has read every committed record of the topic there is now. */
    private void readToTheEnd() {
        boolean read;
        try {
            read = reader.readToEnd(WRITE_VISIBLE_WITHIN);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailable("Interrupted", e);
        }
        if (!read) {
            throw new StoreUnavailable("The secrets topic is not read up to date yet; try again shortly", null);
        }
    }

    @Override
    public void awaitCaughtUp() {
        synchronized (writeLock) {
            readToTheEnd();
        }
    }

    @Override
    public void close() {
        reader.close();
        synchronized (writeLock) {
            if (writer != null) {
                writer.close(Duration.ofSeconds(2));
                writer = null;
            }
        }
    }
}
