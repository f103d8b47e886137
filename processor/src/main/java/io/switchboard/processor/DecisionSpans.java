package io.switchboard.processor;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.switchboard.schemas.ConnectorCommand;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A span for each command the processor decides, in the trace its record's headers carry (W3C
 * {@code traceparent}, written by the replica that sent it): from the moment the stream thread takes
 * the command until its decision is forwarded. With {@link #NONE} (tracing off) every call is a no-op.
 */
public final class DecisionSpans {
    /** Tracing off: no span, nothing read. */
    public static final DecisionSpans NONE = new DecisionSpans(OpenTelemetry.noop());

    private static final TextMapGetter<Headers> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
            List<String> keys = new ArrayList<>();
            headers.forEach(h -> keys.add(h.key()));
            return keys;
        }

        @Override
        public String get(Headers headers, String key) {
            Header header = headers == null ? null : headers.lastHeader(key);
            return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
        }
    };

    private final OpenTelemetry openTelemetry;
    private final Tracer tracer;

    public DecisionSpans(OpenTelemetry openTelemetry) {
        this.openTelemetry = openTelemetry;
        this.tracer = openTelemetry.getTracer("io.switchboard.processor");
    }

    /** The decision's span, begun now, a child of the context in {@code headers} (a new trace when there is none). */
    Span begin(Headers headers, ConnectorCommand command) {
        if (this == NONE) {
            return Span.getInvalid();
        }
        Context parent = openTelemetry.getPropagators().getTextMapPropagator().extract(Context.root(), headers, HEADERS);
        return tracer.spanBuilder("decide").setParent(parent).setSpanKind(SpanKind.CONSUMER)
                .setAttribute("messaging.system", "kafka")
                .setAttribute("switchboard.command.id", command == null ? "" : command.getCommandId())
                .setAttribute("switchboard.connector", command == null ? "" : command.getConnector())
                .startSpan();
    }
}
