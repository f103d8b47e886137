package io.switchboard.dataplane;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A plain HTTP server on the loopback address standing in for a Kafka Connect worker, for tests of
 * what the data plane asks of a worker and when: the test gives the answers, and takes a client
 * to it. Closing it stops the server and its threads.
 */
final class FakeWorker implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService threads;

    FakeWorker(int threads, HttpHandler answer) throws IOException {
        this.threads = Executors.newFixedThreadPool(threads);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(this.threads);
        server.createContext("/", answer);
        server.start();
    }

    /** A new client of this worker, as the reconciler under test calls it; the caller closes it. */
    ConnectClusterClient client() {
        return ConnectClusterClient.of("http://127.0.0.1:" + server.getAddress().getPort(), Optional.empty());
    }

    /** Answers with a JSON body, or with none when it is empty. */
    static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
