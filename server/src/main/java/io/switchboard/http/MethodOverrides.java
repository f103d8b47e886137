package io.switchboard.http;

import io.javalin.http.Context;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * A request is routed, authorized, timed and logged by the method on its request line, never by a
 * header. Javalin would take {@code X-HTTP-Method-Override} as the method: this servlet filter
 * hides the header from it, and {@link #refuse} answers such a request 400 in the dialect's shape,
 * so that a GET a proxy let through never becomes a DELETE, and no caller chooses a metric's tag.
 */
public final class MethodOverrides implements Filter {
    /** Jetty makes the filter by reflection. */
    public MethodOverrides() {
    }

    static final String HEADER = "X-HTTP-Method-Override";
    private static final String ATTRIBUTE = "switchboard.methodOverride";

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        if (request instanceof HttpServletRequest http && http.getHeader(HEADER) != null) {
            http.setAttribute(ATTRIBUTE, Boolean.TRUE);
            chain.doFilter(new Hidden(http), response);
            return;
        }
        chain.doFilter(request, response);
    }

    /** The {@code before} handler: a request that asked for another method is refused. */
    static void refuse(Context ctx) {
        if (Boolean.TRUE.equals(ctx.req().getAttribute(ATTRIBUTE))) {
            throw new ProblemException(400, HEADER + " is not supported: send the method itself");
        }
    }

    /** The request without the header. */
    private static final class Hidden extends HttpServletRequestWrapper {
        Hidden(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getHeader(String name) {
            return HEADER.equalsIgnoreCase(name) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return HEADER.equalsIgnoreCase(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = Collections.list(super.getHeaderNames());
            names.removeIf(HEADER::equalsIgnoreCase);
            return Collections.enumeration(names);
        }
    }
}
