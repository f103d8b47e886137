package io.switchboard.dialects.connect;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.switchboard.core.ConnectorService;
import io.switchboard.core.RequestContext;
import io.switchboard.core.ServiceException;
import io.switchboard.events.HistoryJson;
import io.switchboard.http.AsyncAnswers;
import io.switchboard.http.RequestContexts;

/**
 * {@code GET /connectors/{connector}/history}: every version of a connector's config and target
 * state, read from the history store on whichever replica owns the connector. A connector that was
 * deleted still has its history; one that never existed is a 404 in Kafka Connect's words. A
 * connector created before history was kept has versions from its first change after that.
 * <p>{@code POST /connectors/{connector}/history/{sequence}/restore}: the config of that entry as a
 * new version (200); with {@code ?offsets=true} its offsets too, as one decided change that the
 * data plane carries out by stopping the connector, setting them, and returning it to its target
 * state (202).
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
        config.routes.post(base + "/connectors/{connector}/history/{sequence}/restore", this::restore, scopes.edit());
    }

    private void restore(Context ctx) {
        long sequence = sequence(ctx.pathParam("sequence"));
        boolean offsets = flag(ctx.queryParam("offsets"));
        RequestContext request = RequestContexts.of(ctx);
        AsyncAnswers.answer(ctx, connectors.restoreVersion(scopes.of(ctx), ctx.pathParam("connector"), sequence, offsets, request),
                written -> ctx.status(offsets ? 202 : 200).json(Entities.info(written.connector())));
    }

    static long sequence(String text) {
        try {
            long sequence = Long.parseLong(text);
            if (sequence >= 1) {
                return sequence;
            }
        } catch (NumberFormatException e) {
            // Answered below.
        }
        throw new ServiceException.InvalidRequest("A history entry's sequence is a positive number, not " + abbreviated(text));
    }

    static boolean flag(String text) {
        if (text == null || text.equals("false")) {
            return false;
        }
        if (text.equals("true")) {
            return true;
        }
        throw new ServiceException.InvalidRequest("offsets", "offsets is true or false, not " + abbreviated(text));
    }

    private static String abbreviated(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
