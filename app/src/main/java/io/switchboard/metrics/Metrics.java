package io.switchboard.metrics;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.access.Access;
import io.switchboard.commands.CommandGateway;
import io.switchboard.core.Views;
import io.switchboard.dataplane.Reconciler;
import io.switchboard.dataplane.WorkerRequestCounts;
import io.switchboard.http.Dialects;
import io.switchboard.http.RequestContexts;
import io.switchboard.processor.CommandRefusals;
import io.switchboard.kafkaio.RecordRefusals;
import io.switchboard.rules.HealthTracker;
import io.switchboard.schemas.LifecycleEvent;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KafkaStreams;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

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
    private volatile Supplier<Map<String, List<Views.ConnectorDetails>>> connectors =
            Map::of;
    private final MultiGauge connectorStates;
    /** Each cluster's user policies with how many connectors break each now, read when /metrics is scraped. */
    private volatile Supplier<Map<String, Map<String, Integer>>> policyViolations = Map::of;
    private final MultiGauge violations;
    /** The reads this replica made of other replicas' copies of each store. */
    private volatile ToLongFunction<String> replicaReads = store -> 0;
    /** Each connector's health series; null until {@link #followHealth}. */
    private volatile ConnectorSeries connectorSeries;

    public Metrics(KafkaStreams kafkaStreams) {
        // A backstop to the tags' own bounds: past this many routes (or methods), new series are dropped, not kept.
        registry.config().meterFilter(MeterFilter.maximumAllowableTags("switchboard.http.requests", "route", 500, MeterFilter.deny()));
        registry.config().meterFilter(MeterFilter.maximumAllowableTags("switchboard.http.requests", "method", 16, MeterFilter.deny()));
        connectorStates = MultiGauge.builder("switchboard.connectors")
                .description("Connectors by cluster, desired target state or observed state").register(registry);
        violations = MultiGauge.builder("switchboard.policy.violations")
                .description("Connectors that break a user policy in force now, by cluster and policy (they keep running)").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        gc.bindTo(registry);
        streams = new KafkaStreamsMetrics(kafkaStreams);
        streams.bindTo(registry);
    }

    /** Decisions: how long each command waited for its decision, by outcome. */
    public void timeDecisions(CommandGateway gateway) {
        gateway.onDecided((nanos, outcome) -> Timer.builder("switchboard.decisions")
                .description("Time from sending a command to its decision, by outcome")
                .tag("outcome", outcome).publishPercentileHistogram().register(registry)
                .record(nanos, TimeUnit.NANOSECONDS));
    }

    /**
     * Records of the command topic the processor refused because no replica signed them, by reason
     * ({@code switchboard_commands_refused_total{reason=unsigned|unknown_key|bad_signature}}).
     */
    public void countRefusedCommands(CommandRefusals refusals) {
        for (String reason : CommandRefusals.REASONS) {
            FunctionCounter.builder("switchboard.commands.refused", refusals, r -> r.count(reason))
                    .description("Records of the command topic refused undecided, by why: no replica signed them")
                    .tag("reason", reason).register(registry);
        }
    }

    /**
     * Records of the control plane's other topics a reader did not act on, because no replica signed them or
     * they copy an earlier one, by topic and reason ({@code switchboard_records_refused_total{topic,reason}}).
     */
    public void countRefusedRecords(RecordRefusals refusals) {
        for (String topic : RecordRefusals.TOPICS) {
            for (String reason : RecordRefusals.REASONS) {
                FunctionCounter.builder("switchboard.records.refused", refusals, r -> r.count(topic, reason))
                        .description("Records of the decisions, observations, policies and policy-versions topics and the connectors"
                                + " changelog not acted on, by why: no replica signed them, or they copy an earlier one")
                        .tag("topic", topic).tag("reason", reason).register(registry);
            }
        }
    }

    /** The decisions consumer's own metrics (its lag among them), by Micrometer's Kafka client binder. */
    public void watch(Consumer<?, ?> consumer) {
        new KafkaClientMetrics(consumer).bindTo(registry);
    }

    /** The data plane of one cluster: its full passes, the calls it made on the worker, and the ones that failed. */
    public void watch(String cluster, Reconciler reconciler) {
        FunctionCounter.builder("switchboard.reconciler.passes", reconciler,
                Reconciler::fullPasses).tag("cluster", cluster).register(registry);
        FunctionCounter.builder("switchboard.reconciler.calls", reconciler,
                Reconciler::workerCalls).tag("cluster", cluster).register(registry);
        FunctionCounter.builder("switchboard.reconciler.errors", reconciler,
                Reconciler::workerErrors).tag("cluster", cluster).register(registry);
    }

    /**
     * The reads this replica made of other replicas' copies of each store ({@code switchboard_replica_reads_total}):
     * a read forwarded over HTTP, for a client or for the data plane.
     */
    public void watchReplicaReads(ToLongFunction<String> reads, List<String> stores) {
        // Held here: a meter holds what it reads only weakly.
        this.replicaReads = reads;
        for (String store : stores) {
            FunctionCounter.builder("switchboard.replica.reads", this, metrics -> metrics.replicaReads.applyAsLong(store))
                    .description("Reads of other replicas' copies of a store, by store").tag("store", store).register(registry);
        }
    }

    /**
     * 1 when the Connect worker's Kafka principal may write the command topic, as checked at start
     * ({@code switchboard_kafka_worker_may_write_commands}); it should be 0.
     */
    public void watchWorkerPrincipal(java.util.function.BooleanSupplier mayWriteCommands) {
        io.micrometer.core.instrument.Gauge.builder("switchboard.kafka.worker.may.write.commands", mayWriteCommands,
                        supplier -> supplier.getAsBoolean() ? 1 : 0)
                .description("1 when the Connect worker's Kafka principal may write the command topic").register(registry);
    }

    /** The requests of each kind this replica made of a cluster's worker. */
    public void watch(String cluster, WorkerRequestCounts requests) {
        requests.onNewKind(kind -> FunctionCounter.builder("switchboard.worker.requests", requests,
                counts -> counts.count(kind)).tag("cluster", cluster).tag("request", kind).register(registry));
    }

    /** Where connectors are read from for the per-state gauges: all of them, by cluster. */
    /** Counts, when /metrics is scraped, the connectors that break each user policy of each cluster. */
    public void countPolicyViolations(Supplier<Map<String, Map<String, Integer>>> counts) {
        this.policyViolations = counts;
    }

    public void countConnectors(Supplier<Map<String, List<Views.ConnectorDetails>>> all) {
        this.connectors = all;
    }

    /**
     * Follows the lifecycle topic into each connector's health series, which {@code /metrics} shows
     * for every cluster and {@code /metrics/connectors} for the clusters the caller may see.
     * Each pass of the sink-lag reader is kept in {@code lagHistory} too. Answers the reader, for its owner to close.
     */
    public AutoCloseable followHealth(String bootstrapServers, Map<String, String> kafkaSettings, String topic,
                                      Deserializer<LifecycleEvent> events, Admin admin, HealthOptions options,
                                      SinkLagHistory lagHistory, java.util.Set<String> clustersOnThisKafka) {
        HealthTracker tracker = new HealthTracker(options.flapping(), HealthOptions.MAX_FOLLOWED);
        HealthFeed feed = new HealthFeed(bootstrapServers, kafkaSettings, topic, events, tracker).start();
        // Sinks are found among the connectors as the per-state gauges read them, whenever a pass runs.
        SinkLags lags = SinkLags.of(admin, () -> connectors.get(), clustersOnThisKafka, lagHistory, bootstrapServers, kafkaSettings,
                options.sinkLagAgePartitions()).start(options.sinkLagEvery());
        connectorSeries = new ConnectorSeries(tracker, options.maxConnectors(), feed::caughtUp, lags::lags, lags::ages, Clock.systemUTC());
        registry.getPrometheusRegistry().register(connectorSeries);
        FunctionCounter.builder("switchboard.sink.lag.requests", lags, SinkLags::requests)
                .description("AdminClient requests made to read sink connectors' lag").register(registry);
        FunctionCounter.builder("switchboard.sink.lag.age.reads", lags, SinkLags::ageReads)
                .description("Partitions of sink connectors' topics whose oldest unconsumed record was read for its age").register(registry);
        return () -> {
            lags.close();
            feed.close();
        };
    }

    private void refreshPolicyViolations() {
        List<MultiGauge.Row<?>> rows = new java.util.ArrayList<>();
        try {
            policyViolations.get().forEach((cluster, counts) -> counts.forEach((policy, count) ->
                    rows.add(MultiGauge.Row.of(Tags.of("cluster", cluster, "policy", policy), count))));
        } catch (RuntimeException e) {
            // Stores moving between replicas: the gauges keep their last values.
            return;
        }
        violations.register(rows, true);
    }

    private void refreshConnectorStates() {
        Map<List<String>, Integer> counts = new HashMap<>();
        try {
            connectors.get().forEach((cluster, details) -> details.forEach(d -> {
                counts.merge(List.of(cluster, "desired", d.connector().target().name()), 1, Integer::sum);
                counts.merge(List.of(cluster, "observed", d.status().state()), 1, Integer::sum);
            }));
        } catch (RuntimeException e) {
            // Stores moving between replicas: the gauges keep their last values.
            return;
        }
        connectorStates.register(counts.entrySet().stream().map(e -> MultiGauge.Row.of(
                Tags.of("cluster", e.getKey().get(0), "kind", e.getKey().get(1), "state", e.getKey().get(2)),
                e.getValue())).toList(), true);
    }

    private static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    /** Times every request and serves /metrics. */
    public void register(JavalinConfig config, Dialects dialects) {
        config.routes.before(ctx -> ctx.attribute(STARTED, System.nanoTime()));
        config.routes.after(ctx -> record(ctx, dialects));
        config.routes.get("/metrics", ctx -> {
            refreshConnectorStates();
            refreshPolicyViolations();
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
        }, Access.view(ctx -> Access.Target.EVERYWHERE));
        // Narrowed by ?cluster= to one cluster, whose grant is then needed; else any grant, showing
        // the connectors of the clusters the grants cover.
        config.routes.get("/metrics/connectors", this::connectorSeries, Access.view(ctx -> ctx.queryParam("cluster") == null
                ? Access.Target.ANY_GRANTED : Access.Target.cluster(ctx.queryParam("cluster"))));
    }

    /**
     * The series are collected before the first byte is sent (so a failure is still a clean error
     * answer), then written straight to the response, compressed as it goes when the client asks
     * for it: at 10,000 connectors the text is about 14 MB, and is never held whole.
     */
    private void connectorSeries(Context ctx) {
        ConnectorSeries series = connectorSeries;
        String only = ctx.queryParam("cluster");
        Predicate<String> mayView = RequestContexts.mayView(ctx);
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8");
        if (series == null) {
            ctx.result("");
            return;
        }
        MetricSnapshots snapshots = series.collectFor(cluster -> mayView.test(cluster) && (only == null || only.equals(cluster)));
        try {
            PrometheusTextFormatWriter.create().write(ctx.outputStream(), snapshots);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void record(Context ctx, Dialects dialects) {
        Long started = ctx.attribute(STARTED);
        if (started == null) {
            return;
        }
        Endpoint endpoint = ctx.endpoints().lastHttpEndpoint();
        String route = endpoint == null ? null : endpoint.path;
        Timer.builder("switchboard.http.requests")
                .description("HTTP requests by dialect, route template and status")
                .tag("dialect", dialects.ownerOf(ctx.path()).basePaths().get(0))
                .tag("route", route == null || route.isEmpty() ? "(unmatched)" : route)
                .tag("method", knownMethod(ctx.req().getMethod()))
                .tag("status", String.valueOf(ctx.statusCode()))
                .publishPercentileHistogram()
                .register(registry)
                .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
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
