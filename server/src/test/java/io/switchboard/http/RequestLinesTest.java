package io.switchboard.http;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The path a kept request line names, by which a refusal Jetty made while parsing it finds its dialect. */
class RequestLinesTest {

    @Test
    void theTargetsPathAsSentWithoutItsQuery() {
        assertEquals("/api/v1/connectors/%zz", RequestLines.pathOf("GET /api/v1/connectors/%zz?x=1 HTTP/1.1"));
        assertEquals("/v1/kafka-connect/clusters/a\u0001b", RequestLines.pathOf("DELETE /v1/kafka-connect/clusters/a\u0001b HTTP/1.1"));
        // Cut short where the connection stopped keeping it, or where the parser refused it.
        assertEquals("/connect/v1/environments/e/clusters/c/connectors/xxx", RequestLines.pathOf(
                "GET /connect/v1/environments/e/clusters/c/connectors/xxx"));
        assertEquals("/connectors", RequestLines.pathOf("GET /connectors#frag HTTP/9.9"));
    }

    @Test
    void anAbsoluteFormTargetLosesItsSchemeAndAuthority() {
        assertEquals("/api/v1/connectors/%zz", RequestLines.pathOf("GET http://evil.example:80/api/v1/connectors/%zz HTTP/1.1"));
        assertEquals("/", RequestLines.pathOf("GET http://evil.example HTTP/1.1"));
    }

    @Test
    void noPathWithoutATargetThatStartsOne() {
        assertNull(RequestLines.pathOf(null));
        assertNull(RequestLines.pathOf("GARBAGE"));
        assertNull(RequestLines.pathOf("GET * HTTP/1.1"));
        assertNull(RequestLines.pathOf("CONNECT 127.0.0.1:1 HTTP/1.1"));
    }
}
