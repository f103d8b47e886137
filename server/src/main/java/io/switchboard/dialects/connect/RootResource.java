package io.switchboard.dialects.connect;

import io.javalin.config.JavalinConfig;
import io.switchboard.access.Access;
import io.switchboard.dialects.connect.Entities.ServerInfo;

/** GET / as a Kafka Connect worker answers it: the version, commit and Kafka cluster id. */
final class RootResource {
    private final ConnectDialect.Version version;
    private final String kafkaClusterId;
    private final ConnectScopes scopes;

    RootResource(ConnectDialect.Version version, String kafkaClusterId, ConnectScopes scopes) {
        this.version = version;
        this.kafkaClusterId = kafkaClusterId;
        this.scopes = scopes;
    }

    void register(JavalinConfig config, String base) {
        // Kafka Connect clients probe GET / before anything else, so it is open; a cluster's own root is a view of it.
        config.routes.get(base.isEmpty() ? "/" : base, ctx -> {
            scopes.of(ctx);
            ctx.json(new ServerInfo(version.version(), version.commit(), kafkaClusterId));
        }, base.isEmpty() ? Access.open() : Access.view(scopes::target));
    }
}
