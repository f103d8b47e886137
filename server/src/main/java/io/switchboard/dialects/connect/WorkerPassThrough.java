package io.switchboard.dialects.connect;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.switchboard.access.Access;
import io.switchboard.core.ClusterFacts;
import io.switchboard.core.ConnectorService;
import io.switchboard.core.Scope;
import io.switchboard.core.ServiceException;
import io.switchboard.core.Views.ObservedDetails;
import io.switchboard.core.WorkerClient;
import io.switchboard.core.WorkerErrors;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import static io.switchboard.access.Access.admin;
import static io.switchboard.access.Access.edit;
import static io.switchboard.access.Access.view;

/**
 * Read-only facts that only the Connect worker knows and that change nothing in Switchboard's
 * state: its plugins, their config definitions and validation, its loggers, a connector's active
 * topics and committed offsets. These are passed to the cluster's worker and its answer is returned
 * as it is. With no reachable worker the answer is a 503 with Retry-After. The worker is called
 * through the cluster's kept {@link WorkerClient}, with the trust, timeouts and answer size
 * limit of every other call to a worker.
 */
final class WorkerPassThrough {
    private final Function<String, WorkerClient> workers;
    private final ConnectorService connectors;
    private final ConnectScopes scopes;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ConnectRequests requests = new ConnectRequests(JSON);
    private final ClusterFacts facts;

    /**
     * @param workers a client of a cluster's worker by cluster name (null: none)
     * @param connectors where a connector's last observed active topics and offsets are read when the
     *                   worker cannot answer
     * @param facts what a config to validate is held to before it is sent, and a worker's validation as
     *              the caller may see it
     */
    WorkerPassThrough(Function<String, WorkerClient> workers, ConnectorService connectors, ConnectScopes scopes,
                      ClusterFacts facts) {
        this.facts = facts;
        this.workers = workers;
        this.connectors = connectors;
        this.scopes = scopes;
    }

    void register(JavalinConfig config, String base) {
        Access.TargetRule cluster = scopes::target;
        config.routes.get(base + "/connector-plugins", this::forward, view(cluster));
        config.routes.get(base + "/connector-plugins/{plugin}/config", this::forward, view(cluster));
        // Bodies are checked here, as for the connector endpoints: the worker answers 500 to what it cannot bind.
        // Validating makes the worker's plugin connect wherever the config says (a database, any host and
        // port) and resolve config provider references, and it echoes the outcome: it needs edit, as a create.
        config.routes.put(base + "/connector-plugins/{plugin}/config/validate", this::validate, edit(cluster));
        config.routes.get(base + "/admin/loggers", this::forward, admin(cluster));
        config.routes.get(base + "/admin/loggers/{logger}", this::forward, admin(cluster));
        config.routes.put(base + "/admin/loggers/{logger}", ctx -> forward(ctx, requests.loggerLevel(ctx.bodyAsBytes()), UnaryOperator.identity()),
                admin(cluster));
        config.routes.get(base + "/connectors/{connector}/topics", this::forward, view(cluster));
        config.routes.get(base + "/connectors/{connector}/offsets", this::forward, view(cluster));
    }

    private void forward(Context ctx) {
        forward(ctx, null, UnaryOperator.identity());
    }

    /**
     * The worker's validation, with the values it resolved from references shown as they were given.
     * A config that breaks a built-in policy is refused first, as a create of it is
     * ({@link ClusterFacts#requirePolicies}). For a cluster whose workers cannot open Switchboard's secrets, a config holding one is refused
     * first, as a create of it is, and nothing is sent ({@link ClusterFacts#requireSendable}).
     */
    private void validate(Context ctx) {
        Map<String, String> given = requests.configBody(ctx.bodyAsBytes());
        String plugin = ctx.pathParam("plugin");
        String body = requests.configToValidate(given, plugin);
        // A config a create would refuse is refused here too, before anything reaches a worker.
        facts.requirePolicies(given);
        if (workers.apply(scopes.of(ctx).cluster()) != null) {
            facts.requireSendable(scopes.of(ctx), plugin, given);
        }
        forward(ctx, body, answer -> {
            try {
                return facts.validationAsGiven(JSON.readTree(answer), given).toString().getBytes(StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ServiceException.Unavailable("The Kafka Connect worker's validation could not be read");
            }
        });
    }

    /**
     * @param body  the body to send the worker, already checked; null: none
     * @param shown the worker's successful answer as the caller may see it
     */
    private void forward(Context ctx, String body, UnaryOperator<byte[]> shown) {
        try {
            forwardToWorker(ctx, body, shown);
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
        Optional<ObservedDetails> observed;
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
            body = Map.of(name, Map.of("topics", o.activeTopics()));
        } else if (ctx.path().endsWith("/offsets") && o.offsetsJson() != null) {
            try {
                body = new ObjectMapper().readTree(o.offsetsJson());
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

    private void forwardToWorker(Context ctx, String checkedBody, UnaryOperator<byte[]> shown) {
        Scope scope = scopes.of(ctx);
        WorkerClient worker = workers.apply(scope.cluster());
        // The worker's own path: the request's, without the base path that named the cluster.
        String path = scopes.basePath(ctx).isEmpty() ? ctx.path() : ctx.path().substring(rawBaseLength(ctx));
        if (worker == null) {
            throw new ServiceException.Unavailable("No Kafka Connect worker is attached to this cluster, so "
                    + path + " cannot be answered");
        }
        String query = ctx.queryString() == null ? "" : "?" + ctx.queryString();
        try {
            URI.create(worker.url() + path + query);
        } catch (IllegalArgumentException e) {
            throw ConnectRestException.badRequest("The request's path or query string is not a valid URI: "
                    + "a % must start a percent-encoded byte, and spaces and control characters must be percent-encoded");
        }
        byte[] body = checkedBody == null ? null : checkedBody.getBytes(StandardCharsets.UTF_8);
        WorkerClient.Answer response;
        try {
            response = worker.exchange(ctx.method().name(), path + query, body);
        } catch (WorkerClient.ConnectCallException e) {
            // The failure's text would name the worker's address, which is the control plane's business.
            throw new ServiceException.Unavailable("The Kafka Connect worker is not reachable");
        }
        if (response.status() >= 500) {
            throw new ServiceException.Unavailable("The Kafka Connect worker could not answer " + path
                    + " (" + response.status() + ")");
        }
        if (response.status() >= 400) {
            throw WorkerErrors.refusal(response.status(), response.body(), worker.url());
        }
        ctx.status(response.status()).contentType("application/json").result(shown.apply(response.body()));
    }

    /** Length of "/clusters/NAME" as it appears in the request's (still encoded) path. */
    private static int rawBaseLength(Context ctx) {
        String path = ctx.path();
        int second = path.indexOf('/', "/clusters/".length());
        return second < 0 ? path.length() : second;
    }
}
