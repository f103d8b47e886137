package io.switchboard.dataplane;

import io.switchboard.kafkaio.KafkaClients;
import io.switchboard.kafkaio.TopicReader;
import io.switchboard.kafkaio.TopicRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The reading of a Kafka Connect cluster's own topics (its statuses, configs and source offsets, as
 * its workers write them) for the feeds over them ({@link WorkerStatusFeed}, {@link WorkerConfigFeed},
 * {@link WorkerOffsetsFeed}): one {@link TopicReader} over every topic a feed was added for, so one
 * consumer and one thread read them all, and a change the workers write to several of them (a pause
 * writes a target state and statuses) costs one fetch per broker rather than one per topic. Each
 * record goes to the feed of its topic, in the order read.
 * <ul>
 *   <li><b>Where it starts:</b> at the start of each topic; the feeds are added before {@link #start},
 *       and none after.</li>
 *   <li><b>Caught up:</b> once the reader has read every topic as far as it went when the reader
 *       started: the feeds answer from then on (each until it gives up, past what it keeps). Each
 *       feed's listener is told, after that, of the connectors each batch changed in its topic.</li>
 *   <li><b>Isolation:</b> read_committed when any feed reads only what committed (the config and
 *       offsets topics, which workers with exactly-once source support write in transactions). The
 *       status topic is never written in a transaction, so its records are read as soon as they
 *       are written either way (its partitions' last stable offset is their high watermark).</li>
 *   <li><b>A missing topic</b> is waited for (never created here: a worker refuses to start with a
 *       topic made by the broker's defaults); until every topic exists, none is read, and the
 *       worker's REST API is asked for all of them.</li>
 *   <li><b>A failure</b> stops the reading of every topic, for good: the feeds answer nothing from
 *       then on and the worker's REST API is asked instead.</li>
 * </ul>
 * Threading: the feeds' records and listeners run on the reader's thread; {@link #caughtUp} is read
 * from any. {@link #close} stops the reader (the feeds, then, answer nothing).
 */
public final class WorkerTopics implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerTopics.class);

    /** A topic's feed, and what it holds, for the log ("status", "config", "offsets"). */
    private record Fed(String what, WorkerTopicFeed feed, boolean committedOnly) {
    }

    private final String name;
    private final String described;
    private final KafkaClients clients;
    /** The feeds by topic, in the order added; fixed once started. */
    private final Map<String, Fed> feeds = new LinkedHashMap<>();
    private volatile TopicReader<String, byte[]> reader;
    private boolean closed;

    /**
     * The reading of one cluster's topics.
     *
     * @param kafkaSettings settings every Kafka client gets (security, for one), under the reader's own
     */
    public WorkerTopics(String cluster, String bootstrapServers, Map<String, String> kafkaSettings) {
        this("switchboard-worker-topics-" + cluster, "Kafka Connect cluster " + cluster + "'s", bootstrapServers, kafkaSettings);
    }

    /**
     * @param name      the reader's thread and client id
     * @param described whose topics they are, for the log
     */
    WorkerTopics(String name, String described, String bootstrapServers, Map<String, String> kafkaSettings) {
        this.name = Objects.requireNonNull(name);
        this.described = described;
        this.clients = new KafkaClients(bootstrapServers, kafkaSettings);
    }

    /** Adds the feed of {@code topic}; before {@link #start} only, one feed a topic. */
    synchronized void add(String what, String topic, WorkerTopicFeed feed, String isolation) {
        if (reader != null || closed) {
            throw new IllegalStateException("the feed of " + topic + " is added after " + name + " started");
        }
        if (feeds.putIfAbsent(Objects.requireNonNull(topic), new Fed(what, feed, "read_committed".equals(isolation))) != null) {
            throw new IllegalArgumentException("two feeds of topic " + topic);
        }
    }

    /** Starts reading every topic a feed was added for (nothing when none was); once. */
    public synchronized WorkerTopics start() {
        if (reader != null || closed || feeds.isEmpty()) {
            return this;
        }
        List<String> topics = List.copyOf(feeds.keySet());
        String isolation = feeds.values().stream().anyMatch(Fed::committedOnly) ? "read_committed" : "read_uncommitted";
        String which = described();
        var builder = TopicReader.of(clients, topics.get(0), new StringDeserializer(), new ByteArrayDeserializer())
                .settings(Map.of(
                        "auto.offset.reset", "earliest",
                        "isolation.level", isolation,
                        "allow.auto.create.topics", false,
                        "client.id", name))
                .threadName(name)
                .onRecords(this::read)
                .onCaughtUp(() -> log.info(topics.size() == 1 ? "Reading {} as it is written" : "Reading {} as they are written, with one consumer",
                        which))
                .onMissingTopic(() -> log.info(topics.size() == 1 ? "{} does not exist yet; the worker's REST API is read until it does"
                        : "Not all of {} exist yet; the worker's REST API is read for all of them until they do", which))
                .onFailure(TopicReader.OnFailure.STOP, Duration.ZERO, e -> log.warn("Stopped reading {}; the worker's REST API is read instead: {}",
                        which, WorkerMessages.oneLine(e.toString())));
        topics.subList(1, topics.size()).forEach(builder::alsoTopic);
        reader = builder.build().start();
        return this;
    }

    /** The topics, for the log: "Kafka Connect cluster c's status topic s, config topic t". */
    private String described() {
        return described + " " + feeds.entrySet().stream().map(e -> e.getValue().what() + " topic " + e.getKey())
                .collect(Collectors.joining(", "));
    }

    /** Whether the reader has read every topic as far as it went when it started (and reads on). */
    boolean caughtUp() {
        TopicReader<String, byte[]> now = reader;
        return now != null && now.caughtUp();
    }

    /** Hands each record to its topic's feed, in the order read; tells each feed's listener what changed, once caught up. */
    void read(List<TopicRecord<String, byte[]>> records) {
        Map<String, List<TopicRecord<String, byte[]>>> byTopic = new HashMap<>();
        for (TopicRecord<String, byte[]> record : records) {
            byTopic.computeIfAbsent(record.topic(), t -> new ArrayList<>()).add(record);
        }
        boolean tell = caughtUp();
        feeds.forEach((topic, fed) -> {
            List<TopicRecord<String, byte[]>> its = byTopic.get(topic);
            if (its != null) {
                Set<String> changed = fed.feed().read(its);
                if (tell && !changed.isEmpty()) {
                    fed.feed().changed(changed);
                }
            }
        });
    }

    @Override
    public void close() {
        TopicReader<String, byte[]> started;
        synchronized (this) {
            closed = true;
            started = reader;
        }
        if (started != null) {
            started.close();
        }
    }
}
