package io.switchboard.dialects.connect;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.switchboard.auth.Access;
import io.switchboard.auth.Raises;
import io.switchboard.core.ConnectorService;
import io.switchboard.core.Scope;
import io.switchboard.core.ServiceException;
import io.switchboard.core.Views.ObservedDetails;
import io.switchboard.core.WorkerErrors;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Function;

import static io.switchboard.auth.Access.admin;
import static io.switchboard.auth.Access.view;

/**
 * Read-only facts that only the Connect worker knows and that change nothing in Switchboard's
 * state: its plugins, their config definitions and validation, its loggers, a connector's active
 * topics and committed offsets. These are passed to the cluster's worker and its answer is returned
 * as it is. With no reachable worker the answer is a 503 with Retry-After.
 */
final class WorkerPassThrough {
    private final Function<String, String> workerUrls;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final ConnectorService connectors;
    private final ConnectScopes scopes;
    private final ConnectRequests requests = new ConnectRequests(new com.fasterxml.jackson.databind.ObjectMapper());

    /**
     * @param workerUrls a cluster's worker URL by cluster name (null: none)
     * @param connectors where a connector's last observed active topics and offsets are read when the
     *                   worker cannot answer
     */
    WorkerPassThrough(Function<String, String> workerUrls, ConnectorService connectors, ConnectScopes scopes) {
        this.workerUrls = workerUrls;
        this.connectors = connectors;
        this.scopes = scopes;
    }

    void register(JavalinConfig config, String base) {
        Access.TargetRule cluster = scopes::target;
        config.routes.get(base + "/connector-plugins", this::forward, view(cluster));
        config.routes.get(base + "/connector-plugins/{plugin}/config", this::forward, view(cluster));
        // Bodies are checked here, as for the connector endpoints: the worker answers 500 to what it cannot bind.
        // A worker resolves config provider references while it validates: validating one needs edit.
        config.routes.put(base + "/connector-plugins/{plugin}/config/validate",
                ctx -> forward(ctx, requests.configToValidate(ctx.bodyAsBytes(), ctx.pathParam("plugin"))),
                view(cluster).raisedBy("edit when a value holds a ${...} reference", Raises::resolvingReferences));
        config.routes.get(base + "/admin/loggers", this::forward, admin(cluster));
        config.routes.get(base + "/admin/loggers/{logger}", this::forward, admin(cluster));
        config.routes.put(base + "/admin/loggers/{logger}", ctx -> forward(ctx, requests.loggerLevel(ctx.bodyAsBytes())),
                admin(cluster));
        config.routes.get(base + "/connectors/{connector}/topics", this::forward, view(cluster));
        config.routes.get(base + "/connectors/{connector}/offsets", this::forward, view(cluster));
    }

    private void forward(Context ctx) {
        forward(ctx, null);
    }

    /** @param body the body to send the worker, already checked; null: none */
    private void forward(Context ctx, String body) {
        try {
            forwardToWorker(ctx, body);
        } catch (ServiceException.Unavailable e) {
            if (!answerObserved(ctx)) {
                throw e;
            }
        }
    }

    /**
     * A connector's active topics or offsets as the data plane last read them, when the worker
     * cannot answer now; the header {@code X-Switchboard-Observed-At} says when they were read.
     */
    private boolean answerObserved(Context ctx) {
        if (!ctx.method().name().equals("GET") || !ctx.pathParamMap().containsKey("connector")) {
            return false;
        }
        String name = ctx.pathParam("connector");
        java.util.Optional<ObservedDetails> observed;
        try {
            observed = connectors.observedDetails(scopes.of(ctx), name);
        } catch (RuntimeException e) {
            return false;
        }
        if (observed.isEmpty()) {
            return false;
        }
        ObservedDetails o = observed.get();
        Object body;
        if (ctx.path().endsWith("/topics") && o.activeTopics() != null) {
            body = java.util.Map.of(name, java.util.Map.of("topics", o.activeTopics()));
        } else if (ctx.path().endsWith("/offsets") && o.offsetsJson() != null) {
            try {
                body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(o.offsetsJson());
            } catch (IOException e) {
                return false;
            }
        } else {
            return false;
        }
        ctx.header("X-Switchboard-Observed-At", o.observedAt().toString());
        ctx.status(200).json(body);
        return true;
    }

    private void forwardToWorker(Context ctx, String checkedBody) {
        Scope scope = scopes.of(ctx);
        String base = workerUrls.apply(scope.cluster());
        // The worker's own path: the request's, without the base path that named the cluster.
        String path = scopes.basePath(ctx).isEmpty() ? ctx.path() : ctx.path().substring(rawBaseLength(ctx));
        if (base == null) {
            throw new ServiceException.Unavailable("No Kafka Connect worker is attached to this cluster, so "
                    + path + " cannot be answered");
        }
        String query = ctx.queryString() == null ? "" : "?" + ctx.queryString();
        byte[] body = checkedBody == null ? new byte[0] : checkedBody.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        URI target;
        try {
            target = URI.create(base + path + query);
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
                throw new ServiceException.Unavailable("The Kafka Connect worker could not answer " + path
                        + " (" + response.statusCode() + ")");
            }
            if (response.statusCode() >= 400) {
                throw WorkerErrors.refusal(response.statusCode(), response.body(), base);
            }
            ctx.status(response.statusCode()).contentType("application/json").result(response.body());
        } catch (IOException e) {
            // The I/O error's text would name the worker's address, which is the control plane's business.
            throw new ServiceException.Unavailable("The Kafka Connect worker is not reachable");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException.Unavailable("Interrupted while asking the Kafka Connect worker");
        }
    }

    /** Length of "/clusters/NAME" as it appears in the request's (still encoded) path. */
    private static int rawBaseLength(Context ctx) {
        String path = ctx.path();
        int second = path.indexOf('/', "/clusters/".length());
        return second < 0 ? path.length() : second;
    }
}
