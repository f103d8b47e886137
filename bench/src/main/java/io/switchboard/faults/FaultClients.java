package io.switchboard.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.faults.Op.Kind;
import io.switchboard.faults.Op.Outcome;
import io.switchboard.faults.Op.State;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The fault run's clients: each a thread that, until stopped, picks a connector of a small set (so
 * that clients contend for the same ones), a command or a read, a replica and a dialect at random,
 * sends it with an {@code X-Request-Id} of its own and, half the time, an {@code Idempotency-Key},
 * and records the op with its outcome. An op with a key whose outcome is unknown (a 5xx, a timeout,
 * a reset) is sent again with the same key, up to twice; one without a key is never sent again.
 * Secret values written are kept, so that the run can look for them where they must not be.
 */
final class FaultClients {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SECRET_ID = "FAULT_SECRET";
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final List<String> connectors;
    private final Supplier<List<String>> replicaUrls;
    private final String confluentBase;
    private final String authorization;
    private final String file;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final Queue<Op> ops = new ConcurrentLinkedQueue<>();
    private final AtomicLong ids = new AtomicLong();
    private final Set<String> secretValues = ConcurrentHashMap.newKeySet();
    private final Queue<String> answers = new ConcurrentLinkedQueue<>();
    private final long started = System.nanoTime();
    private volatile boolean stopped;

    FaultClients(List<String> connectors, Supplier<List<String>> replicaUrls, String kafkaClusterId,
                 String authorization, String file) {
        this.connectors = connectors;
        this.replicaUrls = replicaUrls;
        this.confluentBase = "/connect/v1/environments/env-default/clusters/" + kafkaClusterId;
        this.authorization = authorization;
        this.file = file;
    }

