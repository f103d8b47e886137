package io.switchboard.metrics;

import io.javalin.config.JavalinConfig;
import io.switchboard.auth.Access;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.http.Dialects;
import org.apache.kafka.streams.KafkaStreams;

/**
 * {@code GET /metrics} in Prometheus' text format, by Micrometer: HTTP request latency by dialect,
 * route template and status ({@code switchboard_http_requests_seconds}), decision latency by outcome
 * ({@code switchboard_decisions_seconds}), connectors by cluster and desired or observed state
 * ({@code switchboard_connectors}), the decisions consumer's and Kafka Streams' own metrics
 * (Micrometer's Kafka binders, consumer lag among them), and the JVM's.
 */
public final class Metrics implements AutoCloseable {
    private static final String STARTED = "switchboard.metrics.started";
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final KafkaStreamsMetrics streams;
    private final JvmGcMetrics gc = new JvmGcMetrics();

    /** Every connector of every cluster as desired and as observed, read when /metrics is scraped. */
    private volatile java.util.function.Supplier<java.util.Map<String, java.util.List<io.switchboard.core.Views.ConnectorDetails>>> connectors =
            java.util.Map::of;
    private final io.micrometer.core.instrument.MultiGauge connectorStates;

    public Metrics(KafkaStreams kafkaStreams) {
        // A backstop to the tags' own bounds: past this many routes (or methods), new series are dropped, not kept.
        registry.config().meterFilter(MeterFilter.maximumAllowableTags("switchboard.http.requests", "route", 500, MeterFilter.deny()));
        registry.config().meterFilter(MeterFilter.maximumAllowableTags("switchboard.http.requests", "method", 16, MeterFilter.deny()));
        connectorStates = io.micrometer.core.instrument.MultiGauge.builder("switchboard.connectors")
                .description("Connectors by cluster, desired target state or observed state").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        gc.bindTo(registry);
        streams = new KafkaStreamsMetrics(kafkaStreams);
        streams.bindTo(registry);
    }

    /** Decisions: how long each command waited for its decision, by outcome. */
    public void timeDecisions(io.switchboard.commands.CommandGateway gateway) {
        gateway.onDecided((nanos, outcome) -> Timer.builder("switchboard.decisions")
                .description("Time from sending a command to its decision, by outcome")
                .tag("outcome", outcome).publishPercentileHistogram().register(registry)
                .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS));
    }

    /** The decisions consumer's own metrics (its lag among them), by Micrometer's Kafka client binder. */
    public void watch(org.apache.kafka.clients.consumer.Consumer<?, ?> consumer) {
        new io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics(consumer).bindTo(registry);
    }

    /** The data plane of one cluster: its full passes, the calls it made on the worker, and the ones that failed. */
    public void watch(String cluster, io.switchboard.dataplane.Reconciler reconciler) {
        io.micrometer.core.instrument.FunctionCounter.builder("switchboard.reconciler.passes", reconciler,
                io.switchboard.dataplane.Reconciler::fullPasses).tag("cluster", cluster).register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("switchboard.reconciler.calls", reconciler,
                io.switchboard.dataplane.Reconciler::workerCalls).tag("cluster", cluster).register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("switchboard.reconciler.errors", reconciler,
                io.switchboard.dataplane.Reconciler::workerErrors).tag("cluster", cluster).register(registry);
    }

    /** The requests of each kind this replica made of a cluster's worker. */
    public void watch(String cluster, io.switchboard.dataplane.WorkerRequestCounts requests) {
        requests.onNewKind(kind -> io.micrometer.core.instrument.FunctionCounter.builder("switchboard.worker.requests", requests,
                counts -> counts.count(kind)).tag("cluster", cluster).tag("request", kind).register(registry));
    }

    /** Where connectors are read from for the per-state gauges: all of them, by cluster. */
    public void countConnectors(java.util.function.Supplier<java.util.Map<String, java.util.List<io.switchboard.core.Views.ConnectorDetails>>> all) {
        this.connectors = all;
    }

    private void refreshConnectorStates() {
        java.util.Map<java.util.List<String>, Integer> counts = new java.util.HashMap<>();
        try {
            connectors.get().forEach((cluster, details) -> details.forEach(d -> {
                counts.merge(java.util.List.of(cluster, "desired", d.connector().target().name()), 1, Integer::sum);
                counts.merge(java.util.List.of(cluster, "observed", d.status().state()), 1, Integer::sum);
            }));
        } catch (RuntimeException e) {
            // Stores moving between replicas: the gauges keep their last values.
            return;
        }
        connectorStates.register(counts.entrySet().stream().map(e -> io.micrometer.core.instrument.MultiGauge.Row.of(
                io.micrometer.core.instrument.Tags.of("cluster", e.getKey().get(0), "kind", e.getKey().get(1), "state", e.getKey().get(2)),
                e.getValue())).toList(), true);
    }

    private static final java.util.Set<String> KNOWN_METHODS = java.util.Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    /** Times every request and serves /metrics. */
    public void register(JavalinConfig config, Dialects dialects) {
        config.routes.before(ctx -> ctx.attribute(STARTED, System.nanoTime()));
        config.routes.after(ctx -> record(ctx, dialects));
        config.routes.get("/metrics", ctx -> {
            refreshConnectorStates();
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
        }, Access.view(ctx -> Access.Target.EVERYWHERE));
    }

    private void record(Context ctx, Dialects dialects) {
        Long started = ctx.attribute(STARTED);
        if (started == null) {
            return;
        }
        io.javalin.router.Endpoint endpoint = ctx.endpoints().lastHttpEndpoint();
        String route = endpoint == null ? null : endpoint.path;
        Timer.builder("switchboard.http.requests")
                .description("HTTP requests by dialect, route template and status")
                .tag("dialect", dialects.ownerOf(ctx.path()).basePaths().get(0))
                .tag("route", route == null || route.isEmpty() ? "(unmatched)" : route)
                .tag("method", knownMethod(ctx.req().getMethod()))
                .tag("status", String.valueOf(ctx.statusCode()))
                .publishPercentileHistogram()
                .register(registry)
                .record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** The method on the request line if it is one the API serves, else OTHER: callers do not choose tag values. */
    static String knownMethod(String method) {
        return KNOWN_METHODS.contains(method) ? method : "OTHER";
    }

    @Override
    public void close() {
        streams.close();
        gc.close();
        registry.close();
    }
}
