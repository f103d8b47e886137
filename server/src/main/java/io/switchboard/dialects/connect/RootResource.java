package io.switchboard.dialects.connect;

import io.javalin.config.JavalinConfig;
import io.switchboard.auth.Access;
import io.switchboard.dialects.connect.Entities.ServerInfo;
import org.apache.kafka.common.utils.AppInfoParser;

/** GET / as a Kafka Connect worker answers it: the version, commit and Kafka cluster id. */
final class RootResource {
    private final String kafkaClusterId;
    private final ConnectScopes scopes;

    RootResource(String kafkaClusterId, ConnectScopes scopes) {
        this.kafkaClusterId = kafkaClusterId;
        this.scopes = scopes;
    }

    void register(JavalinConfig config, String base) {
        // Kafka Connect clients probe GET / before anything else, so it is open; a cluster's own root is a view of it.
        config.routes.get(base.isEmpty() ? "/" : base, ctx -> {
            scopes.of(ctx);
            ctx.json(new ServerInfo(AppInfoParser.getVersion(), AppInfoParser.getCommitId(), kafkaClusterId));
        }, base.isEmpty() ? Access.open() : Access.view(scopes::target));
    }
}
