package io.switchboard.dataplane;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reconciler's {@link ConnectorMemory} of every connector of one cluster, in one map, and the
 * one place where it is forgotten: after each full pass, what is kept while a connector is desired
 * is forgotten for the connectors no longer desired, and the whole memory of those the worker no
 * longer has either.
 *
 * <p>Concurrency: the map is concurrent, and each connector's memory follows
 * {@link ConnectorMemory}'s policy. Forgetting claims the connector first: one that is being
 * reconciled meanwhile keeps its memory until the next pass, so a thread never writes to a memory
 * that was dropped from the map under it.
 */
final class ConnectorMemories {
    private final Map<String, ConnectorMemory> byName = new ConcurrentHashMap<>();

    /** The connector's memory, made empty if there was none. */
    ConnectorMemory of(String name) {
        return byName.computeIfAbsent(name, n -> new ConnectorMemory());
    }

    /** The connector's memory, or null if nothing is remembered of it. */
    ConnectorMemory peek(String name) {
        return byName.get(name);
    }

    /** The config the worker was last seen or made to have, or null. */
    Map<String, String> workerConfig(String name) {
        ConnectorMemory memory = byName.get(name);
        return memory == null ? null : memory.workerConfig();
    }

    /**
     * Forgets creation times older than {@code createGraceMs}, then what is kept while desired of
     * the connectors not in {@code desired}, and everything of those in neither {@code desired} nor
     * {@code onWorker}. A connector {@code claims} holds now is left as it is.
     */
    void forget(Set<String> desired, Set<String> onWorker, ConnectorClaims claims, long now, long createGraceMs) {
        for (Map.Entry<String, ConnectorMemory> entry : byName.entrySet()) {
            entry.getValue().forgetCreatedBefore(now, createGraceMs);
            String name = entry.getKey();
            if (desired.contains(name) || !claims.tryClaim(name)) {
                continue;
            }
            try {
                if (onWorker.contains(name)) {
                    entry.getValue().forgetDesired();
                } else {
                    byName.remove(name);
                }
            } finally {
                claims.release(name);
            }
        }
    }
}
