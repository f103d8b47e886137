package io.switchboard.dialects;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.core.UnitCore;
import io.switchboard.dialects.confluent.ConfluentDialect;
import io.switchboard.dialects.connect.ConnectDialect;
import io.switchboard.dialects.redpanda.RedpandaDialect;
import io.switchboard.http.Dialects;
import io.switchboard.http.HttpServer;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The dialects' routes on a real Jetty over {@link UnitCore} (core's ports in memory, the real
 * decider): HTTP in, decisions out, no broker. {@code threads}: Jetty's whole thread pool.
 */
final class UnitServer implements AutoCloseable {
    final UnitCore core;
    final HttpServer server;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    UnitServer(UnitCore core, int threads) {
        this(core, threads, core.services());
    }

    /** With these services (named secrets in memory: {@link UnitCore#servicesWithSecrets}). */
    UnitServer(UnitCore core, int threads, io.switchboard.core.CoreServices services) {
        this.core = core;
        ObjectMapper json = new ObjectMapper();
        Dialects dialects = new Dialects(List.of(new ConfluentDialect(services, Map.of()),
                new RedpandaDialect(services, "http://localhost"), new ConnectDialect(services, json)));
        this.server = new HttpServer("127.0.0.1", 0, json, dialects, config -> {
            if (threads > 0) {
                QueuedThreadPool pool = new QueuedThreadPool(threads, Math.min(2, threads));
                pool.setName("unit-jetty");
                config.jetty.threadPool = pool;
            }
        }).start();
    }

    CompletableFuture<HttpResponse<String>> send(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> call(String method, String path, String body) throws Exception {
        return send(method, path, body).get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        server.close();
    }
}
