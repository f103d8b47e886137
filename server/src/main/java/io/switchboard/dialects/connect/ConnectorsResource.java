package io.switchboard.dialects.connect;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.switchboard.core.ConnectorService;
import io.switchboard.core.RequestContext;
import io.switchboard.core.Views.ConnectorDetails;
import io.switchboard.http.AsyncAnswers;
import io.switchboard.http.ErrorResponses;
import io.switchboard.http.RequestContexts;
import io.switchboard.schemas.OffsetsResult;
import io.switchboard.schemas.TargetState;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;


/**
 * /connectors: Kafka Connect's connector endpoints, under a base path that names the cluster. Each
 * handler reads the request, calls the connector service, and writes its answer as Kafka Connect does.
 */
final class ConnectorsResource {
    private final ConnectorService connectors;
    private final ConnectRequests requests;
    private final ConnectScopes scopes;

    ConnectorsResource(ConnectorService connectors, ConnectRequests requests, ConnectScopes scopes) {
        this.connectors = connectors;
        this.requests = requests;
        this.scopes = scopes;
    }

    void register(JavalinConfig config, String base) {
        // Like Kafka Connect, bodies of writes must be JSON (checked once the caller is known to be allowed).
        config.routes.beforeMatched(base + "/connectors*", ConnectorsResource::requireJsonBody);
        config.routes.get(base + "/connectors", this::list, scopes.view());
        config.routes.post(base + "/connectors", this::create, scopes.edit());
        config.routes.get(base + "/connectors/{connector}",
                ctx -> ctx.json(Entities.info(connectors.connector(scopes.of(ctx), name(ctx)))), scopes.view());
        config.routes.delete(base + "/connectors/{connector}", this::delete, scopes.edit());
        config.routes.get(base + "/connectors/{connector}/config",
                ctx -> ctx.json(connectors.config(scopes.of(ctx), name(ctx))), scopes.view());
        config.routes.put(base + "/connectors/{connector}/config", this::putConfig, scopes.edit());
        config.routes.patch(base + "/connectors/{connector}/config", this::patchConfig, scopes.edit());
        config.routes.get(base + "/connectors/{connector}/status",
                ctx -> ctx.json(Entities.status(connectors.status(scopes.of(ctx), name(ctx)))), scopes.view());
        config.routes.post(base + "/connectors/{connector}/restart", this::restart, scopes.operate());
        config.routes.get(base + "/connectors/{connector}/tasks", ctx -> ctx.json(
                connectors.taskConfigs(scopes.of(ctx), name(ctx)).stream().map(Entities::taskInfo).toList()), scopes.view());
        config.routes.post(base + "/connectors/{connector}/tasks/{task}/restart", ctx -> {
            RequestContext request = RequestContexts.of(ctx);
            AsyncAnswers.answer(ctx, connectors.restartTask(scopes.of(ctx), name(ctx), taskId(ctx), request),
                    ignored -> ctx.status(204));
        }, scopes.operate());
        config.routes.get(base + "/connectors/{connector}/tasks/{task}/status",
                ctx -> ctx.json(Entities.taskStatus(connectors.taskStatus(scopes.of(ctx), name(ctx), taskId(ctx)))), scopes.view());
        config.routes.patch(base + "/connectors/{connector}/offsets",
                ctx -> modifyOffsets(ctx, requests.offsetsBody(ctx.bodyAsBytes())), scopes.edit());
        config.routes.delete(base + "/connectors/{connector}/offsets", ctx -> modifyOffsets(ctx, null), scopes.edit());
        config.routes.put(base + "/connectors/{connector}/topics/reset", ctx -> {
            RequestContext request = RequestContexts.of(ctx);
            AsyncAnswers.answer(ctx, connectors.resetActiveTopics(scopes.of(ctx), name(ctx), request), ignored -> ctx.status(202));
        }, scopes.edit());
        config.routes.put(base + "/connectors/{connector}/pause",
                ctx -> changeTargetState(ctx, TargetState.PAUSED, 202), scopes.operate());
        config.routes.put(base + "/connectors/{connector}/resume",
                ctx -> changeTargetState(ctx, TargetState.RUNNING, 202), scopes.operate());
        config.routes.put(base + "/connectors/{connector}/stop",
                ctx -> changeTargetState(ctx, TargetState.STOPPED, 204), scopes.operate());
    }

    private void list(Context ctx) {
        List<String> expand = ctx.queryParams("expand");
        if (!ctx.queryParamMap().containsKey("expand")) {
            ctx.json(connectors.names(scopes.of(ctx)));
            return;
        }
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (ConnectorDetails details : connectors.describeAll(scopes.of(ctx))) {
            Map<String, Object> expansions = new LinkedHashMap<>();
            for (String kind : expand) {
                switch (kind) {
                    case "status" -> expansions.put("status", Entities.status(details.status()));
                    case "info" -> expansions.put("info", Entities.info(details.connector()));
                    default -> {
                        // Kafka Connect ignores unknown expansions.
                    }
                }
            }
            out.put(details.connector().name(), expansions);
        }
        ctx.json(out);
    }

