package io.switchboard.dialects.connect;

import io.javalin.http.Context;
import io.switchboard.core.Scope;
import io.switchboard.core.ServiceException;

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
        if (cluster == null) {
            return new Scope(rootCluster);
        }
        if (!known.test(cluster)) {
            throw ServiceException.NotFound.cluster(cluster);
        }
        return new Scope(cluster);
    }

    /** The base path the request came in under: "" at the root. */
    String basePath(Context ctx) {
        String cluster = ctx.pathParamMap().get("cluster");
        return cluster == null ? "" : "/clusters/" + java.net.URLEncoder.encode(cluster, java.nio.charset.StandardCharsets.UTF_8);
    }
}
