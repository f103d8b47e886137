package io.switchboard.metrics;

import io.switchboard.processor.HealthTally;

import java.time.Duration;

/**
 * How the per-connector health series are exported.
 *
 * @param maxConnectors the most connectors a scrape shows series of (the first by cluster, then name;
 *                      {@code switchboard_connector_series_omitted} counts the rest)
 * @param flapping      what makes a connector flapping: this many failures within this window
 * @param sinkLagEvery  how often each sink connector's lag is read (two AdminClient requests per cluster)
 * @param follow        whether the replica follows the lifecycle topic into these series and reads sinks' lag at
 *                      all ({@code --health-series}, on by default); off, {@code /metrics/connectors} shows none
 */
public record HealthOptions(int maxConnectors, HealthTally.Flapping flapping, Duration sinkLagEvery, boolean follow) {
    /** The most connectors followed at all, whatever the export bound: what a replica holds in memory for them. */
    public static final int MAX_FOLLOWED = 100_000;
    public static final HealthOptions DEFAULTS = new HealthOptions(10_000, HealthTally.Flapping.DEFAULT, Duration.ofSeconds(30), true);

    public HealthOptions {
        if (maxConnectors < 0 || maxConnectors > MAX_FOLLOWED) {
            throw new IllegalArgumentException("--health-max-connectors is 0 to " + MAX_FOLLOWED + ", not " + maxConnectors);
        }
        if (sinkLagEvery.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("--health-sink-lag-interval-s is at least 1");
        }
    }

    /** From --health-max-connectors, --health-flapping-window-s, --health-flapping-failures and --health-sink-lag-interval-s. */
    public static HealthOptions of(int maxConnectors, int flappingWindowSeconds, int flappingFailures, int sinkLagSeconds) {
        if (flappingWindowSeconds < 1 || flappingFailures < 1) {
            throw new IllegalArgumentException("--health-flapping-window-s and --health-flapping-failures are at least 1");
        }
        return new HealthOptions(maxConnectors, new HealthTally.Flapping(Duration.ofSeconds(flappingWindowSeconds), flappingFailures),
                Duration.ofSeconds(sinkLagSeconds), true);
    }

    /** These options with the series followed or not ({@code --health-series}). */
    public HealthOptions following(boolean follow) {
        return new HealthOptions(maxConnectors, flapping, sinkLagEvery, follow);
    }
}
