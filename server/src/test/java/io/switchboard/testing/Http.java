package io.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A tiny HTTP client for tests: one call is a method, a path under a base URL, an optional body
 * and headers; the answer is the status, the headers and the body, with the body parsed as JSON
 * on demand.
 */
public final class Http {
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    /** Sent unless a call names the header itself: both targets are JSON APIs. */
    private static final Map<String, String> DEFAULT_HEADERS = Map.of(
            "Content-Type", "application/json",
            "Accept", "application/json");
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private Http() {
    }

    /** An answer: status code, headers and body text. */
    public record Response(int status, HttpHeaders headers, String body) {
        /** The first value of a header, or null. */
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        public boolean hasBody() {
            return body != null && !body.isEmpty();
        }

        /** The body as JSON, or {@link Optional#empty()} when it is empty or not JSON. */
        public Optional<JsonNode> jsonIfAny() {
            if (!hasBody()) {
                return Optional.empty();
            }
            try {
                return Optional.of(JSON.readTree(body));
            } catch (IOException notJson) {
                return Optional.empty();
            }
        }

        /** The body as JSON, {@link MissingNode} when it is empty or not JSON. */
        public JsonNode json() {
            return jsonIfAny().orElse(MissingNode.getInstance());
        }

        @Override
        public String toString() {
            return status + (hasBody() ? " " + body : "");
        }
    }

    public static Response get(String baseUrl, String path) {
        return call(baseUrl, "GET", path, null, Map.of());
    }

    public static Response call(String baseUrl, String method, String path, String body) {
        return call(baseUrl, method, path, body, Map.of());
    }

    /**
     * Makes one call. A null body sends none; headers override the JSON defaults, and a header
     * given with a null value is not sent at all.
     */
    public static Response call(String baseUrl, String method, String path, String body, Map<String, String> headers) {
        try {
            return send(baseUrl, method, path, body, headers);
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + baseUrl + path + " failed: " + e.getMessage(), e);
        }
    }

    private static final Map<String, String> DEFAULT_AUTHORIZATION = new ConcurrentHashMap<>();

    /** Sends this Authorization header to the base URL with every request that gives none of its own. */
    public static void authorizeByDefault(String baseUrl, String authorization) {
        DEFAULT_AUTHORIZATION.put(baseUrl, authorization);
    }

    /** The Authorization header a request to the base URL gets when it gives none; null: none. */
    public static String defaultAuthorization(String baseUrl) {
        return DEFAULT_AUTHORIZATION.get(baseUrl);
    }

    /** Like {@link #call}, but a failure to connect or read is thrown as it is. */
    public static Response send(String baseUrl, String method, String path, String body, Map<String, String> headers)
            throws IOException {
        Map<String, String> all = new LinkedHashMap<>(DEFAULT_HEADERS);
        if (DEFAULT_AUTHORIZATION.containsKey(baseUrl)) {
            all.put("Authorization", DEFAULT_AUTHORIZATION.get(baseUrl));
        }
        all.putAll(headers);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        all.forEach((name, value) -> {
            if (value != null) {
                request.header(name, value);
            }
        });
        try {
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            ApiContract.check(baseUrl, method, path, response.statusCode(), response.headers().map(), response.body());
            return new Response(response.statusCode(), response.headers(), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Polls {@code GET path} until it answers 200 or the deadline passes; false on timeout. */
    public static boolean awaitOk(String baseUrl, String path, Duration deadline) {
        return Await.atMost(deadline).poll(() -> {
            try {
                return send(baseUrl, "GET", path, null, Map.of()).status();
            } catch (IOException notYet) {
                return -1; // not listening yet
            }
        }, status -> status == 200) == 200;
    }

    /** JSON text of a value. */
    public static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
