package io.switchboard.dataplane;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.dataplane.ConnectClusterClient.WorkerConnector;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How the reconciler reads connectors from the worker, as cheaply as it can: statuses from the
 * worker's status topic when a {@link WorkerStatusFeed} has caught up with it (which costs the worker
 * nothing), otherwise from its REST API; configs as the reconciler last saw or gave them (kept in
 * {@link ConnectorMemory#workerConfig}), read from the worker only when not known; a full pass's
 * list from the worker's config and status topics (see {@link #all}).
 *
 * <p>Concurrency: safe for concurrent use; the feed is set once before use, the types learnt are
 * in a concurrent map, and it changes no connector's memory (the {@link ReconcileStep} remembers
 * the configs it reads).
 */
final class WorkerView {
    /** At most this many connector classes have their type remembered. */
    private static final int TYPES_KEPT = 10_000;

    private final ConnectClusterClient worker;
    private final ConnectorMemories memories;
    private volatile WorkerStatusFeed statusFeed;
    private volatile WorkerConfigFeed configFeed;
    /**
     * Every this many full passes one asks the worker itself, whatever the feeds show: a check of
     * the feeds against the worker (every 5 minutes at the default 10 s between passes).
     */
    static final int ASK_EVERY = 30;
    /** Full passes read from the feeds since the worker was last asked; only the pass's thread touches it. */
    private int passesFromFeeds;
    /**
     * The type each connector class has, as the worker's REST answers last showed it: the status
     * topic does not hold a connector's type.
     */
    private final Map<String, String> typeByClass = new ConcurrentHashMap<>();
    private volatile long lastStatusesRead;

    WorkerView(ConnectClusterClient worker, ConnectorMemories memories) {
        this.worker = worker;
        this.memories = memories;
    }

    void readStatusesFrom(WorkerStatusFeed feed) {
        this.statusFeed = feed;
    }

    void readConfigsFrom(WorkerConfigFeed feed) {
        this.configFeed = feed;
    }

    /** Whether statuses are read without calling the worker (its status topic is read as it is written). */
    boolean readsStatusesFreely() {
        WorkerStatusFeed feed = statusFeed;
        return feed != null && feed.caughtUp();
    }

    /** How long the last read of every connector's status from the worker took, in nanoseconds. */
    long lastStatusesReadNanos() {
        return lastStatusesRead;
    }

    /**
     * Every connector on the worker, with its config and status. From the worker's config and status
     * topics when both feeds have caught up and every connector's class has a known type, which asks
     * the worker nothing; otherwise, and on every {@link #ASK_EVERY}th pass regardless, in one call
     * to its REST API ({@code expand=info}, which the worker answers one connector at a time on its
     * herder thread).
     */
    Map<String, WorkerConnector> all() {
        Map<String, WorkerConnector> fed = passesFromFeeds < ASK_EVERY - 1 ? fromFeeds() : null;
        if (fed != null) {
            passesFromFeeds++;
            return fed;
        }
        Map<String, WorkerConnector> asked = worker.connectors();
        passesFromFeeds = 0;
        return asked;
    }

    /** Every connector as the feeds show it, or null when they cannot show all of them. */
    private Map<String, WorkerConnector> fromFeeds() {
        WorkerStatusFeed statuses = statusFeed;
        WorkerConfigFeed configs = configFeed;
        if (statuses == null || configs == null || !statuses.caughtUp()) {
            return null;
        }
        Optional<Map<String, Map<String, String>>> written = configs.connectorConfigs();
        if (written.isEmpty()) {
            return null;
        }
        Map<String, WorkerConnector> out = new HashMap<>();
        for (Map.Entry<String, Map<String, String>> connector : written.get().entrySet()) {
            String connectorClass = connector.getValue().get("connector.class");
            if (connectorClass == null || !typeByClass.containsKey(connectorClass)) {
                return null;
            }
            String name = connector.getKey();
            out.put(name, fromFeed(name, connector.getValue(), statuses.status(name).orElse(null)));
        }
        return out;
    }

    /**
     * The watched connectors as the worker has them, read cheaply: their statuses in one call, and
     * the configs the reconciler last saw or gave them. Those whose config it does not know are left out.
     */
    Map<String, WorkerConnector> watched(Set<String> names) {
        Map<String, WorkerConnector> out = new HashMap<>();
        WorkerStatusFeed feed = statusFeed;
        if (feed != null && feed.caughtUp()) {
            lastStatusesRead = 0;
            for (String name : names) {
                Map<String, String> config = memories.workerConfig(name);
                if (config != null) {
                    feed.status(name).ifPresent(status -> out.put(name, fromFeed(name, config, status)));
                }
            }
            return out;
        }
        long began = System.nanoTime();
        Map<String, JsonNode> statuses;
        try {
            statuses = worker.statuses();
        } finally {
            lastStatusesRead = System.nanoTime() - began;
        }
        for (String name : names) {
            Map<String, String> config = memories.workerConfig(name);
            JsonNode status = statuses.get(name);
            if (config != null && status != null) {
                out.put(name, new WorkerConnector(name, config, status.path("type").asText(null), status));
            }
        }
        return out;
    }

    /**
     * One connector as the worker has it, or null when it does not have it: its config as
     * {@code known} (the config the reconciler last saw or gave it, or null) unless it had to be
     * read from the worker. The caller holds its claim, and remembers the config it answers.
     */
    WorkerConnector one(String name, Map<String, String> known) {
        Map<String, String> config = known;
        WorkerStatusFeed feed = statusFeed;
        if (config != null && feed != null && feed.caughtUp()) {
            Optional<JsonNode> fed = feed.status(name);
            if (fed.isPresent()) {
                return fromFeed(name, config, fed.get());
            }
        }
        Optional<JsonNode> status = worker.status(name);
        if (config == null || status.isEmpty()) {
            config = worker.config(name).orElse(null);
            if (config == null) {
                return null;
            }
        }
        return new WorkerConnector(name, config, status.map(st -> st.path("type").asText(null)).orElse(null), status.orElse(null));
    }

    /** Remembers the type of the connector's class, for connectors later read from the status topic. */
    void learnType(WorkerConnector running) {
        if (running != null && running.type() != null && !running.type().isEmpty() && running.config() != null) {
            String connectorClass = running.config().get("connector.class");
            if (connectorClass != null && typeByClass.size() < TYPES_KEPT) {
                typeByClass.put(connectorClass, running.type());
            }
        }
    }

    private WorkerConnector fromFeed(String name, Map<String, String> config, JsonNode status) {
        String connectorClass = config.get("connector.class");
        return new WorkerConnector(name, config, connectorClass == null ? null : typeByClass.get(connectorClass), status);
    }
}
