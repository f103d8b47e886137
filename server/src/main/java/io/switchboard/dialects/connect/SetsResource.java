package io.switchboard.dialects.connect;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.switchboard.access.Access;
import io.switchboard.access.Action;
import io.switchboard.core.ConnectorSets;
import io.switchboard.core.DesiredState;
import io.switchboard.core.ServiceException.InvalidRequest;
import io.switchboard.core.RequestContext;
import io.switchboard.core.Scope;
import io.switchboard.core.SetPlanner.Plan;
import io.switchboard.core.SetPlanner;
import io.switchboard.core.WritePreflight;
import io.switchboard.http.AsyncAnswers;
import io.switchboard.http.JsonBodies;
import io.switchboard.http.RequestContexts;
import io.switchboard.schemas.TargetState;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static io.switchboard.access.Access.edit;
import static io.switchboard.access.Access.operate;
import static io.switchboard.access.Access.view;

/**
 * Connectors as code (docs/apply.md): {@code POST /sets/{set}/apply} plans a set's change
 * ({@code ?dry_run=true}) or applies it as one decision, whole or not at all; {@code If-Match} names
 * the plan's version it must still be. {@code GET /sets/{set}} shows the set, and
 * {@code POST /sets/{set}/changes/{change}/revert} reverts one of its changes.
 *
 * <p>Access, before any work: an apply needs operate on the cluster, checked before its body is
 * read. What more its plan needs (edit for configs and deletes) is the plan's own pure rule
 * ({@link SetPlanner.Plan#needs}), asked once the plan is made in the write pre-flight's bounded
 * pool, so that an operator's apply with a config change is refused whole; a request that gives a
 * secret's value needs edit before anything is planned.
 */
final class SetsResource {
    private final ConnectorSets sets;
    private final ConnectScopes scopes;

    SetsResource(ConnectorSets sets, ConnectScopes scopes) {
        this.sets = sets;
        this.scopes = scopes;
    }

    void register(JavalinConfig config, String base) {
        config.routes.post(base + "/sets/{set}/apply", this::apply, operate(scopes::target).raisedByWork(
                "edit when the request gives a secret's value, or its plan creates, changes or deletes a connector's config;"
                + " edit on every cluster (a grant on `*`) when it moves a connector from another cluster"));
        config.routes.get(base + "/sets/{set}", this::show, view(scopes::target));
        config.routes.get(base + "/sets/{set}/changes/{change}", this::change, view(scopes::target));
        config.routes.post(base + "/sets/{set}/changes/{change}/revert", this::revert, edit(scopes::target));
    }

    private void apply(Context ctx) {
        boolean dryRun = ConnectRequests.flag("dry_run", ctx.queryParams("dry_run"));
        Access.Raise raise = Access.raiseOf(ctx);
        ConnectorSets.Request request = request(ctx);
        if (sets.needsBeforePlanning(request) == SetPlanner.Needs.EDIT) {
            raise.require(Action.EDIT);
        }
        Scope scope = scopes.of(ctx);
        String name = ctx.pathParam("set");
        String ifMatch = ctx.header("If-Match");
        RequestContext context = RequestContexts.of(ctx);
        CompletableFuture<Plan> planned = sets.planLater(scope, name, request, context).thenApply(plan -> {
            if (plan.needs() == SetPlanner.Needs.EDIT) {
                raise.require(Action.EDIT);
            }
            if (plan.moves()) {
                // As the move route: a move changes two clusters, so it needs edit on every cluster (a grant on `*`).
                raise.requireEverywhere(Action.EDIT);
            }
            return plan;
        });
        if (dryRun) {
            AsyncAnswers.answer(ctx, planned, plan -> {
                Map<String, Object> json = SetPlanAnswers.plan(plan);
                json.put("dry_run", true);
                ctx.header("ETag", '"' + plan.version() + '"');
                if (!plan.valid()) {
                    json.put("error_code", 422);
                    json.put("message", "the plan has problems: it would not be applied");
                }
                ctx.status(plan.valid() ? 200 : 422).json(json);
            });
            return;
        }
        // Applied only as the plan access was decided on: If-Match, when given, must be its version.
        String expected = ifMatch == null ? null : ifMatch.replace("\"", "").trim();
        AsyncAnswers.answer(ctx, planned.thenCompose(plan -> sets.apply(scope, name, request,
                        expected != null ? expected : plan.version(), context, plan)),
                applied -> {
                    Map<String, Object> json = SetPlanAnswers.plan(applied.plan());
                    json.put("dry_run", false);
                    json.put("result", applied.result().name().toLowerCase(Locale.ROOT));
                    if (applied.changeId() != null) {
                        json.put("change_id", applied.changeId());
                    }
                    json.put("set_version", applied.setVersion());
                    int status = switch (applied.result()) {
                        case APPLIED, UNCHANGED -> 200;
                        case STALE -> 412;
                        case INVALID -> 422;
                        case TOO_LARGE -> 413;
                        case REFUSED -> 409;
                        case NOT_FOUND -> 404;
                    };
                    if (status != 200) {
                        json.put("error_code", status);
                        json.put("message", applied.message());
                    }
                    ctx.status(status).json(json);
                });
    }

