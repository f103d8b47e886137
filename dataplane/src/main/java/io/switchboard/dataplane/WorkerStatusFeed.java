package io.switchboard.dataplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.kafkaio.TopicRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The statuses a Kafka Connect cluster's workers write to its status topic
 * ({@code status.storage.topic}), read as they are written. The workers' own REST status answers
 * come from the same records, so the data plane learns a status change as soon as a worker could
 * tell it, without asking the worker's REST API, whose list of every status costs the worker time
 * in proportion to its connectors. Records are read as Kafka Connect's status store reads them:
 * {@code status-connector-NAME} and {@code status-task-NAME-ID} keys, JSON values, a null value
 * removing the status (a connector's removal removes its tasks' too), and an UNASSIGNED task status
 * ignored when the task is already RUNNING at a generation at least as recent.
 * <p>
 * Until it has read the topic up to where it ended when the feed started, the feed answers nothing,
 * and the data plane reads the worker's REST API instead. Memory: one entry per connector and task
 * the cluster has, at most {@link #MAX_CONNECTORS} connectors of {@link #MAX_TASKS} tasks; past that
 * the feed gives up and the REST API is read.
 */
public final class WorkerStatusFeed extends WorkerTopicFeed {
    private static final Logger log = LoggerFactory.getLogger(WorkerStatusFeed.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String CONNECTOR_PREFIX = "status-connector-";
    static final String TASK_PREFIX = "status-task-";
    /** The most connectors the feed keeps; past it, the feed gives up and the worker's REST API is read. */
    static final int MAX_CONNECTORS = 100_000;
    /** The most tasks it keeps of one connector, with the same consequence. */
    static final int MAX_TASKS = 10_000;

    /** One connector's statuses as last written: its own, and its tasks' by id. */
    private static final class Entry {
        volatile JsonNode connector;
        final ConcurrentSkipListMap<Integer, JsonNode> tasks = new ConcurrentSkipListMap<>();
    }

    /** Kafka Connect writes statuses without a transaction: read them as soon as they are written. */
    private static final String ISOLATION = "read_uncommitted";
    private final String topic;
    private final Map<String, Entry> connectors = new ConcurrentHashMap<>();

    /** The feed of {@code topic} as the cluster's {@code topics} read it, with its other topics; started and closed with them. */
    public WorkerStatusFeed(WorkerTopics topics, String topic) {
        super("status", topics, topic, ISOLATION);
        this.topic = topic;
    }

    /** A feed that reads no topic: its records are given to {@link #read}; it counts as caught up. For tests. */
    static WorkerStatusFeed detached() {
        return new WorkerStatusFeed();
    }

    private WorkerStatusFeed() {
        this.topic = "(detached)";
    }

    /**
     * One connector's status in the shape of Kafka Connect's {@code GET /connectors/NAME/status}
     * (without {@code type}, which the status topic does not hold); empty when the cluster has no
     * status for it, or the feed has not caught up yet.
     */
    public Optional<JsonNode> status(String name) {
        if (!caughtUp()) {
            return Optional.empty();
        }
        Entry entry = connectors.get(name);
        JsonNode connector = entry == null ? null : entry.connector;
        if (connector == null) {
            return Optional.empty();
        }
        ObjectNode status = JsonNodeFactory.instance.objectNode();
        status.put("name", name);
        ObjectNode shownConnector = ((ObjectNode) connector).deepCopy();
        shownConnector.remove("generation");
        status.set("connector", shownConnector);
        ArrayNode tasks = status.putArray("tasks");
        entry.tasks.forEach((id, task) -> {
            ObjectNode shown = JsonNodeFactory.instance.objectNode();
            shown.put("id", id);
            shown.setAll((ObjectNode) task);
            shown.remove("generation");
            tasks.add(shown);
        });
        return Optional.of(status);
    }

    /** Every connector's status, as {@link #status} gives each; empty when the feed has not caught up. */
    public Optional<Map<String, JsonNode>> statuses() {
        if (!caughtUp()) {
            return Optional.empty();
        }
        Map<String, JsonNode> all = new HashMap<>();
        for (String name : connectors.keySet()) {
            status(name).ifPresent(status -> all.put(name, status));
        }
        return Optional.of(all);
    }

    /** The connector a status record's key is about, or null for a key that is no connector's or task's status. */
    static String connectorOf(String key) {
        if (key == null) {
            return null;
        }
        if (key.startsWith(CONNECTOR_PREFIX)) {
            String name = key.substring(CONNECTOR_PREFIX.length());
            return name.isEmpty() ? null : name;
        }
        if (key.startsWith(TASK_PREFIX)) {
            int dash = key.lastIndexOf('-');
            return dash <= TASK_PREFIX.length() ? null : key.substring(TASK_PREFIX.length(), dash);
        }
        return null;
    }

    /** Applies a batch of records; answers the connectors whose statuses it changed. */
    @Override
    Set<String> read(Iterable<TopicRecord<String, byte[]>> records) {
        Set<String> changed = new HashSet<>();
        for (TopicRecord<String, byte[]> record : records) {
            if (read(record.key(), record.value())) {
                changed.add(connectorOf(record.key()));
            }
        }
        return changed;
    }

    /** Applies one record; answers whether it changed what the feed holds. */
    boolean read(String key, byte[] value) {
        String name = connectorOf(key);
        if (name == null) {
            return false;
        }
        if (key.startsWith(CONNECTOR_PREFIX)) {
            if (value == null) {
                return connectors.remove(name) != null;
            }
            JsonNode status = parse(value);
            if (status == null) {
                return false;
            }
            Entry entry = entryOf(name);
            if (entry == null) {
                return false;
            }
            entry.connector = status;
            return true;
        }
        if (key.startsWith(TASK_PREFIX)) {
            int id;
            try {
                id = Integer.parseInt(key.substring(key.lastIndexOf('-') + 1));
            } catch (NumberFormatException e) {
                return false;
            }
            if (value == null) {
                Entry entry = connectors.get(name);
                return entry != null && entry.tasks.remove(id) != null;
            }
            JsonNode status = parse(value);
            if (status == null) {
                return false;
            }
            Entry entry = entryOf(name);
            if (entry == null || entry.tasks.size() >= MAX_TASKS && !entry.tasks.containsKey(id)) {
                overflow();
                return false;
            }
            JsonNode current = entry.tasks.get(id);
            if ("UNASSIGNED".equals(status.path("state").asText()) && current != null
                    && "RUNNING".equals(current.path("state").asText())
                    && current.path("generation").asLong() >= status.path("generation").asLong()) {
                // A stale UNASSIGNED from a worker that had not yet read the newer RUNNING.
                return false;
            }
            entry.tasks.put(id, status);
            return true;
        }
        return false;
    }

    /** The connector's entry, made if new; null (and the feed given up) past {@link #MAX_CONNECTORS}. */
    private Entry entryOf(String name) {
        Entry entry = connectors.get(name);
        if (entry == null && connectors.size() >= MAX_CONNECTORS) {
            overflow();
            return null;
        }
        return entry != null ? entry : connectors.computeIfAbsent(name, n -> new Entry());
    }

    private void overflow() {
        if (giveUp()) {
            connectors.clear();
            log.warn("Kafka Connect status topic {} holds more statuses than the feed keeps ({} connectors, {} tasks each);"
                    + " the worker's REST API is read instead", topic, MAX_CONNECTORS, MAX_TASKS);
        }
    }

    /** The fields a REST status shows (state, trace, worker_id, version), or null for a record that is not a status. */
    private static JsonNode parse(byte[] value) {
        try {
            JsonNode node = JSON.readTree(value);
            if (node == null || !node.hasNonNull("state")) {
                return null;
            }
            ObjectNode status = JsonNodeFactory.instance.objectNode();
            status.put("state", node.get("state").asText());
            if (node.hasNonNull("trace")) {
                status.put("trace", node.get("trace").asText());
            }
            status.put("worker_id", node.path("worker_id").asText(null));
            if (node.hasNonNull("version")) {
                status.put("version", node.get("version").asText());
            }
            status.put("generation", node.path("generation").asLong());
            return status;
        } catch (IOException e) {
            return null;
        }
    }

}
