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
import java.util.List;
import java.util.Optional;

/**
 * Reads another replica's local stores through its internal endpoints. Values travel in the same
 * Avro binary the stores hold; the internal endpoints answer only from their own stores, so a
 * forwarded read is never forwarded again.
 */
public final class RemoteStores {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Duration timeout;

    public RemoteStores(Duration timeout) {
        this.timeout = timeout;
    }

    public Optional<byte[]> get(HostInfo host, String store, String key) {
        HttpResponse<byte[]> response = send(host, "/internal/stores/" + store + "/" + encode(key));
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        return Optional.of(response.body());
    }

    public List<byte[]> scan(HostInfo host, String store, String prefix) {
        HttpResponse<byte[]> response = send(host, "/internal/stores/" + store + "?prefix=" + encode(prefix));
        List<byte[]> values = new ArrayList<>();
        for (String line : new String(response.body(), StandardCharsets.US_ASCII).split("\n")) {
            if (!line.isBlank()) {
                values.add(Base64.getDecoder().decode(line.trim()));
            }
        }
        return values;
    }

    private HttpResponse<byte[]> send(HostInfo host, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host.host() + ":" + host.port() + path))
                .timeout(timeout).GET().build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
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
