package io.switchboard.api;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.switchboard.testing.Await;
import io.switchboard.testing.Http;
import io.switchboard.tracing.Tracing;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With tracing on, one request is one trace through its hops: the HTTP request's span, the command's
 * send (whose context its record carries as a {@code traceparent} header), the processor's decision
 * (read back from that header on the stream thread) and the answer to the waiting request.
 */
class TracingTest {
    private static final String CONNECTOR = "traced-create";

    @Test
    void oneCreateIsOneTraceFromTheRequestThroughTheCommandAndItsDecisionToTheAnswer() {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        try (SwitchboardFixture fx = new SwitchboardFixture(options -> options.tracing(Tracing.of(sdk)))) {
            assertEquals(201, fx.call("POST", "/connectors", ConnectApiTest.createBody(CONNECTOR)).status());
            SpanData http = span(exporter, s -> s.getKind() == SpanKind.SERVER && s.getName().equals("POST /connectors"));
            SpanData send = span(exporter, s -> s.getKind() == SpanKind.PRODUCER && CONNECTOR.equals(connector(s)));
            SpanData decide = span(exporter, s -> s.getName().equals("decide") && CONNECTOR.equals(connector(s)));
            SpanData answer = span(exporter, s -> s.getName().equals("answer") && s.getParentSpanId().equals(send.getSpanId()));
            String trace = http.getTraceId();
            assertEquals(List.of(trace, trace, trace), List.of(send.getTraceId(), decide.getTraceId(), answer.getTraceId()),
                    "one trace: " + exporter.getFinishedSpanItems().stream()
                            .map(s -> s.getName() + " trace " + s.getTraceId() + " parent " + s.getParentSpanId()).toList());
            assertEquals(http.getSpanId(), send.getParentSpanId(), "the command is sent within the request's span");
            assertEquals(send.getSpanId(), decide.getParentSpanId(), "the decision is a child of the send, by the record's header");
            assertEquals(201L, http.getAttributes().asMap().entrySet().stream()
                    .filter(e -> e.getKey().getKey().equals("http.response.status_code")).findFirst().orElseThrow().getValue());
        } finally {
            sdk.close();
        }
    }

    /** A client's trace context is not trusted: the request's span is a new root linking to the client's, and its baggage rides nowhere. */
    @Test
    void aClientsTraceparentIsALinkAndItsBaggageIsDropped() {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
                .setPropagators(ContextPropagators.create(TextMapPropagator.composite(W3CTraceContextPropagator.getInstance(),
                        W3CBaggagePropagator.getInstance())))
                .build();
        String clientTrace = "0123456789abcdef0123456789abcdef";
        try (SwitchboardFixture fx = new SwitchboardFixture(options -> options.tracing(Tracing.of(sdk)))) {
            Http.Response created = Http.call(fx.app.url(), "POST", "/connectors", ConnectApiTest.createBody("traced-client"),
                    Map.of("traceparent", "00-" + clientTrace + "-0123456789abcdef-01", "baggage", "role=admin",
                            "Content-Type", "application/json"));
            assertEquals(201, created.status(), created.body());
            SpanData http = span(exporter, s -> s.getKind() == SpanKind.SERVER && s.getName().equals("POST /connectors"));
            assertNotEquals(clientTrace, http.getTraceId(), "a new trace, not the client's");
            assertFalse(http.getParentSpanContext().isValid(), "a root span");
            assertEquals(List.of(clientTrace), http.getLinks().stream().map(l -> l.getSpanContext().getTraceId()).toList());
            SpanData send = span(exporter, s -> s.getKind() == SpanKind.PRODUCER && "traced-client".equals(connector(s)));
            assertEquals(http.getTraceId(), send.getTraceId());

            // What a command's record carries: the trace context, never the request's baggage.
            Context withBaggage = Baggage.builder().put("role", "admin").build().storeInContext(Context.current());
            Headers headers = new RecordHeaders();
            try (Scope ignored = withBaggage.makeCurrent()) {
                io.switchboard.commands.CommandSpansProbe.send(sdk, headers);
            }
            assertTrue(headers.lastHeader("traceparent") != null, "the trace context is carried");
            assertNull(headers.lastHeader("baggage"), "no baggage in a command's headers");
        } finally {
            sdk.close();
        }
    }

    private static String connector(SpanData span) {
        return span.getAttributes().asMap().entrySet().stream().filter(e -> e.getKey().getKey().equals("switchboard.connector"))
                .map(e -> String.valueOf(e.getValue())).findFirst().orElse(null);
    }

    /** The finished span that matches, waited for (the HTTP span ends once the answer is written). */
    private static SpanData span(InMemorySpanExporter exporter, Predicate<SpanData> matches) {
        return Await.atMost(Duration.ofSeconds(30)).until("a span among " + exporter.getFinishedSpanItems(),
                () -> exporter.getFinishedSpanItems().stream().filter(matches).findFirst().orElse(null), found -> found != null);
    }
}
