package io.switchboard.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.switchboard.core.ServiceException;
import io.switchboard.http.JsonBodies;

/**
 * Rules by which a parsed request needs more than its route's action. The body is parsed as the
 * route parses it ({@link JsonBodies}: Jackson, which decodes escapes and detects UTF-16 and UTF-32),
 * so that what is authorized is what runs.
 */
public final class Raises {
    private Raises() {
    }

    /**
     * A body holding a config provider reference ({@code ${provider:path:key}}, anywhere in any value)
     * needs edit: a worker resolves references while validating and echoes what they hold.
     */
    public static Action resolvingReferences(Context ctx) {
        JsonNode body;
        try {
            body = JsonBodies.parse(ctx.bodyAsBytes());
        } catch (ServiceException.InvalidRequest e) {
            // The route refuses it with the reason; nothing in it is resolved.
            return null;
        }
        return holdsReference(body) ? Action.EDIT : null;
    }

    static boolean holdsReference(JsonNode node) {
        if (node.isTextual()) {
            return node.asText().contains("${");
        }
        for (JsonNode child : node) {
            if (holdsReference(child)) {
                return true;
            }
        }
        return false;
    }
}
