package io.switchboard.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.rules.HistoryReplay;
import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.HistoryEntry;
import io.switchboard.schemas.HistoryOffsets;
import io.switchboard.schemas.TargetState;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON of {@code GET /connectors/{name}/history}: every version with its full config and target
 * state and the difference from the version before, rendered from the history as the core shaped it
 * for the caller (secrets hidden by the redactor): it hides nothing itself. A pipeline's
 * phase change is an entry of its source connector with the version it was seen at, an empty
 * config diff, and {@code phase} (previous, phase, cause) also shown in the diff.
 */
public final class HistoryJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private HistoryJson() {
    }

    public static Map<String, Object> of(ConnectorHistory history) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", history.getConnector());
        json.put("cluster", history.getCluster());
        json.put("versions", HistoryReplay.replay(history).stream().map(HistoryJson::version).toList());
        json.put("older_versions_folded", history.getFolded());
        return json;
    }

    private static Map<String, Object> version(HistoryReplay.Step step) {
        HistoryEntry entry = step.entry();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("sequence", entry.getSequence());
        json.put("version", entry.getVersion());
        json.put("event", entry.getKind());
        json.put("occurred_at", LifecycleJson.time(entry.getOccurredAt()));
        json.put("principal", entry.getPrincipal());
        json.put("request_id", entry.getRequestId());
        json.put("command_id", entry.getCommandId());
        json.put("config", sorted(step.configAfter()));
        json.put("target_state", name(step.targetStateAfter()));
        json.put("diff", diff(step));
        if (entry.getRestart() != null) {
            Map<String, Object> restart = new LinkedHashMap<>();
            restart.put("include_tasks", entry.getRestart().getIncludeTasks());
            restart.put("only_failed", entry.getRestart().getOnlyFailed());
            restart.put("task", entry.getRestart().getTask());
            json.put("restart", restart);
        }
        if (entry.getPhase() != null) {
            // A pipeline's phase change: config and target state are the version's, unchanged.
            Map<String, Object> phase = new LinkedHashMap<>();
            phase.put("previous", entry.getPhase().getPrevious());
            phase.put("phase", entry.getPhase().getPhase());
            phase.put("cause", entry.getPhase().getCause());
            json.put("phase", phase);
        }
        if (entry.getTableLeftOut() != null) {
            // A table the pipeline left out: config and target state are the version's, unchanged.
            Map<String, Object> leftOut = new LinkedHashMap<>();
            leftOut.put("table", entry.getTableLeftOut().getTable());
            leftOut.put("reason", entry.getTableLeftOut().getReason());
            leftOut.put("fix", entry.getTableLeftOut().getFix());
            json.put("table_left_out", leftOut);
        }
        if (entry.getOffsets() != null) {
            json.put("offsets", offsets(entry.getOffsets()));
        }
        if (entry.getMove() != null) {
            Map<String, Object> move = new LinkedHashMap<>();
            move.put("move_id", entry.getMove().getMoveId());
            move.put("step", entry.getMove().getStep());
            move.put("from", entry.getMove().getFrom());
            move.put("to", entry.getMove().getTo());
            move.put("reason", entry.getMove().getReason());
            json.put("move", move);
        }
        if (entry.getRollout() != null) {
            // A plugin version rollout's patch (docs/plugin-versions.md): rollout_id, step, plugin_class, batch, version, reason.
            json.put("rollout", LifecycleJson.value(entry.getRollout()));
        }
        if (!entry.getPolicyWarnings().isEmpty()) {
            json.put("policy_warnings", entry.getPolicyWarnings());
        }
        if (!entry.getPolicyVersions().isEmpty()) {
            // The user policies the change was checked against, by name with their version: why it was accepted then.
            json.put("policy_versions", new TreeMap<>(entry.getPolicyVersions()));
        }
        return json;
    }

    /**
     * Keys added (with their value), removed (with the value they had) and changed (old and new), and
     * the target state when it changed. The key lists are the ones the decider computed on the real
     * values, so a secret whose masked value looks the same is still reported as changed.
     */
    private static Map<String, Object> diff(HistoryReplay.Step step) {
        HistoryEntry entry = step.entry();
        Map<String, String> before = step.configBefore() == null ? Map.of() : step.configBefore();
        Map<String, String> after = step.configAfter() == null ? Map.of() : step.configAfter();
        Map<String, Object> added = new TreeMap<>();
        entry.getAdded().forEach(key -> added.put(key, after.get(key)));
        Map<String, Object> removed = new TreeMap<>();
        entry.getRemoved().forEach(key -> removed.put(key, before.get(key)));
        Map<String, Object> changed = new TreeMap<>();
        entry.getChanged().forEach(key -> changed.put(key, oldAndNew(
                before.get(key), after.get(key))));
        Map<String, Object> diff = new LinkedHashMap<>();
        diff.put("added", added);
        diff.put("removed", removed);
        diff.put("changed", changed);
        if (step.targetStateBefore() != step.targetStateAfter()) {
            diff.put("target_state", oldAndNew(name(step.targetStateBefore()), name(step.targetStateAfter())));
        }
        if (entry.getPhase() != null) {
            diff.put("phase", oldAndNew(entry.getPhase().getPrevious(), entry.getPhase().getPhase()));
        }
        return diff;
    }

    /**
     * The offsets kept with an entry: Kafka Connect's offsets body as the worker answered it (a
     * digest or the mask as a string), when it was read, and which reading it is.
     */
    private static Map<String, Object> offsets(HistoryOffsets offsets) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("offsets", body(offsets.getOffsets()));
        json.put("observed_at", offsets.getObservedAt() == null ? null : LifecycleJson.time(offsets.getObservedAt()));
        json.put("reading", offsets.getReading());
        if (offsets.getPrevious() != null) {
            json.put("previous", body(offsets.getPrevious()));
        }
        if (offsets.getRestoredFrom() != null) {
            json.put("restored_from", offsets.getRestoredFrom());
        }
        return json;
    }

    /** The worker's offsets list when the kept body is JSON; else the text kept (a digest, or the mask). */
    private static Object body(String kept) {
        try {
            JsonNode parsed = JSON.readTree(kept);
            return parsed != null && parsed.has("offsets") ? parsed.get("offsets") : kept;
        } catch (JsonProcessingException e) {
            return kept;
        }
    }

    private static Map<String, Object> oldAndNew(Object old, Object now) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("old", old);
        json.put("new", now);
        return json;
    }

    private static Map<String, String> sorted(Map<String, String> config) {
        return config == null ? null : new TreeMap<>(config);
    }

    private static String name(TargetState state) {
        return state == null ? null : state.name();
    }
}
