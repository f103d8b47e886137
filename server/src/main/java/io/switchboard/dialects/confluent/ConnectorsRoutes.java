package io.switchboard.dialects.confluent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.switchboard.access.Access;
import io.switchboard.core.RequestContext;
import io.switchboard.core.ClusterFacts;
import io.switchboard.core.ConnectorService;
import io.switchboard.core.Scope;
import io.switchboard.core.ServiceException;
import io.switchboard.core.Views.ConnectorDetails;
import io.switchboard.dialects.confluent.ConfluentEntities.Expansion;
import io.switchboard.http.AsyncAnswers;
import io.switchboard.http.RequestContexts;
import io.switchboard.schemas.TargetState;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import static io.switchboard.access.Access.edit;
import static io.switchboard.access.Access.operate;
import static io.switchboard.access.Access.view;

/**
 * connect/v1's connector and plugin routes under {@code /connect/v1/environments/{environment_id}/clusters/{kafka_cluster_id}}.
 * Each handler reads the request, calls the connector service, and answers in Confluent's shapes.
 * Operations that take no body (pause, resume, restart) ignore whatever body and Content-Type they get.
 */
final class ConnectorsRoutes {
    static final String BASE = "/connect/v1/environments/{environment_id}/clusters/{kafka_cluster_id}";
    private static final Set<String> EXPANSIONS = Set.of("id", "info", "status");

    private final ConnectorService connectors;
    private final ClusterFacts facts;
    private final ConfluentScopes scopes;

    ConnectorsRoutes(ConnectorService connectors, ClusterFacts facts, ConfluentScopes scopes) {
        this.connectors = connectors;
        this.facts = facts;
        this.scopes = scopes;
    }

    void register(JavalinConfig config) {
        String c = BASE + "/connectors/{connector_name}";
        Access.TargetRule cluster = scopes::target;
        config.routes.get(BASE + "/connectors", this::list, view(cluster));
        config.routes.post(BASE + "/connectors", this::create, edit(cluster));
        config.routes.get(c, ctx -> ctx.json(ConfluentEntities.connector(connectors.connector(scopes.of(ctx), name(ctx)))),
                view(cluster));
        config.routes.delete(c, this::delete, edit(cluster));
        config.routes.get(c + "/config", ctx -> ctx.json(connectors.config(scopes.of(ctx), name(ctx))), view(cluster));
        config.routes.put(c + "/config", this::putConfig, edit(cluster));
        config.routes.put(c + "/pause", ctx -> changeTargetState(ctx, TargetState.PAUSED), operate(cluster));
        config.routes.put(c + "/resume", ctx -> changeTargetState(ctx, TargetState.RUNNING), operate(cluster));
        config.routes.post(c + "/restart", this::restart, operate(cluster));
        config.routes.get(c + "/status", ctx -> ctx.json(ConfluentEntities.status(connectors.status(scopes.of(ctx), name(ctx)))),
                view(cluster));
        config.routes.get(c + "/tasks", ctx -> ctx.json(connectors.taskConfigs(scopes.of(ctx), name(ctx)).stream()
                .map(ConfluentEntities::taskConfig).toList()), view(cluster));
        config.routes.get(c + "/offsets", this::offsets, view(cluster));
        config.routes.post(c + "/offsets/request", this::requestOffsetsChange, edit(cluster));
        config.routes.get(c + "/offsets/request/status", ctx -> {
            Scope scope = scopes.of(ctx);
            String name = name(ctx);
            String id = ConfluentEntities.id(connectors.connector(scope, name)).id();
            ctx.json(ConfluentEntities.offsetsRequestStatus(id, name, connectors.offsetsRequest(scope, name)));
        }, view(cluster));
        config.routes.get(BASE + "/connector-plugins", this::plugins, view(cluster));
        // Validating makes the worker's plugin connect wherever the config says (a database, any host and
        // port) and resolve config provider references, and it echoes the outcome: it needs edit, as a create.
        config.routes.put(BASE + "/connector-plugins/{plugin_name}/config/validate", ctx -> {
            Scope scope = scopes.of(ctx);
            String plugin = ctx.pathParam("plugin_name");
            ctx.json(facts.validate(scope, plugin, ConfluentRequests.configToValidate(ctx.bodyAsBytes(), plugin)));
        }, edit(cluster));
    }

    /** Names; or, with expand, every connector keyed by name with the expansions asked for. */
    private void list(Context ctx) {
        Scope scope = scopes.of(ctx);
        Set<String> expand = expansions(ctx);
        if (expand.isEmpty()) {
            ctx.json(connectors.names(scope));
            return;
        }
        Map<String, Expansion> out = new LinkedHashMap<>();
        for (ConnectorDetails details : connectors.describeAll(scope)) {
            out.put(details.connector().name(), new Expansion(
                    expand.contains("id") ? ConfluentEntities.id(details.connector()) : null,
                    expand.contains("info") ? ConfluentEntities.info(details.connector()) : null,
                    expand.contains("status") ? ConfluentEntities.status(details.status()) : null));
        }
        ctx.json(out);
    }

