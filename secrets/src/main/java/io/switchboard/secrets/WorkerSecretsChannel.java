package io.switchboard.secrets;

import io.switchboard.worker.SecretsChannelClient;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * <p>Bounded ({@link LoopbackServer}): {@value LoopbackServer#THREADS} threads and
 * {@value LoopbackServer#QUEUED} waiting connections, beyond which a connection is answered 503; a
 * request arrives whole within {@value #READ_DEADLINE_MILLIS} ms or its connection is closed, so an
 * idle connection holds a thread no longer; bodies of at most {@value #MAX_BODY} bytes and
 * {@value #MAX_KEYS} keys; the token is compared in constant time.
 */
public final class WorkerSecretsChannel implements AutoCloseable {
    public static final String SEALED = SecretsChannelClient.SEALED;
    public static final String NAMED = SecretsChannelClient.NAMED;
    static final int MAX_BODY = 256 * 1024;
    static final int MAX_KEYS = 1024;
    /** How long a request may take to arrive whole: the worker's own arrive in milliseconds. */
    static final long READ_DEADLINE_MILLIS = 5_000;

    private final LoopbackServer server;
    private final byte[] token;
    private final BiFunction<String, String, String> openSealed;
    private final java.util.function.Function<String, java.util.Optional<String>> openNamed;

    private WorkerSecretsChannel(byte[] token, BiFunction<String, String, String> openSealed,
                                 java.util.function.Function<String, java.util.Optional<String>> openNamed) throws IOException {
        this.token = token;
        this.openSealed = openSealed;
        this.openNamed = openNamed;
        this.server = new LoopbackServer("worker-secrets", MAX_BODY, READ_DEADLINE_MILLIS, this::handle);
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
            return new WorkerSecretsChannel(Base64.getUrlEncoder().withoutPadding().encode(token), box::openConnectorValue, named);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("Cannot listen on loopback for the embedded worker's secrets", e);
        }
    }

    /** Where the worker's config providers reach the channel. */
    public String url() {
        return "http://" + server.address().getAddress().getHostAddress() + ":" + server.address().getPort();
    }

    /** The token the worker presents; given to the worker only, in its settings. */
    public String token() {
        return new String(token, StandardCharsets.US_ASCII);
    }

    private LoopbackServer.Response handle(LoopbackServer.Request request) {
        if (!"/open".equals(request.path())) {
            return new LoopbackServer.Response(404, "");
        }
        if (!"POST".equals(request.method())) {
            return new LoopbackServer.Response(405, "");
        }
        String authorization = request.headers().get("authorization");
        byte[] presented = authorization == null || !authorization.startsWith("Bearer ") ? new byte[0]
                : authorization.substring("Bearer ".length()).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(token, presented)) {
            return new LoopbackServer.Response(401, "");
        }
        String[] lines = new String(request.body(), StandardCharsets.UTF_8).split("\n", -1);
        if (lines.length < 2 || lines.length - 2 > MAX_KEYS || !(SEALED.equals(lines[0]) || NAMED.equals(lines[0]))) {
            return new LoopbackServer.Response(400, "");
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
        return new LoopbackServer.Response(200, opened.toString());
    }

    private String open(String kind, String path, String key) {
        try {
            return SEALED.equals(kind) ? openSealed.apply(path, key) : openNamed.apply(key).orElse(null);
        } catch (RuntimeException e) {
            // Not sealed with a key of this keyring, or tampered with: left out, never explained.
            return null;
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
