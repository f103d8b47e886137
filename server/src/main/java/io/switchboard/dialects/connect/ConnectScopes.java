package io.switchboard.dialects.connect;

import io.javalin.http.Context;
import io.switchboard.access.Access;
import io.switchboard.core.Scope;
import io.switchboard.core.ServiceException;
import io.switchboard.http.RequestContexts;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/**
 * Which Connect cluster a Kafka Connect request is about: {@code default} at the root, the named one
 * under {@code /clusters/{cluster}}, so that one Kafka Connect client context points at one cluster.
 */
final class ConnectScopes {
    static final String CLUSTER_BASE = "/clusters/{cluster}";
    private final String rootCluster;
    private final Predicate<String> known;

    /** @param known whether a cluster name is one Switchboard manages */
    ConnectScopes(String rootCluster, Predicate<String> known) {
        this.rootCluster = rootCluster;
        this.known = known;
    }

    Scope of(Context ctx) {
        String cluster = ctx.pathParamMap().get("cluster");
        if (cluster != null && !known.test(cluster)) {
            throw ServiceException.NotFound.cluster(cluster);
        }
        return RequestContexts.scope(ctx, cluster == null ? rootCluster : cluster);
    }

    /** The cluster a request's grant must cover; a cluster Switchboard does not manage is refused later, as not found. */
    Access.Target target(Context ctx) {
        String cluster = ctx.pathParamMap().get("cluster");
        return Access.Target.cluster(cluster == null ? rootCluster : cluster);
    }

    /** A route of the cluster's API that a viewer of the cluster may call. */
    Access view() {
        return Access.view(this::target);
    }

    /** A route of the cluster's API that an operator of the cluster may call. */
    Access operate() {
        return Access.operate(this::target);
    }

    /** A route of the cluster's API that an editor of the cluster may call. */
    Access edit() {
        return Access.edit(this::target);
    }

    /** The base path the request came in under: "" at the root. */
    String basePath(Context ctx) {
        String cluster = ctx.pathParamMap().get("cluster");
        return cluster == null ? "" : "/clusters/" + URLEncoder.encode(cluster, StandardCharsets.UTF_8);
    }
}