    /** expand=id,info and expand=id&expand=info alike (the comma possibly percent-encoded); unknown ones refused. */
    private static Set<String> expansions(Context ctx) {
        Set<String> expand = new LinkedHashSet<>();
        for (String value : ctx.queryParams("expand")) {
            for (String kind : value.split(",")) {
                String trimmed = kind.trim();
                if (trimmed.isEmpty()) {
                    continue;
                }
                if (!EXPANSIONS.contains(trimmed)) {
                    throw new ServiceException.InvalidRequest("expand", "expand takes id, info and status, not '" + trimmed + "'");
                }
                expand.add(trimmed);
            }
        }
        return expand;
    }

    private void create(Context ctx) {
        Scope scope = scopes.of(ctx);
        RequestContext request = RequestContexts.of(ctx);
        ConfluentRequests.Create body = ConfluentRequests.create(ctx.bodyAsBytes());
        AsyncAnswers.answer(ctx, connectors.create(scope, body.name(), body.config(), TargetState.RUNNING, body.offsetsJson(), request),
                written -> ctx.status(201).json(ConfluentEntities.connector(written.connector())));
    }

    /**
     * Asynchronous: answered 202 once recorded; the data plane stops the connector, changes the
     * offsets and returns it to its state, and .../offsets/request/status follows it.
     */
    private void requestOffsetsChange(Context ctx) {
        Scope scope = scopes.of(ctx);
        RequestContext request = RequestContexts.of(ctx);
        String name = name(ctx);
        ConfluentRequests.OffsetsRequest body = ConfluentRequests.offsetsRequest(ctx.bodyAsBytes());
        AsyncAnswers.answer(ctx, connectors.requestOffsetsChange(scope, name, body.offsetsJson(), request), recorded -> {
            String id = ConfluentEntities.id(connectors.connector(scope, name)).id();
            ctx.status(202).json(ConfluentEntities.offsetsRequest(id, name, recorded));
        });
    }

    /** Creates or replaces the config; Confluent answers both with 200 and the connector. */
    private void putConfig(Context ctx) {
        Scope scope = scopes.of(ctx);
        RequestContext request = RequestContexts.of(ctx);
        String name = name(ctx);
        AsyncAnswers.answer(ctx, connectors.putConfig(scope, name, ConfluentRequests.config(ctx.bodyAsBytes()), request),
                written -> ctx.status(200).json(ConfluentEntities.connector(written.connector())));
    }

    private void changeTargetState(Context ctx, TargetState target) {
        Scope scope = scopes.of(ctx);
        RequestContext request = RequestContexts.of(ctx);
        AsyncAnswers.answer(ctx, connectors.changeTargetState(scope, name(ctx), target, request), ignored -> ctx.status(202));
    }

    /** Restarts the connector and all its tasks. */
    private void restart(Context ctx) {
        Scope scope = scopes.of(ctx);
        RequestContext request = RequestContexts.of(ctx);
        AsyncAnswers.answer(ctx, connectors.restart(scope, name(ctx), true, false, request), ignored -> ctx.status(202));
    }

    private void delete(Context ctx) {
        Scope scope = scopes.of(ctx);
        RequestContext request = RequestContexts.of(ctx);
        AsyncAnswers.answer(ctx, connectors.delete(scope, name(ctx), request),
                ignored -> ctx.status(200).json(new ConfluentEntities.Deleted(null)));
    }

    private void offsets(Context ctx) {
        Scope scope = scopes.of(ctx);
        String name = name(ctx);
        ClusterFacts.Offsets offsets = facts.offsets(scope, name);
        JsonNode list = offsets.offsets().path("offsets");
        ctx.json(new ConfluentEntities.Offsets(name, ConfluentEntities.id(connectors.connector(scope, name)).id(),
                list.isArray() ? list : JsonNodeFactory.instance.arrayNode(),
                new ConfluentEntities.Metadata(offsets.observedAt().toString())));
    }

    /** The worker's connector plugins, as Confluent lists them: {"class", "type", "version"}. */
    private void plugins(Context ctx) {
        Scope scope = scopes.of(ctx);
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (JsonNode plugin : facts.plugins(scope)) {
            String type = plugin.path("type").asText();
            if (type.equals("source") || type.equals("sink")) {
                out.addObject().put("class", plugin.path("class").asText()).put("type", type)
                        .put("version", plugin.path("version").asText(""));
            }
        }
        ctx.json(out);
    }

    private static String name(Context ctx) {
        return ctx.pathParam("connector_name");
    }
}
