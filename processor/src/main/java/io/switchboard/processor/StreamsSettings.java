package io.switchboard.processor;

import io.switchboard.kafkaio.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;

import java.nio.file.Path;
import java.util.Properties;

/**
 * The Kafka Streams configuration of the command processor: exactly-once v2, and the latency
 * settings that matter when a client waits for each decision.
 */
public final class StreamsSettings {

    private StreamsSettings() {
    }

    /** How long the processor's producer waits to send records together. */
    static final int LINGER_MS = 1;
    static final long POLL_MS = 50;

    /**
     * @param applicationServer this replica's host:port for interactive-query routing
     * @param standbyReplicas   standby copies of each store kept on other replicas
     */
    public static Properties of(Topics topics, String bootstrapServers, Path stateDir,
                                String applicationServer, int standbyReplicas) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, topics.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, standbyReplicas);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
        // Records that are not commands: log them, send them to the dead-letter topic, go on.
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueProcessingExceptionHandler.class);
        p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.deadLetters());
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // How long the stream thread blocks in poll when it has nothing to process: a poll returns
        // as soon as a fetch brings records, so this costs no latency; it bounds how late an idle
        // thread commits what it processed (the commit is checked after each poll), and how often an
        // idle replica wakes (waking every 5 ms costs an idle replica about 5% of a core).
        p.put(StreamsConfig.POLL_MS_CONFIG, POLL_MS);
        // Each command is decided into several topics (stores' changelogs, decisions, lifecycle
        // events, history). Sent one by one, each record is a request of its own for the broker;
        // waiting a moment sends a command's records, and those of the commands decided meanwhile,
        // together. Answers from this replica's own decisions do not wait for it (they reach the API
        // in process); readers of the decisions topic (the data plane, and a replica waiting on a
        // decision another replica's processor makes) wait up to this long more. 1 ms rather than
        // Kafka's default 5: through three replicas, pauses and resumes are answered sooner with it,
        // for no more CPU (bench/RESULTS.md).
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), LINGER_MS);
        // The first batches of a transaction can be refused as out of order while the broker adds the
        // partition to it; retry them at once rather than after the default 100 ms.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), 5);
        // Kafka's 100 ms under exactly-once. The data plane reads the desired state as committed, so the interval
        // delays every change it carries out: 60 pauses at c16 take about twice as long to show at 500 ms; at 50 ms
        // each pause writes 1.3 records more (transaction markers and their bookkeeping), and 200 ms is no better
        // than 100 (bench/pause-writes.sh; bench/RESULTS.md, "The commit interval").
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        // Kafka's 500 ms fetch wait, not the readers' longer one (ReaderConsumerSettings.IDLE_FETCH_WAIT_MS): a
        // consumer sends no fetch to a broker while one is held there, so partitions a rebalance adds
        // would wait out the held fetch before they are read, and a failover would take that longer.
        // Commands and observations share a task (the decider reads the statuses store), but nothing
        // needs them interleaved by timestamp: process what has arrived rather than wait to learn
        // whether the other partition has something older.
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        // A replica that died is noticed within 10 s rather than Kafka's default 45 s.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 2_000);
        // One memory budget for every store, so that a replica's memory does not grow with the
        // partitions it holds.
        p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
        return p;
    }
}
