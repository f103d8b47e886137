package io.switchboard.dialects.redpanda;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.switchboard.core.ServiceException.Violation;
import io.switchboard.core.ServiceException;
import io.switchboard.core.WritePreflight;
import io.switchboard.http.JsonBodies;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Redpanda's request rules (from its protobuf definitions) and body reading. A request that breaks a
 * rule is INVALID_ARGUMENT naming each field. Bodies are read by the rules every dialect shares;
 * fields Redpanda's specification marks read-only (tasks, type) and unknown fields are ignored, as
 * its gateway does.
 */
final class RedpandaRequests {
    private static final Pattern CLUSTER_NAME = Pattern.compile("^[a-zA-Z0-9_-]+$");
    private static final Pattern CONNECTOR_NAME = Pattern.compile("^[a-zA-Z0-9!@#$%^&*()\\-_=+;:'\"`~,<.>/?|]+$");
    static final int DEFAULT_PAGE_SIZE = 100;
    static final int MAX_PAGE_SIZE = 1000;

    private RedpandaRequests() {
    }

    /** Body of a create: {"name", "config"}. */
    record Create(String name, Map<String, String> config) {
    }

    /** Body of a restart: {"include_tasks", "only_failed"}, both false when absent. */
    record Restart(boolean includeTasks, boolean onlyFailed) {
    }

    static String clusterName(Context ctx) {
        String name = ctx.pathParam("cluster_name");
        List<Violation> violations = new ArrayList<>();
        checkCluster(name, violations);
        if (!violations.isEmpty()) {
            throw RedpandaErrors.invalid(violations);
        }
        return name;
    }

    private static void checkCluster(String name, List<Violation> violations) {
        if (name.isEmpty() || name.length() > 128) {
            violations.add(new Violation("cluster_name", "value length must be between 1 and 128 characters"));
        } else if (!CLUSTER_NAME.matcher(name).matches()) {
            violations.add(new Violation("cluster_name", "value does not match regex pattern `^[a-zA-Z0-9-_]+$`"));
        }
    }

    /** A connector name by Redpanda's rule ({@code maxLength} 1024, or 128 on upserts and config reads) and the shared one. */
    static String connectorName(String name, String field, int maxLength) {
        String problem = null;
        if (name == null || name.isEmpty() || name.codePointCount(0, name.length()) > maxLength) {
            problem = "value length must be between 1 and " + maxLength + " characters";
        } else if (!CONNECTOR_NAME.matcher(name).matches()) {
            problem = "value must contain only letters, digits and the characters !@#$%^&*()-_=+;:'\"`~,<.>/?|";
        } else {
            try {
                WritePreflight.requireAddressable(name);
            } catch (ServiceException.InvalidRequest e) {
                problem = e.getMessage();
            }
        }
        if (problem != null) {
            throw RedpandaErrors.invalid(field, problem);
        }
        return name;
    }

    static String connectorName(Context ctx, int maxLength) {
        return connectorName(ctx.pathParam("name"), "name", maxLength);
    }

    /** page_size: -1 (all), or 1 to 1000; 100 when absent or 0. */
    static int pageSize(Context ctx) {
        String text = ctx.queryParam("page_size");
        if (text == null || text.isEmpty()) {
            return DEFAULT_PAGE_SIZE;
        }
        int size;
        try {
            size = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw RedpandaErrors.invalid("page_size", "page_size must be a whole number, not '" + text + "'");
        }
        if (size < -1 || size > MAX_PAGE_SIZE) {
            throw RedpandaErrors.invalid("page_size", "value must be greater than or equal to -1 and less than or equal to "
                    + MAX_PAGE_SIZE);
        }
        return size == 0 ? DEFAULT_PAGE_SIZE : size;
    }

    static Create create(byte[] body) {
        JsonNode root = JsonBodies.parse(body);
        if (!root.isObject()) {
            throw RedpandaErrors.invalid("body", "The request body must be a connector: {\"name\": ..., \"config\": {...}}");
        }
        JsonNode name = root.get("name");
        JsonNode config = root.get("config");
        List<Violation> violations = new ArrayList<>();
        if (name == null || !name.isTextual()) {
            violations.add(new Violation("name", "value is required and must be a string"));
        }
        if (config == null || !config.isObject()) {
            violations.add(new Violation("config", "value is required and must be an object of strings"));
        }
        if (!violations.isEmpty()) {
            throw RedpandaErrors.invalid(violations);
        }
        String checked = connectorName(name.asText(), "name", 1024);
        return new Create(checked, JsonBodies.config(config));
    }

    /** PUT .../config: the config map itself. */
    static Map<String, String> config(byte[] body) {
        JsonNode root = JsonBodies.parse(body);
        if (!root.isObject()) {
            throw RedpandaErrors.invalid("config", "The request body must be the connector's config, an object of strings");
        }
        return JsonBodies.config(root);
    }

    static Restart restart(byte[] body) {
        if (body == null || body.length == 0 || new String(body, StandardCharsets.UTF_8).isBlank()) {
            return new Restart(false, false);
        }
        JsonNode root = JsonBodies.parse(body);
        if (!root.isObject()) {
            throw RedpandaErrors.invalid("body", "The request body must be {\"include_tasks\": bool, \"only_failed\": bool}");
        }
        return new Restart(flag(root, "include_tasks"), flag(root, "only_failed"));
    }

    private static boolean flag(JsonNode root, String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw RedpandaErrors.invalid(field, "value must be true or false");
        }
        return value.asBoolean();
    }
}
