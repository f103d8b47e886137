package io.switchboard.events;

import io.switchboard.schemas.LifecycleEvent;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.IndexedRecord;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Lifecycle events as JSON: the envelope's fields, then the event's own fields under
 * {@code details}, with field names in snake_case as in the rest of the API; binary fields are left
 * out. It renders an event as the core shaped it ({@code LifecycleViews}): it hides nothing itself.
 */
public final class LifecycleJson {
    private LifecycleJson() {
    }

    /** The event's kind: the name of its record type, e.g. {@code ConnectorConfigChanged}. */
    public static String kind(LifecycleEvent event) {
        Object payload = event.getEvent();
        return payload instanceof GenericContainer record ? record.getSchema().getName()
                : payload == null ? "Unknown" : payload.getClass().getSimpleName();
    }

    public static Map<String, Object> of(LifecycleEvent event) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("event", kind(event));
        json.put("cluster", event.getCluster());
        json.put("connector", event.getConnector());
        json.put("version", event.getVersion());
        json.put("occurred_at", time(event.getOccurredAt()));
        json.put("principal", event.getPrincipal());
        json.put("request_id", event.getRequestId());
        json.put("command_id", event.getCommandId());
        json.put("details", value(event.getEvent()));
        if (event.getMove() != null) {
            // A step of a move between clusters (docs/offsets.md).
            json.put("move", value(event.getMove()));
        }
        if (event.getRollout() != null) {
            // A plugin version rollout's patch (docs/plugin-versions.md).
            json.put("rollout", value(event.getRollout()));
        }
        return json;
    }

    static String time(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }

    /** An Avro value as plain JSON values. */
    static Object value(Object value) {
        if (value instanceof IndexedRecord record) {
            Map<String, Object> json = new LinkedHashMap<>();
            for (Schema.Field field : record.getSchema().getFields()) {
                Object fieldValue = record.get(field.pos());
                if (!(fieldValue instanceof ByteBuffer)) {
                    json.put(snakeCase(field.name()), value(fieldValue));
                }
            }
            return json;
        } else if (value instanceof Map<?, ?> map) {
            Map<String, Object> json = new TreeMap<>();
            map.forEach((k, v) -> json.put(String.valueOf(k),
                    value(v)));
            return json;
        } else if (value instanceof List<?> list) {
            List<Object> json = new ArrayList<>(list.size());
            list.forEach(item -> json.add(value(item)));
            return json;
        } else if (value instanceof CharSequence || value instanceof Enum<?> || value instanceof GenericContainer) {
            return value.toString();
        }
        return value;
    }

    static String snakeCase(String camel) {
        StringBuilder out = new StringBuilder(camel.length() + 4);
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) {
                out.append('_').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
