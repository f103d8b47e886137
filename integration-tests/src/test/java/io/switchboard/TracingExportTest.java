package io.switchboard;

import com.sun.net.httpserver.HttpServer;
import io.switchboard.testing.Await;
import io.switchboard.testing.Http;
import io.switchboard.testing.ReplicaProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --tracing otlp} as an operator gives it: a replica started with the flag exports its spans
 * by OTLP over HTTP to the collector the standard variable names (here one in the test, receiving
 * {@code /v1/traces}), as service {@code switchboard}. Over HTTP by default: the SDK's own default,
 * gRPC, has no sender in the replica, and stopped its start.
 */
class TracingExportTest {
    /** The bodies the collector received, protobuf-encoded ExportTraceServiceRequests. */
    private final List<String> exports = new CopyOnWriteArrayList<>();
    private HttpServer collector;
    private ReplicaProcess replica;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (replica != null) {
            replica.close();
        }
        if (collector != null) {
            collector.stop(0);
        }
    }

    @Test
    void aReplicaStartedWithTracingOtlpExportsItsSpansToTheCollector() throws IOException {
        collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                // Span and attribute names are protobuf strings: readable as they are in the body.
                exports.add(new String(body.readAllBytes(), StandardCharsets.ISO_8859_1));
            }
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        replica = ReplicaProcess.start("traced", dir.resolve("data"),
                Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + collector.getAddress().getPort(),
                        "OTEL_BSP_SCHEDULE_DELAY", "200"),
                "--tracing", "otlp", "--kafka-port", "0", "--schema-registry-port", "0", "--embedded-worker", "false");
        replica.awaitHealthy(Duration.ofMinutes(3));

        assertEquals(200, Http.send(replica.url(), "GET", "/connectors", null, Map.of()).status());
        Await.atMost(Duration.ofSeconds(60)).until("the request's span at the collector",
                () -> exports.stream().anyMatch(body -> body.contains("GET /connectors")));
        String export = exports.stream().filter(body -> body.contains("GET /connectors")).findFirst().orElseThrow();
        // The resource's attribute: its key, then (a few bytes of protobuf framing on) its value.
        assertTrue(Pattern.compile("service\\.name.{1,8}switchboard", Pattern.DOTALL).matcher(export).find(), export);
    }
}