    List<Thread> start(int count, long seed) {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String client = "client-" + i;
            Random random = new Random(seed + i);
            Thread thread = new Thread(() -> {
                while (!stopped) {
                    runOne(client, random);
                }
            }, "fault-" + client);
            thread.start();
            threads.add(thread);
        }
        return threads;
    }

    void stop(List<Thread> threads) throws InterruptedException {
        stopped = true;
        for (Thread thread : threads) {
            thread.join(120_000);
        }
    }

    List<Op> ops() {
        return List.copyOf(ops);
    }

    Set<String> secretValues() {
        return Set.copyOf(secretValues);
    }

    /** Every answer body received, for the leak check. */
    List<String> answers() {
        return List.copyOf(answers);
    }

    long nanosSinceStart() {
        return System.nanoTime() - started;
    }

    private void runOne(String client, Random random) {
        String connector = connectors.get(random.nextInt(connectors.size()));
        int roll = random.nextInt(100);
        Kind kind = roll < 10 ? Kind.CREATE : roll < 22 ? Kind.CONFIG : roll < 30 ? Kind.PATCH : roll < 40 ? Kind.PAUSE
                : roll < 50 ? Kind.RESUME : roll < 55 ? Kind.STOP : roll < 60 ? Kind.RESTART : roll < 66 ? Kind.DELETE
                : roll < 68 ? Kind.OFFSETS_RESET : roll < 70 ? Kind.SECRET : Kind.READ;
        List<String> dialects = switch (kind) {
            case PATCH, OFFSETS_RESET -> List.of("connect");
            case STOP -> List.of("connect", "redpanda");
            case SECRET -> List.of("redpanda");
            case READ -> List.of("connect", "confluent");
            default -> List.of("connect", "confluent", "redpanda");
        };
        String dialect = dialects.get(random.nextInt(dialects.size()));
        List<String> urls = replicaUrls.get();
        int replica = random.nextInt(urls.size());
        boolean idempotent = kind != Kind.READ && random.nextBoolean();
        send(client, kind == Kind.SECRET ? "(secrets)" : connector, kind, dialect, urls.get(replica), "replica-" + (replica + 1), idempotent);
        try {
            Thread.sleep(random.nextInt(50));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void send(String client, String connector, Kind kind, String dialect, String url, String replica, boolean idempotent) {
        long id = ids.incrementAndGet();
        String marker = switch (kind) {
            case CREATE, CONFIG, PATCH -> "m" + id;
            default -> null;
        };
        String target = switch (kind) {
            case PAUSE -> "PAUSED";
            case RESUME -> "RUNNING";
            case STOP -> "STOPPED";
            default -> null;
        };
        Request request = request(connector, kind, dialect, marker, id);
        String key = idempotent ? "fault-" + id : null;
        List<String> requestIds = new ArrayList<>();
        long invoked = nanosSinceStart();
        int status = -1;
        String body = null;
        Outcome outcome = Outcome.UNKNOWN;
        for (int attempt = 0; attempt < (idempotent ? 3 : 1); attempt++) {
            String requestId = HistoryChecker.CLIENT_REQUEST_PREFIX + id + "-" + attempt;
            requestIds.add(requestId);
            try {
                HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url + request.path()))
                        .timeout(TIMEOUT)
                        .header("Authorization", authorization)
                        .header("Content-Type", "application/json")
                        .header("Accept", "application/json")
                        .header("X-Request-Id", requestId)
                        .method(request.method(), request.body() == null ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(request.body()));
                if (key != null) {
                    builder.header("Idempotency-Key", key);
                }
                HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
                status = response.statusCode();
                body = response.body();
                answers.add(body);
                outcome = status < 300 ? Outcome.OK : status < 500 ? Outcome.REFUSED : Outcome.UNKNOWN;
            } catch (IOException e) {
                status = -1;
                body = e.getClass().getSimpleName() + ": " + e.getMessage();
                outcome = Outcome.UNKNOWN;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (outcome != Outcome.UNKNOWN) {
                break;
            }
        }
        State seen = kind == Kind.READ && outcome != Outcome.UNKNOWN ? seen(status, body) : null;
        if (kind == Kind.READ) {
            // A 404 is an answer too (the connector is absent); any other says nothing about the connector.
            outcome = seen == null ? Outcome.UNKNOWN : Outcome.OK;
        }
        ops.add(new Op(id, client, connector, kind, dialect, replica, requestIds, key, invoked, nanosSinceStart(),
                outcome, status, marker, target, seen, body == null || body.length() <= 300 ? body : body.substring(0, 300)));
    }

    /** What a config read saw: absent on a 404, else the marker its config holds. */
    private static State seen(int status, String body) {
        if (status == 404) {
            return State.ABSENT;
        }
        if (status != 200) {
            return null;
        }
        try {
            JsonNode config = JSON.readTree(body);
            if (config.has("config") && config.get("config").isObject()) {
                config = config.get("config");
            }
            JsonNode marker = config.get(Op.MARKER_KEY);
            return new State(true, marker == null ? null : marker.asText(), null);
        } catch (IOException e) {
            return null;
        }
    }

    private record Request(String method, String path, String body) {
    }

    private Request request(String connector, Kind kind, String dialect, String marker, long id) {
        String base = switch (dialect) {
            case "confluent" -> confluentBase;
            case "redpanda" -> "/v1/kafka-connect/clusters/default";
            default -> "";
        };
        String one = base + "/connectors/" + connector;
        return switch (kind) {
            case CREATE -> new Request("POST", base + "/connectors", json(Map.of("name", connector, "config", config(connector, marker))));
            case CONFIG -> new Request("PUT", one + "/config", json(config(connector, marker)));
            case PATCH -> new Request("PATCH", one + "/config", json(Map.of(Op.MARKER_KEY, marker)));
            case PAUSE -> new Request("PUT", one + "/pause", null);
            case RESUME -> new Request("PUT", one + "/resume", null);
            case STOP -> new Request("PUT", one + "/stop", null);
            case RESTART -> new Request("POST", one + "/restart", dialect.equals("redpanda") ? "{}" : null);
            case DELETE -> new Request("DELETE", one, null);
            case OFFSETS_RESET -> new Request("DELETE", one + "/offsets", null);
            case READ -> new Request("GET", one + "/config", null);
            case SECRET -> {
                String value = "fault-secret-value-" + id + "-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
                secretValues.add(value);
                yield new Request("PUT", base + "/secrets/" + SECRET_ID, json(Map.of("secret_data",
                        Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)))));
            }
        };
    }

    private Map<String, String> config(String connector, String marker) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "FileStreamSource");
        config.put("tasks.max", "1");
        config.put("file", file);
        config.put("topic", "fault-" + connector);
        config.put(Op.MARKER_KEY, marker);
        return config;
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
