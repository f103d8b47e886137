package io.switchboard.commands;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The command's hops in its request's trace: its send (a producer span, from the hand-off to the
 * broker's acknowledgement, whose context the record carries as a W3C {@code traceparent} header
 * for the processor's decision span, and no baggage), and its answer (from the decision reaching the waiting
 * request until the caller's continuation, writing the answer, has run). With tracing off the
 * gateway has none: nothing is made, no header written and no future added.
 */
final class CommandSpans {

    private static final TextMapSetter<Headers> HEADERS = (headers, key, value) -> {
        if (headers != null) {
            headers.remove(key);
            headers.add(key, value.getBytes(StandardCharsets.UTF_8));
        }
    };

    private final Tracer tracer;

    CommandSpans(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("io.switchboard.commands");
    }

    /** The command's send span, begun now in the current context, its context written to {@code headers}. */
    Span send(ConnectorCommand command, String topic, Headers headers) {
        Span span = tracer.spanBuilder(topic + " publish").setSpanKind(SpanKind.PRODUCER)
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.destination.name", topic)
                .setAttribute("switchboard.command.id", command.getCommandId())
                .setAttribute("switchboard.connector", command.getConnector())
                .startSpan();
        // The trace context only: no baggage rides into a command's headers, and so into the records made of it.
        W3CTraceContextPropagator.getInstance().inject(Context.current().with(span), headers, HEADERS);
        return span;
    }

    /** The broker acknowledged the send (error null) or did not. */
    static void sent(Span send, Throwable error) {
        if (error != null) {
            send.recordException(error);
            send.setStatus(StatusCode.ERROR);
        }
        send.end();
    }

    /** The decision as the caller gets it, handed over within the answer span. */
    CompletableFuture<CommandDecision> answered(Span send, CompletableFuture<CommandDecision> decision) {
        CompletableFuture<CommandDecision> answered = new CompletableFuture<>();
        decision.whenComplete((d, error) -> {
            Span answer = tracer.spanBuilder("answer").setParent(Context.root().with(send)).startSpan();
            if (d != null) {
                answer.setAttribute("switchboard.outcome", d.getOutcome().name());
            }
            Throwable failed = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            try (Scope ignored = answer.makeCurrent()) {
                if (failed != null) {
                    answer.setStatus(StatusCode.ERROR);
                    answered.completeExceptionally(failed);
                } else {
                    answered.complete(d);
                }
            } finally {
                answer.end();
            }
        });
        return answered;
    }
}
