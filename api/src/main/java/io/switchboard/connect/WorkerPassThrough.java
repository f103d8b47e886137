package io.switchboard.connect;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Read-only facts that only the Connect worker knows and that change nothing in Switchboard's
 * state: its plugins, their config definitions and validation, its loggers, a connector's active
 * topics and committed offsets. These are passed to the cluster's worker and its answer is returned
 * as it is. With no reachable worker the answer is a 503 with Retry-After.
 */
public final class WorkerPassThrough {
    private final Supplier<String> workerUrl;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final ConnectorHerder herder;

    public WorkerPassThrough(Supplier<String> workerUrl) {
        this(workerUrl, null);
    }

    /**
     * @param herder where a connector's last observed active topics and offsets are read when the
     *               worker cannot answer; null: nowhere
     */
    public WorkerPassThrough(Supplier<String> workerUrl, ConnectorHerder herder) {
        this.workerUrl = workerUrl;
        this.herder = herder;
    }

    public void register(JavalinConfig config) {
        config.routes.get("/connector-plugins", this::forward);
        config.routes.get("/connector-plugins/{plugin}/config", this::forward);
        config.routes.put("/connector-plugins/{plugin}/config/validate", this::forward);
        config.routes.get("/admin/loggers", this::forward);
        config.routes.get("/admin/loggers/{logger}", this::forward);
        config.routes.put("/admin/loggers/{logger}", this::forward);
        config.routes.get("/connectors/{connector}/topics", this::forward);
        config.routes.get("/connectors/{connector}/offsets", this::forward);
    }

    private void forward(Context ctx) {
        try {
            forwardToWorker(ctx);
        } catch (ConnectRestException e) {
            if (e.status() != 503 || !answerObserved(ctx)) {
                throw e;
            }
        }
    }

    /**
     * A connector's active topics or offsets as the data plane last read them, when the worker
     * cannot answer now; the header {@code X-Switchboard-Observed-At} says when they were read.
     */
    private boolean answerObserved(Context ctx) {
        if (herder == null || !ctx.method().name().equals("GET") || !ctx.pathParamMap().containsKey("connector")) {
            return false;
        }
        String name = ctx.pathParam("connector");
        java.util.Optional<io.switchboard.schemas.ConnectorObservation> observed;
        try {
            observed = herder.observedDetails(name);
        } catch (RuntimeException e) {
            return false;
        }
        if (observed.isEmpty()) {
            return false;
        }
        io.switchboard.schemas.ConnectorObservation o = observed.get();
        Object body;
        if (ctx.path().endsWith("/topics") && o.getActiveTopics() != null) {
            body = java.util.Map.of(name, java.util.Map.of("topics", o.getActiveTopics()));
        } else if (ctx.path().endsWith("/offsets") && o.getOffsets() != null) {
            try {
                body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(o.getOffsets());
            } catch (IOException e) {
                return false;
            }
        } else {
            return false;
        }
        ctx.header("X-Switchboard-Observed-At", java.time.Instant.ofEpochMilli(o.getDetailsObservedAt()).toString());
        ctx.status(200).json(body);
        return true;
    }

    private void forwardToWorker(Context ctx) {
        String base = workerUrl.get();
        if (base == null) {
            ctx.header("Retry-After", "1");
            throw new ConnectRestException(503, "No Kafka Connect worker is attached to this cluster, so "
                    + ctx.path() + " cannot be answered");
        }
        String query = ctx.queryString() == null ? "" : "?" + ctx.queryString();
        byte[] body = ctx.bodyAsBytes();
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + ctx.path() + query))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .method(ctx.method().name(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() >= 500) {
                ctx.header("Retry-After", "1");
                throw new ConnectRestException(503, "The Kafka Connect worker could not answer " + ctx.path()
                        + " (" + response.statusCode() + ")");
            }
            ctx.status(response.statusCode()).contentType("application/json").result(response.body());
        } catch (IOException e) {
            ctx.header("Retry-After", "1");
            throw new ConnectRestException(503, "The Kafka Connect worker is not reachable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectRestException(503, "Interrupted while asking the Kafka Connect worker");
        }
    }
}
