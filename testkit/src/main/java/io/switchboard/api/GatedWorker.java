package io.switchboard.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A Connect worker's REST API behind a gate: every request goes on to the worker, but while the
 * gate is shut on a method and path, those requests are answered 503 (or as the test says) and the
 * worker never sees them. A test holds one step of the data plane's work on the worker this way (a
 * delete, an offsets read) to act at the moment between two steps, or has the worker refuse one.
 */
final class GatedWorker implements AutoCloseable {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final List<String> PASSED_HEADERS = List.of("Content-Type", "Accept", "Authorization");

    private final String worker;
    private final HttpServer server;
    private final AtomicReference<String> shut = new AtomicReference<>();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicReference<Refusal> answer = new AtomicReference<>();

    private GatedWorker(String worker, HttpServer server) {
        this.worker = worker;
        this.server = server;
    }

    /** Forwards to the worker at {@code workerUrl}, from a loopback port of its own. */
    static GatedWorker in(String workerUrl) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            GatedWorker gated = new GatedWorker(workerUrl, server);
            server.createContext("/", gated::handle);
            server.setExecutor(Executors.newFixedThreadPool(8));
            server.start();
            return gated;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** From now on, {@code method path} (the path alone, no query) is answered 503. */
    void shut(String method, String path) {
        shut(method, path, 503, "{\"error_code\":503,\"message\":\"held by the test\"}");
    }

    /** From now on, {@code method path} is answered {@code status} with {@code body}, as the worker would refuse it. */
    void shut(String method, String path, int status, String body) {
        refused.set(0);
        answer.set(new Refusal(status, body.getBytes(StandardCharsets.UTF_8)));
        shut.set(method + " " + path);
    }

    private record Refusal(int status, byte[] body) {
    }

    /** Every request goes on to the worker again. */
    void open() {
        shut.set(null);
    }

    /** How many requests the gate refused since it was last shut. */
    int refused() {
        return refused.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            URI uri = exchange.getRequestURI();
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if ((exchange.getRequestMethod() + " " + uri.getPath()).equals(shut.get())) {
                refused.incrementAndGet();
                Refusal refusal = answer.get();
                answer(exchange, refusal.status(), refusal.body());
                return;
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(worker + uri.getRawPath()
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()))).timeout(Duration.ofSeconds(60))
                    .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            for (String header : PASSED_HEADERS) {
                String value = exchange.getRequestHeaders().getFirst(header);
                if (value != null) {
                    request.header(header, value);
                }
            }
            try {
                HttpResponse<byte[]> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                response.headers().firstValue("Content-Type").ifPresent(type -> exchange.getResponseHeaders().set("Content-Type", type));
                answer(exchange, response.statusCode(), response.body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                answer(exchange, 502, new byte[0]);
            } catch (IOException e) {
                answer(exchange, 502, new byte[0]);
            }
        }
    }

    private static void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
        if (!exchange.getResponseHeaders().containsKey("Content-Type")) {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
