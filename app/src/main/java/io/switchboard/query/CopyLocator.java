package io.switchboard.query;

import io.switchboard.rules.ConnectorKey;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where the copies of a key's partition are, in the order a read tries them: the active copy, then
 * the other copies ({@link ReplicaRouter#fallbacks}: this replica's first). For lists, which
 * replica to ask for which partitions at each level of that order.
 */
final class CopyLocator {
    private final ReplicaRouter router;
    private final int partitions;

    /** A key's partition, its active copy's replica, and the replicas of its other copies in the order to try them. */
    record Located(int partition, HostInfo active, List<HostInfo> fallbacks) {
    }

    CopyLocator(ReplicaRouter router, int partitions) {
        this.router = router;
        this.partitions = partitions;
    }

    /** Empty while no replica knows where the key's partition is. */
    Optional<Located> locate(ConnectorKey key) {
        Optional<KeyQueryMetadata> where = router.locate(key);
        if (where.isEmpty()) {
            return Optional.empty();
        }
        KeyQueryMetadata metadata = where.get();
        return Optional.of(new Located(metadata.partition(), metadata.activeHost(),
                router.fallbacks(metadata.activeHost(), metadata.standbyHosts())));
    }

    /** The partition of a key, when known. */
    Optional<Integer> partition(ConnectorKey key) {
        return router.locate(key).map(KeyQueryMetadata::partition);
    }

    boolean isSelf(HostInfo host) {
        return router.isSelf(host);
    }

    HostInfo self() {
        return router.self();
    }

    static boolean usable(HostInfo host) {
        return ReplicaRouter.usable(host);
    }

    int partitions() {
        return partitions;
    }

    /** Where every partition's copies are now. */
    Map<Integer, ReplicaRouter.Placement> placements() {
        return router.placements();
    }

    /**
     * Which replica to ask for each partition not yet {@code got}: with level -1 the running active
     * copies, with level n the n-th copy after the active one.
     */
    Map<HostInfo, List<Integer>> plan(Map<Integer, ReplicaRouter.Placement> placements, Set<Integer> got, int level) {
        Map<HostInfo, List<Integer>> byHost = new LinkedHashMap<>();
        for (int p = 0; p < partitions; p++) {
            ReplicaRouter.Placement placement = placements.get(p);
            if (got.contains(p) || placement == null) {
                continue;
            }
            if (level < 0) {
                if (usable(placement.active())) {
                    byHost.computeIfAbsent(placement.active(), h -> new ArrayList<>()).add(p);
                }
            } else {
                List<HostInfo> fallbacks = router.fallbacks(placement.active(), placement.standbys());
                if (level < fallbacks.size()) {
                    byHost.computeIfAbsent(fallbacks.get(level), h -> new ArrayList<>()).add(p);
                }
            }
        }
        return byHost;
    }
}
