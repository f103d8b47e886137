package io.switchboard.connect;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.switchboard.commands.RequestContext;
import io.switchboard.http.AsyncAnswers;
import io.switchboard.http.RequestContexts;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.TargetState;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * /connectors: Kafka Connect's connector endpoints. Each handler reads the request, calls the
 * herder, and writes what the herder answers.
 */
public final class ConnectorsResource {
    private final ConnectorHerder herder;
    private final ConnectRequests requests;

    public ConnectorsResource(ConnectorHerder herder, ConnectRequests requests) {
        this.herder = herder;
        this.requests = requests;
    }

    public void register(JavalinConfig config) {
        // Like Kafka Connect, bodies of writes must be JSON.
        config.routes.before("/connectors*", ConnectorsResource::requireJsonBody);
        config.routes.get("/connectors", this::list);
        config.routes.post("/connectors", this::create);
        config.routes.get("/connectors/{connector}", ctx -> ctx.json(herder.connectorInfo(name(ctx))));
        config.routes.delete("/connectors/{connector}", this::delete);
        config.routes.get("/connectors/{connector}/config", ctx -> ctx.json(herder.connectorConfig(name(ctx))));
        config.routes.put("/connectors/{connector}/config", this::putConfig);
        config.routes.patch("/connectors/{connector}/config", this::patchConfig);
        config.routes.get("/connectors/{connector}/status", ctx -> ctx.json(herder.connectorStatus(name(ctx))));
        config.routes.post("/connectors/{connector}/restart", this::restart);
        config.routes.get("/connectors/{connector}/tasks", ctx -> ctx.json(herder.taskConfigs(name(ctx))));
        config.routes.post("/connectors/{connector}/tasks/{task}/restart", ctx -> {
            RequestContext request = RequestContexts.of(ctx);
            AsyncAnswers.answer(ctx, herder.restartTask(name(ctx), taskId(ctx), request), ignored -> ctx.status(204));
        });
        config.routes.get("/connectors/{connector}/tasks/{task}/status",
                ctx -> ctx.json(herder.taskStatus(name(ctx), taskId(ctx))));
        config.routes.patch("/connectors/{connector}/offsets",
                ctx -> modifyOffsets(ctx, requests.offsetsBody(ctx.bodyAsBytes())));
        config.routes.delete("/connectors/{connector}/offsets", ctx -> modifyOffsets(ctx, null));
        config.routes.put("/connectors/{connector}/topics/reset", ctx -> {
            RequestContext request = RequestContexts.of(ctx);
            AsyncAnswers.answer(ctx, herder.resetActiveTopics(name(ctx), request), ignored -> ctx.status(202));
        });
        config.routes.put("/connectors/{connector}/pause", ctx -> changeTargetState(ctx, TargetState.PAUSED, 202));
        config.routes.put("/connectors/{connector}/resume", ctx -> changeTargetState(ctx, TargetState.RUNNING, 202));
        config.routes.put("/connectors/{connector}/stop", ctx -> changeTargetState(ctx, TargetState.STOPPED, 204));
    }

    private void list(Context ctx) {
        List<String> expand = ctx.queryParams("expand");
        if (!ctx.queryParamMap().containsKey("expand")) {
            ctx.json(herder.connectors());
            return;
        }
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        List<ConnectorState> states = herder.connectorStates();
        // Every status in one gathering, rather than one read (maybe on another replica) per connector.
        Map<String, io.switchboard.schemas.ConnectorObservation> observed =
                expand.contains("status") || expand.contains("info") ? herder.observations() : Map.of();
        for (ConnectorState state : states) {
            Map<String, Object> expansions = new LinkedHashMap<>();
            java.util.Optional<io.switchboard.schemas.ConnectorObservation> observation =
                    java.util.Optional.ofNullable(observed.get(state.getName()));
            for (String kind : expand) {
                switch (kind) {
                    case "status" -> expansions.put("status", herder.status(state, observation));
                    case "info" -> expansions.put("info", herder.info(state, observation));
                    default -> {
                        // Kafka Connect ignores unknown expansions.
                    }
                }
            }
            out.put(state.getName(), expansions);
        }
        ctx.json(out);
    }

    private void create(Context ctx) {
        RequestContext request = RequestContexts.of(ctx);
        ConnectRequests.CreateRequest body = requests.createRequest(ctx.bodyAsBytes());
        ConnectorNames.requireAddressable(body.name());
        Map<String, String> config = withName(body.name(), body.config());
        AsyncAnswers.answer(ctx, herder.createConnector(body.name(), config, body.initialState(), request), created -> {
            ctx.status(201).header("Location", location(ctx, body.name())).json(created.info());
        });
    }

