package io.switchboard.metrics;

import io.switchboard.core.SinkLagReadings;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The last {@value #KEPT} lag readings of each sink, which {@link SinkLags} records after each pass:
 * a ring of three longs a reading, about 1.5 KB a sink (15 MB at the 10,000 sinks a cluster's reader
 * reads at most). A sink missing from a pass (deleted, or its group gone) is forgotten.
 */
public final class SinkLagHistory implements SinkLagReadings {
    /** Readings kept per sink: half an hour at the default interval of 30 s. */
    static final int KEPT = 60;
    private final Duration interval;
    /** By cluster, then sink; replaced whole after each pass, each ring written only by the reader's thread. */
    private volatile Map<String, Map<String, Ring>> rings = Map.of();

    public SinkLagHistory(Duration interval) {
        this.interval = interval;
    }

    /** One pass's lag in records by cluster, then sink, read at {@code at}, with no ages. */
    void record(Map<String, Map<String, Long>> lags, Instant at) {
        record(lags, Map.of(), at);
    }

    /** One pass's lag in records and the ages in milliseconds of the oldest unconsumed records, by cluster, then sink. */
    void record(Map<String, Map<String, Long>> lags, Map<String, Map<String, Long>> ages, Instant at) {
        Map<String, Map<String, Ring>> before = rings;
        Map<String, Map<String, Ring>> after = new HashMap<>();
        lags.forEach((cluster, sinks) -> {
            Map<String, Ring> was = before.getOrDefault(cluster, Map.of());
            Map<String, Ring> now = new HashMap<>();
            Map<String, Long> clusterAges = ages.getOrDefault(cluster, Map.of());
            sinks.forEach((sink, records) -> {
                Ring ring = was.get(sink);
                ring = ring == null ? new Ring() : ring;
                ring.add(at.toEpochMilli(), records, clusterAges.getOrDefault(sink, -1L));
                now.put(sink, ring);
            });
            after.put(cluster, now);
        });
        rings = after;
    }

    @Override
    public List<Reading> readings(String cluster, String connector) {
        Ring ring = rings.getOrDefault(cluster, Map.of()).get(connector);
        return ring == null ? List.of() : ring.readings();
    }

    @Override
    public Duration interval() {
        return interval;
    }

    /** A sink's last readings; written by one thread, read by any. */
    private static final class Ring {
        private final long[] at = new long[KEPT];
        private final long[] records = new long[KEPT];
        /** Milliseconds, -1 when not known. */
        private final long[] ages = new long[KEPT];
        private int next;
        private int size;

        synchronized void add(long when, long lag, long ageMillis) {
            at[next] = when;
            records[next] = lag;
            ages[next] = ageMillis;
            next = (next + 1) % KEPT;
            size = Math.min(KEPT, size + 1);
        }

        synchronized List<Reading> readings() {
            List<Reading> out = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                int j = (next - size + i + KEPT) % KEPT;
                out.add(new Reading(Instant.ofEpochMilli(at[j]), records[j], ages[j] < 0 ? null : Duration.ofMillis(ages[j])));
            }
            return out;
        }
    }
}
