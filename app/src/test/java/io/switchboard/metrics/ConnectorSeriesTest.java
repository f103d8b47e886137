package io.switchboard.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.switchboard.rules.HealthEvent;
import io.switchboard.rules.HealthTally;
import io.switchboard.rules.HealthTracker;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-connector series as Prometheus' text format writes them: names and labels, only the
 * clusters a scraper may see, nothing before the lifecycle topic was read, and the export bound
 * with 12,000 connectors (3 clusters). What a scrape costs is measured by {@code bench/scrape.sh}.
 */
class ConnectorSeriesTest {
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_000), ZoneOffset.UTC);

    private static String scrape(ConnectorSeries series, Predicate<String> visible) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, series.collectFor(visible));
        return out.toString(StandardCharsets.UTF_8);
    }

    private static HealthTracker tracker(int connectors) {
        HealthTracker tracker = new HealthTracker(HealthTally.Flapping.DEFAULT, HealthOptions.MAX_FOLLOWED);
        for (int i = 0; i < connectors; i++) {
            String cluster = "c" + (i % 3);
            String name = String.format("connector-%05d", i);
            tracker.apply(cluster, name, HealthEvent.created(0, "RUNNING"));
            tracker.apply(cluster, name, HealthEvent.status(1_000, "RUNNING", List.of("RUNNING", "FAILED")));
            tracker.apply(cluster, name, HealthEvent.of(2_000, HealthEvent.Kind.AUTO_RESTART));
            tracker.apply(cluster, name, HealthEvent.status(61_000, "RUNNING", List.of("RUNNING", "RUNNING")));
        }
        return tracker;
    }

    @Test
    void theSeriesOfOneConnector() throws IOException {
        String text = scrape(new ConnectorSeries(tracker(1), 100, () -> true,
                () -> Map.of("c0", Map.of("connector-00000", 42L)), () -> Map.of("c0", Map.of("connector-00000", 12_500L)), CLOCK),
                cluster -> true);
        String l = "{cluster=\"c0\",connector=\"connector-00000\"";
        for (String series : List.of(
                "switchboard_connector_status" + l + ",status=\"RUNNING\"} 1.0",
                "switchboard_connector_status" + l + ",status=\"FAILED\"} 0.0",
                "switchboard_connector_tasks" + l + ",state=\"RUNNING\"} 2.0",
                "switchboard_connector_tasks" + l + ",state=\"FAILED\"} 0.0",
                "switchboard_connector_failures_total" + l + "} 1.0",
                "switchboard_connector_restarts_total" + l + ",reason=\"auto\"} 1.0",
                "switchboard_connector_restarts_total" + l + ",reason=\"asked\"} 0.0",
                "switchboard_connector_drift_repairs_total" + l + "} 0.0",
                "switchboard_connector_last_failure_timestamp_seconds" + l + "} 1.0",
                "switchboard_connector_not_as_asked_seconds" + l + "} 0.0",
                "switchboard_connector_flapping" + l + "} 0.0",
                "switchboard_connector_sink_lag_records" + l + "} 42.0",
                "switchboard_connector_sink_lag_seconds" + l + "} 12.5",
                "switchboard_connector_recovery_seconds_bucket{cluster=\"c0\",le=\"60.0\"} 1",
                "switchboard_connector_recovery_seconds_count{cluster=\"c0\"} 1",
                "switchboard_connector_series_omitted 0.0",
                "switchboard_connector_health_caught_up 1.0")) {
            assertTrue(text.contains(series + "\n"), series + " in\n" + text);
        }
    }

    @Test
    void nothingBeforeTheTopicWasReadAndOnlyTheVisibleClusters() throws IOException {
        HealthTracker tracker = tracker(3);
        String early = scrape(new ConnectorSeries(tracker, 100, () -> false, Map::of, CLOCK), cluster -> true);
        assertTrue(early.contains("switchboard_connector_health_caught_up 0.0"), early);
        assertFalse(early.contains("connector="), early);
        String onlyC1 = scrape(new ConnectorSeries(tracker, 100, () -> true, Map::of, CLOCK), "c1"::equals);
        assertTrue(onlyC1.contains("cluster=\"c1\""), onlyC1);
        assertFalse(onlyC1.contains("cluster=\"c0\"") || onlyC1.contains("cluster=\"c2\""), onlyC1);
    }

    @Test
    void theBoundHoldsAndEachConnectorCostsSixteenSeries() throws IOException {
        String bounded = scrape(new ConnectorSeries(tracker(12_000), 10_000, () -> true, Map::of, CLOCK), cluster -> true);
        assertEquals(10_000, bounded.lines().filter(line -> line.startsWith("switchboard_connector_failures_total{")).count());
        assertTrue(bounded.contains("switchboard_connector_series_omitted 2000.0"), "the rest is counted");
        // 16 series a connector with two tasks and no sink lag (docs/health.md), and 45 more: caught up,
        // omitted, not followed, and each of the 3 clusters' recovery histogram (12 buckets, count, sum).
        assertEquals(16 * 10_000 + 45, bounded.lines().filter(line -> !line.startsWith("#")).count());
    }
}
