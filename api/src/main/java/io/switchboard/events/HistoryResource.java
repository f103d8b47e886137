package io.switchboard.events;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.switchboard.connect.ConnectRestException;
import io.switchboard.processor.ConnectorKey;
import io.switchboard.query.ConnectorQueries;
import io.switchboard.schemas.ConnectorHistory;

import java.util.List;

/**
 * {@code GET /connectors/{connector}/history}: every version of a connector's config and target
 * state, read from the history store on whichever replica owns the connector. A connector that was
 * deleted still has its history; one that never existed is a 404 in Kafka Connect's words. A
 * connector created before history was kept has versions from its first change after that.
 */
public final class HistoryResource {
    private final String cluster;
    private final ConnectorQueries queries;

    public HistoryResource(String cluster, ConnectorQueries queries) {
        this.cluster = cluster;
        this.queries = queries;
    }

    public void register(JavalinConfig config) {
        config.routes.get("/connectors/{connector}/history", this::history);
    }

    private void history(Context ctx) {
        String name = ctx.pathParam("connector");
        ConnectorKey key = new ConnectorKey(cluster, name);
        ConnectorHistory history = queries.history(key).orElseGet(() -> {
            // A connector created before history was kept, and unchanged since, has none yet.
            if (queries.connector(key).isEmpty()) {
                throw ConnectRestException.notFound("Connector " + name + " not found");
            }
            return ConnectorHistory.newBuilder().setCluster(cluster).setConnector(name).setEntries(List.of()).build();
        });
        ctx.json(HistoryJson.of(history));
    }
}
