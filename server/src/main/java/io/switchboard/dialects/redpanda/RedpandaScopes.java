package io.switchboard.dialects.redpanda;

import io.javalin.http.Context;
import io.switchboard.access.Access;
import io.switchboard.core.ClusterDirectory;
import io.switchboard.core.Scope;
import io.switchboard.core.ServiceException;
import io.switchboard.http.RequestContexts;

/**
 * Which Connect cluster a Redpanda path names ({@code /v1/kafka-connect/clusters/{cluster_name}}),
 * for the access check and for the routes alike: a name by Redpanda's rule (else 400), of a cluster
 * Switchboard manages (else 404, once the caller may know).
 */
final class RedpandaScopes {
    private final ClusterDirectory clusters;

    RedpandaScopes(ClusterDirectory clusters) {
        this.clusters = clusters;
    }

    Scope of(Context ctx) {
        String name = RedpandaRequests.clusterName(ctx);
        if (!clusters.manages(name)) {
            throw ServiceException.NotFound.cluster(name);
        }
        return RequestContexts.scope(ctx, name);
    }

    Access.Target target(Context ctx) {
        return Access.Target.cluster(RedpandaRequests.clusterName(ctx));
    }
}
