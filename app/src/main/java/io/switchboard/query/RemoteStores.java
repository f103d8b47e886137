package io.switchboard.query;

import io.switchboard.core.StoreUnavailableException;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;

/**
 * Reads another replica's local stores through its internal endpoints. Values travel in the same
 * Avro binary the stores hold; the internal endpoints answer only from their own stores, so a
 * forwarded read is never forwarded again.
 */
public final class RemoteStores {
    private final HttpClient http;
    private final String scheme;
    private final Duration timeout;

    private final Signing signer;
    /** Reads made of other replicas, by store: one counter per store of the topology, so bounded. */
    private final Map<String, LongAdder> reads = new ConcurrentHashMap<>();
    private static final int MAX_COUNTED_STORES = 16;

    /** Signs a request to another replica: the headers that prove it comes from a replica. */
    @FunctionalInterface
    public interface Signing {
        /** Signs nothing: the requests carry no proof that a replica sent them. */
        Signing NONE = (target, method, pathAndQuery) -> new String[0];

        /**
         * The headers to send: name, value, name, value; none when unsigned.
         *
         * @param target the replica called, host:port
         */
        String[] headers(String target, String method, String pathAndQuery);
    }

    /**
     * @param signer signs every request, so that the other replica knows it comes from a replica ({@link Signing#NONE}: unsigned)
     * @param tls    the trust for replicas that serve HTTPS; empty: replicas serve plain HTTP
     */
    public RemoteStores(Duration timeout, Signing signer, Optional<SSLContext> tls) {
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).version(HttpClient.Version.HTTP_1_1);
        tls.ifPresent(client::sslContext);
        this.http = client.build();
        this.scheme = tls.isPresent() ? "https" : "http";
        this.signer = signer;
        this.timeout = timeout;
    }

    /** What a replica's copy of a partition held for a key, and whether that copy is the running owner's. */
    public record Copy(Optional<byte[]> value, boolean owner) {
    }

    /** The header saying which copy answered: {@code owner} or {@code standby}. */
    public static final String COPY_HEADER = "X-Switchboard-Copy";

    /**
     * One key of one partition of another replica's store. With {@code stale}, a copy that is not
     * the running owner's (a standby, or an owner still restoring) may answer if current enough.
     */
    public Copy get(HostInfo host, String store, String key, int partition, boolean stale) {
        counted(store);
        HttpResponse<byte[]> response = send(host, "/internal/stores/" + store + "/" + encode(key)
                + "?partition=" + partition + (stale ? "&stale=true" : ""));
        boolean owner = !"standby".equals(response.headers().firstValue(COPY_HEADER).orElse("owner"));
        if (response.statusCode() == 404) {
            return new Copy(Optional.empty(), owner);
        }
        return new Copy(Optional.of(response.body()), owner);
    }

    /**
     * The values (or, with {@code keys}, the keys) under a prefix in some partitions of another
     * replica's store, by partition: only the partitions that replica could serve are in the
     * answer. Never fails: an unreachable replica serves none.
     */
    /** Set on a scan's answer that holds keys, not values. */
    public static final String KEYS_HEADER = "Switchboard-Scan-Keys";

    public CompletableFuture<Map<Integer, List<byte[]>>> scan(HostInfo host, String store, String prefix, boolean keys,
                                                             List<Integer> partitions, boolean stale) {
        counted(store);
        String path = "/internal/stores/" + store + "?prefix=" + encode(prefix) + "&partitions="
                + partitions.stream().map(String::valueOf).collect(Collectors.joining(","))
                + (stale ? "&stale=true" : "") + (keys ? "&keys=true" : "");
        return http.sendAsync(request(host, path), HttpResponse.BodyHandlers.ofByteArray())
                // A replica that does not know keys=true (an older one, during an upgrade) answers values: none served then.
                .thenApply(response -> response.statusCode() == 200
                        && (!keys || response.headers().firstValue(KEYS_HEADER).isPresent())
                        ? parseScan(response.body()) : Map.<Integer, List<byte[]>>of())
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

    /** Reads (one key, or a scan) this replica has asked of other replicas' copies of {@code store} since it started. */
    public long reads(String store) {
        LongAdder count = reads.get(store);
        return count == null ? 0 : count.sum();
    }

    private void counted(String store) {
        LongAdder count = reads.get(store);
        if (count == null && reads.size() < MAX_COUNTED_STORES) {
            count = reads.computeIfAbsent(store, s -> new LongAdder());
        }
        if (count != null) {
            count.increment();
        }
    }

    private HttpRequest request(HostInfo host, String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(scheme + "://" + host.host() + ":" + host.port() + path))
                .timeout(timeout).GET();
        String[] headers = signer.headers(host.host() + ":" + host.port(), "GET", path);
        if (headers.length > 0) {
            request.headers(headers);
        }
        return request.build();
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
