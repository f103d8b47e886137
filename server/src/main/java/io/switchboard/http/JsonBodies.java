package io.switchboard.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.core.ServiceException.InvalidRequest;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The rules every dialect reads JSON bodies by: one JSON value and nothing after it, objects where
 * objects are expected, config values as strings (scalars are read as their text), no unknown
 * fields where a dialect says so. What breaks a rule is an {@link InvalidRequest} naming it, which
 * each dialect answers as its 400. The size limit is the server's ({@link HttpServer#MAX_BODY_BYTES}).
 */
public final class JsonBodies {
    // Trailing text after the JSON value is an error, as it is for Kafka Connect.
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonBodies() {
    }

    /** The body as JSON; a missing or unreadable body is refused. */
    public static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw new InvalidRequest("Request body is missing");
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new InvalidRequest("Request body is missing");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new InvalidRequest("Request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidRequest("Request body cannot be read: " + e.getMessage());
        }
    }

    /** Refuses a field of {@code object} not in {@code allowed}; {@code what} names the request ("a create request"). */
    public static void onlyFields(JsonNode object, Set<String> allowed, String what, String allowedWords) {
        Iterator<String> fields = object.fieldNames();
        while (fields.hasNext()) {
            String field = fields.next();
            if (!allowed.contains(field)) {
                throw new InvalidRequest(field, "Unrecognized field \"" + field + "\": " + what + " has only " + allowedWords);
            }
        }
    }

    /** A connector config: a JSON object whose values are strings (scalars read as text) or null. */
    public static Map<String, String> config(JsonNode node) {
        if (!node.isObject()) {
            throw new InvalidRequest("config", "Connector config must be a JSON object of string values");
        }
        Map<String, String> map = new LinkedHashMap<>();
        node.fields().forEachRemaining(field -> {
            JsonNode value = field.getValue();
            if (value.isNull()) {
                map.put(field.getKey(), null);
            } else if (value.isValueNode()) {
                map.put(field.getKey(), value.asText());
            } else {
                throw new InvalidRequest(field.getKey(), "Connector config value of '" + field.getKey()
                        + "' must be a string, not " + (value.isArray() ? "an array" : "an object"));
            }
        });
        return map;
    }

    /**
     * Kafka Connect's offsets list, [{"partition": {...}, "offset": {...} or null}], checked element
     * by element.
     */
    public static void requireOffsetsList(JsonNode offsets) {
        if (!offsets.isArray()) {
            throw new InvalidRequest("offsets", "offsets must be an array of {\"partition\": {...}, \"offset\": {...}}");
        }
        for (JsonNode entry : offsets) {
            if (!entry.isObject() || !entry.path("partition").isObject()) {
                throw new InvalidRequest("offsets", "Each element of offsets must be an object with a partition object");
            }
            JsonNode offset = entry.get("offset");
            if (offset != null && !offset.isNull() && !offset.isObject()) {
                throw new InvalidRequest("offsets", "The offset of partition " + entry.get("partition")
                        + " must be an object or null");
            }
            onlyFields(entry, Set.of("partition", "offset"), "an element of offsets", "partition and offset");
        }
    }

    /** A JSON object as a plain tree: maps, lists, strings, numbers, booleans and nulls. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> tree(JsonNode object) {
        return JSON.convertValue(object, Map.class);
    }

    /** Compact JSON text of a value. */
    public static String text(Object value) {
        return JSON.valueToTree(value).toString();
    }
}
