package io.switchboard.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.switchboard.http.RequestContexts;

import java.util.Iterator;
import java.util.Map;

/**
 * What a viewer reads: every config value redacted, not only secret ones (a viewer sees which keys
 * a connector has, not their values). Applied to the answer after the route, in every dialect: a
 * config read (a path ending in {@code /config}) is redacted whole, and in any other answer each
 * {@code config} object and each pipeline {@code connection} object is.
 */
public final class Redaction {
    static final String REDACTED = "****************";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Redaction() {
    }

    public static void apply(Context ctx) {
        if (!Boolean.TRUE.equals(ctx.attribute(RequestContexts.REDACT_ATTRIBUTE)) || ctx.statusCode() >= 300) {
            return;
        }
        String type = ctx.res().getContentType();
        if (type == null || !type.startsWith("application/json")) {
            return;
        }
        String body = ctx.result();
        if (body == null || body.isEmpty()) {
            return;
        }
        try {
            JsonNode json = JSON.readTree(body);
            if (ctx.path().endsWith("/config") && json.isObject()) {
                redactValues((ObjectNode) json);
            } else {
                walk(json);
            }
            ctx.result(JSON.writeValueAsBytes(json));
        } catch (java.io.IOException e) {
            // Not JSON after all: nothing a config could be in.
        }
    }

    private static void walk(JsonNode node) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if ((field.getKey().equals("config") || field.getKey().equals("connection")) && field.getValue().isObject()) {
                    redactValues((ObjectNode) field.getValue());
                } else {
                    walk(field.getValue());
                }
            }
        } else if (node.isArray()) {
            node.forEach(Redaction::walk);
        }
    }

    private static void redactValues(ObjectNode object) {
        object.fieldNames().forEachRemaining(key -> object.put(key, REDACTED));
    }
}
