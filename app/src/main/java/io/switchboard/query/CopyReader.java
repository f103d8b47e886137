package io.switchboard.query;

import io.switchboard.core.ReadConsistency;
import io.switchboard.core.StoreUnavailableException;
import io.switchboard.rules.ConnectorKey;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.state.HostInfo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * Reads a copy of a partition, here or on another replica alike ({@link #get}, {@link #gather}), in
 * the order the {@link CopyLocator} gives, under the rules of the {@link CopyPolicy}, waiting up to a
 * read's wait for a copy that may answer:
 * <ol>
 *   <li>the active copy, here or on the replica that runs the partition (one hop, never more);</li>
 *   <li>when that cannot answer (the owner died, the partition is moving or restoring), a standby
 *       copy, here first, that holds every decision the read must see;</li>
 *   <li>when no copy can answer, the same again until the wait has passed, then
 *       {@link StoreUnavailableException} (503 with Retry-After).</li>
 * </ol>
 * Lists gather every partition the same way, in parallel, and fail rather than leave one out. A read
 * made with {@link ReadConsistency#LOCAL} is answered first by a copy here, as it is.
 */
final class CopyReader {
    private static final long RETRY_PAUSE_MS = 100;

    private final CopyLocator locator;
    private final CopyPolicy policy;
    private final RemoteStores remote;
    private final WaitingReads waitingReads;

    /** A copy's value of a key, and whether that copy was the partition's active one. */
    record Answer<V>(Optional<V> value, boolean owner) {
    }

    CopyReader(CopyLocator locator, CopyPolicy policy, RemoteStores remote, WaitingReads waitingReads) {
        this.locator = locator;
        this.policy = policy;
        this.remote = remote;
        this.waitingReads = waitingReads;
    }

    /** The active copy's answer ({@code stale} false) or a current copy's (true), from {@code host}, here or not. */
    <V> Answer<V> get(HostInfo host, String store, String key, int partition, boolean stale, long arrived, Deserializer<V> decode) {
        if (locator.isSelf(host)) {
            CopyPolicy.Held<V> held = policy.answer(store, key, partition, stale, arrived);
            return new Answer<>(Optional.ofNullable(held.value()), held.owner());
        }
        RemoteStores.Copy copy = remote.get(host, store, key, partition, stale);
        return new Answer<>(copy.value().map(bytes -> decode.deserialize(ConnectorQueries.TRANSFER_TOPIC, bytes)), copy.owner());
    }

    /**
     * @param absenceNeedsOwner whether only the owner's copy may say a key is absent (a connector's
     *                          existence); otherwise a current standby's absence is an answer too
     * @param consistency       {@link ReadConsistency#LOCAL}: a copy here answers as it is, when there is one
     */
    <V> Optional<V> read(String store, ConnectorKey key, Deserializer<V> decode, boolean absenceNeedsOwner, Duration wait,
                         ReadConsistency consistency) {
        long arrived = System.nanoTime();
        if (consistency == ReadConsistency.LOCAL) {
            Optional<V> asIs = asIs(store, key);
            if (asIs != null) {
                return asIs;
            }
        }
        long deadline = arrived + wait.toNanos();
        String why = "no replica knows where it is yet";
        boolean waiting = false;
        try {
            // When the attempt under way began: it judges the copies by readings begun since, so that a
            // retry reads the command topic and the group's offsets again rather than reusing what the
            // first attempt read (which may never cover, and would keep the read waiting to its deadline).
            long asked = arrived;
            while (true) {
                Optional<CopyLocator.Located> where = locator.locate(key);
                if (where.isPresent()) {
                    int partition = where.get().partition();
                    HostInfo active = where.get().active();
                    try {
                        if (locator.isSelf(active) || CopyLocator.usable(active)) {
                            return this.get(active, store, key.toString(), partition, false, asked, decode).value();
                        }
                        why = "partition " + partition + " has no running owner";
                    } catch (StoreUnavailableException e) {
                        why = "partition " + partition + " cannot be read on its owner " + active + ": " + e.getMessage();
                    }
                    for (HostInfo copy : where.get().fallbacks()) {
                        try {
                            Answer<V> answer = this.get(copy, store, key.toString(), partition, true, asked, decode);
                            // Only the owner may say a connector does not exist (absenceNeedsOwner).
                            if (answer.value().isPresent() || answer.owner() || !absenceNeedsOwner) {
                                return answer.value();
                            }
                            why = "it is not in the standby copy on " + copy + " and its owner " + active
                                    + " cannot confirm that it does not exist";
                        } catch (StoreUnavailableException e) {
                            // try the next copy
                        }
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new StoreUnavailableException("The connector's data is not available on any replica right now ("
                            + why + "); retry shortly.", null);
                }
                if (!waiting) {
                    waitingReads.enter();
                    waiting = true;
                }
                WaitingReads.pause(RETRY_PAUSE_MS);
                asked = System.nanoTime();
            }
        } finally {
            if (waiting) {
                waitingReads.leave();
            }
        }
    }

    /** The value of a copy here as it is ({@link ReadConsistency#LOCAL}); null when no copy of the key's partition is here. */
    private <V> Optional<V> asIs(String store, ConnectorKey key) {
        Optional<Integer> partition = locator.partition(key);
        if (partition.isEmpty()) {
            return null;
        }
        try {
            return Optional.ofNullable(policy.<V>asIs(store, key.toString(), partition.get()));
        } catch (StoreUnavailableException notHere) {
            return null;
        }
    }

    /**
     * The values (with {@code keys}, the keys as strings) under a prefix in every partition: each
     * partition from its active copy, else from a standby copy current enough, waiting up to
     * {@code wait} for those that have neither. With {@link ReadConsistency#LOCAL}, each partition
     * that has a copy here is read from it first, as it is.
     */
    <V> List<V> scanAll(String store, String prefix, boolean keys, Deserializer<V> decode, Duration wait,
                        ReadConsistency consistency) {
        long arrived = System.nanoTime();
        long deadline = arrived + wait.toNanos();
        int partitions = locator.partitions();
        Map<Integer, List<V>> got = new HashMap<>();
        if (consistency == ReadConsistency.LOCAL) {
            for (int p = 0; p < partitions; p++) {
                int partition = p;
                policy.<V>scanAsIs(store, prefix, keys, p).ifPresent(values -> got.put(partition, values));
            }
        }
        boolean waiting = false;
        try {
            // When the attempt under way began, as in read: each retry takes readings of its own.
            long asked = arrived;
            while (true) {
                Map<Integer, ReplicaRouter.Placement> placements = locator.placements();
                // The active copies first, then the other copies, current enough, one level of fallback at a time.
                gather(store, prefix, keys, locator.plan(placements, got.keySet(), -1), false, asked, decode, got);
                for (int level = 0; level < 3 && got.size() < partitions; level++) {
                    gather(store, prefix, keys, locator.plan(placements, got.keySet(), level), true, asked, decode, got);
                }
                if (got.size() >= partitions) {
                    List<V> all = new ArrayList<>();
                    got.values().forEach(all::addAll);
                    return all;
                }
                if (System.nanoTime() > deadline) {
                    TreeSet<Integer> missing = new TreeSet<>();
                    for (int p = 0; p < partitions; p++) {
                        if (!got.containsKey(p)) {
                            missing.add(p);
                        }
                    }
                    throw new StoreUnavailableException("Partitions " + missing + " of the " + store
                            + " store are not available on any replica right now, so the list would be incomplete; retry shortly.", null);
                }
                if (!waiting) {
                    waitingReads.enter();
                    waiting = true;
                }
                WaitingReads.pause(RETRY_PAUSE_MS);
                asked = System.nanoTime();
            }
        } finally {
            if (waiting) {
                waitingReads.leave();
            }
        }
    }

    /** The partitions each replica of {@code byHost} is asked for, this replica's own read here, the others' asked at once. */
    private <V> void gather(String store, String prefix, boolean keys, Map<HostInfo, List<Integer>> byHost, boolean stale,
                            long arrived, Deserializer<V> decode, Map<Integer, List<V>> got) {
        Map<HostInfo, CompletableFuture<Map<Integer, List<byte[]>>>> asked = new LinkedHashMap<>();
        byHost.forEach((host, parts) -> {
            if (!locator.isSelf(host)) {
                asked.put(host, remote.scan(host, store, prefix, keys, parts, stale));
            }
        });
        List<Integer> mine = stale || policy.ownerMayAnswer() ? byHost.getOrDefault(locator.self(), List.of()) : List.of();
        for (int p : mine) {
            policy.<V>scan(store, prefix, keys, p, stale, arrived).ifPresent(values -> got.put(p, values));
        }
        asked.forEach((host, answer) -> answer.join().forEach((p, values) -> {
            List<V> decoded = new ArrayList<>(values.size());
            for (byte[] bytes : values) {
                decoded.add(decode.deserialize(ConnectorQueries.TRANSFER_TOPIC, bytes));
            }
            got.putIfAbsent(p, decoded);
        }));
    }
}
