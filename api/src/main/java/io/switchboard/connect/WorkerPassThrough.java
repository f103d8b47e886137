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
    private final ConnectRequests requests = new ConnectRequests(new com.fasterxml.jackson.databind.ObjectMapper());

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
        // Bodies are checked here, as for the connector endpoints: the worker answers 500 to what it cannot bind.
        config.routes.put("/connector-plugins/{plugin}/config/validate",
                ctx -> forward(ctx, requests.configToValidate(ctx.bodyAsBytes(), ctx.pathParam("plugin"))));
        config.routes.get("/admin/loggers", this::forward);
        config.routes.get("/admin/loggers/{logger}", this::forward);
        config.routes.put("/admin/loggers/{logger}", ctx -> forward(ctx, requests.loggerLevel(ctx.bodyAsBytes())));
        config.routes.get("/connectors/{connector}/topics", this::forward);
        config.routes.get("/connectors/{connector}/offsets", this::forward);
    }

    private void forward(Context ctx) {
        forward(ctx, null);
    }

    /** @param body the body to send the worker, already checked; null: none */
    private void forward(Context ctx, String body) {
        try {
            forwardToWorker(ctx, body);
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

    private void forwardToWorker(Context ctx, String checkedBody) {
        String base = workerUrl.get();
        if (base == null) {
            ctx.header("Retry-After", "1");
            throw new ConnectRestException(503, "No Kafka Connect worker is attached to this cluster, so "
                    + ctx.path() + " cannot be answered");
        }
        String query = ctx.queryString() == null ? "" : "?" + ctx.queryString();
        byte[] body = checkedBody == null ? new byte[0] : checkedBody.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        URI target;
        try {
            target = URI.create(base + ctx.path() + query);
        } catch (IllegalArgumentException e) {
            throw ConnectRestException.badRequest("The request's path or query string is not a valid URI: "
                    + "a % must start a percent-encoded byte, and spaces and control characters must be percent-encoded");
        }
        HttpRequest request = HttpRequest.newBuilder(target)
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
            if (response.statusCode() >= 400) {
                throw WorkerErrors.refusal(response.statusCode(), response.body(), base);
            }
            ctx.status(response.statusCode()).contentType("application/json").result(response.body());
        } catch (IOException e) {
            ctx.header("Retry-After", "1");
            // The I/O error's text would name the worker's address, which is the control plane's business.
            throw new ConnectRestException(503, "The Kafka Connect worker is not reachable");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectRestException(503, "Interrupted while asking the Kafka Connect worker");
        }
    }
}
