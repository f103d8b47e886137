package io.switchboard.rules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Every connector's {@link HealthTally}, folded from the lifecycle events in the order each
 * connector's events were written, and each cluster's times to recover as a histogram. A delete
 * drops the connector's tally. Bounded: at most {@code maxTracked} connectors are followed; events
 * of others are counted as not followed. Thread-safe: one thread applies events, scrapes read.
 */
public final class HealthTracker {
    /** The upper bounds of the time-to-recover histogram's buckets, in seconds. */
    public static final double[] RECOVERY_BUCKETS = {10, 30, 60, 120, 300, 600, 1_800, 3_600, 10_800, 43_200, 86_400};

    /** One cluster's recoveries: counts per bucket (not cumulative; the last is +Inf), their sum and count. */
    public record Recoveries(long[] buckets, double sumSeconds, long count) {
    }

    /** One connector's figures at a moment. */
    public record Figures(String cluster, String connector, String state, List<String> taskStates, long failures,
                          long autoRestarts, long askedRestarts, long repairs, long driftRepairs, long lastFailureAt,
                          double notAsAskedSeconds, boolean flapping) {
    }

    /**
     * What a scrape shows: the first {@code bound} visible connectors by cluster and name, how many
     * more were left out, and the visible clusters' recoveries.
     */
    public record Snapshot(List<Figures> connectors, int omitted, Map<String, Recoveries> recoveries, long notFollowed) {
    }

    private final HealthTally.Flapping flapping;
    private final int maxTracked;
    private final TreeMap<String, TreeMap<String, HealthTally>> clusters = new TreeMap<>();
    private final Map<String, long[]> recoveryBuckets = new HashMap<>();
    private final Map<String, double[]> recoverySums = new HashMap<>();
    private int tracked;
    private long notFollowed;

    public HealthTracker(HealthTally.Flapping flapping, int maxTracked) {
        this.flapping = flapping;
        this.maxTracked = maxTracked;
    }

    public synchronized void apply(String cluster, String connector, HealthEvent event) {
        TreeMap<String, HealthTally> tallies = clusters.get(cluster);
        HealthTally tally = tallies == null ? null : tallies.get(connector);
        if (event.kind() == HealthEvent.Kind.DELETED) {
            if (tally != null) {
                tallies.remove(connector);
                tracked--;
                if (tallies.isEmpty()) {
                    clusters.remove(cluster);
                }
            }
            return;
        }
        if (tally == null || event.kind() == HealthEvent.Kind.CREATED) {
            if (tally == null && tracked >= maxTracked) {
                notFollowed++;
                return;
            }
            if (tally == null) {
                tracked++;
            }
            tally = new HealthTally(flapping, event.at());
            clusters.computeIfAbsent(cluster, c -> new TreeMap<>()).put(connector, tally);
        }
        HealthTally.Recovery recovery = tally.apply(event);
        if (recovery != null) {
            double seconds = recovery.millis() / 1000.0;
            long[] buckets = recoveryBuckets.computeIfAbsent(cluster, c -> new long[RECOVERY_BUCKETS.length + 1]);
            int bucket = 0;
            while (bucket < RECOVERY_BUCKETS.length && seconds > RECOVERY_BUCKETS[bucket]) {
                bucket++;
            }
            buckets[bucket]++;
            double[] sum = recoverySums.computeIfAbsent(cluster, c -> new double[2]);
            sum[0] += seconds;
            sum[1]++;
        }
    }

    /** Forgets everything, for a reader that starts again from the beginning of the events. */
    public synchronized void reset() {
        clusters.clear();
        recoveryBuckets.clear();
        recoverySums.clear();
        tracked = 0;
        notFollowed = 0;
    }

    /** How many connectors are followed now. */
    public synchronized int tracked() {
        return tracked;
    }

    /** The figures of the first {@code bound} connectors of the clusters {@code visible} accepts, at {@code now}. */
    public synchronized Snapshot snapshot(Predicate<String> visible, int bound, long now) {
        List<Figures> figures = new ArrayList<>();
        int omitted = 0;
        Map<String, Recoveries> recoveries = new TreeMap<>();
        for (Map.Entry<String, TreeMap<String, HealthTally>> cluster : clusters.entrySet()) {
            if (!visible.test(cluster.getKey())) {
                continue;
            }
            for (Map.Entry<String, HealthTally> connector : cluster.getValue().entrySet()) {
                if (figures.size() >= bound) {
                    omitted++;
                    continue;
                }
                HealthTally t = connector.getValue();
                figures.add(new Figures(cluster.getKey(), connector.getKey(), t.state(), t.taskStates(), t.failures(),
                        t.autoRestarts(), t.askedRestarts(), t.repairs(), t.driftRepairs(), t.lastFailureAt(),
                        t.notAsAsked(now).toMillis() / 1000.0, t.flapping(now)));
            }
        }
        recoveryBuckets.forEach((cluster, buckets) -> {
            if (visible.test(cluster)) {
                double[] sum = recoverySums.get(cluster);
                recoveries.put(cluster, new Recoveries(buckets.clone(), sum[0], (long) sum[1]));
            }
        });
        return new Snapshot(figures, omitted, recoveries, notFollowed);
    }
}
