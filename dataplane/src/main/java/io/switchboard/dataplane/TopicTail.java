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
 * Reads one of a Kafka Connect cluster's compacted topics (its statuses, its configs) from the
 * beginning and then as it is written, on a daemon thread of its own, with no consumer group: the
 * way the workers' own backing stores read them. Each batch of records goes to the feed's reader,
 * which answers the connectors the batch changed; once the tail has read as far as the topic went
 * when it started, it is caught up, and the feed's listener is told of each change after that.
 * A topic the workers have not made yet is waited for (asked for once a second; never created
 * here: a worker refuses to start with a topic made by the broker's defaults). When reading
 * stops on an error, the tail is no longer caught up, and the feed answers nothing from then on.
 */
final class TopicTail implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TopicTail.class);

    private final String topic;
    private final String what;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final Function<Iterable<ConsumerRecord<String, byte[]>>, Set<String>> reader;
    private volatile Consumer<Set<String>> onChange = names -> { };
    private volatile boolean caughtUp;
    private volatile boolean closed;

    /**
     * @param what          what the topic holds, for the log ("status", "config")
     * @param kafkaSettings settings every Kafka client gets (security, for one), under the tail's own
     * @param isolation     the consumer's isolation level
     * @param reader        applies a batch of records; answers the connectors it changed
     */
    TopicTail(String what, String bootstrapServers, Map<String, String> kafkaSettings, String topic, String isolation,
              Function<Iterable<ConsumerRecord<String, byte[]>>, Set<String>> reader) {
        this.topic = topic;
        this.what = what;
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

    private void run() {
        try {
            List<TopicPartition> partitions = partitions();
            if (partitions == null) {
                return;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (!closed) {
                Set<String> changed = reader.apply(consumer.poll(Duration.ofMillis(500)));
                if (!caughtUp && ends.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue())) {
                    caughtUp = true;
                    log.info("Reading Kafka Connect {} topic {} as it is written", what, topic);
                }
                if (!changed.isEmpty() && caughtUp) {
                    onChange.accept(changed);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            caughtUp = false;
            if (!closed) {
                log.warn("Stopped reading Kafka Connect {} topic {}; the worker's REST API is read instead: {}",
                        what, topic, WorkerMessages.oneLine(e.toString()));
            }
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
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
                log.info("Kafka Connect {} topic {} does not exist yet; the worker's REST API is read until it does", what, topic);
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
