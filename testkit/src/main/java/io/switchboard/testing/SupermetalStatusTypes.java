package io.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The typed pipelines' {@code status} as a client generated from the vendor's own document reads it:
 * a mirror, in Java, of the union types oapi-codegen makes of {@code ConnectorStatusConnectorStatus}
 * (the models of Supermetal's Terraform provider, {@code internal/api/client.gen.go}). Each of
 * {@code state} and {@code status} is an object of exactly one key, one of the variants below, whose
 * value is an object; the fields a variant declares have the declared type, any other field is one
 * the generated client ignores. Nothing here is Switchboard's: it is the client's side of the contract.
 */
public final class SupermetalStatusTypes {
    /** A declared field's JSON type. */
    enum Type { STRING, STRING_ARRAY, INT32 }

    /** ConnectorStatusState0..7: start, initialize {commands, sub_state}, snapshot {name}, realtime {name}, scheduled, disabled, complete, shutdown. */
    public static final Map<String, Map<String, Type>> STATES = Map.of(
            "start", Map.of(),
            "initialize", Map.of("commands", Type.STRING_ARRAY, "sub_state", Type.STRING),
            "snapshot", Map.of("name", Type.STRING),
            "realtime", Map.of("name", Type.STRING),
            "scheduled", Map.of(),
            "disabled", Map.of(),
            "complete", Map.of(),
            "shutdown", Map.of());

    /** ConnectorStatusStatus0..5: start, complete, failed {reason}, skipped {reason}, heartbeat, retry {attempt, reason}. */
    public static final Map<String, Map<String, Type>> STATUSES = Map.of(
            "start", Map.of(),
            "complete", Map.of(),
            "failed", Map.of("reason", Type.STRING),
            "skipped", Map.of("reason", Type.STRING),
            "heartbeat", Map.of(),
            "retry", Map.of("attempt", Type.INT32, "reason", Type.STRING));

    /** ConnectorStatusComponent, a history item's component: Buffer, Connector, Source, Target. */
    public static final List<String> COMPONENTS = List.of("Buffer", "Connector", "Source", "Target");

    private SupermetalStatusTypes() {
    }

    /**
     * What a generated client could not read in a {@code {"state": ..., "status": ...}} object, each
     * problem with where it is ({@code at}); empty when it reads it.
     */
    public static List<String> problems(JsonNode connectorStatus, String at) {
        List<String> problems = new ArrayList<>();
        if (connectorStatus == null || !connectorStatus.isObject()) {
            problems.add(at + ": not an object: " + connectorStatus);
            return problems;
        }
        union(connectorStatus.get("state"), STATES, at + ".state", problems);
        union(connectorStatus.get("status"), STATUSES, at + ".status", problems);
        return problems;
    }

    /** {@link #problems} of a pipeline as answered ({@code {"connector", "status", ...}}). */
    public static List<String> pipelineProblems(JsonNode pipeline, String at) {
        return problems(pipeline.get("status"), at + ".status");
    }

    /** {@link #problems} of every item of a history, and its component. */
    public static List<String> historyProblems(JsonNode history, String at) {
        List<String> problems = new ArrayList<>();
        if (!history.isArray()) {
            problems.add(at + ": not an array");
            return problems;
        }
        for (int i = 0; i < history.size(); i++) {
            JsonNode item = history.get(i);
            problems.addAll(problems(item.get("status"), at + "[" + i + "].status"));
            if (item.hasNonNull("component") && !COMPONENTS.contains(item.get("component").asText())) {
                problems.add(at + "[" + i + "].component: not a ConnectorStatusComponent: " + item.get("component"));
            }
            if (!item.path("connector_id").isTextual() || !item.path("run_id").isTextual()) {
                problems.add(at + "[" + i + "]: connector_id and run_id are required strings: " + item);
            }
        }
        return problems;
    }

    private static void union(JsonNode node, Map<String, Map<String, Type>> variants, String at, List<String> problems) {
        if (node == null || !node.isObject() || node.size() != 1) {
            problems.add(at + ": must be an object of exactly one variant of " + variants.keySet() + ": " + node);
            return;
        }
        String kind = node.fieldNames().next();
        Map<String, Type> fields = variants.get(kind);
        if (fields == null) {
            problems.add(at + ": '" + kind + "' is not a variant the vendor's client knows " + variants.keySet() + ": " + node);
            return;
        }
        JsonNode value = node.get(kind);
        if (!value.isObject()) {
            problems.add(at + "." + kind + ": must be an object: " + value);
            return;
        }
        fields.forEach((field, type) -> {
            JsonNode v = value.get(field);
            if (v != null && !v.isNull() && !is(v, type)) {
                problems.add(at + "." + kind + "." + field + ": must be " + type + ": " + v);
            }
        });
    }

    private static boolean is(JsonNode v, Type type) {
        return switch (type) {
            case STRING -> v.isTextual();
            case INT32 -> v.isIntegralNumber() && v.canConvertToInt();
            case STRING_ARRAY -> {
                boolean all = v.isArray();
                for (JsonNode e : v) {
                    all &= e.isTextual();
                }
                yield all;
            }
        };
    }
}
