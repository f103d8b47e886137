package io.switchboard.query;

import org.apache.kafka.streams.state.HostInfo;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * Reads another replica's local stores through its internal endpoints. Values travel in the same
 * Avro binary the stores hold; the internal endpoints answer only from their own stores, so a
 * forwarded read is never forwarded again.
 */
public final class RemoteStores {
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    private final Duration timeout;

    public RemoteStores(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * One key of one partition of another replica's store: empty when absent there. With
     * {@code stale}, a standby copy that replica considers current enough may answer.
     */
    public Optional<byte[]> get(HostInfo host, String store, String key, int partition, boolean stale) {
        HttpResponse<byte[]> response = send(host, "/internal/stores/" + store + "/" + encode(key)
                + "?partition=" + partition + (stale ? "&stale=true" : ""));
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        return Optional.of(response.body());
    }

    /**
     * The values under a prefix in some partitions of another replica's store, by partition: only
     * the partitions that replica could serve are in the answer. Never fails: an unreachable
     * replica serves none.
     */
    public CompletableFuture<Map<Integer, List<byte[]>>> scan(HostInfo host, String store, String prefix,
                                                             List<Integer> partitions, boolean stale) {
        String path = "/internal/stores/" + store + "?prefix=" + encode(prefix) + "&partitions="
                + partitions.stream().map(String::valueOf).collect(Collectors.joining(","))
                + (stale ? "&stale=true" : "");
        return http.sendAsync(request(host, path), HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(response -> response.statusCode() == 200 ? parseScan(response.body()) : Map.<Integer, List<byte[]>>of())
                .exceptionally(unreachable -> Map.of());
    }

    /** Lines "partition N" open a partition's values (one base64 value a line); "unavailable N" says it is not here. */
    private static Map<Integer, List<byte[]>> parseScan(byte[] body) {
        Map<Integer, List<byte[]>> out = new HashMap<>();
        List<byte[]> current = null;
        for (String line : new String(body, StandardCharsets.US_ASCII).split("\n")) {
            String trimmed = line.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.startsWith("partition ")) {
                current = new ArrayList<>();
                out.put(Integer.parseInt(trimmed.substring("partition ".length())), current);
            } else if (trimmed.startsWith("unavailable ")) {
                current = null;
            } else if (current != null) {
                current.add(Base64.getDecoder().decode(trimmed));
            }
        }
        return out;
    }

    private HttpRequest request(HostInfo host, String path) {
        return HttpRequest.newBuilder(URI.create("http://" + host.host() + ":" + host.port() + path))
                .timeout(timeout).GET().build();
    }

    private HttpResponse<byte[]> send(HostInfo host, String path) {
        try {
            HttpResponse<byte[]> response = http.send(request(host, path), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200 && response.statusCode() != 404) {
                throw new StoreUnavailableException("Replica " + host + " could not answer (" + response.statusCode()
                        + "); retry shortly.", null);
            }
            return response;
        } catch (IOException e) {
            throw new StoreUnavailableException("Replica " + host + ", which holds this data, is not reachable ("
                    + e.getMessage() + "); retry shortly.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("Interrupted while asking replica " + host, e);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
