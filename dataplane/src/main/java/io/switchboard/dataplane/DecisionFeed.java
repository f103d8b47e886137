package io.switchboard.dataplane;

import io.switchboard.schemas.CommandDecision;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Tells the data plane of every decision as soon as it is made, whichever replica made it: it
 * reads every partition of the decisions topic from its end, read_uncommitted like the API's
 * listener (a decision is deterministic, so one whose transaction aborts is made again the same
 * way). Decisions are decoded only while this replica reconciles something.
 */
public final class DecisionFeed implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DecisionFeed.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Deserializer<CommandDecision> deserializer;
    private final String topic;
    private final BooleanSupplier wanted;
    private final Consumer<CommandDecision> listener;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param wanted   whether anyone here needs decisions now (this replica holds a reconciler lease)
     * @param listener told of each decision, on the feed's thread; must return quickly
     */
    public DecisionFeed(String bootstrapServers, Map<String, String> kafkaSettings, String topic,
                        Deserializer<CommandDecision> deserializer, BooleanSupplier wanted, Consumer<CommandDecision> listener) {
        Properties p = new Properties();
        p.putAll(kafkaSettings);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "switchboard-dataplane-decisions-" + Long.toHexString(System.nanoTime()));
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.deserializer = deserializer;
        this.topic = topic;
        this.wanted = wanted;
        this.listener = listener;
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
        consumer.assign(partitions);
        // What was decided before is the first full pass's to reconcile.
        consumer.seekToEnd(partitions);
        partitions.forEach(tp -> consumer.position(tp, Duration.ofSeconds(30)));
        this.thread = new Thread(this::run, "switchboard-dataplane-decisions");
        this.thread.setDaemon(true);
    }

    public DecisionFeed start() {
        thread.start();
        return this;
    }

    private void run() {
        while (running) {
            try {
                var records = consumer.poll(Duration.ofMillis(200));
                if (!wanted.getAsBoolean()) {
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    CommandDecision decision = deserializer.deserialize(topic, record.headers(), record.value());
                    if (decision != null) {
                        listener.accept(decision);
                    }
                }
            } catch (WakeupException e) {
                // closing
            } catch (RuntimeException e) {
                if (running) {
                    // The periodic pass covers what is missed meanwhile.
                    log.warn("Reading decisions for the data plane failed; retrying: {}", WorkerMessages.oneLine(e.toString()));
                    try {
                        Thread.sleep(1_000);
                    } catch (InterruptedException interrupted) {
                        running = false;
                    }
                }
            }
        }
        consumer.close(Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
