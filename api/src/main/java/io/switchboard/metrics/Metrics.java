package io.switchboard.metrics;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Timer;
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
 * route template and status ({@code switchboard_http_requests_seconds}), Kafka Streams' own metrics
 * (Micrometer's Kafka binder), and the JVM's.
 */
public final class Metrics implements AutoCloseable {
    private static final String STARTED = "switchboard.metrics.started";
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final KafkaStreamsMetrics streams;
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public Metrics(KafkaStreams kafkaStreams) {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        gc.bindTo(registry);
        streams = new KafkaStreamsMetrics(kafkaStreams);
        streams.bindTo(registry);
    }

    /** Times every request and serves /metrics. */
    public void register(JavalinConfig config, Dialects dialects) {
        config.routes.before(ctx -> ctx.attribute(STARTED, System.nanoTime()));
        config.routes.after(ctx -> record(ctx, dialects));
        config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()));
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
                .tag("method", ctx.method().name())
                .tag("status", String.valueOf(ctx.statusCode()))
                .publishPercentileHistogram()
                .register(registry)
                .record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        streams.close();
        gc.close();
        registry.close();
    }
}
