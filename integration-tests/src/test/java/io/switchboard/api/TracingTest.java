package io.switchboard.api;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.switchboard.testing.Await;
import io.switchboard.tracing.Tracing;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
        try (SwitchboardFixture fx = new SwitchboardFixture(options -> options.withTracing(Tracing.of(sdk)))) {
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
