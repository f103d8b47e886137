package io.switchboard.kafkaio;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Reads every partition of one topic (or of a few: {@link TopicReaderBuilder#alsoTopic}) on a daemon
 * thread of its own, with no consumer group (assign
 * and seek, nothing committed), the way Kafka's own backing stores read theirs, and hands each batch
 * of records to its handler on that thread. The one reader of the control plane: every feed, log and
 * listener that reads a topic is a handler over one of these.
 *
 * <ul>
 *   <li><b>Where it starts:</b> at the start of each partition, or at its end. Its start positions
 *       are fixed once the partitions are assigned; {@link #awaitPositioned} waits for that (a reader
 *       from the end fixes them before anything it must see is written).</li>
 *   <li><b>Caught up:</b> once it has read as far as the topic went when it started (from the end: at
 *       once). {@link #caughtUp} says so; the {@code onCaughtUp} listener is told once.</li>
 *   <li><b>Read to the end:</b> {@link #readToEnd} waits until it has read as far as the topic goes
 *       now (its end offsets read after the call began: with read_committed, every transaction
 *       committed before it). Calls that arrive together share one read of the end offsets.</li>
 *   <li><b>A missing topic</b> is waited for, asked for once a second; never created here (nor by
 *       the broker's defaults: {@code allow.auto.create.topics} is false).</li>
 *   <li><b>Failures</b> are told to the {@code onFailure} listener, and then, by its policy: read on
 *       from where it was after a pause ({@link OnFailure#RETRY}), read again from its start with a
 *       new consumer after a pause ({@link OnFailure#RESTART}), or stop ({@link OnFailure#STOP}:
 *       no longer caught up, and every read to the end answers false).</li>
 *   <li><b>Bounded:</b> one thread and one consumer; a batch is at most the consumer's
 *       {@code max.poll.records} (the handler's settings may lower it and the fetch sizes); each poll
 *       waits at most {@code pollFor}.</li>
 *   <li><b>One close:</b> {@link #close} wakes the poll and the pause, joins the thread (bounded),
 *       and the thread closes its consumer.</li>
 * </ul>
 * Thread-safe: its consumer is touched only by its own thread ({@link #wakeupForEnds} and
 * {@link #close} only wake it).
 */
public final class TopicReader<K, V> implements AutoCloseable {
    /** Where a reader starts in each partition. */
    public enum From { START, END }

    /** What a reader does after a failure, once its {@code onFailure} listener was told. */
    public enum OnFailure {
        /** Reads on with the same consumer, from where it was, after the pause. */
        RETRY,
        /** Reads again from its start with a new consumer, after the pause; not caught up until it is again. */
        RESTART,
        /** Stops reading. */
        STOP
    }

    /**
     * How long closing the consumer waits: not at all. It committed nothing and is in no group, so
     * its close only says goodbye to the fetch sessions, and that waits behind the fetch the broker
     * holds for an idle reader ({@link ReaderConsumerSettings#IDLE_FETCH_WAIT_MS}): with any wait it
     * waited it out, and every reader of a stopping replica added its whole wait to the stop.
     */
    private static final Duration CLOSE_CONSUMER = Duration.ZERO;
    private static final Duration JOIN = Duration.ofSeconds(10);
    /** How often a topic that does not exist yet is asked for. */
    private static final long MISSING_TOPIC_PAUSE_MS = 1_000;
    /** How long a poll waits while a read to the end is under way. */
    private static final Duration POLL_WHILE_READING_TO_END = Duration.ofMillis(20);

    private static final Logger log = LoggerFactory.getLogger(TopicReader.class);
    private final KafkaClients clients;
    private final String topic;
    /** The topic, and any read beside it. */
    private final List<String> topics;
    private final Map<String, Object> settings;
    private final Deserializer<K> keys;
    private final Deserializer<V> values;
    private final From from;
    private final Duration pollFor;
    private final OnFailure onFailure;
    private final Duration pause;
    private final Consumer<List<TopicRecord<K, V>>> handler;
    private final Runnable onCaughtUp;
    private final Runnable onMissingTopic;
    private final Consumer<RuntimeException> failed;
    /** Kafka refusing this reader (its credentials, its ACLs): one ERROR line a minute at most, naming the setting. */
    private final KafkaRefusals.Reporter refusals;
    private final Thread thread;
    /** Done once the start positions are fixed; failed by the first failure before that, or when reading stops first. */
    private final CompletableFuture<Void> positioned = new CompletableFuture<>();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile KafkaConsumer<K, V> consumer;
    private volatile boolean caughtUp;
    private volatile boolean closed;
    private volatile boolean stopped;
    /** Guards {@link #asked} and {@link #answered}, and is notified when a read to the end is done or reading stops. */
    private final Object ends = new Object();
    /** Reads to the end asked for, and the last one done: each is done once the reader has read as far as the topic went after it was asked. */
    private long asked;
    private long answered;

    TopicReader(TopicReaderBuilder<K, V> b) {
        this.clients = b.clients;
        this.topic = b.topic;
        List<String> all = new ArrayList<>();
        all.add(b.topic);
        all.addAll(b.moreTopics);
        this.topics = List.copyOf(all);
        this.settings = ReaderConsumerSettings.of(b.settings);
        this.keys = b.keys;
        this.values = b.values;
        this.from = b.from;
        this.pollFor = b.pollFor;
        this.onFailure = b.onFailure;
        this.pause = b.pause;
        this.handler = Objects.requireNonNull(b.handler, "a reader needs a handler of its records");
        this.onCaughtUp = b.onCaughtUp;
        this.onMissingTopic = b.onMissingTopic;
        this.failed = b.failed;
        this.refusals = new KafkaRefusals.Reporter(log, "The reader of " + topic, clients.settingsName(), Duration.ofMinutes(1));
        this.thread = new Thread(this::run, b.threadName != null ? b.threadName : "switchboard-reader-" + topic);
        thread.setDaemon(true);
    }

    /** A reader of {@code topic}, from its start, retrying after a failure: see the builder's settings. */
    public static <K, V> TopicReaderBuilder<K, V> of(KafkaClients clients, String topic, Deserializer<K> keys, Deserializer<V> values) {
        return new TopicReaderBuilder<>(clients, topic, keys, values);
    }

    public TopicReader<K, V> start() {
        thread.start();
        return this;
    }

    public String topic() {
        return topic;
    }

    /** Whether it has read as far as the topic went when it started (and reads on). */
    public boolean caughtUp() {
        return caughtUp;
    }

    /**
     * Waits until the reader has assigned the topic's partitions and fixed its start positions;
     * false when {@code wait} passes first or reading stopped. Throws the first failure if reading
     * failed before that (the reader itself goes on as its policy says).
     */
    public boolean awaitPositioned(Duration wait) throws InterruptedException {
        try {
            positioned.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return !stopped;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            return false;
        }
    }

    /**
     * Waits until the reader has read as far as the topic goes now (read after this call began),
     * whether or not it had caught up when asked. False when {@code wait} passes first, or reading
     * stopped or is closed.
     */
    public boolean readToEnd(Duration wait) throws InterruptedException {
        if (stopped || closed) {
            return false;
        }
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (ends) {
            long ticket = ++asked;
            wakeupForEnds();
            long left;
            while (answered < ticket) {
                if (stopped || closed || (left = deadline - System.nanoTime()) <= 0) {
                    return false;
                }
                ends.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    /** Out of its poll at once: the end offsets are read on the reader's thread, which owns the consumer. */
    private void wakeupForEnds() {
        KafkaConsumer<K, V> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    /**
     * Its consumer, for its client metrics (records-lag and the like) only: never to be polled,
     * assigned or closed by anyone else. Null before it starts and after it stops.
     */
    public org.apache.kafka.clients.consumer.Consumer<K, V> client() {
        return consumer;
    }

    private void run() {
        try {
            while (!closed) {
                KafkaConsumer<K, V> kafka;
                try {
                    kafka = clients.consumer(settings, keys, values);
                } catch (RuntimeException e) {
                    if (!failedAndGoOn(e)) {
                        return;
                    }
                    continue;
                }
                consumer = kafka;
                try {
                    if (closed) {
                        return;
                    }
                    read(kafka);
                    return;
                } catch (WakeupException e) {
                    if (closed) {
                        return;
                    }
                    // A read to the end asked for before the partitions were assigned: read them again.
                } catch (RuntimeException e) {
                    if (closed || !failedAndGoOn(e)) {
                        return;
                    }
                } finally {
                    consumer = null;
                    closeQuietly(kafka);
                }
            }
        } finally {
            stopped = true;
            caughtUp = false;
            positioned.complete(null);
            synchronized (ends) {
                ends.notifyAll();
            }
        }
    }

    /** Tells the failure; answers whether to read again (after the pause) rather than stop. */
    private boolean failedAndGoOn(RuntimeException e) {
        caughtUp = false;
        positioned.completeExceptionally(e);
        refusals.report(e);
        failed.accept(e);
        return onFailure != OnFailure.STOP && !pause();
    }

    private void read(KafkaConsumer<K, V> kafka) {
        List<TopicPartition> partitions = partitions(kafka);
        if (partitions == null) {
            return;
        }
        kafka.assign(partitions);
        if (from == From.START) {
            kafka.seekToBeginning(partitions);
        } else {
            kafka.seekToEnd(partitions);
        }
        // Fix the start positions now: a reader from the end sees everything written after this.
        partitions.forEach(partition -> kafka.position(partition, Duration.ofSeconds(30)));
        Map<TopicPartition, Long> start = from == From.START ? kafka.endOffsets(partitions) : null;
        if (start == null) {
            markCaughtUp();
        }
        positioned.complete(null);
        // A read to the end under way: the last ticket it answers, and where the topic ended when it began.
        long reading = 0;
        Map<TopicPartition, Long> readingTo = null;
        while (!closed) {
            try {
                long ticket;
                synchronized (ends) {
                    ticket = asked;
                }
                if (readingTo == null && ticket > answered()) {
                    readingTo = kafka.endOffsets(partitions);
                    reading = ticket;
                    if (reached(kafka, readingTo)) {
                        // Nothing written since the last poll: answered without waiting for one.
                        answer(reading);
                        readingTo = null;
                        continue;
                    }
                }
                ConsumerRecords<K, V> polled = kafka.poll(readingTo == null ? pollFor : POLL_WHILE_READING_TO_END);
                handler.accept(records(polled));
                if (!caughtUp && start != null && reached(kafka, start)) {
                    markCaughtUp();
                }
                if (readingTo != null && reached(kafka, readingTo)) {
                    answer(reading);
                    readingTo = null;
                }
            } catch (WakeupException e) {
                if (closed) {
                    return;
                }
                // A read to the end was asked for: taken on the next turn.
            } catch (RuntimeException e) {
                if (closed || onFailure != OnFailure.RETRY) {
                    throw e;
                }
                refusals.report(e);
                failed.accept(e);
                if (pause()) {
                    return;
                }
            }
        }
    }

    private void markCaughtUp() {
        caughtUp = true;
        onCaughtUp.run();
    }

    private List<TopicRecord<K, V>> records(ConsumerRecords<K, V> polled) {
        if (polled.isEmpty()) {
            return List.of();
        }
        List<TopicRecord<K, V>> records = new ArrayList<>(polled.count());
        for (ConsumerRecord<K, V> r : polled) {
            records.add(new TopicRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(), r.headers(), r.key(), r.value()));
        }
        return records;
    }

    private void answer(long ticket) {
        synchronized (ends) {
            answered = ticket;
            ends.notifyAll();
        }
    }

    private long answered() {
        synchronized (ends) {
            return answered;
        }
    }

    /** Whether the reader has read every partition up to {@code offsets}. */
    private static boolean reached(KafkaConsumer<?, ?> kafka, Map<TopicPartition, Long> offsets) {
        return offsets.entrySet().stream().allMatch(end -> kafka.position(end.getKey()) >= end.getValue());
    }

    /** The topics' partitions, waiting (1 s apart) until every one exists; null when closed. */
    private List<TopicPartition> partitions(KafkaConsumer<K, V> kafka) {
        boolean told = false;
        while (!closed) {
            List<TopicPartition> found = new ArrayList<>();
            boolean missing = false;
            for (String name : topics) {
                List<PartitionInfo> infos = kafka.partitionsFor(name, Duration.ofSeconds(10));
                if (infos == null || infos.isEmpty()) {
                    missing = true;
                    break;
                }
                infos.forEach(info -> found.add(new TopicPartition(name, info.partition())));
            }
            if (!missing) {
                return found;
            }
            if (!told) {
                told = true;
                onMissingTopic.run();
            }
            try {
                if (stopping.await(MISSING_TOPIC_PAUSE_MS, TimeUnit.MILLISECONDS)) {
                    return null;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    /** Waits the pause after a failure; answers true when closed meanwhile. */
    private boolean pause() {
        try {
            return stopping.await(pause.toMillis(), TimeUnit.MILLISECONDS) || closed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private static void closeQuietly(KafkaConsumer<?, ?> kafka) {
        try {
            kafka.close(CLOSE_CONSUMER);
        } catch (RuntimeException e) {
            // closing anyway
        }
    }

    /** Stops reading: wakes the poll and the pause, and waits (bounded) for the thread, which closes the consumer. */
    @Override
    public void close() {
        closed = true;
        stopping.countDown();
        wakeupForEnds();
        synchronized (ends) {
            ends.notifyAll();
        }
        if (thread.isAlive()) {
            try {
                thread.join(JOIN.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
