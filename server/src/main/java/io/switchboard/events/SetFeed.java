package io.switchboard.events;

import io.switchboard.core.ConnectorSets;
import io.switchboard.core.Scope;
import io.switchboard.core.SetProgress;
import io.switchboard.core.StoreUnavailableException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /events?set=NAME}: one connector set's events, each connector event followed by a
 * {@code SetProgress} event saying how far the set's latest change has come for that connector
 * (converged, pending, failed or superseded, read from the stores as {@code GET} of the set does).
 * The set's members are read again at most once a second, so that connectors a change creates are
 * followed too. One per stream, used by its thread only.
 */
final class SetFeed {
    private static final long REFRESH_NANOS = 1_000_000_000L;
    private final ConnectorSets sets;
    private final String cluster;
    private final String set;
    private Set<String> members = Set.of();
    private long readAt = Long.MIN_VALUE;

    SetFeed(ConnectorSets sets, String cluster, String set) {
        this.sets = sets;
        this.cluster = cluster;
        this.set = set;
    }

    boolean includes(String connector) {
        long now = System.nanoTime();
        // A connector not among them is looked for again sooner: a change may just have created it.
        long age = now - readAt;
        if (readAt == Long.MIN_VALUE || age > REFRESH_NANOS || (!members.contains(connector) && age > REFRESH_NANOS / 10)) {
            try {
                members = sets.members(new Scope(cluster), set);
                readAt = now;
            } catch (StoreUnavailableException notNow) {
                // kept as read last
            }
        }
        return members.contains(connector);
    }

    /** The connector's progress in the set's latest change, as the data of a {@code SetProgress} event. */
    Optional<Map<String, Object>> progress(String connector) {
        try {
            return sets.progressOf(new Scope(cluster), set, connector).map(this::json);
        } catch (StoreUnavailableException notNow) {
            return Optional.empty();
        }
    }

    private Map<String, Object> json(SetProgress.Item item) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("cluster", cluster);
        data.put("set", set);
        data.put("connector", item.name());
        data.put("action", item.action());
        data.put("progress", item.progress());
        data.put("detail", item.detail());
        return data;
    }
}
