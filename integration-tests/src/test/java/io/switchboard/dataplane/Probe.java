package io.switchboard.dataplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.testing.ApiContract;
import io.switchboard.testing.Await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** HTTP calls and polling for the data-plane tests, which wait on a real worker. */
final class Probe {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Await WAIT = Await.atMost(Duration.ofSeconds(120));

    record Answer(int status, JsonNode json, String body) {
    }

    private Probe() {
    }

    /** One call; a connection failure is answered with status -1 so a poll can go on. */
    static Answer call(String base, String method, String path, String body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
            String authorization = io.switchboard.testing.Http.defaultAuthorization(base);
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            HttpResponse<String> r = HTTP.send(request
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.ofString());
            ApiContract.check(base, method, path, r.statusCode(), r.headers().map(), r.body());
            return new Answer(r.statusCode(), r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body()), r.body());
        } catch (IOException e) {
            return new Answer(-1, JSON.nullNode(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Polls until the condition holds; the deadline is generous so a slow machine does not fail it. */
    static <T> T eventually(String what, Supplier<T> probe, Predicate<T> done) {
        return WAIT.until(what, probe::get, done);
    }
}
