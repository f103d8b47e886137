package io.switchboard.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.switchboard.rules.HealthTracker;
import io.switchboard.rules.HealthTracker.Figures;
import io.switchboard.rules.HealthTracker.Snapshot;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The per-connector health series, in the style of Strimzi's and Confluent's exporters, computed
 * when scraped from the {@link HealthTracker} (the lifecycle events folded): labels {@code cluster}
 * and {@code connector} only (and the one a series names: {@code status}, {@code state},
 * {@code reason}), at most {@code maxConnectors} connectors, and only clusters the scraper may see.
 * Nothing is shown until the tracker has read what the lifecycle topic held at start.
 */
final class ConnectorSeries implements MultiCollector {
    static final List<String> STATES = List.of("RUNNING", "PAUSED", "STOPPED", "FAILED", "UNASSIGNED", "RESTARTING");
    private static final double[] BOUNDS;
    /**
     * The label each state adds, by state in label order: a snapshot sorts its points by their
     * labels, which costs one pass when they come in that order (the connectors come by cluster,
     * then name), and the labels are made once, not for every point of every scrape.
     */
    private static final TreeMap<String, Labels> STATUS_LABELS = new TreeMap<>();
    private static final TreeMap<String, Labels> TASK_STATE_LABELS = new TreeMap<>();
    private static final Labels ASKED = Labels.of("reason", "asked");
    private static final Labels AUTO = Labels.of("reason", "auto");
    private static final Labels REPAIR = Labels.of("reason", "repair");

    static {
        BOUNDS = Arrays.copyOf(HealthTracker.RECOVERY_BUCKETS, HealthTracker.RECOVERY_BUCKETS.length + 1);
        BOUNDS[BOUNDS.length - 1] = Double.POSITIVE_INFINITY;
        for (String state : STATES) {
            STATUS_LABELS.put(state, Labels.of("status", state));
            TASK_STATE_LABELS.put(state, Labels.of("state", state));
        }
    }

    private final HealthTracker tracker;
    private final int maxConnectors;
    private final BooleanSupplier caughtUp;
    private final Supplier<Map<String, Map<String, Long>>> sinkLags;
    private final Supplier<Map<String, Map<String, Long>>> sinkLagAges;
    private final Clock clock;

    ConnectorSeries(HealthTracker tracker, int maxConnectors, BooleanSupplier caughtUp,
                    Supplier<Map<String, Map<String, Long>>> sinkLags, Clock clock) {
        this(tracker, maxConnectors, caughtUp, sinkLags, Map::of, clock);
    }

    /** @param sinkLagAges the age in milliseconds of each sink's oldest unconsumed record, by cluster, then sink */
    ConnectorSeries(HealthTracker tracker, int maxConnectors, BooleanSupplier caughtUp,
                    Supplier<Map<String, Map<String, Long>>> sinkLags, Supplier<Map<String, Map<String, Long>>> sinkLagAges,
                    Clock clock) {
        this.tracker = tracker;
        this.maxConnectors = maxConnectors;
        this.caughtUp = caughtUp;
        this.sinkLags = sinkLags;
        this.sinkLagAges = sinkLagAges;
        this.clock = clock;
    }

    @Override
    public MetricSnapshots collect() {
        return collectFor(cluster -> true);
    }

