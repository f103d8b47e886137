package io.switchboard.dialects.connect;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.core.BulkCommands;
import io.switchboard.http.JsonBodies;
import io.switchboard.schemas.TargetState;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads Kafka Connect request bodies as leniently as Kafka Connect does (scalars become strings,
 * enum values are case-insensitive) by the rules every dialect shares ({@link JsonBodies}), and
 * refuses what it cannot read with a 400, never a 500.
 */
public final class ConnectRequests {
    private final ObjectMapper json;

    public ConnectRequests(ObjectMapper json) {
        // Trailing text after the JSON value is an error, as it is for Kafka Connect.
        this.json = json.copy().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** POST /connectors: {"name": ..., "config": {...}, "initial_state": ...}. */
    public record CreateRequest(String name, Map<String, String> config, TargetState initialState) {
    }

    public CreateRequest createRequest(byte[] body) {
        JsonNode root = JsonBodies.parse(body);
        if (!root.isObject()) {
            throw ConnectRestException.badRequest("Request body must be a JSON object with a name and a config");
        }
        JsonBodies.onlyFields(root, Set.of("name", "config", "initial_state"), "a create request",
                "name, config and initial_state");
        JsonNode nameNode = root.get("name");
        String name;
        if (nameNode == null || nameNode.isNull()) {
            name = "";
        } else if (nameNode.isValueNode()) {
            name = nameNode.asText().trim();
        } else {
            throw ConnectRestException.badRequest("Connector name must be a string");
        }
        JsonNode configNode = root.get("config");
        if (configNode == null || configNode.isNull()) {
            throw ConnectRestException.badRequest("Connector config is missing");
        }
        Map<String, String> config = JsonBodies.config(configNode);
        return new CreateRequest(name, config, initialState(root.get("initial_state")));
    }

    /** PUT /connectors/{name}/config and PATCH: a JSON object of string values. */
    public Map<String, String> configBody(byte[] body) {
        JsonNode root = JsonBodies.parse(body);
        if (root.isNull()) {
            throw ConnectRestException.badRequest("Connector config is missing");
        }
        return JsonBodies.config(root);
    }

    /**
     * PATCH /connectors/{name}/offsets: {"offsets": [{"partition": {...}, "offset": {...} or null}]},
     * answered as compact JSON in that shape.
     */
    public String offsetsBody(byte[] body) {
        String missing = "Partitions / offsets need to be provided for an alter offsets request";
        if (body == null || body.length == 0) {
            throw ConnectRestException.badRequest(missing);
        }
        JsonNode root = JsonBodies.parse(body);
        if (!root.isObject()) {
            throw ConnectRestException.badRequest("Request body must be a JSON object with an offsets array");
        }
        JsonBodies.onlyFields(root, Set.of("offsets"), "an offsets request", "offsets");
        JsonNode offsets = root.get("offsets");
        if (offsets == null || offsets.isNull() || (offsets.isArray() && offsets.isEmpty())) {
            throw ConnectRestException.badRequest(missing);
        }
        JsonBodies.requireOffsetsList(offsets);
        return root.toString();
    }

    /**
     * PUT /connector-plugins/{plugin}/config/validate: a config, read as for PUT /connectors/{name}/config
     * and answered as compact JSON for the worker; Kafka Connect answers a body it cannot bind with a 500.
     */
    public String configToValidate(Map<String, String> config, String plugin) {
        if (config.get("connector.class") == null) {
            // The worker answers a config without one with a 500.
            throw ConnectRestException.badRequest("The config to validate has no connector.class; give the plugin's class ("
                    + plugin + ") as connector.class");
        }
        return json.valueToTree(config).toString();
    }

    /**
     * PUT /admin/loggers/{logger}: {"level": ...}, a JSON object of string values, answered as compact
     * JSON for the worker, which itself says what is wrong with a missing or unknown level.
     */
    public String loggerLevel(byte[] body) {
        JsonNode root = JsonBodies.parse(body);
        if (!root.isObject()) {
            throw ConnectRestException.badRequest("Request body must be a JSON object such as {\"level\": \"DEBUG\"}");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        root.fields().forEachRemaining(field -> {
            JsonNode value = field.getValue();
            if (!value.isValueNode()) {
                throw ConnectRestException.badRequest("The value of '" + field.getKey() + "' must be a string, not "
                        + (value.isArray() ? "an array" : "an object"));
            }
            fields.put(field.getKey(), value.isNull() ? null : value.asText());
        });
        return json.valueToTree(fields).toString();
    }

    /** POST /connectors/bulk, read: the action, the connectors named, and whether it is a preview. */
    public record BulkBody(BulkCommands.Request request, boolean preview) {
    }

    /**
     * POST /connectors/bulk: {"action": "pause", "connectors": ["a", "b"], "preview": false,
     * "includeTasks": false, "onlyFailed": false}; the last two for a restart only.
     */
    public static BulkBody bulkBody(byte[] body) {
        JsonNode root = JsonBodies.parse(body);
        if (!root.isObject()) {
            throw ConnectRestException.badRequest("Request body must be a JSON object with an action and a list of connectors");
        }
        JsonBodies.onlyFields(root, Set.of("action", "connectors", "preview", "includeTasks", "onlyFailed"),
                "a bulk request", "action, connectors, preview, includeTasks and onlyFailed");
        BulkCommands.Action action = bulkAction(root)
                .orElseThrow(() -> ConnectRestException.badRequest("action must be one of pause, resume, stop, restart or delete"));
        JsonNode names = root.get("connectors");
        if (names == null || !names.isArray()) {
            throw ConnectRestException.badRequest("connectors must be a list of connector names");
        }
        List<String> connectors = new ArrayList<>();
        for (JsonNode name : names) {
            if (!name.isTextual() || name.asText().isBlank()) {
                throw ConnectRestException.badRequest("connectors must be a list of connector names, not " + name);
            }
            connectors.add(name.asText());
        }
        boolean includeTasks = bodyFlag(root, "includeTasks");
        boolean onlyFailed = bodyFlag(root, "onlyFailed");
        if ((includeTasks || onlyFailed) && action != BulkCommands.Action.RESTART) {
            throw ConnectRestException.badRequest("includeTasks and onlyFailed are for a restart, not a " + action.wire());
        }
        return new BulkBody(new BulkCommands.Request(action, connectors, includeTasks, onlyFailed),
                bodyFlag(root, "preview"));
    }

    /** The action a bulk request names, if it names one (read again by the access rule: a delete needs an editor). */
    public static Optional<BulkCommands.Action> bulkAction(byte[] body) {
        try {
            JsonNode root = JsonBodies.parse(body);
            return root.isObject() ? bulkAction(root) : Optional.empty();
        } catch (RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    private static Optional<BulkCommands.Action> bulkAction(JsonNode root) {
        JsonNode action = root.get("action");
        return action != null && action.isTextual()
                ? BulkCommands.Action.named(action.asText().toLowerCase(Locale.ROOT))
                : Optional.empty();
    }

    private static boolean bodyFlag(JsonNode root, String name) {
        JsonNode flag = root.get(name);
        if (flag == null || flag.isNull()) {
            return false;
        }
        if (!flag.isBoolean()) {
            throw ConnectRestException.badRequest(name + " must be true or false, not " + flag);
        }
        return flag.asBoolean();
    }

    /**
     * A true/false query parameter (restart's includeTasks and onlyFailed): false when absent, and a
     * 400 for anything but true or false, which Kafka Connect would silently read as false.
     */
    public static boolean flag(String name, List<String> values) {
        if (values == null || values.isEmpty()) {
            return false;
        }
        String value = values.get(values.size() - 1);
        if (values.size() == 1 && value.equalsIgnoreCase("true")) {
            return true;
        }
        if (values.size() == 1 && value.equalsIgnoreCase("false")) {
            return false;
        }
        throw ConnectRestException.badRequest("Query parameter " + name + " must be given once, as true or false, not '"
                + String.join("&", values) + "'");
    }

    private static TargetState initialState(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        String value = node.isValueNode() ? node.asText() : "";
        return switch (value.toUpperCase(Locale.ROOT)) {
            case "RUNNING" -> TargetState.RUNNING;
            case "PAUSED" -> TargetState.PAUSED;
            case "STOPPED" -> TargetState.STOPPED;
            default -> throw ConnectRestException.badRequest("initial_state must be one of RUNNING, PAUSED or STOPPED, not '"
                    + value + "'");
        };
    }
}
