package io.switchboard.dialects.connect;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.switchboard.access.Access;
import io.switchboard.core.ConnectorService;
import io.switchboard.core.ServiceException;
import io.switchboard.http.AsyncAnswers;
import io.switchboard.http.JsonBodies;
import io.switchboard.http.RequestContexts;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /clusters/{from}/connectors/{connector}/move} with {@code {"to": "<cluster>"}}: moves
 * the connector to another Connect cluster with its offsets, as steps the processor decides one
 * after the other (docs/offsets.md). 202 once the first (the stop) is decided, with the move's id.
 * A move changes two clusters, so it needs edit on every cluster (a grant on {@code *}).
 */
final class MoveResource {
    private final ConnectorService connectors;
    private final ConnectScopes scopes;

    MoveResource(ConnectorService connectors, ConnectScopes scopes) {
        this.connectors = connectors;
        this.scopes = scopes;
    }

    void register(JavalinConfig config, String base) {
        // Said in the access table: the grant must be on every cluster, since a move changes two.
        config.routes.post(base + "/connectors/{connector}/move", this::move, Access.edit(ctx -> Access.Target.EVERYWHERE)
                .raisedBy("on every cluster (a grant on `*`): a move changes two", ctx -> null));
    }

    private void move(Context ctx) {
        JsonNode body = JsonBodies.parse(ctx.bodyAsBytes());
        JsonNode to = body.isObject() ? body.get("to") : null;
        if (to == null || !to.isTextual() || body.size() != 1) {
            throw new ServiceException.InvalidRequest("to", "A move's body is {\"to\": \"<cluster>\"}, and nothing else");
        }
        String name = ctx.pathParam("connector");
        String from = scopes.of(ctx).cluster();
        AsyncAnswers.answer(ctx, connectors.move(scopes.of(ctx), name, to.asText(), RequestContexts.of(ctx)), moveId -> {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("name", name);
            answer.put("from", from);
            answer.put("to", to.asText());
            answer.put("move_id", moveId);
            ctx.status(202).json(answer);
        });
    }
}