    /** The series of the clusters {@code visible} accepts. */
    MetricSnapshots collectFor(Predicate<String> visible) {
        List<MetricSnapshot> all = new ArrayList<>();
        boolean ready = caughtUp.getAsBoolean();
        all.add(gauge("switchboard_connector_health_caught_up",
                "1 once the lifecycle topic was read up to where it was at start: the connector series are shown from then on")
                .dataPoint(gaugePoint(Labels.EMPTY, ready ? 1 : 0)).build());
        if (!ready) {
            return new MetricSnapshots(all);
        }
        Snapshot snapshot = tracker.snapshot(visible, maxConnectors, clock.millis());
        all.add(gauge("switchboard_connector_series_omitted",
                "Connectors the scraper may see whose series are not shown, past --health-max-connectors")
                .dataPoint(gaugePoint(Labels.EMPTY, snapshot.omitted())).build());
        GaugeSnapshot.Builder status = gauge("switchboard_connector_status",
                "The connector's state as the worker last reported it, one-hot (all 0 before the first report)");
        GaugeSnapshot.Builder tasks = gauge("switchboard_connector_tasks",
                "The connector's tasks by state (FAILED always shown)");
        CounterSnapshot.Builder failures = counter("switchboard_connector_failures",
                "Times the connector or one of its tasks went into FAILED");
        CounterSnapshot.Builder restarts = counter("switchboard_connector_restarts",
                "Restarts by reason: auto (auto-restart), asked (a restart request), repair (a repair request)");
        CounterSnapshot.Builder drift = counter("switchboard_connector_drift_repairs",
                "Times the reconciler put back what was changed directly on the worker");
        GaugeSnapshot.Builder lastFailure = gauge("switchboard_connector_last_failure_timestamp_seconds",
                "When the connector last failed, in Unix seconds; 0 if it never did");
        GaugeSnapshot.Builder notAsAsked = gauge("switchboard_connector_not_as_asked_seconds",
                "How long the connector has not been as asked (its state is not its target state, or something of it failed); 0 when it is");
        GaugeSnapshot.Builder flapping = gauge("switchboard_connector_flapping",
                "1 when the connector failed at least --health-flapping-failures times within --health-flapping-window-s");
        GaugeSnapshot.Builder sinkLag = gauge("switchboard_connector_sink_lag_records",
                "A sink connector's lag: its consumer group's committed offsets behind the ends of its partitions, in records");
        GaugeSnapshot.Builder sinkLagSeconds = gauge("switchboard_connector_sink_lag_seconds",
                "A sink connector's lag in time: the age of the oldest record it has not consumed (the largest over its partitions read); 0 when it lags by no record");
        Map<String, Map<String, Long>> lags = sinkLags.get();
        Map<String, Map<String, Long>> ages = sinkLagAges.get();
        for (Figures f : snapshot.connectors()) {
            Labels labels = Labels.of("cluster", f.cluster(), "connector", f.connector());
            STATUS_LABELS.forEach((state, label) -> status.dataPoint(gaugePoint(labels.merge(label), state.equals(f.state()) ? 1 : 0)));
            Map<String, Integer> byState = new TreeMap<>();
            byState.put("FAILED", 0);
            f.taskStates().forEach(state -> byState.merge(STATES.contains(state) ? state : "UNASSIGNED", 1, Integer::sum));
            byState.forEach((state, count) -> tasks.dataPoint(gaugePoint(labels.merge(TASK_STATE_LABELS.get(state)), count)));
            failures.dataPoint(counterPoint(labels, f.failures()));
            restarts.dataPoint(counterPoint(labels.merge(ASKED), f.askedRestarts()));
            restarts.dataPoint(counterPoint(labels.merge(AUTO), f.autoRestarts()));
            restarts.dataPoint(counterPoint(labels.merge(REPAIR), f.repairs()));
            drift.dataPoint(counterPoint(labels, f.driftRepairs()));
            lastFailure.dataPoint(gaugePoint(labels, f.lastFailureAt() < 0 ? 0 : f.lastFailureAt() / 1000.0));
            notAsAsked.dataPoint(gaugePoint(labels, f.notAsAskedSeconds()));
            flapping.dataPoint(gaugePoint(labels, f.flapping() ? 1 : 0));
            Long lag = lags.getOrDefault(f.cluster(), Map.of()).get(f.connector());
            if (lag != null) {
                sinkLag.dataPoint(gaugePoint(labels, lag));
            }
            Long age = ages.getOrDefault(f.cluster(), Map.of()).get(f.connector());
            if (age != null) {
                sinkLagSeconds.dataPoint(gaugePoint(labels, age / 1000.0));
            }
        }
        HistogramSnapshot.Builder recovery = HistogramSnapshot.builder().name("switchboard_connector_recovery_seconds")
                .help("Time from a connector's failure to its recovery, per cluster");
        snapshot.recoveries().forEach((cluster, r) -> recovery.dataPoint(HistogramDataPointSnapshot.builder()
                .labels(Labels.of("cluster", cluster)).sum(r.sumSeconds())
                .classicHistogramBuckets(ClassicHistogramBuckets.of(BOUNDS, r.buckets())).build()));
        all.addAll(List.of(status.build(), tasks.build(), failures.build(), restarts.build(), drift.build(),
                lastFailure.build(), notAsAsked.build(), flapping.build(), sinkLag.build(), sinkLagSeconds.build(), recovery.build()));
        all.add(counter("switchboard_connector_health_not_followed",
                "Lifecycle events of connectors past the " + HealthOptions.MAX_FOLLOWED + " a replica follows")
                .dataPoint(CounterDataPointSnapshot.builder().value(snapshot.notFollowed()).build()).build());
        return new MetricSnapshots(all);
    }

    private static GaugeSnapshot.Builder gauge(String name, String help) {
        return GaugeSnapshot.builder().name(name).help(help);
    }

    private static CounterSnapshot.Builder counter(String name, String help) {
        return CounterSnapshot.builder().name(name).help(help);
    }

    private static GaugeDataPointSnapshot gaugePoint(Labels labels, double value) {
        return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    private static CounterDataPointSnapshot counterPoint(Labels labels, double value) {
        return CounterDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    @Override
    public MetricSnapshots collect(Predicate<String> includedNames) {
        return new MetricSnapshots(collect().stream()
                .filter(metric -> includedNames == null || includedNames.test(metric.getMetadata().getPrometheusName())).toList());
    }
}