    private void putConfig(Context ctx) {
        RequestContext request = RequestContexts.of(ctx);
        String name = name(ctx);
        // A PUT may create the connector: its name must be one the worker can address.
        ConnectorNames.requireAddressable(name);
        Map<String, String> config = withName(name, requests.configBody(ctx.bodyAsBytes()));
        AsyncAnswers.answer(ctx, herder.putConnectorConfig(name, config, request), created -> {
            if (created.created()) {
                ctx.status(201).header("Location", location(ctx, name));
            } else {
                ctx.status(200);
            }
            ctx.json(created.info());
        });
    }

    private void patchConfig(Context ctx) {
        RequestContext request = RequestContexts.of(ctx);
        Map<String, String> patch = requests.configBody(ctx.bodyAsBytes());
        AsyncAnswers.answer(ctx, herder.patchConnectorConfig(name(ctx), patch, request), info -> ctx.status(200).json(info));
    }

    /** Kafka Connect answers pause and resume with 202, stop with 204. */
    private void changeTargetState(Context ctx, TargetState target, int status) {
        RequestContext request = RequestContexts.of(ctx);
        AsyncAnswers.answer(ctx, herder.changeTargetState(name(ctx), target, request), ignored -> ctx.status(status));
    }

    /**
     * The worker's answer once it has made the change: 200 with its message, or its refusal. A
     * plugin's refusal of the offsets, which the worker reports as a 500, is a 400 here. If the
     * worker has not answered within the wait, 202: the change is recorded and will be made.
     */
    private void modifyOffsets(Context ctx, String offsets) {
        RequestContext request = RequestContexts.of(ctx);
        String name = name(ctx);
        AsyncAnswers.answer(ctx, herder.modifyOffsets(name, offsets, request), answered -> {
            if (answered.isEmpty()) {
                ctx.status(202).json(Map.of("message", "The request to " + (offsets == null ? "reset" : "alter")
                        + " the offsets of connector " + name + " is recorded; the Kafka Connect worker has not made it yet "
                        + "and it will be made when the worker can. GET /connectors/" + name + "/offsets shows the offsets."));
                return;
            }
            io.switchboard.schemas.OffsetsResult result = answered.get();
            if (result.getCode() < 300) {
                ctx.status(200).json(Map.of("message", result.getMessage()));
            } else {
                io.switchboard.http.ErrorResponses.write(ctx,
                        new ConnectRestException(result.getCode() >= 500 ? 400 : result.getCode(), result.getMessage()));
            }
        });
    }

    private void restart(Context ctx) {
        RequestContext request = RequestContexts.of(ctx);
        boolean includeTasks = ConnectRequests.flag("includeTasks", ctx.queryParams("includeTasks"));
        boolean onlyFailed = ConnectRequests.flag("onlyFailed", ctx.queryParams("onlyFailed"));
        AsyncAnswers.answer(ctx, herder.restartConnector(name(ctx), includeTasks, onlyFailed, request), plan -> {
            if (!includeTasks && !onlyFailed) {
                ctx.status(204);
            } else {
                ctx.status(202).json(plan);
            }
        });
    }

    private void delete(Context ctx) {
        RequestContext request = RequestContexts.of(ctx);
        AsyncAnswers.answer(ctx, herder.deleteConnector(name(ctx), request), ignored -> ctx.status(204));
    }

    private static void requireJsonBody(Context ctx) {
        String method = ctx.method().name();
        if (!method.equals("POST") && !method.equals("PUT") && !method.equals("PATCH")) {
            return;
        }
        String type = ctx.contentType();
        boolean hasBody = ctx.contentLength() > 0 || ctx.header("Transfer-Encoding") != null;
        if (hasBody && (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json"))) {
            throw new ConnectRestException(415, "HTTP 415 Unsupported Media Type");
        }
    }

    /** Kafka Connect's rule: config.name must equal the connector's name, and is set when absent. */
    private static Map<String, String> withName(String name, Map<String, String> config) {
        Map<String, String> named = new LinkedHashMap<>(config);
        String included = named.get(ConnectorConfigValidator.NAME);
        if (included != null) {
            if (!included.equals(name)) {
                throw ConnectRestException.badRequest("Connector name configuration (" + included
                        + ") doesn't match connector name in the URL (" + name + ")");
            }
        } else {
            named.put(ConnectorConfigValidator.NAME, name);
        }
        return named;
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

    private static String location(Context ctx, String name) {
        return ctx.scheme() + "://" + ctx.host() + "/connectors/" + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}
