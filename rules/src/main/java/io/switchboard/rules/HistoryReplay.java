package io.switchboard.rules;

import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.HistoryEntry;
import io.switchboard.schemas.TargetState;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Replays a connector's history: each entry with the config and target state before and after it.
 * A config is null where the connector did not exist.
 */
public final class HistoryReplay {

    /** One entry with the connector as it was before and after it. */
    public record Step(HistoryEntry entry, Map<String, String> configBefore, Map<String, String> configAfter,
                       TargetState targetStateBefore, TargetState targetStateAfter) {
    }

    private HistoryReplay() {
    }

    public static List<Step> replay(ConnectorHistory history) {
        List<Step> steps = new ArrayList<>(history.getEntries().size());
        Map<String, String> config = history.getBaseConfig() == null ? null : new TreeMap<>(history.getBaseConfig());
        TargetState target = history.getBaseTargetState();
        for (HistoryEntry entry : history.getEntries()) {
            Map<String, String> after = apply(config, entry);
            TargetState targetAfter = after == null ? null : entry.getTargetState();
            steps.add(new Step(entry, readOnly(config), readOnly(after), target, targetAfter));
            config = after;
            target = targetAfter;
        }
        return steps;
    }

    /** The config after an entry, from the config before it (null when the connector did not exist). */
    public static Map<String, String> apply(Map<String, String> before, HistoryEntry entry) {
        if (HistoryValues.DELETED.equals(entry.getKind())) {
            return null;
        }
        Map<String, String> after = new TreeMap<>();
        if (before != null && !HistoryValues.CREATED.equals(entry.getKind())) {
            after.putAll(before);
        }
        entry.getRemoved().forEach(after::remove);
        after.putAll(entry.getValues());
        return after;
    }

    private static Map<String, String> readOnly(Map<String, String> config) {
        return config == null ? null : Collections.unmodifiableMap(config);
    }
}
