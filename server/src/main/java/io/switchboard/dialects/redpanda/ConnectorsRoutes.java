package io.switchboard.dialects.redpanda;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.switchboard.access.Access;
import io.switchboard.core.RequestContext;
import io.switchboard.core.ClusterDirectory;
import io.switchboard.core.ClusterFacts;
import io.switchboard.core.ConnectorService;
import io.switchboard.core.Scope;
import io.switchboard.core.ServiceException;
import io.switchboard.core.Views.ConnectorDetails;
import io.switchboard.dialects.redpanda.RedpandaEntities.ConnectorInfoStatus;
import io.switchboard.http.AsyncAnswers;
import io.switchboard.http.RequestContexts;
import io.switchboard.schemas.TargetState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static io.switchboard.access.Access.edit;
import static io.switchboard.access.Access.operate;
import static io.switchboard.access.Access.view;

/**
 * Redpanda's Kafka Connect routes under {@code /v1/kafka-connect/clusters}: the Connect clusters
 * Switchboard manages, and each one's connectors. Operations that take no body ignore whatever
 * body and Content-Type they get.
 */
final class ConnectorsRoutes {
    static final String CLUSTERS = "/v1/kafka-connect/clusters";
    static final String CLUSTER = CLUSTERS + "/{cluster_name}";
    private static final String CONNECTOR = CLUSTER + "/connectors/{name}";

    private final ConnectorService connectors;
    private final ClusterFacts facts;
    private final ClusterDirectory clusters;
    private final String kafkaClusterId;
    private final String advertisedUrl;
    private final RedpandaScopes scopes;

    ConnectorsRoutes(ConnectorService connectors, ClusterFacts facts, ClusterDirectory clusters, RedpandaScopes scopes,
                     String kafkaClusterId, String advertisedUrl) {
        this.scopes = scopes;
        this.connectors = connectors;
        this.facts = facts;
        this.clusters = clusters;
        this.kafkaClusterId = kafkaClusterId;
        this.advertisedUrl = advertisedUrl;
    }

    void register(JavalinConfig config) {
        Access.TargetRule cluster = scopes::target;
        // Every cluster the caller may see: any grant lets a caller list the clusters it covers.
        config.routes.get(CLUSTERS, ctx -> ctx.json(new RedpandaEntities.ListConnectClustersResponse(
                clusters.names().stream().filter(name -> RequestContexts.mayView(ctx, name)).map(this::cluster).toList())),
                view(ctx -> Access.Target.ANY_GRANTED));
        config.routes.get(CLUSTER, ctx -> ctx.json(cluster(scopes.of(ctx).cluster())), view(cluster));
        config.routes.get(CLUSTER + "/connectors", this::list, view(cluster));
        config.routes.post(CLUSTER + "/connectors", this::create, edit(cluster));
        config.routes.get(CONNECTOR, ctx -> ctx.json(RedpandaEntities.spec(
                connectors.connector(scopes.of(ctx), RedpandaRequests.connectorName(ctx, 1024)))), view(cluster));
        config.routes.delete(CONNECTOR, ctx -> {
            Scope scope = scopes.of(ctx);
            String name = RedpandaRequests.connectorName(ctx, 1024);
            AsyncAnswers.answer(ctx, connectors.delete(scope, name, RequestContexts.of(ctx)), ignored -> ctx.status(204));
        }, edit(cluster));
        config.routes.get(CONNECTOR + "/config", ctx -> ctx.json(
                connectors.config(scopes.of(ctx), RedpandaRequests.connectorName(ctx, 128))), view(cluster));
        config.routes.put(CONNECTOR + "/config", this::putConfig, edit(cluster));
        config.routes.get(CONNECTOR + "/status", ctx -> ctx.json(RedpandaEntities.status(
                connectors.status(scopes.of(ctx), RedpandaRequests.connectorName(ctx, 1024)))), view(cluster));
        config.routes.post(CONNECTOR + "/restart", this::restart, operate(cluster));
        config.routes.put(CONNECTOR + "/pause", ctx -> changeTargetState(ctx, TargetState.PAUSED), operate(cluster));
        config.routes.put(CONNECTOR + "/resume", ctx -> changeTargetState(ctx, TargetState.RUNNING), operate(cluster));
        config.routes.put(CONNECTOR + "/stop", ctx -> changeTargetState(ctx, TargetState.STOPPED), operate(cluster));
        config.routes.get(CONNECTOR + "/topics", ctx -> ctx.json(new RedpandaEntities.Topics(
                facts.activeTopics(scopes.of(ctx), RedpandaRequests.connectorName(ctx, 1024)))), view(cluster));
        config.routes.put(CONNECTOR + "/topics/reset", ctx -> {
            Scope scope = scopes.of(ctx);
            String name = RedpandaRequests.connectorName(ctx, 1024);
            AsyncAnswers.answer(ctx, connectors.resetActiveTopics(scope, name, RequestContexts.of(ctx)),
                    ignored -> ctx.status(200).json(Map.of()));
        }, edit(cluster));
    }

