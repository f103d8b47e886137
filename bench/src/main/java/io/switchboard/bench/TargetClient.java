package io.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * The HTTP workload against one target: one or more base URLs that speak Kafka Connect's REST API
 * (operation {@code i} goes to URL {@code i mod n}, as a round-robin load balancer would send it).
 *
 * <p>Retries: Kafka Connect answers 409 (a conflicting operation, stale configuration) or 500 ("a
 * rebalance is expected") while its worker rebalances; a client is expected to ask again. Such an
 * answer is counted under its code and the request is sent again after {@value #RETRY_BACKOFF_MS} ms,
 * at most {@value #MAX_ATTEMPTS} times; the operation's latency runs from its first attempt to its
 * final answer. A 409 that says the connector already exists is final.
 */
final class TargetClient {
    static final int RETRY_BACKOFF_MS = 100;
    static final int MAX_ATTEMPTS = 50;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> urls;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    TargetClient(List<String> urls) {
        this.urls = List.copyOf(urls);
    }

    String url(int i) {
        return urls.get(Math.floorMod(i, urls.size()));
    }

    record Answer(int status, String body) {
        long bytes() {
            return body == null ? 0 : body.getBytes(StandardCharsets.UTF_8).length;
        }
    }

    Answer send(String method, String url, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            return new Answer(-1, String.valueOf(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(-1, "interrupted");
        }
    }

    static boolean retryable(Answer a) {
        if (a.status() == 409) {
            return a.body() == null || !a.body().contains("already exists");
        }
        return a.status() == 500 && a.body() != null && a.body().toLowerCase().contains("rebalance");
    }

    /** One operation of a phase, retried as the class comment says, recorded at {@code index}. */
    void operation(Phase phase, int index, String method, String path, String body) {
        String url = url(index) + path;
        long start = System.nanoTime();
        Answer answer = send(method, url, body);
        for (int attempt = 1; attempt < MAX_ATTEMPTS && retryable(answer); attempt++) {
            phase.retried(answer.status());
            sleep(RETRY_BACKOFF_MS);
            answer = send(method, url, body);
        }
        phase.record(index, (System.nanoTime() - start) / 1000, answer.status(), answer.bytes());
    }

    /** Runs {@code phase.count()} operations over {@code phase.concurrency} threads. */
    static void run(Phase phase, IntFunction<Void> operation) throws Exception {
        long start = System.nanoTime();
        runAll(phase.count(), phase.concurrency, operation);
        phase.wallSeconds((System.nanoTime() - start) / 1e9);
    }

    static void runAll(int count, int concurrency, IntFunction<?> operation) throws Exception {
        BenchSupport.measure(count, concurrency, i -> {
            operation.apply(i);
            return 0L;
        });
    }

    /**
     * How many of the named connectors a {@code GET /connectors?expand=status} at {@code baseUrl}
     * shows RUNNING with at least one task and every task RUNNING; -1 when the list cannot be read.
     */
    int running(String baseUrl, List<String> names) {
        return running(baseUrl, names, null);
    }

    /**
     * Like {@link #running(String, List)}, but with {@code expected} (a config key and value) a
     * connector counts only once its config there has that value too.
     */
    int running(String baseUrl, List<String> names, Map.Entry<String, String> expected) {
        return inState(baseUrl, names, "RUNNING", expected);
    }

    /**
     * How many of the names {@code GET /connectors?expand=status} at {@code baseUrl} shows in
     * {@code state} with at least one task and every task in that state too (with {@code expected},
     * only those whose config has that value); -1 when the list cannot be read.
     */
    int inState(String baseUrl, List<String> names, String state, Map.Entry<String, String> expected) {
        Answer a = send("GET", baseUrl + "/connectors?expand=status" + (expected == null ? "" : "&expand=info"), null);
        if (a.status() != 200) {
            return -1;
        }
        try {
            JsonNode all = JSON.readTree(a.body());
            int inState = 0;
            int listed = 0;
            for (String name : names) {
                JsonNode status = all.path(name).path("status");
                if (!status.isMissingNode()) {
                    listed++;
                }
                if (!state.equals(status.path("connector").path("state").asText())) {
                    continue;
                }
                if (expected != null && !expected.getValue().equals(
                        all.path(name).path("info").path("config").path(expected.getKey()).asText(null))) {
                    continue;
                }
                JsonNode tasks = status.path("tasks");
                if (tasks.size() == 0) {
                    continue;
                }
                boolean allInState = true;
                for (Iterator<JsonNode> it = tasks.elements(); it.hasNext(); ) {
                    allInState &= state.equals(it.next().path("state").asText());
                }
                if (allInState) {
                    inState++;
                }
            }
            lastListed = listed;
            return inState;
        } catch (IOException e) {
            return -1;
        }
    }

    /** How many of the names the last {@link #inState} call found listed at all, in the state or not. */
    volatile int lastListed;

    /** The number of connectors {@code GET /connectors} at {@code baseUrl} lists; -1 when unreadable. */
    int count(String baseUrl) {
        Answer a = send("GET", baseUrl + "/connectors", null);
        if (a.status() != 200) {
            return -1;
        }
        try {
            return JSON.readTree(a.body()).size();
        } catch (IOException e) {
            return -1;
        }
    }

    static String json(Map<String, ?> value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
