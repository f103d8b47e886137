package io.switchboard.dataplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.kafkaio.TopicRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The source offsets a Kafka Connect cluster's workers commit to its offsets topic
 * ({@code offset.storage.topic}), read as they are written: what its REST API answers for
 * {@code GET /connectors/NAME/offsets} of a source connector, known without asking the worker,
 * which opens an offset store and reads the whole topic for each such request. Records are read as
 * Kafka Connect's offset store reads them: the key is the JSON array {@code [connector, partition]},
 * the value the partition's offset as JSON, a null value removing the partition (an offsets reset
 * writes one per partition).
 * <p>
 * A connector is answered once the feed has caught up and has read at least one record of it: a sink
 * connector's offsets are its consumer group's, never in this topic, and are read from the worker.
 * A source connector whose tasks keep their offsets in a topic of their own (exactly-once sources
 * may) is answered from this topic only, as the worker's global store would be. Memory: at most
 * {@link #MAX_CONNECTORS} connectors of {@link #MAX_PARTITIONS} partitions, each offsets body at most
 * {@link #MAX_CHARS} characters; past any of them the feed gives up and the worker is asked.
 */
public final class WorkerOffsetsFeed extends WorkerTopicFeed {
    private static final Logger log = LoggerFactory.getLogger(WorkerOffsetsFeed.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_CONNECTORS = WorkerStatusFeed.MAX_CONNECTORS;
    static final int MAX_PARTITIONS = 10_000;
    /** The most characters one connector's partitions and offsets take. */
    static final int MAX_CHARS = 1 << 20;

    /** One connector's partitions and offsets, as JSON text; guarded by itself. */
    private static final class Entry {
        final TreeMap<String, String> partitions = new TreeMap<>();
        long chars;
        /** The REST API's body of them, made when first asked after a change. */
        String body;
    }

    /** Exactly-once source tasks commit offsets in their transactions: read only what committed. */
    private static final String ISOLATION = "read_committed";
    private final String topic;
    private final Map<String, Entry> connectors = new ConcurrentHashMap<>();

    /** The feed of {@code topic} as the cluster's {@code topics} read it, with its other topics; started and closed with them. */
    public WorkerOffsetsFeed(WorkerTopics topics, String topic) {
        super("offsets", topics, topic, ISOLATION);
        this.topic = topic;
    }

    private WorkerOffsetsFeed() {
        this.topic = "(detached)";
    }

    /** A feed that reads no topic: its records are given to {@link #read}; it counts as caught up. For tests. */
    static WorkerOffsetsFeed detached() {
        return new WorkerOffsetsFeed();
    }

    /**
     * The connector's committed source offsets as the REST API's body gives them
     * ({@code {"offsets":[{"partition":…,"offset":…}]}}, partitions in one order), or empty when the
     * feed cannot say: not caught up, or no record of the connector read.
     */
    public Optional<String> offsets(String name) {
        Entry entry = connectors.get(name);
        if (!caughtUp() || entry == null) {
            return Optional.empty();
        }
        synchronized (entry) {
            if (entry.body == null) {
                entry.body = body(entry.partitions);
            }
            return Optional.of(entry.body);
        }
    }

    /** Applies a batch of records; answers the connectors whose offsets it changed. */
    @Override
    Set<String> read(Iterable<TopicRecord<String, byte[]>> records) {
        Set<String> changed = new HashSet<>();
        for (TopicRecord<String, byte[]> record : records) {
            String name = read(record.key(), record.value());
            if (name != null) {
                changed.add(name);
            }
        }
        return changed;
    }

    /** Applies one record; answers the connector whose offsets it changed, or null. */
    String read(String key, byte[] value) {
        if (key == null || overflowed()) {
            return null;
        }
        JsonNode parsed;
        try {
            parsed = JSON.readTree(key);
        } catch (IOException e) {
            return null;
        }
        if (parsed == null || !parsed.isArray() || parsed.size() != 2 || !parsed.get(0).isTextual() || !parsed.get(1).isObject()) {
            return null;
        }
        String name = parsed.get(0).asText();
        String partition = parsed.get(1).toString();
        String offset = null;
        if (value != null) {
            try {
                JsonNode node = JSON.readTree(value);
                offset = node == null || node.isNull() ? null : node.toString();
            } catch (IOException e) {
                return null;
            }
        }
        Entry entry = connectors.get(name);
        if (entry == null) {
            if (offset == null) {
                return null;
            }
            if (connectors.size() >= MAX_CONNECTORS) {
                overflow("connectors");
                return null;
            }
            entry = new Entry();
            connectors.put(name, entry);
        }
        synchronized (entry) {
            String before = offset == null ? entry.partitions.remove(partition) : entry.partitions.put(partition, offset);
            if (before != null) {
                entry.chars -= partition.length() + before.length();
            }
            if (offset != null) {
                entry.chars += partition.length() + offset.length();
            }
            if (entry.partitions.size() > MAX_PARTITIONS || entry.chars > MAX_CHARS) {
                overflow("partitions or characters of one connector's offsets");
                return null;
            }
            if (offset == null ? before == null : offset.equals(before)) {
                return null;
            }
            entry.body = null;
            return name;
        }
    }

    /** The REST API's body of these partitions and offsets. */
    private static String body(TreeMap<String, String> partitions) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode offsets = body.putArray("offsets");
        partitions.forEach((partition, offset) -> {
            ObjectNode entry = offsets.addObject();
            try {
                entry.set("partition", JSON.readTree(partition));
                entry.set("offset", JSON.readTree(offset));
            } catch (IOException e) {
                throw new IllegalStateException("text this feed wrote as JSON", e);
            }
        });
        return body.toString();
    }

    private void overflow(String what) {
        if (giveUp()) {
            connectors.clear();
            log.warn("Kafka Connect offsets topic {} holds more {} than the feed keeps ({} connectors, {} partitions,"
                    + " {} characters each); the worker's REST API is read instead", topic, what, MAX_CONNECTORS, MAX_PARTITIONS, MAX_CHARS);
        }
    }

    /** For tests: a key as the worker writes it. */
    static String key(String connector, String partitionJson) {
        return "[" + JSON.valueToTree(connector) + "," + partitionJson + "]";
    }

    static byte[] value(String offsetJson) {
        return offsetJson == null ? null : offsetJson.getBytes(StandardCharsets.UTF_8);
    }
}
