package io.switchboard.replicas;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testing.Http;
import io.switchboard.testing.ReplicaProcess;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A steady, bounded load on a set of replicas: a few writers create connectors with unique names
 * through random replicas (one command at a time each), a few readers read back connectors already
 * acknowledged and the list, through random replicas. Every answer is counted; answers no client
 * should ever get (a 500, a 5xx without Retry-After or without a JSON error body, no answer within
 * the client's timeout) are kept verbatim.
 */
final class Load implements AutoCloseable {
    /** Longer than any bounded wait in Switchboard: a request that takes this long hangs. */
    static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(40);
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    /** What one command got: the status, or "io" when the connection failed. */
    record Outcome(String name, String replica, long sentAtNanos, long answeredAtNanos, int status, String error) {
        boolean acknowledged() {
            return status >= 200 && status < 300;
        }
    }

    private final String prefix;
    volatile List<ReplicaProcess> writeTargets;
    volatile List<ReplicaProcess> readTargets;
    private final AtomicInteger sequence = new AtomicInteger();
    final ConcurrentMap<String, Outcome> commands = new ConcurrentHashMap<>();
    final List<String> acknowledged = new CopyOnWriteArrayList<>();
    final ConcurrentMap<String, AtomicInteger> commandCounts = new ConcurrentHashMap<>();
    final ConcurrentMap<String, AtomicInteger> readCounts = new ConcurrentHashMap<>();
    final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
    /** Reads of a connector already acknowledged that answered 404 (a stale copy answered). */
    final AtomicInteger staleMisses = new AtomicInteger();
    final Set<String> staleMissNames = ConcurrentHashMap.newKeySet();
    /** The longest any read took to be answered, in milliseconds. */
    final AtomicLong slowestReadMs = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    Load(String prefix, List<ReplicaProcess> targets, int writers, int readers) {
        this.prefix = prefix;
        this.writeTargets = List.copyOf(targets);
        this.readTargets = List.copyOf(targets);
        for (int i = 0; i < writers; i++) {
            threads.add(new Thread(this::write, prefix + "writer-" + i));
        }
        for (int i = 0; i < readers; i++) {
            threads.add(new Thread(this::read, prefix + "reader-" + i));
        }
        threads.forEach(Thread::start);
    }

    static Map<String, Object> config(String name, int seq) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("connector.class", "org.apache.kafka.connect.file.FileStreamSourceConnector");
        config.put("file", "/tmp/switchboard-test-files/" + name + ".txt");
        config.put("topic", name + "-lines");
        config.put("seq", String.valueOf(seq));
        return config;
    }

    private void write() {
        while (running) {
            int seq = sequence.incrementAndGet();
            String name = prefix + seq;
            ReplicaProcess target = pick(writeTargets);
            String body = Http.json(Map.of("name", name, "config", config(name, seq)));
            long sent = System.nanoTime();
            Answer answer = send(target, "POST", "/connectors", body);
            Outcome outcome = new Outcome(name, target.name(), sent, System.nanoTime(), answer.status, answer.error);
            commands.put(name, outcome);
            count(commandCounts, answer);
            check("POST /connectors " + name, target, answer);
            if (outcome.acknowledged()) {
                acknowledged.add(name);
            }
            pause(10);
        }
    }

    private void read() {
        int n = 0;
        while (running) {
            ReplicaProcess target = pick(readTargets);
            long started = System.nanoTime();
            if ((n++ % 10) == 9 || acknowledged.isEmpty()) {
                Answer answer = send(target, "GET", "/connectors", null);
                count(readCounts, answer);
                check("GET /connectors", target, answer);
            } else {
                String name = acknowledged.get(ThreadLocalRandom.current().nextInt(acknowledged.size()));
                Answer answer = send(target, "GET", "/connectors/" + name, null);
                count(readCounts, answer);
                check("GET /connectors/" + name, target, answer);
                if (answer.status == 404) {
                    staleMisses.incrementAndGet();
                    staleMissNames.add(name + "@" + target.name());
                }
            }
            slowestReadMs.accumulateAndGet((System.nanoTime() - started) / 1_000_000, Math::max);
            pause(5);
        }
    }

    private record Answer(int status, String body, String retryAfter, String error) {
    }

    private static Answer send(ReplicaProcess target, String method, String path, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(target.url() + path))
                .timeout(CLIENT_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        String authorization = Http.defaultAuthorization(target.url());
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        HttpRequest request = builder.build();
        try {
            HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body(),
                    response.headers().firstValue("Retry-After").orElse(null), null);
        } catch (HttpTimeoutException e) {
            return new Answer(-1, null, null, "timeout");
        } catch (IOException e) {
            return new Answer(-1, null, null, "io");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(-1, null, null, "interrupted");
        }
    }

    private static void count(ConcurrentMap<String, AtomicInteger> counts, Answer answer) {
        counts.computeIfAbsent(answer.status > 0 ? String.valueOf(answer.status) : answer.error, k -> new AtomicInteger())
                .incrementAndGet();
    }

    private void check(String what, ReplicaProcess target, Answer answer) {
        if ("timeout".equals(answer.error)) {
            unexpected.add(what + " via " + target.name() + ": no answer within " + CLIENT_TIMEOUT);
            return;
        }
        if (answer.status >= 500) {
            JsonNode json = Http.JSON.missingNode();
            try {
                json = Http.JSON.readTree(answer.body);
            } catch (IOException notJson) {
                // reported below
            }
            if (answer.status != 503 || answer.retryAfter == null || json == null
                    || json.path("error_code").asInt() != answer.status || !json.path("message").isTextual()) {
                unexpected.add(what + " via " + target.name() + ": " + answer.status + " Retry-After="
                        + answer.retryAfter + " " + answer.body);
            }
        }
    }

    /** Status counts of 5xx answers. */
    static int fiveHundreds(Map<String, AtomicInteger> counts) {
        return counts.entrySet().stream()
                .filter(e -> e.getKey().startsWith("5"))
                .mapToInt(e -> e.getValue().get()).sum();
    }

    static Map<String, Integer> snapshot(Map<String, AtomicInteger> counts) {
        Map<String, Integer> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    private static ReplicaProcess pick(List<ReplicaProcess> targets) {
        return targets.get(ThreadLocalRandom.current().nextInt(targets.size()));
    }

    private void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Stops sending and waits for the requests in flight to be answered. */
    void stop() {
        running = false;
        for (Thread t : threads) {
            try {
                t.join(CLIENT_TIMEOUT.toMillis() + 5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}
