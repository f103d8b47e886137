package io.switchboard.dialects.confluent;

import io.javalin.http.Context;
import io.switchboard.access.Access;
import io.switchboard.core.ClusterDirectory;
import io.switchboard.core.Scope;
import io.switchboard.core.ServiceException;
import io.switchboard.http.RequestContexts;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which Connect cluster a connect/v1 path names: each (environment id, Kafka cluster id) pair is
 * mapped to one cluster ({@code --confluent-scope}); cluster {@code default} is also reachable as
 * {@code env-default} with the Kafka cluster id of the broker Switchboard keeps its state in.
 */
final class ConfluentScopes {
    static final String DEFAULT_ENVIRONMENT = "env-default";
    /** Not a cluster name a grant can be given on: Connect cluster names cannot hold parentheses. */
    private static final String UNKNOWN = "(unknown)";
    /** "ENVIRONMENT/KAFKA_CLUSTER" to cluster. */
    private final Map<String, String> clusters;
    private final ClusterDirectory directory;

    ConfluentScopes(Map<String, String> configured, String kafkaClusterId, ClusterDirectory directory) {
        this.directory = directory;
        this.clusters = new LinkedHashMap<>(configured);
        if (!configured.containsValue(ClusterDirectory.DEFAULT_CLUSTER)) {
            clusters.putIfAbsent(DEFAULT_ENVIRONMENT + "/" + kafkaClusterId, ClusterDirectory.DEFAULT_CLUSTER);
        }
    }

    Scope of(Context ctx) {
        String environment = ctx.pathParam("environment_id");
        String kafkaCluster = ctx.pathParam("kafka_cluster_id");
        String cluster = clusters.get(environment + "/" + kafkaCluster);
        if (cluster == null || !directory.manages(cluster)) {
            throw ServiceException.NotFound.cluster(kafkaCluster + " in environment " + environment);
        }
        return RequestContexts.scope(ctx, cluster);
    }

    /**
     * The cluster a request's grant must cover, and the environment it was named by (a grant on
     * {@code env:ID} covers it). A pair that names no cluster covers none: only a grant on the
     * environment or everywhere gets as far as its 404.
     */
    Access.Target target(Context ctx) {
        String environment = ctx.pathParam("environment_id");
        String cluster = clusters.get(environment + "/" + ctx.pathParam("kafka_cluster_id"));
        return Access.Target.cluster(cluster == null ? UNKNOWN : cluster, environment);
    }
}
