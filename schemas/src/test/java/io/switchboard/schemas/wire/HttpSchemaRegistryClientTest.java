package io.switchboard.schemas.wire;

import com.fasterxml.jackson.databind.node.TextNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client against a scripted HTTP server: paths, headers, bodies, caching and error mapping. */
class HttpSchemaRegistryClientTest {
    private static final Schema SCHEMA = SchemaBuilder.record("Thing").namespace("test").fields()
            .requiredString("name").endRecord();

    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile Answer answer = (exchange, body) -> reply(exchange, 500, "{}");
    private HttpServer server;
    private HttpSchemaRegistryClient client;

    interface Answer {
        void handle(HttpExchange exchange, String body) throws IOException;
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath() + " "
                    + exchange.getRequestHeaders().getFirst("Content-Type") + " " + body);
            answer.handle(exchange, body);
        });
        server.start();
        client = new HttpSchemaRegistryClient("http://127.0.0.1:" + server.getAddress().getPort() + "/", Duration.ofSeconds(30),
                Optional.empty());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", HttpSchemaRegistryClient.CONTENT_TYPE);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Test
    void registersOnceAndThenAnswersFromItsCache() {
        answer = (exchange, body) -> reply(exchange, 200, "{\"id\": 7}");
        assertEquals(7, client.register("my topic/value", SCHEMA));
        assertEquals(7, client.register("my topic/value", new Schema.Parser().parse(SCHEMA.toString())));
        assertEquals(SCHEMA, client.schemaById(7), "a registered schema is known by its id without asking");

        assertEquals(1, requests.size(), requests.toString());
        String request = requests.get(0);
        assertTrue(request.startsWith("POST /subjects/my%20topic%2Fvalue/versions application/vnd.schemaregistry.v1+json "), request);
        assertTrue(request.contains("\"schema\":\"{\\\"type\\\":\\\"record\\\""), request);
    }

    @Test
    void fetchesASchemaByIdOnce() {
        answer = (exchange, body) -> reply(exchange, 200,
                "{\"schema\": " + TextNode.valueOf(SCHEMA.toString()) + "}");
        assertEquals(SCHEMA, client.schemaById(3));
        assertEquals(SCHEMA, client.schemaById(3));
        assertEquals(List.of("GET /schemas/ids/3 null "), requests);
    }

    @Test
    void carriesTheStatusAndErrorCodeOfAFailure() {
        answer = (exchange, body) -> reply(exchange, 404, "{\"error_code\": 40403, \"message\": \"Schema 3 not found\"}");
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class, () -> client.schemaById(3));
        assertEquals(404, e.status());
        assertEquals(40403, e.errorCode());
        assertTrue(e.getMessage().contains("Schema 3 not found"), e.getMessage());

        answer = (exchange, body) -> reply(exchange, 409, "{\"error_code\": 409, \"message\": \"incompatible\"}");
        e = assertThrows(SchemaRegistryException.class, () -> client.register("s", SCHEMA));
        assertEquals(409, e.status());
        assertEquals(409, e.errorCode());
    }

    @Test
    void aBodyThatIsNotJsonStillGivesTheStatus() {
        answer = (exchange, body) -> reply(exchange, 502, "<html>bad gateway</html>");
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class, () -> client.schemaById(1));
        assertEquals(502, e.status());
        assertEquals(502, e.errorCode());
    }

    @Test
    void testsCompatibilityAgainstTheLatestVersion() {
        answer = (exchange, body) -> reply(exchange, 200, "{\"is_compatible\": false}");
        assertFalse(client.testCompatibility("a-value", SCHEMA));
        assertTrue(requests.get(0).startsWith("POST /compatibility/subjects/a-value/versions/latest "), requests.get(0));
        answer = (exchange, body) -> reply(exchange, 200, "{\"is_compatible\": true}");
        assertTrue(client.testCompatibility("a-value", SCHEMA));
    }

    @Test
    void anUnknownSubjectIsCompatible() {
        answer = (exchange, body) -> reply(exchange, 404, "{\"error_code\": 40401, \"message\": \"Subject 'a-value' not found.\"}");
        assertTrue(client.testCompatibility("a-value", SCHEMA));
    }

    @Test
    void anUnreachableRegistryFailsWithoutAStatus() {
        server.stop(0);
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class, () -> client.register("s", SCHEMA));
        assertEquals(-1, e.status());
    }

    @Test
    void aSlowRegistryTimesOut() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        answer = (exchange, body) -> {
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reply(exchange, 200, "{\"id\": 1}");
        };
        HttpSchemaRegistryClient impatient = new HttpSchemaRegistryClient(
                "http://127.0.0.1:" + server.getAddress().getPort(), Duration.ofMillis(300), Optional.empty());
        try {
            SchemaRegistryException e = assertThrows(SchemaRegistryException.class, () -> impatient.register("s", SCHEMA));
            assertEquals(-1, e.status());
        } finally {
            release.countDown();
        }
    }
}