    /**
     * A cluster as Redpanda describes one. Its address is Switchboard's Kafka Connect API for that
     * cluster, never the worker's own; what only the worker knows is left out while it cannot answer.
     */
    private RedpandaEntities.ConnectCluster cluster(String name) {
        String address = advertisedUrl + "/clusters/" + name;
        RedpandaEntities.ClusterInfo info = null;
        List<RedpandaEntities.Plugin> plugins = null;
        try {
            JsonNode root = facts.info(new Scope(name));
            info = new RedpandaEntities.ClusterInfo(root.path("version").asText(null), root.path("commit").asText(null),
                    root.path("kafka_cluster_id").asText(kafkaClusterId));
            plugins = new ArrayList<>();
            for (JsonNode plugin : facts.plugins(new Scope(name))) {
                plugins.add(new RedpandaEntities.Plugin(plugin.path("class").asText(), plugin.path("type").asText(null),
                        plugin.path("version").asText(null)));
            }
        } catch (ServiceException e) {
            // No worker, or one that cannot answer now: the cluster is listed without what it would say.
        }
        return new RedpandaEntities.ConnectCluster(name, address, info, plugins);
    }

    /** Every connector with its info and status, sorted by name, a page at a time. */
    private void list(Context ctx) {
        Scope scope = scopes.of(ctx);
        int pageSize = RedpandaRequests.pageSize(ctx);
        String after = PageTokens.lastName(ctx.queryParam("page_token"));
        List<ConnectorDetails> all = new ArrayList<>(connectors.describeAll(scope));
        all.sort(Comparator.comparing(d -> d.connector().name()));
        List<ConnectorInfoStatus> page = new ArrayList<>();
        boolean more = false;
        for (ConnectorDetails details : all) {
            String name = details.connector().name();
            if (after != null && name.compareTo(after) <= 0) {
                continue;
            }
            if (pageSize > 0 && page.size() == pageSize) {
                more = true;
                break;
            }
            page.add(new ConnectorInfoStatus(name, RedpandaEntities.spec(details.connector()),
                    RedpandaEntities.status(details.status())));
        }
        String next = more ? PageTokens.after(page.get(page.size() - 1).name()) : "";
        ctx.json(new RedpandaEntities.ListConnectorsResponse(page, next));
    }

    private void create(Context ctx) {
        Scope scope = scopes.of(ctx);
        RedpandaRequests.Create body = RedpandaRequests.create(ctx.bodyAsBytes());
        RequestContext request = RequestContexts.of(ctx);
        AsyncAnswers.answer(ctx, connectors.create(scope, body.name(), body.config(), TargetState.RUNNING, null, request),
                written -> ctx.status(201).json(RedpandaEntities.spec(written.connector())));
    }

    /** Creates (201) or replaces (200) the config. */
    private void putConfig(Context ctx) {
        Scope scope = scopes.of(ctx);
        String name = RedpandaRequests.connectorName(ctx, 128);
        Map<String, String> config = RedpandaRequests.config(ctx.bodyAsBytes());
        AsyncAnswers.answer(ctx, connectors.putConfig(scope, name, config, RequestContexts.of(ctx)),
                written -> ctx.status(written.created() ? 201 : 200).json(RedpandaEntities.spec(written.connector())));
    }

    private void restart(Context ctx) {
        Scope scope = scopes.of(ctx);
        String name = RedpandaRequests.connectorName(ctx, 1024);
        RedpandaRequests.Restart options = RedpandaRequests.restart(ctx.bodyAsBytes());
        AsyncAnswers.answer(ctx, connectors.restart(scope, name, options.includeTasks(), options.onlyFailed(), RequestContexts.of(ctx)),
                ignored -> ctx.status(204));
    }

    private void changeTargetState(Context ctx, TargetState target) {
        Scope scope = scopes.of(ctx);
        String name = RedpandaRequests.connectorName(ctx, 1024);
        AsyncAnswers.answer(ctx, connectors.changeTargetState(scope, name, target, RequestContexts.of(ctx)),
                ignored -> ctx.status(202));
    }
}
