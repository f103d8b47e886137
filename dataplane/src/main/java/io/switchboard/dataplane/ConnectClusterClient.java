package io.switchboard.dataplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.core.WorkerClient;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;

/**
 * The calls a reconciler makes to one Kafka Connect cluster's REST API, on Jetty's HTTP client.
 * Every pause, resume and config change is a call, so the client is Jetty's rather than
 * {@code java.net.http}'s: it costs the replica about a quarter less CPU pausing and resuming many
 * connectors (bench/RESULTS.md).
 *
 * <p>Every call Switchboard makes to a worker goes through one of these, the calls it passes
 * through included ({@link #exchange}), so that a worker at an {@code https://} URL is checked
 * against the one trust the client was given, never against the JVM's default context.
 */
public final class ConnectClusterClient implements WorkerClient, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A connector as the worker reports it: its config and its status. */
    public record WorkerConnector(String name, Map<String, String> config, String type, JsonNode status) {
        public String state() {
            return status == null ? "UNASSIGNED" : status.path("connector").path("state").asText("UNASSIGNED");
        }
    }

    /**
     * Validations that work the worker's CPU at once (see {@link ValidationGate}): one, because the
     * herder thread gets a share of the CPU per running thread, and one validation at a time already
     * outpaces the creates the herder carries out one after another.
     */
    static final int VALIDATIONS_COMPUTING = 1;
    /** After this long a validation is taken to wait on something else than the worker's CPU, and gives its turn. */
    static final Duration VALIDATION_COMPUTES_AT_MOST = Duration.ofMillis(250);
    /** Validations in flight on one worker at once, quick and slow. */
    static final int VALIDATIONS_IN_FLIGHT = 4;
    /** Validations that may wait for a place; past that a request is refused at once. */
    static final int VALIDATIONS_WAITING = 64;
    /** How long a validation waits for a place before it is refused. */
    static final Duration VALIDATION_WAIT = Duration.ofSeconds(10);

    /** How long a call may take, answer included; one that takes longer fails, and the reconciler tries again later. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /**
     * Connections idle this long are closed by the client, before the worker's own idle timeout
     * (Jetty's 30 s) closes them under a request just sent.
     */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(15);
    /** The largest answer read: the list of every connector with its config, for many thousands of connectors. */
    static final int MAX_ANSWER_BYTES = 64 * 1024 * 1024;
    /** Threads the client hands answers to; the callers wait on their own threads. */
    static final int CLIENT_THREADS = 8;
    /** Connections to one worker at most: more than the reconciler's threads, so none of them queues. */
    static final int MAX_CONNECTIONS = ReactiveReconciler.THREADS + 16;

    /**
     * How a client reaches its worker.
     *
     * @param trust         what an {@code https://} worker's certificate is checked against; empty: the JVM's default trust
     * @param authorization the {@code Authorization} every request carries (the embedded worker's token); empty: none
     * @param requests      where the client's requests are counted, shared by every client of one worker that
     *                      {@link ConnectClusters} makes
     */
    public record Access(Optional<SSLContext> trust, Optional<String> authorization, WorkerRequestCounts requests) {
        /** Checked against {@code trust}, sending no {@code Authorization}, counted on their own. */
        public static Access trusting(Optional<SSLContext> trust) {
            return new Access(trust, Optional.empty(), new WorkerRequestCounts());
        }
    }

    private final String url;
    private final HttpClient http;
    private final ValidationGate validations;
    private final WorkerRequestCounts requests;
    private final Optional<String> authorization;

    /**
     * @param access      the trust, the authorization and the request counts the client uses
     * @param validations what every validation goes through before it is sent
     */
    ConnectClusterClient(String url, Access access, ValidationGate validations) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.validations = validations;
        this.requests = access.requests();
        this.authorization = access.authorization();
        this.http = startedClient(access.trust());
    }

    /**
     * A client of the worker at {@code url}, its validations let through as one worker takes them
     * ({@link #VALIDATIONS_COMPUTING}, {@link #VALIDATIONS_IN_FLIGHT}, ...).
     */
    public static ConnectClusterClient of(String url, Access access) {
        return new ConnectClusterClient(url, access, new ValidationGate(VALIDATIONS_COMPUTING, VALIDATIONS_IN_FLIGHT,
                VALIDATIONS_WAITING, VALIDATION_WAIT, VALIDATION_COMPUTES_AT_MOST));
    }

    /**
     * A client of the worker at {@code url} that sends no {@code Authorization} and counts its requests on its own.
     *
     * @param trust what an {@code https://} worker's certificate is checked against; empty: the JVM's default trust
     */
    public static ConnectClusterClient of(String url, Optional<SSLContext> trust) {
        return of(url, Access.trusting(trust));
    }

    private static HttpClient startedClient(Optional<SSLContext> trust) {
        QueuedThreadPool threads = new QueuedThreadPool(CLIENT_THREADS, 2);
        threads.setName("switchboard-worker-http");
        threads.setDaemon(true);
        HttpClient client = new HttpClient();
        trust.ifPresent(context -> {
            // Jetty's client builds its own TLS context otherwise, from the JSSE defaults, not from SSLContext.getDefault().
            SslContextFactory.Client tls = new SslContextFactory.Client();
            tls.setSslContext(context);
            client.setSslContextFactory(tls);
        });
        client.setExecutor(threads);
        client.setScheduler(new ScheduledExecutorScheduler("switchboard-worker-http-timeouts", true));
        client.setConnectTimeout(CONNECT_TIMEOUT.toMillis());
        client.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        client.setMaxConnectionsPerDestination(MAX_CONNECTIONS);
        client.setFollowRedirects(false);
        client.setHttpCookieStore(new HttpCookieStore.Empty());
        client.setUserAgentField(null);
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("Could not start the HTTP client for Kafka Connect workers", e);
        }
        return client;
    }

    @Override
    public String url() {
        return url;
    }

    public Map<String, WorkerConnector> connectors() {
        JsonNode body = call("GET", "/connectors?expand=info&expand=status", null, 200);
        Map<String, WorkerConnector> out = new LinkedHashMap<>();
        body.fields().forEachRemaining(entry -> {
            JsonNode info = entry.getValue().path("info");
            Map<String, String> config = new LinkedHashMap<>();
            info.path("config").fields().forEachRemaining(c -> config.put(c.getKey(), c.getValue().asText()));
            out.put(entry.getKey(), new WorkerConnector(entry.getKey(), config, info.path("type").asText(null),
                    entry.getValue().get("status")));
        });
        return out;
    }

    /**
     * GET /connectors?expand=status: every connector's status, by name. Unlike {@code expand=info},
     * which the worker answers one connector at a time on its herder thread (behind creates and
     * rebalances), statuses are read from its status store.
     */
    public Map<String, JsonNode> statuses() {
        JsonNode body = call("GET", "/connectors?expand=status", null, 200);
        Map<String, JsonNode> out = new LinkedHashMap<>();
        body.fields().forEachRemaining(entry -> out.put(entry.getKey(), entry.getValue().get("status")));
        return out;
    }

    /**
     * GET /connectors/{name}/status: the worker's status of one connector, or empty when it has
     * none (not created, or created but not yet started).
     */
    public Optional<JsonNode> status(String name) {
        try {
            return Optional.of(call("GET", "/connectors/" + encode(name) + "/status", null, 200));
        } catch (WorkerRejection e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** GET /connectors/{name}/config: the config the worker has, or empty when it has no such connector. */
    public Optional<Map<String, String>> config(String name) {
        try {
            JsonNode body = call("GET", "/connectors/" + encode(name) + "/config", null, 200);
            Map<String, String> config = new LinkedHashMap<>();
            body.fields().forEachRemaining(c -> config.put(c.getKey(), c.getValue().asText()));
            return Optional.of(config);
        } catch (WorkerRejection e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public void create(String name, Map<String, String> config, String initialState) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("config", config);
        // RUNNING is the worker's own default: naming it would make the worker write a target-state
        // record before the config, and act on it, for every create.
        if (initialState != null && !"RUNNING".equals(initialState)) {
            body.put("initial_state", initialState);
        }
        call("POST", "/connectors", body, 201);
    }

    /**
     * Asks the worker's plugin to validate a config (PUT /connector-plugins/{class}/config/validate)
     * and answers Kafka Connect's ConfigInfos, once the {@link ValidationGate} lets it through; it
     * fails with {@link ValidationsBusy} when the gate does not.
     */
    @Override
    public JsonNode validate(String connectorClass, Map<String, String> config) {
        return validations.through(() -> call("PUT", "/connector-plugins/" + encode(connectorClass) + "/config/validate", config, 200));
    }

    public void putConfig(String name, Map<String, String> config) {
        call("PUT", "/connectors/" + encode(name) + "/config", config, 200, 201);
    }

    public void pause(String name) {
        call("PUT", "/connectors/" + encode(name) + "/pause", null, 202);
    }

    public void resume(String name) {
        call("PUT", "/connectors/" + encode(name) + "/resume", null, 202);
    }

    public void stop(String name) {
        call("PUT", "/connectors/" + encode(name) + "/stop", null, 204, 202);
    }

    /** GET /connectors/{name}/tasks: each task's config, in task order. */
    public List<Map<String, String>> taskConfigs(String name) {
        JsonNode tasks = call("GET", "/connectors/" + encode(name) + "/tasks", null, 200);
        List<Map<String, String>> configs = new ArrayList<>();
        tasks.forEach(task -> {
            Map<String, String> config = new LinkedHashMap<>();
            task.path("config").fields().forEachRemaining(c -> config.put(c.getKey(), c.getValue().asText()));
            configs.add(config);
        });
        return configs;
    }

    public void restart(String name, boolean includeTasks, boolean onlyFailed) {
        call("POST", "/connectors/" + encode(name) + "/restart?includeTasks=" + includeTasks + "&onlyFailed=" + onlyFailed,
                null, 202, 204, 200);
    }

    public void restartTask(String name, int task) {
        call("POST", "/connectors/" + encode(name) + "/tasks/" + task + "/restart", null, 204, 200, 404);
    }

    /**
     * PATCH /connectors/{name}/offsets with Kafka Connect's offsets body, or DELETE it when the body
     * is null: the worker's message.
     */
    public String modifyOffsets(String name, String offsetsJson) {
        JsonNode answer;
        if (offsetsJson == null) {
            answer = call("DELETE", "/connectors/" + encode(name) + "/offsets", null, 200);
        } else {
            JsonNode body;
            try {
                body = JSON.readTree(offsetsJson);
            } catch (IOException e) {
                throw new WorkerRejection(400, "The offsets are not JSON: " + e.getMessage());
            }
            answer = call("PATCH", "/connectors/" + encode(name) + "/offsets", body, 200);
        }
        return answer.path("message").asText("");
    }

    /** GET /connectors/{name}/topics: the topics the connector has used. */
    @Override
    public List<String> activeTopics(String name) {
        JsonNode answer = call("GET", "/connectors/" + encode(name) + "/topics", null, 200);
        List<String> topics = new ArrayList<>();
        answer.path(name).path("topics").forEach(t -> topics.add(t.asText()));
        return topics;
    }

    /** GET /: the worker's version, commit and Kafka cluster id. */
    @Override
    public JsonNode root() {
        return call("GET", "/", null, 200);
    }

    /** GET /connector-plugins: the worker's connector plugins, [{"class", "type", "version"}]. */
    @Override
    public JsonNode plugins() {
        return call("GET", "/connector-plugins", null, 200);
    }

    /** GET /connectors/{name}/offsets: the worker's JSON body. */
    @Override
    public String offsets(String name) {
        return call("GET", "/connectors/" + encode(name) + "/offsets", null, 200).toString();
    }

    public void resetActiveTopics(String name) {
        call("PUT", "/connectors/" + encode(name) + "/topics/reset", null, 202, 200, 204);
    }

    public void delete(String name) {
        call("DELETE", "/connectors/" + encode(name), null, 204, 404);
    }

    /**
     * Sends one request as given, a path with its query string and a JSON body or none, and answers
     * whatever the worker answered, up to {@link #MAX_ANSWER_BYTES}; {@link ConnectCallException}
     * when there is no answer (not reachable, not trusted, too slow).
     */
    @Override
    public Answer exchange(String method, String pathAndQuery, byte[] jsonBody) {
        ContentResponse response = send(method, pathAndQuery, jsonBody == null || jsonBody.length == 0 ? null : jsonBody);
        return new Answer(response.getStatus(), response.getContent());
    }

    private JsonNode call(String method, String path, Object body, int... expected) {
        ContentResponse response;
        try {
            response = send(method, path, body == null ? null : JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new ConnectCallException(method + " " + url + path + " could not be sent: " + WorkerMessages.oneLine(String.valueOf(e)), e);
        }
        String text = response.getContent().length == 0 ? "" : new String(response.getContent(), StandardCharsets.UTF_8);
        try {
            for (int status : expected) {
                if (response.getStatus() == status) {
                    return text.isEmpty() ? JSON.nullNode() : JSON.readTree(text);
                }
            }
        } catch (IOException e) {
            throw new ConnectCallException(method + " " + url + path + " answered " + response.getStatus()
                    + " with a body that is not JSON: " + WorkerMessages.summary(text), e);
        }
        if (response.getStatus() >= 400) {
            JsonNode error = readError(text);
            String message = error.path("message").asText(null);
            if (message != null && response.getStatus() < 500) {
                throw new WorkerRejection(response.getStatus(), message, method + " " + path);
            }
            // The validate endpoint answers a refusal it wrapped as a 500 whose message names the
            // BadRequestException: that is a 400 with the inner message, as POST /connectors gives it.
            if (message != null && message.startsWith(WRAPPED_BAD_REQUEST)) {
                throw new WorkerRejection(400, message.substring(WRAPPED_BAD_REQUEST.length()));
            }
        }
        throw new ConnectCallException(method + " " + url + path + " answered " + response.getStatus() + ": "
                + WorkerMessages.summary(text), null, response.getStatus(),
                readError(text).path("message").asText(null));
    }

    /** One call and its whole answer, or {@link ConnectCallException} when there is none. */
    private ContentResponse send(String method, String path, byte[] jsonBody) {
        requests.record(method, path);
        Request request;
        try {
            request = http.newRequest(URI.create(url + path))
                    .method(method)
                    .timeout(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .headers(headers -> {
                        headers.put(HttpHeader.CONTENT_TYPE, "application/json").put(HttpHeader.ACCEPT, "application/json");
                        authorization.ifPresent(value -> headers.put(HttpHeader.AUTHORIZATION, value));
                    });
            if (jsonBody != null) {
                request.body(new BytesRequestContent("application/json", jsonBody));
            }
        } catch (IllegalArgumentException e) {
            throw new ConnectCallException(method + " " + url + path + " could not be sent: " + WorkerMessages.oneLine(String.valueOf(e)), e);
        }
        CompletableFuture<ContentResponse> answer = new CompletableResponseListener(request, MAX_ANSWER_BYTES).send();
        try {
            // The request's own timeout ends it; this one only guards against a future never completed.
            return answer.get(CALL_TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new ConnectCallException(method + " " + url + path + " failed: " + WorkerMessages.oneLine(String.valueOf(cause)), cause);
        } catch (TimeoutException e) {
            request.abort(e);
            throw new ConnectCallException(method + " " + url + path + " failed: no answer in " + CALL_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            request.abort(e);
            Thread.currentThread().interrupt();
            throw new ConnectCallException("Interrupted calling " + url, e);
        }
    }

    /** The requests of each kind made of this worker through this client (and the others sharing its counts). */
    public WorkerRequestCounts requests() {
        return requests;
    }

    /** Stops the client's threads and closes its connections. */
    @Override
    public void close() {
        try {
            http.stop();
        } catch (Exception e) {
            // Stopping: nothing is waiting on it any more.
        }
    }

    private static final String WRAPPED_BAD_REQUEST = "org.apache.kafka.connect.runtime.rest.errors.BadRequestException: ";

    private static JsonNode readError(String body) {
        try {
            return JSON.readTree(body == null || body.isEmpty() ? "{}" : body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static String encode(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
