package io.switchboard.dataplane;

import io.switchboard.kafkaio.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Reads a compacted topic (a Kafka Connect cluster's statuses or configs, the changelog of the
 * processor's connectors store) from the
 * beginning and then as it is written, on a daemon thread of its own, with no consumer group: the
 * way the workers' own backing stores read them. Each batch of records goes to the feed's reader,
 * which answers the connectors the batch changed; once the tail has read as far as the topic went
 * when it started, it is caught up, and the feed's listener is told of each change after that.
 * {@link #readToEnd} waits until it has read as far as the topic goes now.
 * A topic that does not exist yet is waited for (asked for once a second; never created
 * here: a worker refuses to start with a topic made by the broker's defaults). When reading
 * stops on an error, the tail is no longer caught up, and the feed answers nothing from then on.
 */
final class TopicTail implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TopicTail.class);

    private final String topic;
    /** What the topic is, for the log ("Kafka Connect status topic ..."). */
    private final String described;
    /** What is read while the tail answers nothing, for the log. */
    private final String instead;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final Function<Iterable<ConsumerRecord<String, byte[]>>, Set<String>> reader;
    private volatile Consumer<Set<String>> onChange = names -> { };
    private volatile boolean caughtUp;
    private volatile boolean closed;
    /** Guards {@link #asked} and {@link #answered}, and is notified when a read to the end is done. */
    private final Object ends = new Object();
    /** Reads to the end asked for, and the last one done: each is done once the tail has read as far as the topic went after it was asked. */
    private long asked;
    private long answered;

    /**
     * @param what          what the topic holds, for the log ("status", "config")
     * @param kafkaSettings settings every Kafka client gets (security, for one), under the tail's own
     * @param isolation     the consumer's isolation level
     * @param reader        applies a batch of records; answers the connectors it changed
     */
    TopicTail(String what, String bootstrapServers, Map<String, String> kafkaSettings, String topic, String isolation,
              Function<Iterable<ConsumerRecord<String, byte[]>>, Set<String>> reader) {
        this(what, "Kafka Connect " + what + " topic " + topic, "the worker's REST API", bootstrapServers, kafkaSettings, topic,
                isolation, reader);
    }

    /**
     * @param what      a short name, for the thread and the client id
     * @param described what the topic is, for the log
     * @param instead   what is read while the tail answers nothing, for the log
     */
    TopicTail(String what, String described, String instead, String bootstrapServers, Map<String, String> kafkaSettings,
              String topic, String isolation, Function<Iterable<ConsumerRecord<String, byte[]>>, Set<String>> reader) {
        this.topic = topic;
        this.described = described;
        this.instead = instead;
        this.reader = reader;
        this.consumer = new KafkaClients(bootstrapServers, kafkaSettings).consumer(Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50,
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "switchboard-" + what + "-feed-" + topic), new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "switchboard-" + what + "-feed-" + topic);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Called on the tail's thread, once it has caught up, after each batch that changed something. */
    void onChange(Consumer<Set<String>> listener) {
        this.onChange = listener;
    }

    boolean caughtUp() {
        return caughtUp;
    }

    /**
     * Waits until the tail has read as far as the topic goes now (its end offsets, read after this
     * call began: with read_committed, every transaction committed before it). Answers false at once
     * while the tail has not caught up, and when {@code wait} passes first or reading stops. Calls
     * that arrive together share one read of the end offsets.
     */
    boolean readToEnd(Duration wait) throws InterruptedException {
        if (!caughtUp || closed) {
            return false;
        }
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (ends) {
            long ticket = ++asked;
            // Out of its poll at once: the end offsets are read on the tail's thread, which owns the consumer.
            consumer.wakeup();
            long left;
            while (answered < ticket) {
                if (!caughtUp || closed || (left = deadline - System.nanoTime()) <= 0) {
                    return false;
                }
                ends.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    private void run() {
        try {
            List<TopicPartition> partitions = partitions();
            if (partitions == null) {
                return;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> start = consumer.endOffsets(partitions);
            // A read to the end under way: the last ticket it answers, and where the topic ended when it began.
            long reading = 0;
            Map<TopicPartition, Long> readingTo = null;
            while (!closed) {
                try {
                    long ticket;
                    synchronized (ends) {
                        ticket = asked;
                    }
                    if (caughtUp && readingTo == null && ticket > answered()) {
                        readingTo = consumer.endOffsets(partitions);
                        reading = ticket;
                        if (reached(readingTo)) {
                            // Nothing written since the last poll: answered without waiting for one.
                            answer(reading);
                            readingTo = null;
                            continue;
                        }
                    }
                    Set<String> changed = reader.apply(consumer.poll(readingTo == null ? Duration.ofMillis(500) : Duration.ofMillis(20)));
                    if (!caughtUp && reached(start)) {
                        caughtUp = true;
                        log.info("Reading {} as it is written", described);
                    }
                    if (!changed.isEmpty() && caughtUp) {
                        onChange.accept(changed);
                    }
                    if (readingTo != null && reached(readingTo)) {
                        answer(reading);
                        readingTo = null;
                    }
                } catch (WakeupException e) {
                    if (closed) {
                        break;
                    }
                    // A read to the end was asked for: taken on the next turn.
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            caughtUp = false;
            if (!closed) {
                log.warn("Stopped reading {}; {} is read instead: {}", described, instead, WorkerMessages.oneLine(e.toString()));
            }
        } finally {
            caughtUp = false;
            synchronized (ends) {
                ends.notifyAll();
            }
            consumer.close(Duration.ofSeconds(2));
        }
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

    /** Whether the tail has read every partition up to {@code offsets}. */
    private boolean reached(Map<TopicPartition, Long> offsets) {
        return offsets.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
    }

    /** The topic's partitions, waiting (bounded, 1 s apart) until the workers have made it; null when closed. */
    private List<TopicPartition> partitions() {
        boolean told = false;
        while (!closed) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
            }
            if (!told) {
                told = true;
                log.info("{} does not exist yet; {} is read until it does", described, instead);
            }
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                return null;
            }
        }
        return null;
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
