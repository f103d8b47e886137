package io.switchboard.dialects.confluent;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.ServiceException.InvalidRequest;
import io.switchboard.http.JsonBodies;

import java.util.Map;
import java.util.Set;

/** Reads connect/v1 request bodies by the rules every dialect shares, with Confluent's field names. */
final class ConfluentRequests {
    private ConfluentRequests() {
    }

    /** POST .../connectors: {"name", "config", "offsets"}; offsets, when given, as Kafka Connect's offsets body. */
    record Create(String name, Map<String, String> config, String offsetsJson) {
    }

    /** POST .../offsets/request: {"type": "PATCH" | "DELETE", "offsets": [...]}. */
    record OffsetsRequest(String type, String offsetsJson) {
    }

    static Create create(byte[] body) {
        JsonNode root = object(body, "a create request: {\"name\": ..., \"config\": {...}}");
        JsonBodies.onlyFields(root, Set.of("name", "config", "offsets"), "a create request", "name, config and offsets");
        JsonNode name = root.get("name");
        if (name == null || !name.isTextual() || name.asText().isBlank()) {
            throw new InvalidRequest("name", "name is required and must be a non-empty string");
        }
        JsonNode config = root.get("config");
        if (config == null || config.isNull()) {
            throw new InvalidRequest("config", "config is required");
        }
        Map<String, String> named = JsonBodies.config(config);
        JsonNode offsets = root.get("offsets");
        String offsetsJson = null;
        if (offsets != null && !offsets.isNull()) {
            JsonBodies.requireOffsetsList(offsets);
            if (!offsets.isEmpty()) {
                offsetsJson = kafkaConnectBody(offsets);
            }
        }
        return new Create(name.asText(), named, offsetsJson);
    }

    /** PUT .../config: the config (core holds it to the connector's name). */
    static Map<String, String> config(byte[] body) {
        JsonNode root = JsonBodies.parse(body);
        if (root.isNull()) {
            throw new InvalidRequest("config", "The request body must be the connector's config, a JSON object");
        }
        return JsonBodies.config(root);
    }

    /** PUT .../config/validate: the config; connector.class defaults to the plugin in the path. */
    static Map<String, String> configToValidate(byte[] body, String plugin) {
        Map<String, String> config = JsonBodies.config(JsonBodies.parse(body));
        config.putIfAbsent("connector.class", plugin);
        return config;
    }

    static OffsetsRequest offsetsRequest(byte[] body) {
        JsonNode root = object(body, "an offsets request: {\"type\": \"PATCH\" or \"DELETE\", \"offsets\": [...]}");
        JsonBodies.onlyFields(root, Set.of("type", "offsets"), "an offsets request", "type and offsets");
        String type = root.path("type").asText("");
        JsonNode offsets = root.get("offsets");
        switch (type) {
            case "PATCH" -> {
                if (offsets == null || offsets.isNull() || (offsets.isArray() && offsets.isEmpty())) {
                    throw new InvalidRequest("offsets", "A PATCH request needs the offsets to set");
                }
                JsonBodies.requireOffsetsList(offsets);
                return new OffsetsRequest(type, kafkaConnectBody(offsets));
            }
            case "DELETE" -> {
                if (offsets != null && !offsets.isNull() && !(offsets.isArray() && offsets.isEmpty())) {
                    throw new InvalidRequest("offsets", "A DELETE request resets every offset and takes no offsets");
                }
                return new OffsetsRequest(type, null);
            }
            default -> throw new InvalidRequest("type", "type must be PATCH or DELETE, not '" + type + "'");
        }
    }

    /** Kafka Connect's offsets body, {"offsets": [...]}, around Confluent's list. */
    private static String kafkaConnectBody(JsonNode offsets) {
        return "{\"offsets\":" + offsets + "}";
    }

    private static JsonNode object(byte[] body, String expected) {
        JsonNode root = JsonBodies.parse(body);
        if (!root.isObject()) {
            throw new InvalidRequest("The request body must be " + expected);
        }
        return root;
    }
}
