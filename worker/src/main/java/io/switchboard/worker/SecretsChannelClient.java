package io.switchboard.worker;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The worker's side of the replica's secrets channel ({@code io.switchboard.secrets.WorkerSecretsChannel}
 * serves it): the wire both ends speak, and the one client of this process.
 *
 * <p>The wire: {@code POST /open}, {@code Authorization: Bearer TOKEN}, a body of lines: the kind
 * ({@value #SEALED} or {@value #NAMED}), the path (a sealed value's key id; empty for named
 * secrets), then one base64 key per line (a ciphertext, or a secret's name). The answer is one line
 * per opened key, {@code BASE64-KEY BASE64-VALUE}; a key that does not open is left out, as Kafka
 * Connect expects of a config provider.
 */
public final class SecretsChannelClient {
    public static final String SEALED = "sealed";
    public static final String NAMED = "named";
    /** How long one request may take, connecting included. */
    static final Duration TIMEOUT = Duration.ofSeconds(15);

    /** Made on first use: one selector thread for every provider of the process. */
    private static final class Client {
        static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    private SecretsChannelClient() {
    }

    /** Asks the channel at {@code url} to open {@code keys}; answers what opened. */
    public static Map<String, String> open(String url, String token, String kind, String path, Collection<String> keys) {
        List<String> lines = new ArrayList<>();
        lines.add(kind);
        lines.add(path == null ? "" : path.replace("\n", ""));
        keys.forEach(key -> lines.add(Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8))));
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/open"))
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", lines), StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            response = Client.CLIENT.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("The replica's secrets channel does not answer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while opening secrets", e);
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("The replica's secrets channel answered " + response.statusCode());
        }
        Map<String, String> opened = new LinkedHashMap<>();
        for (String line : response.body().split("\n")) {
            int space = line.indexOf(' ');
            if (space > 0) {
                opened.put(new String(Base64.getDecoder().decode(line.substring(0, space)), StandardCharsets.UTF_8),
                        new String(Base64.getDecoder().decode(line.substring(space + 1)), StandardCharsets.UTF_8));
            }
        }
        return opened;
    }
}
