package io.switchboard.metrics;

import io.switchboard.rules.HealthTally;

import java.time.Duration;

/**
 * How the per-connector health series are exported.
 *
 * @param maxConnectors the most connectors a scrape shows series of (the first by cluster, then name;
 *                      {@code switchboard_connector_series_omitted} counts the rest)
 * @param flapping      what makes a connector flapping: this many failures within this window
 * @param sinkLagEvery  how often each sink connector's lag is read (two AdminClient requests per cluster)
 * @param sinkLagAgePartitions the most partitions of lagging sinks whose oldest unconsumed record is read each pass
 *                      for the lag in seconds ({@code --health-sink-lag-age-partitions}, 0: no lag in seconds)
 * @param follow        whether the replica follows the lifecycle topic into these series and reads sinks' lag at
 *                      all ({@code --health-series}, on by default); off, {@code /metrics/connectors} shows none
 */
public record HealthOptions(int maxConnectors, HealthTally.Flapping flapping, Duration sinkLagEvery, int sinkLagAgePartitions,
                            boolean follow) {
    /** The most connectors followed at all, whatever the export bound: what a replica holds in memory for them. */
    public static final int MAX_FOLLOWED = 100_000;
    /** The most partitions whose oldest unconsumed record a pass may read. */
    public static final int MAX_AGE_PARTITIONS = 10_000;
    public static final HealthOptions DEFAULTS = new HealthOptions(10_000, HealthTally.Flapping.DEFAULT, Duration.ofSeconds(30), 100, true);

    public HealthOptions {
        if (maxConnectors < 0 || maxConnectors > MAX_FOLLOWED) {
            throw new IllegalArgumentException("--health-max-connectors is 0 to " + MAX_FOLLOWED + ", not " + maxConnectors);
        }
        if (sinkLagEvery.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("--health-sink-lag-interval-s is at least 1");
        }
        if (sinkLagAgePartitions < 0 || sinkLagAgePartitions > MAX_AGE_PARTITIONS) {
            throw new IllegalArgumentException("--health-sink-lag-age-partitions is 0 to " + MAX_AGE_PARTITIONS + ", not " + sinkLagAgePartitions);
        }
    }

    /** From --health-max-connectors, --health-flapping-window-s, --health-flapping-failures and --health-sink-lag-interval-s. */
    public static HealthOptions of(int maxConnectors, int flappingWindowSeconds, int flappingFailures, int sinkLagSeconds) {
        if (flappingWindowSeconds < 1 || flappingFailures < 1) {
            throw new IllegalArgumentException("--health-flapping-window-s and --health-flapping-failures are at least 1");
        }
        return new HealthOptions(maxConnectors, new HealthTally.Flapping(Duration.ofSeconds(flappingWindowSeconds), flappingFailures),
                Duration.ofSeconds(sinkLagSeconds), DEFAULTS.sinkLagAgePartitions(), true);
    }

    /** These options with the series followed or not ({@code --health-series}). */
    public HealthOptions following(boolean follow) {
        return new HealthOptions(maxConnectors, flapping, sinkLagEvery, sinkLagAgePartitions, follow);
    }

    /** These options with at most this many partitions' oldest unconsumed records read a pass ({@code --health-sink-lag-age-partitions}). */
    public HealthOptions withSinkLagAgePartitions(int partitions) {
        return new HealthOptions(maxConnectors, flapping, sinkLagEvery, partitions, follow);
    }
}
