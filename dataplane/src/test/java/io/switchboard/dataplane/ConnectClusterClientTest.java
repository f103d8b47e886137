package io.switchboard.dataplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.switchboard.core.WorkerClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the data plane's client puts in the requests it sends a worker. The worker here is a plain
 * HTTP server that records each body, since only the request is under test.
 */
class ConnectClusterClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer server;
    private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
    private final AtomicInteger validating = new AtomicInteger();
    private final AtomicInteger mostAtOnce = new AtomicInteger();
    /** Each request's path as it arrived, still percent-encoded. */
    private final List<String> rawPaths = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/connectors", exchange -> {
            rawPaths.add(exchange.getRequestURI().getRawPath());
            if (exchange.getRequestURI().getRawPath().endsWith("/offsets")) {
                // An answer one byte over what the client reads, sent without a length.
                exchange.sendResponseHeaders(200, 0);
                byte[] chunk = new byte[1024 * 1024];
                Arrays.fill(chunk, (byte) ' ');
                try {
                    for (int sent = 0; sent <= ConnectClusterClient.MAX_ANSWER_BYTES; sent += chunk.length) {
                        exchange.getResponseBody().write(chunk);
                    }
                } catch (IOException e) {
                    // The client stopped reading.
                }
                exchange.close();
                return;
            }
            if ("GET".equals(exchange.getRequestMethod())) {
                byte[] answer = "{\"name\":\"x\",\"connector\":{\"state\":\"RUNNING\"},\"tasks\":[]}".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, answer.length);
                exchange.getResponseBody().write(answer);
                exchange.close();
                return;
            }
            bodies.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
            byte[] answer = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(201, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        // A validation that takes 100 ms (1 s for the plugin Slow), counting how many are answered at once.
        server.createContext("/connector-plugins", exchange -> {
            int now = validating.incrementAndGet();
            mostAtOnce.accumulateAndGet(now, Math::max);
            try {
                Thread.sleep(exchange.getRequestURI().getPath().contains("/Slow/") ? 1000 : 100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            validating.decrementAndGet();
            exchange.getRequestBody().readAllBytes();
            byte[] answer = "{\"configs\":[]}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    /** Clients a test made through {@link #client}: closed after it. */
    private final List<ConnectClusterClient> clients = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        clients.forEach(ConnectClusterClient::close);
        server.stop(0);
    }

    /**
     * A worker given {@code initial_state} writes a target-state record before the config and acts on
     * it, for every create: RUNNING, its own default, is left out; the other states are sent.
     */
    @Test
    void createNamesTheInitialStateOnlyWhenItIsNotRunning() {
        ConnectClusterClient client = client(null);
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

    /**
     * A name is one path segment on the worker, whatever it holds: its bytes reach the worker
     * percent-encoded, never decoded or normalised on the way.
     */
    @Test
    void aNameReachesTheWorkerAsOneEncodedPathSegment() {
        try (ConnectClusterClient client = ConnectClusterClient.of("http://127.0.0.1:" + server.getAddress().getPort(), Optional.empty())) {
            assertTrue(client.status("a b/../%2e;x?y#z").isPresent());
        }
        assertEquals(List.of("/connectors/a%20b%2F..%2F%252e%3Bx%3Fy%23z/status"), rawPaths);
    }

    /**
     * An answer past {@link ConnectClusterClient#MAX_ANSWER_BYTES} fails the call, which the
     * reconciler retries later, rather than being held in memory whole.
     */
    @Test
    void anAnswerPastTheBoundFailsTheCall() {
        try (ConnectClusterClient client = ConnectClusterClient.of("http://127.0.0.1:" + server.getAddress().getPort(), Optional.empty())) {
            WorkerClient.ConnectCallException failed = assertThrows(WorkerClient.ConnectCallException.class,
                    () -> client.offsets("big"));
            assertTrue(failed.getMessage().startsWith("GET http://127.0.0.1:"), failed.getMessage());
            assertFalse(failed.getMessage().contains("\n"), failed.getMessage());
            // The same client still calls the worker afterwards.
            assertTrue(client.status("small").isPresent());
        }
    }

    /** Closing the client ends its threads: a replica that stops leaves none behind. */
    @Test
    void closingTheClientEndsItsThreads() throws Exception {
        Set<Thread> before = clientThreads();
        ConnectClusterClient client = ConnectClusterClient.of("http://127.0.0.1:" + server.getAddress().getPort(), Optional.empty());
        assertTrue(client.status("x").isPresent());
        Set<Thread> its = clientThreads();
        its.removeAll(before);
        assertFalse(its.isEmpty());
        client.close();
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (its.stream().anyMatch(Thread::isAlive) && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertEquals(List.of(), its.stream().filter(Thread::isAlive).map(Thread::getName).toList());
    }

    private static Set<Thread> clientThreads() {
        Set<Thread> threads = new HashSet<>();
        Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("switchboard-worker-http"))
                .forEach(threads::add);
        return threads;
    }

    /**
     * A burst of validations (creates through the API) reaches the worker one at a time while each
     * is quick, so that the worker keeps CPU for the creates it is carrying out; every one of them is
     * still answered.
     */
    @Test
    void aBurstOfQuickValidationsReachesTheWorkerOneAtATime() throws Exception {
        assertEquals(1, ConnectClusterClient.VALIDATIONS_COMPUTING);
        // Here "quick" is anything under 10 s, so that a slow machine cannot make a 100 ms answer slow.
        ConnectClusterClient client = client(new ValidationGate(ConnectClusterClient.VALIDATIONS_COMPUTING,
                ConnectClusterClient.VALIDATIONS_IN_FLIGHT, 64, Duration.ofSeconds(30), Duration.ofSeconds(10)));
        assertEquals(12, validateAtOnce(client, "FileStreamSource", 12));
        assertEquals(1, mostAtOnce.get());
    }

    /**
     * A validation still unanswered after a while waits on something else than the worker's CPU (a
     * plugin that connects to its database): it gives its turn to the next, so that a slow plugin
     * holds up other creates only that long, and never more than the places are in flight.
     */
    @Test
    void aSlowValidationGivesItsTurnToTheNextUpToThePlacesInFlight() throws Exception {
        ConnectClusterClient client = client(new ValidationGate(1, 4, 64, Duration.ofSeconds(30), Duration.ofMillis(100)));
        assertEquals(6, validateAtOnce(client, "Slow", 6));
        assertEquals(4, mostAtOnce.get());
    }

    /** How many of {@code count} validations sent at once were answered. */
    private static int validateAtOnce(ConnectClusterClient client, String plugin, int count) throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(count);
        try {
            List<Future<JsonNode>> answers = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                answers.add(callers.submit(() -> client.validate(plugin, Map.of("connector.class", plugin))));
            }
            int answered = 0;
            for (Future<JsonNode> answer : answers) {
                answered += answer.get().has("configs") ? 1 : 0;
            }
            return answered;
        } finally {
            callers.shutdownNow();
        }
    }

    /** A client of the test server, with {@code gate} (null: the default one), closed after the test. */
    private ConnectClusterClient client(ValidationGate gate) {
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        ConnectClusterClient client = gate == null ? ConnectClusterClient.of(url, Optional.empty())
                : new ConnectClusterClient(url, ConnectClusterClient.Access.trusting(Optional.empty()), gate);
        clients.add(client);
        return client;
    }

    /** Past the places and the queue, a validation is refused at once, without reaching the worker. */
    @Test
    void validationsPastTheQueueAreRefusedWithoutReachingTheWorker() throws Exception {
        ConnectClusterClient client = client(new ValidationGate(1, 1, 1, Duration.ofMillis(100), Duration.ofSeconds(10)));
        ExecutorService callers = Executors.newFixedThreadPool(3);
        try {
            List<Future<JsonNode>> answers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                answers.add(callers.submit(() -> client.validate("FileStreamSource", Map.of("connector.class", "FileStreamSource"))));
            }
            int refused = 0;
            int answered = 0;
            for (Future<JsonNode> answer : answers) {
                try {
                    answer.get();
                    answered++;
                } catch (ExecutionException e) {
                    assertTrue(e.getCause() instanceof WorkerClient.ValidationsBusy, String.valueOf(e.getCause()));
                    refused++;
                }
            }
            assertEquals(1, answered);
            assertEquals(2, refused);
        } finally {
            callers.shutdownNow();
        }
        assertEquals(1, mostAtOnce.get());
    }
}