    private void create(Context ctx) {
        RequestContext request = RequestContexts.of(ctx);
        ConnectRequests.CreateRequest body = requests.createRequest(ctx.bodyAsBytes());
        AsyncAnswers.answer(ctx, connectors.create(scopes.of(ctx), body.name(), body.config(), body.initialState(), null, request),
                created -> ctx.status(201).header("Location", location(ctx, body.name())).json(Entities.info(created.connector())));
    }

    private void putConfig(Context ctx) {
        RequestContext request = RequestContexts.of(ctx);
        String name = name(ctx);
        Map<String, String> config = requests.configBody(ctx.bodyAsBytes());
        AsyncAnswers.answer(ctx, connectors.putConfig(scopes.of(ctx), name, config, request), written -> {
            if (written.created()) {
                ctx.status(201).header("Location", location(ctx, name));
            } else {
                ctx.status(200);
            }
            ctx.json(Entities.info(written.connector()));
        });
    }

    private void patchConfig(Context ctx) {
        RequestContext request = RequestContexts.of(ctx);
        Map<String, String> patch = requests.configBody(ctx.bodyAsBytes());
        AsyncAnswers.answer(ctx, connectors.patchConfig(scopes.of(ctx), name(ctx), patch, request),
                view -> ctx.status(200).json(Entities.info(view)));
    }

    /** Kafka Connect answers pause and resume with 202, stop with 204. */
    private void changeTargetState(Context ctx, TargetState target, int status) {
        RequestContext request = RequestContexts.of(ctx);
        AsyncAnswers.answer(ctx, connectors.changeTargetState(scopes.of(ctx), name(ctx), target, request),
                ignored -> ctx.status(status));
    }

    /**
     * The worker's answer once it has made the change: 200 with its message, or its refusal. A
     * plugin's refusal of the offsets, which the worker reports as a 500, is a 400 here. If the
     * worker has not answered within the wait, 202: the change is recorded and will be made.
     */
    private void modifyOffsets(Context ctx, String offsets) {
        RequestContext request = RequestContexts.of(ctx);
        String name = name(ctx);
        AsyncAnswers.answer(ctx, connectors.modifyOffsets(scopes.of(ctx), name, offsets, request), answered -> {
            if (answered.isEmpty()) {
                ctx.status(202).json(Map.of("message", "The request to " + (offsets == null ? "reset" : "alter")
                        + " the offsets of connector " + name + " is recorded; the Kafka Connect worker has not made it yet "
                        + "and it will be made when the worker can. GET /connectors/" + name + "/offsets shows the offsets."));
                return;
            }
            OffsetsResult result = answered.get();
            if (result.getCode() < 300) {
                ctx.status(200).json(Map.of("message", result.getMessage()));
            } else {
                ErrorResponses.write(ctx, new ConnectRestException(result.getCode() >= 500 ? 400 : result.getCode(),
                        result.getMessage()));
            }
        });
    }

    private void restart(Context ctx) {
        RequestContext request = RequestContexts.of(ctx);
        boolean includeTasks = ConnectRequests.flag("includeTasks", ctx.queryParams("includeTasks"));
        boolean onlyFailed = ConnectRequests.flag("onlyFailed", ctx.queryParams("onlyFailed"));
        AsyncAnswers.answer(ctx, connectors.restart(scopes.of(ctx), name(ctx), includeTasks, onlyFailed, request), plan -> {
            if (!includeTasks && !onlyFailed) {
                ctx.status(204);
            } else {
                ctx.status(202).json(Entities.status(plan));
            }
        });
    }

    private void delete(Context ctx) {
        RequestContext request = RequestContexts.of(ctx);
        AsyncAnswers.answer(ctx, connectors.delete(scopes.of(ctx), name(ctx), request), ignored -> ctx.status(204));
    }

    private static void requireJsonBody(Context ctx) {
        String method = ctx.req().getMethod();
        if (!method.equals("POST") && !method.equals("PUT") && !method.equals("PATCH")) {
            return;
        }
        String type = ctx.contentType();
        boolean hasBody = ctx.contentLength() > 0 || ctx.header("Transfer-Encoding") != null;
        if (hasBody && (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json"))) {
            throw new ConnectRestException(415, "HTTP 415 Unsupported Media Type");
        }
    }

    /** A task id in the path; Kafka Connect answers 404 for one that is not a number. */
    private static int taskId(Context ctx) {
        try {
            return Integer.parseInt(ctx.pathParam("task"));
        } catch (NumberFormatException e) {
            throw ConnectRestException.notFound("HTTP 404 Not Found");
        }
    }

    private static String name(Context ctx) {
        return ctx.pathParam("connector");
    }

    /** The new connector's URL, under the same base path as the request. */
    private String location(Context ctx, String name) {
        return ctx.scheme() + "://" + ctx.host() + scopes.basePath(ctx) + "/connectors/"
                + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
