package io.switchboard.tracing;

import io.javalin.config.JavalinConfig;
import io.javalin.router.Endpoint;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.FilterHolder;

import java.io.IOException;
import java.util.Collections;
import java.util.EnumSet;

/**
 * A server span for each HTTP request, current while its handler runs (so that the work it hands
 * to other threads, and the command it sends, are in its trace), ended once the answer is written:
 * at once for a synchronous answer, when the asynchronous one completes otherwise. Named by the
 * route that matched ({@code PUT /connectors/{connector}/pause}), never by the path, so that names
 * stay few. Each request's span is a new root: a client's {@code traceparent} is a link, and its
 * {@code baggage} is dropped. Installed only when tracing is on.
 */
public final class HttpSpans implements Filter {
    private static final String SPAN = "switchboard.span";
    /** A client's own {@code traceparent}, if it sent one: the request's span links to it. */
    private static final TextMapGetter<HttpServletRequest> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpServletRequest request) {
            return Collections.list(request.getHeaderNames());
        }

        @Override
        public String get(HttpServletRequest request, String key) {
            return request == null ? null : request.getHeader(key);
        }
    };
    private final Tracer tracer;

    private HttpSpans(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("io.switchboard.http");
    }

    /** Registers the span filter and the route naming on the server being configured. */
    public static void install(JavalinConfig config, OpenTelemetry openTelemetry) {
        HttpSpans spans = new HttpSpans(openTelemetry);
        config.jetty.modifyServletContextHandler(context ->
                context.addFilter(new FilterHolder(spans), "/*", EnumSet.of(DispatcherType.REQUEST)));
        config.routes.after(ctx -> {
            if (ctx.req().getAttribute(SPAN) instanceof Span span) {
                Endpoint endpoint = ctx.endpoints().lastHttpEndpoint();
                if (endpoint != null) {
                    span.updateName(ctx.method().name() + " " + endpoint.path);
                    span.setAttribute("http.route", endpoint.path);
                }
            }
        });
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest http) || !(response instanceof HttpServletResponse answer)) {
            chain.doFilter(request, response);
            return;
        }
        // A client is not trusted with the trace: its span is linked to, never a parent (so it decides no
        // sampling), and its baggage is never read (so nothing it says rides into commands or records).
        SpanContext client = Span.fromContext(W3CTraceContextPropagator.getInstance().extract(Context.root(), http, HEADERS))
                .getSpanContext();
        SpanBuilder building = tracer.spanBuilder(http.getMethod()).setNoParent().setSpanKind(SpanKind.SERVER);
        if (client.isValid()) {
            building.addLink(client);
        }
        Span span = building
                .setAttribute("http.request.method", http.getMethod())
                .setAttribute("url.path", http.getRequestURI())
                .startSpan();
        http.setAttribute(SPAN, span);
        try (Scope ignored = span.makeCurrent()) {
            chain.doFilter(request, response);
        } catch (IOException | ServletException | RuntimeException e) {
            span.recordException(e);
            end(span, 500);
            throw e;
        }
        if (http.isAsyncStarted()) {
            http.getAsyncContext().addListener(new AsyncListener() {
                @Override
                public void onComplete(AsyncEvent event) {
                    end(span, answer.getStatus());
                }

                @Override
                public void onTimeout(AsyncEvent event) {
                }

                @Override
                public void onError(AsyncEvent event) {
                }

                @Override
                public void onStartAsync(AsyncEvent event) {
                }
            });
        } else {
            end(span, answer.getStatus());
        }
    }

    private static void end(Span span, int status) {
        span.setAttribute("http.response.status_code", status);
        if (status >= 500) {
            span.setStatus(StatusCode.ERROR);
        }
        span.end();
    }
}
