package io.switchboard.tracing;

import io.javalin.config.JavalinConfig;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.switchboard.commands.CommandGateway;
import io.switchboard.processor.DecisionSpans;

import java.util.Map;

/**
 * Whether a replica traces its commands, and with what (docs/configuration.md#tracing). Off by
 * default: every span is then OpenTelemetry's no-op and no header is written. On with
 * {@code --tracing otlp}, or when the standard {@code OTEL_*} variables ask for traces
 * ({@code OTEL_TRACES_EXPORTER} other than {@code none}, or an OTLP endpoint), unless
 * {@code OTEL_SDK_DISABLED=true}: the OpenTelemetry SDK then exports them with OTLP, configured by
 * the same variables (endpoint, headers, sampler, {@code OTEL_SERVICE_NAME}, by default
 * {@code switchboard}). In-process (tests, benchmarks), {@link #of} gives an OpenTelemetry of the
 * caller's.
 *
 * @param mode          {@code off} or {@code otlp}
 * @param openTelemetry the caller's own (null: built from the mode)
 */
public record Tracing(String mode, OpenTelemetry openTelemetry) {
    /** Off: no span is made. */
    public static final Tracing OFF = new Tracing("off", null);

    public Tracing {
        if (!"off".equals(mode) && !"otlp".equals(mode)) {
            throw new IllegalArgumentException("--tracing takes off or otlp, not '" + mode + "'");
        }
    }

    /** Tracing to the caller's OpenTelemetry (an SDK with an in-memory exporter, for one); the caller closes it. */
    public static Tracing of(OpenTelemetry openTelemetry) {
        return new Tracing("otlp", openTelemetry);
    }

    /** The mode when {@code --tracing} is not given: otlp when the standard variables ask for traces, else off. */
    public static String defaultMode(Map<String, String> env) {
        if ("true".equalsIgnoreCase(env.get("OTEL_SDK_DISABLED"))) {
            return "off";
        }
        String exporter = env.get("OTEL_TRACES_EXPORTER");
        boolean asked = exporter != null ? !exporter.isBlank() && !"none".equalsIgnoreCase(exporter.trim())
                : env.get("OTEL_EXPORTER_OTLP_ENDPOINT") != null || env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != null;
        return asked ? "otlp" : "off";
    }

    public boolean on() {
        return !"off".equals(mode);
    }

    /**
     * The replica's OpenTelemetry: the no-op one when off, the caller's when given, else an SDK
     * configured from the {@code OTEL_*} variables (which {@link Started#close} shuts down, flushing
     * what is still to be exported).
     */
    public Started start() {
        if (!on()) {
            return new Started(OpenTelemetry.noop(), null);
        }
        if (openTelemetry != null) {
            return new Started(openTelemetry, null);
        }
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                // Defaults under the OTEL_* variables: traces only, by OTLP over HTTP, as "switchboard". The SDK's
                // own default protocol is gRPC, whose sender the replica does not carry: it would not start.
                .addPropertiesSupplier(() -> Map.of(
                        "otel.service.name", "switchboard",
                        "otel.traces.exporter", "otlp",
                        "otel.exporter.otlp.protocol", "http/protobuf",
                        "otel.metrics.exporter", "none",
                        "otel.logs.exporter", "none"))
                .disableShutdownHook()
                .build()
                .getOpenTelemetrySdk();
        return new Started(sdk, sdk);
    }

    /** A replica's OpenTelemetry (the no-op one when off), and the SDK it made itself (null: none to close). */
    public record Started(OpenTelemetry openTelemetry, OpenTelemetrySdk own) implements AutoCloseable {
        private boolean on() {
            return openTelemetry != OpenTelemetry.noop();
        }

        /** The processor's span per decision ({@link DecisionSpans#NONE} when off). */
        public DecisionSpans decisions() {
            return on() ? new DecisionSpans(openTelemetry) : DecisionSpans.NONE;
        }

        /** Each command's send and answer spans, when on. */
        public void commands(CommandGateway gateway) {
            if (on()) {
                gateway.traced(openTelemetry);
            }
        }

        /** A server span per HTTP request, when on ({@link HttpSpans}). */
        public void requests(JavalinConfig config) {
            if (on()) {
                HttpSpans.install(config, openTelemetry);
            }
        }

        @Override
        public void close() {
            if (own != null) {
                own.close();
            }
        }
    }
}
