package io.switchboard.dialects.connect;

import io.javalin.config.JavalinConfig;
import io.switchboard.core.ConnectorService;
import io.switchboard.events.HistoryJson;

/**
 * {@code GET /connectors/{connector}/history}: every version of a connector's config and target
 * state, read from the history store on whichever replica owns the connector. A connector that was
 * deleted still has its history; one that never existed is a 404 in Kafka Connect's words. A
 * connector created before history was kept has versions from its first change after that.
 */
final class HistoryResource {
    private final ConnectorService connectors;
    private final ConnectScopes scopes;

    HistoryResource(ConnectorService connectors, ConnectScopes scopes) {
        this.connectors = connectors;
        this.scopes = scopes;
    }

    void register(JavalinConfig config, String base) {
        config.routes.get(base + "/connectors/{connector}/history",
                ctx -> ctx.json(HistoryJson.of(connectors.history(scopes.of(ctx), ctx.pathParam("connector")))),
                scopes.view());
    }
}
