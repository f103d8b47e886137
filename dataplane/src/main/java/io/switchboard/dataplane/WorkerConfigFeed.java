package io.switchboard.dataplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.kafkaio.TopicRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The task configs a Kafka Connect cluster's workers write to its config topic
 * ({@code config.storage.topic}), read as they are written: the same configs its REST API answers
 * for {@code GET /connectors/NAME/tasks}, so the data plane need not ask a worker for them after
 * every create and every task change. Records are read as Kafka Connect's config backing store
 * reads them: {@code task-NAME-ID} records hold a task's config ({@code {"properties": {...}}}) and
 * count only once a {@code commit-NAME} record ({@code {"tasks": N}}) commits the set, written whole
 * (tasks 0 to N-1) since the commit before; a {@code connector-NAME} record holds the connector's own
 * config, and a null one removes the connector and its tasks. Every other record (target states,
 * restart requests, session keys, fencing) is not read.
 * <p>
 * Until it has read the topic up to where it ended when the feed started, or for a connector whose
 * committed set is missing a task, the feed answers nothing and the worker's REST API is asked as
 * before. Memory: the committed set of each connector and the tasks written since its last commit,
 * at most {@link #MAX_CONNECTORS} connectors of {@link #MAX_TASKS} tasks; past that the feed gives
 * up and the REST API is read.
 */
public final class WorkerConfigFeed extends WorkerTopicFeed {
    private static final Logger log = LoggerFactory.getLogger(WorkerConfigFeed.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String TASK_PREFIX = "task-";
    static final String COMMIT_PREFIX = "commit-";
    static final String CONNECTOR_PREFIX = "connector-";
    static final int MAX_CONNECTORS = WorkerStatusFeed.MAX_CONNECTORS;
    static final int MAX_TASKS = WorkerStatusFeed.MAX_TASKS;

    /** Workers with exactly-once source support write configs in transactions: read only what committed. */
    private static final String ISOLATION = "read_committed";
    private final String topic;
    /** Each connector's committed task configs, in task order; read from any thread. */
    private final Map<String, List<Map<String, String>>> committed = new ConcurrentHashMap<>();
    /** Each connector's own config as last written, by name; read from any thread. */
    private final Map<String, Map<String, String>> connectorConfigs = new ConcurrentHashMap<>();
    /** Task configs written since their connector's last commit; only the tail's thread touches it. */
    private final Map<String, Map<Integer, Map<String, String>>> written = new HashMap<>();

    /** The feed of {@code topic} as the cluster's {@code topics} read it, with its other topics; started and closed with them. */
    public WorkerConfigFeed(WorkerTopics topics, String topic) {
        super("config", topics, topic, ISOLATION);
        this.topic = topic;
    }

    private WorkerConfigFeed() {
        this.topic = "(detached)";
    }

    /** A feed that reads no topic: its records are given to {@link #read}; it counts as caught up. For tests. */
    static WorkerConfigFeed detached() {
        return new WorkerConfigFeed();
    }

    /**
     * The connector's task configs as its workers last committed them, in task order, as the REST
     * API's {@code tasks} answer gives them; empty when the feed has not caught up or knows of no
     * committed set.
     */
    public Optional<List<Map<String, String>>> taskConfigs(String name) {
        if (!caughtUp()) {
            return Optional.empty();
        }
        return Optional.ofNullable(committed.get(name));
    }

    /**
     * Every connector the cluster has, with its config as written ({@code connector-NAME}): what its
     * REST API answers for {@code GET /connectors?expand=info}'s configs; empty when the feed has
     * not caught up or gave up. A copy, taken while the feed reads on.
     */
    public Optional<Map<String, Map<String, String>>> connectorConfigs() {
        if (!caughtUp()) {
            return Optional.empty();
        }
        return Optional.of(Map.copyOf(connectorConfigs));
    }

    /** Applies a batch of records; answers the connectors whose committed task configs it changed. */
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

    /** Applies one record; answers the connector whose committed task configs it changed, or null. */
    String read(String key, byte[] value) {
        if (key == null || overflowed()) {
            return null;
        }
        if (key.startsWith(CONNECTOR_PREFIX)) {
            String name = key.substring(CONNECTOR_PREFIX.length());
            if (name.isEmpty()) {
                return null;
            }
            if (value != null) {
                Map<String, String> properties = properties(value);
                if (properties == null) {
                    return null;
                }
                if (connectorConfigs.size() >= MAX_CONNECTORS && !connectorConfigs.containsKey(name)) {
                    overflow();
                    return null;
                }
                connectorConfigs.put(name, Collections.unmodifiableMap(properties));
                return null;
            }
            connectorConfigs.remove(name);
            written.remove(name);
            return committed.remove(name) != null ? name : null;
        }
        if (key.startsWith(TASK_PREFIX)) {
            int dash = key.lastIndexOf('-');
            if (dash <= TASK_PREFIX.length() || value == null) {
                return null;
            }
            String name = key.substring(TASK_PREFIX.length(), dash);
            int id;
            try {
                id = Integer.parseInt(key.substring(dash + 1));
            } catch (NumberFormatException e) {
                return null;
            }
            Map<String, String> properties = properties(value);
            if (properties == null || id < 0) {
                return null;
            }
            Map<Integer, Map<String, String>> tasks = written.get(name);
            if (tasks == null && written.size() >= MAX_CONNECTORS || tasks != null && tasks.size() >= MAX_TASKS && !tasks.containsKey(id)) {
                overflow();
                return null;
            }
            written.computeIfAbsent(name, n -> new HashMap<>()).put(id, properties);
            return null;
        }
        if (key.startsWith(COMMIT_PREFIX)) {
            String name = key.substring(COMMIT_PREFIX.length());
            int count = value == null ? -1 : tasksOf(value);
            if (name.isEmpty() || count < 0 || count > MAX_TASKS) {
                return null;
            }
            Map<Integer, Map<String, String>> tasks = written.remove(name);
            List<Map<String, String>> set = new ArrayList<>(count);
            for (int id = 0; id < count; id++) {
                Map<String, String> task = tasks == null ? null : tasks.get(id);
                if (task == null) {
                    // An inconsistent set (its tasks not all written since the last commit, as Kafka
                    // Connect's config store judges it): not answered; the REST API says.
                    return committed.remove(name) != null ? name : null;
                }
                set.add(task);
            }
            if (committed.size() >= MAX_CONNECTORS && !committed.containsKey(name)) {
                overflow();
                return null;
            }
            List<Map<String, String>> now = List.copyOf(set);
            return now.equals(committed.put(name, now)) ? null : name;
        }
        return null;
    }

    private void overflow() {
        if (giveUp()) {
            committed.clear();
            written.clear();
            connectorConfigs.clear();
            log.warn("Kafka Connect config topic {} holds more task configs than the feed keeps ({} connectors, {} tasks each);"
                    + " the worker's REST API is read instead", topic, MAX_CONNECTORS, MAX_TASKS);
        }
    }

    /** A task record's properties, in the order written; null for a record that holds none. */
    private static Map<String, String> properties(byte[] value) {
        try {
            JsonNode properties = JSON.readTree(value).path("properties");
            if (!properties.isObject()) {
                return null;
            }
            Map<String, String> out = new LinkedHashMap<>();
            // As the REST API's answer gives them: every value as text.
            properties.fields().forEachRemaining(field -> out.put(field.getKey(), field.getValue().asText()));
            return out;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static int tasksOf(byte[] value) {
        try {
            JsonNode tasks = JSON.readTree(value).path("tasks");
            return tasks.isIntegralNumber() ? tasks.asInt() : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

}
