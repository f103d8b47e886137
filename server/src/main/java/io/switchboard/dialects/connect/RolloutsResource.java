package io.switchboard.dialects.connect;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.switchboard.core.Rollouts;
import io.switchboard.core.Scope;
import io.switchboard.core.ServiceException;
import io.switchboard.http.AsyncAnswers;
import io.switchboard.http.JsonBodies;
import io.switchboard.http.RequestContexts;
import io.switchboard.rules.RolloutDecider;
import io.switchboard.schemas.Rollout;
import io.switchboard.schemas.RolloutConnector;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.switchboard.access.Access.edit;
import static io.switchboard.access.Access.view;

/**
 * Plugin version rollouts (docs/plugin-versions.md): {@code POST /rollouts} starts one (202 with its
 * id once the processor accepted it, 409 while one of the same class is under way, 400 for a version
 * no worker has), {@code GET /rollouts} lists those the cluster keeps and {@code GET /rollouts/{rollout}}
 * shows one: its state, each connector's version, and why it stopped. Starting one needs edit on the
 * cluster, whose connectors it changes; a viewer of the cluster sees them.
 */
final class RolloutsResource {
    private static final Set<String> FIELDS = Set.of("class", "version", "canary", "batch", "watch_s", "connectors");
    private final Rollouts rollouts;
    private final ConnectScopes scopes;

    RolloutsResource(Rollouts rollouts, ConnectScopes scopes) {
        this.rollouts = rollouts;
        this.scopes = scopes;
    }

    void register(JavalinConfig config, String base) {
        config.routes.post(base + "/rollouts", this::start, edit(scopes::target));
        config.routes.get(base + "/rollouts", this::list, view(scopes::target));
        config.routes.get(base + "/rollouts/{rollout}", this::show, view(scopes::target));
    }

    private void start(Context ctx) {
        Rollouts.Request request = request(JsonBodies.parse(ctx.bodyAsBytes()));
        Scope scope = scopes.of(ctx);
        AsyncAnswers.answer(ctx, rollouts.start(scope, request, RequestContexts.of(ctx)), id -> {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("id", id);
            answer.put("cluster", scope.cluster());
            answer.put("class", request.pluginClass());
            answer.put("version", request.version());
            ctx.status(202).json(answer);
        });
    }

    private void list(Context ctx) {
        Scope scope = scopes.of(ctx);
        ctx.json(rollouts.rollouts(scope).stream().map(r -> json(scope.cluster(), r, Map.of())).toList());
    }

    private void show(Context ctx) {
        Scope scope = scopes.of(ctx);
        String id = ctx.pathParam("rollout");
        Rollout rollout = rollouts.rollout(scope, id).orElseThrow(() -> new ServiceException.NotFound(
                ServiceException.Subject.ROLLOUT, id, null, ServiceException.Operation.READ));
        ctx.json(json(scope.cluster(), rollout, rollouts.reported(scope, rollout)));
    }

    static Rollouts.Request request(JsonNode body) {
        if (!body.isObject()) {
            throw new ServiceException.InvalidRequest("A rollout's body is an object: {\"class\", \"version\", \"canary\", \"batch\","
                    + " \"watch_s\", \"connectors\"}");
        }
        JsonBodies.onlyFields(body, FIELDS, "A rollout", "class, version, canary, batch, watch_s and connectors");
        List<String> connectors = null;
        JsonNode named = body.get("connectors");
        if (named != null && !named.isNull()) {
            if (!named.isArray() || named.size() > RolloutDecider.MAX_CONNECTORS) {
                throw new ServiceException.InvalidRequest("connectors", "connectors is a list of at most "
                        + RolloutDecider.MAX_CONNECTORS + " connector names");
            }
            connectors = new ArrayList<>();
            for (JsonNode name : named) {
                if (!name.isTextual()) {
                    throw new ServiceException.InvalidRequest("connectors", "connectors is a list of connector names");
                }
                connectors.add(name.asText());
            }
        }
        return new Rollouts.Request(text(body, "class"), text(body, "version"), number(body, "canary", RolloutDecider.DEFAULT_CANARY),
                number(body, "batch", RolloutDecider.DEFAULT_BATCH), number(body, "watch_s", RolloutDecider.DEFAULT_WATCH_SECONDS),
                connectors);
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new ServiceException.InvalidRequest(field, "A rollout's \"" + field + "\" is a non-empty string");
        }
        return value.asText();
    }

    private static int number(JsonNode body, String field, int absent) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new ServiceException.InvalidRequest(field, "A rollout's \"" + field + "\" is a whole number");
        }
        return value.asInt();
    }

    static Map<String, Object> json(String cluster, Rollout rollout, Map<String, String> reported) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", rollout.getId());
        json.put("cluster", cluster);
        json.put("class", rollout.getPluginClass());
        json.put("version", rollout.getVersion());
        json.put("state", rollout.getState());
        json.put("reason", rollout.getReason());
        json.put("canary", rollout.getCanary());
        json.put("batch", rollout.getBatch());
        json.put("watch_s", rollout.getWatchSeconds());
        json.put("current_batch", rollout.getCurrentBatch());
        json.put("started_at", Instant.ofEpochMilli(rollout.getStartedAt()).toString());
        json.put("finished_at", rollout.getFinishedAt() == null ? null : Instant.ofEpochMilli(rollout.getFinishedAt()).toString());
        json.put("started_by", rollout.getPrincipal());
        List<Map<String, Object>> connectors = new ArrayList<>();
        for (RolloutConnector c : rollout.getConnectors()) {
            Map<String, Object> connector = new LinkedHashMap<>();
            connector.put("name", c.getConnector());
            connector.put("batch", c.getBatch());
            connector.put("moved", c.getMoved());
            connector.put("rolled_back", c.getRolledBack());
            connector.put("previous_version", c.getPreviousVersion());
            connector.put("version", RolloutDecider.askedVersion(rollout, c));
            if (reported.containsKey(c.getConnector())) {
                connector.put("running_version", reported.get(c.getConnector()));
            }
            connectors.add(connector);
        }
        json.put("connectors", connectors);
        return json;
    }
}
