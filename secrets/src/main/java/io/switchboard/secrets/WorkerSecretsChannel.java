package io.switchboard.secrets;

import io.switchboard.worker.SecretsChannelClient;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * How the embedded worker, which runs in a process of its own, opens what Switchboard sealed: a
 * listener on loopback that the replica serves for its own worker only. The worker's config
 * providers ({@code io.switchboard.worker.SecretConfigProvider}, {@code SecretStoreConfigProvider}) ask it for the values
 * of a connector's sealed values and named secrets when the connector starts, with a token the
 * replica made for this worker; the keyring and the secrets topic stay in the replica, and the
 * worker is given nothing it could open anything else with.
 *
 * <p>The wire: {@code POST /open}, {@code Authorization: Bearer TOKEN}, a body of lines: the kind
 * ({@value #SEALED} or {@value #NAMED}), the path (a sealed value's key id; empty for named
 * secrets), then one base64 key per line (a ciphertext, or a secret's name). The answer is one line
 * per opened key, {@code BASE64-KEY BASE64-VALUE}; a key that does not open is left out, as Kafka
 * Connect expects of a config provider.
 *
 * <p>Bounded: one thread and {@value #QUEUED} waiting requests, bodies of at most
 * {@value #MAX_BODY} bytes and {@value #MAX_KEYS} keys; the token is compared in constant time.
 */
public final class WorkerSecretsChannel implements AutoCloseable {
    public static final String SEALED = SecretsChannelClient.SEALED;
    public static final String NAMED = SecretsChannelClient.NAMED;
    static final int MAX_BODY = 256 * 1024;
    static final int MAX_KEYS = 1024;
    private static final int QUEUED = 64;

    private final HttpServer server;
    private final ExecutorService executor;
    private final byte[] token;
    private final BiFunction<String, String, String> openSealed;
    private final java.util.function.Function<String, java.util.Optional<String>> openNamed;

    private WorkerSecretsChannel(HttpServer server, ExecutorService executor, byte[] token, BiFunction<String, String, String> openSealed,
                                 java.util.function.Function<String, java.util.Optional<String>> openNamed) {
        this.server = server;
        this.executor = executor;
        this.token = token;
        this.openSealed = openSealed;
        this.openNamed = openNamed;
    }

    /**
     * Starts the channel on a loopback port of the system's choosing.
     *
     * @param box   opens sealed values with the replica's keyring
     * @param named opens a named secret of the worker's cluster (and of no other) by its name
     */
    public static WorkerSecretsChannel start(SecretBox box, java.util.function.Function<String, java.util.Optional<String>> named) {
        byte[] token = new byte[32];
        new SecureRandom().nextBytes(token);
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(QUEUED), runnable -> {
                Thread thread = new Thread(runnable, "worker-secrets");
                thread.setDaemon(true);
                return thread;
            }, new ThreadPoolExecutor.DiscardPolicy());
            WorkerSecretsChannel channel = new WorkerSecretsChannel(server, executor,
                    Base64.getUrlEncoder().withoutPadding().encode(token), box::openConnectorValue, named);
            server.createContext("/open", channel::handle);
            server.setExecutor(executor);
            server.start();
            return channel;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("Cannot listen on loopback for the embedded worker's secrets", e);
        }
    }

    /** Where the worker's config providers reach the channel. */
    public String url() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    /** The token the worker presents; given to the worker only, in its settings. */
    public String token() {
        return new String(token, StandardCharsets.US_ASCII);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                answer(exchange, 405, "");
                return;
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            byte[] presented = authorization == null || !authorization.startsWith("Bearer ") ? new byte[0]
                    : authorization.substring("Bearer ".length()).getBytes(StandardCharsets.US_ASCII);
            if (!MessageDigest.isEqual(token, presented)) {
                answer(exchange, 401, "");
                return;
            }
            byte[] body = readBounded(exchange.getRequestBody());
            if (body == null) {
                answer(exchange, 413, "");
                return;
            }
            String[] lines = new String(body, StandardCharsets.UTF_8).split("\n", -1);
            if (lines.length < 2 || lines.length - 2 > MAX_KEYS || !(SEALED.equals(lines[0]) || NAMED.equals(lines[0]))) {
                answer(exchange, 400, "");
                return;
            }
            StringBuilder opened = new StringBuilder();
            for (int i = 2; i < lines.length; i++) {
                if (lines[i].isEmpty()) {
                    continue;
                }
                String key;
                try {
                    key = new String(Base64.getDecoder().decode(lines[i]), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    continue;
                }
                String value = open(lines[0], lines[1], key);
                if (value != null) {
                    opened.append(lines[i]).append(' ')
                            .append(Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))).append('\n');
                }
            }
            answer(exchange, 200, opened.toString());
        }
    }

    private String open(String kind, String path, String key) {
        try {
            return SEALED.equals(kind) ? openSealed.apply(path, key) : openNamed.apply(key).orElse(null);
        } catch (RuntimeException e) {
            // Not sealed with a key of this keyring, or tampered with: left out, never explained.
            return null;
        }
    }

    private static byte[] readBounded(InputStream in) throws IOException {
        byte[] read = in.readNBytes(MAX_BODY + 1);
        return read.length > MAX_BODY ? null : read;
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