    private void show(Context ctx) {
        String name = ctx.pathParam("set");
        var set = sets.set(scopes.of(ctx), name)
                .orElseThrow(() -> ConnectRestException.notFound("Set " + name + " has no applied change"));
        Map<String, Object> json = SetPlanAnswers.set(set, sets.listed(scopes.of(ctx), set));
        sets.progress(scopes.of(ctx), name, null).ifPresent(p -> json.put("progress", SetPlanAnswers.progress(p)));
        ctx.json(json);
    }

    /** One change the set keeps, with its progress per connector. */
    private void change(Context ctx) {
        String name = ctx.pathParam("set");
        String id = ctx.pathParam("change");
        var progress = sets.progress(scopes.of(ctx), name, id)
                .orElseThrow(() -> ConnectRestException.notFound("Set " + name + " keeps no change " + id));
        ctx.json(SetPlanAnswers.progress(progress));
    }

    private void revert(Context ctx) {
        AsyncAnswers.answer(ctx, sets.revert(scopes.of(ctx), ctx.pathParam("set"), ctx.pathParam("change"), RequestContexts.of(ctx)),
                applied -> {
                    Map<String, Object> json = new LinkedHashMap<>();
                    if (applied.result() == ConnectorSets.Result.APPLIED) {
                        json.put("result", "applied");
                        json.put("change_id", applied.changeId());
                        ctx.json(json);
                        return;
                    }
                    // Refused: in Kafka Connect's error format, as every refusal of this dialect.
                    int status = applied.result() == ConnectorSets.Result.NOT_FOUND ? 404 : 409;
                    json.put("error_code", status);
                    json.put("message", applied.message());
                    ctx.status(status).json(json);
                });
    }

    /**
     * {"selector": {...}, "connectors": [{"name", "labels", "config", "state"}], "prune", "max_deletes",
     * "force"}: what the command line sends of the files it read (docs/apply.md).
     */
    static ConnectorSets.Request request(Context ctx) {
        JsonNode root = JsonBodies.parse(ctx.bodyAsBytes());
        if (!root.isObject()) {
            throw new InvalidRequest("Request body must be a JSON object with the set's connectors");
        }
        JsonBodies.onlyFields(root, Set.of("selector", "connectors", "prune", "max_deletes", "force"), "an apply request",
                "selector, connectors, prune, max_deletes and force");
        Map<String, String> selector = root.has("selector") ? strings(root.get("selector"), "selector") : Map.of();
        JsonNode list = root.get("connectors");
        if (list == null || !list.isArray()) {
            throw new InvalidRequest("connectors", "connectors must be a list");
        }
        List<DesiredState.Connector> connectors = new ArrayList<>();
        for (JsonNode c : list) {
            if (!c.isObject()) {
                throw new InvalidRequest("connectors", "each connector is an object with name, labels, config and state");
            }
            JsonBodies.onlyFields(c, Set.of("name", "labels", "config", "state"), "a connector of a set", "name, labels, config and state");
            JsonNode name = c.get("name");
            if (name == null || !name.isTextual()) {
                throw new InvalidRequest("name", "each connector has a name");
            }
            WritePreflight.requireAddressable(name.asText());
            Map<String, String> config = c.has("config") ? JsonBodies.config(c.get("config")) : new LinkedHashMap<>();
            if (config.containsValue(null)) {
                throw new InvalidRequest("config", "a set's connector config has no null values");
            }
            connectors.add(new DesiredState.Connector(name.asText(), c.has("labels") ? strings(c.get("labels"), "labels") : Map.of(),
                    config, state(c.get("state")), "request"));
        }
        JsonNode max = root.get("max_deletes");
        if (max != null && !(max.isIntegralNumber() && max.canConvertToInt() && max.asInt() >= 0)) {
            throw new InvalidRequest("max_deletes", "max_deletes must be a whole number from 0");
        }
        int maxDeletes = max != null ? max.asInt() : SetPlanner.DEFAULT_MAX_DELETES;
        return new ConnectorSets.Request(selector, connectors, flag(root, "prune"), maxDeletes, flag(root, "force"));
    }

    private static boolean flag(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node != null && !node.isBoolean()) {
            throw new InvalidRequest(field, field + " must be true or false");
        }
        return node != null && node.asBoolean();
    }

    private static TargetState state(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        return switch (node.asText().toLowerCase(Locale.ROOT)) {
            case "running" -> TargetState.RUNNING;
            case "paused" -> TargetState.PAUSED;
            case "stopped" -> TargetState.STOPPED;
            default -> throw new InvalidRequest("state", "state must be running, paused or stopped, not " + node.asText());
        };
    }

    private static Map<String, String> strings(JsonNode node, String field) {
        if (!node.isObject()) {
            throw new InvalidRequest(field, field + " must be an object of strings");
        }
        Map<String, String> map = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw new InvalidRequest(field, field + " must be an object of strings");
            }
            map.put(e.getKey(), e.getValue().asText());
        });
        return map;
    }
}
