package io.switchboard.dataplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * What the data plane's client puts in the requests it sends a worker. The worker here is a plain
 * HTTP server that records each body, since only the request is under test.
 */
class ConnectClusterClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer server;
    private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/connectors", exchange -> {
            bodies.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
            byte[] answer = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(201, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /**
     * A worker given {@code initial_state} writes a target-state record before the config and acts on
     * it, for every create: RUNNING, its own default, is left out; the other states are sent.
     */
    @Test
    void createNamesTheInitialStateOnlyWhenItIsNotRunning() {
        ConnectClusterClient client = new ConnectClusterClient("http://127.0.0.1:" + server.getAddress().getPort());
        Map<String, String> config = Map.of("connector.class", "FileStreamSource");

        client.create("runs", config, "RUNNING");
        client.create("paused", config, "PAUSED");
        client.create("stopped", config, "STOPPED");

        assertEquals(3, bodies.size());
        assertEquals("runs", bodies.get(0).path("name").asText());
        assertFalse(bodies.get(0).has("initial_state"), bodies.get(0).toString());
        assertEquals("FileStreamSource", bodies.get(0).path("config").path("connector.class").asText());
        assertEquals("PAUSED", bodies.get(1).path("initial_state").asText());
        assertEquals("STOPPED", bodies.get(2).path("initial_state").asText());
    }
}
