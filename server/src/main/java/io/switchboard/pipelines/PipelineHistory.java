package io.switchboard.pipelines;

import io.switchboard.core.ConnectorService;
import io.switchboard.core.Scope;
import io.switchboard.core.ServiceException;
import io.switchboard.events.HistoryJson;
import io.switchboard.schemas.ConnectorHistory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A pipeline's history: the versions of its two connectors, and the changes of its phase recorded
 * on its source connector, oldest first. Every item carries the run it belongs to; the sink's
 * versions and the phase changes carry none of their own and take the source's run of that time.
 */
final class PipelineHistory {
    private PipelineHistory() {
    }

    /** Empty when neither connector has a history (the pipeline does not exist). */
    static List<Pipelines.HistoryItem> of(ConnectorService connectors, Scope scope, String id) {
        List<Pipelines.HistoryItem> items = new ArrayList<>();
        for (String component : List.of("Source", "Target")) {
            String name = component.equals("Source") ? PipelineCompiler.sourceName(id) : PipelineCompiler.sinkName(id);
            ConnectorHistory history;
            try {
                history = connectors.history(scope, name);
            } catch (ServiceException.NotFound e) {
                continue;
            }
            for (Object version : (List<?>) HistoryJson.of(history).get("versions")) {
                items.add(item(component, version));
            }
        }
        // Stable: a phase change keeps its place after the version it was recorded on.
        items.sort(Comparator.comparing(Pipelines.HistoryItem::at));
        String run = items.stream().map(Pipelines.HistoryItem::runId).filter(Objects::nonNull).findFirst().orElse("");
        List<Pipelines.HistoryItem> filled = new ArrayList<>();
        for (Pipelines.HistoryItem item : items) {
            run = item.runId() != null ? item.runId() : run;
            filled.add(new Pipelines.HistoryItem(item.id(), run, item.at(), item.component(), item.targetState(), item.event(),
                    item.phase()));
        }
        return filled;
    }

    @SuppressWarnings("unchecked")
    private static Pipelines.HistoryItem item(String component, Object version) {
        Map<String, Object> v = (Map<String, Object>) version;
        Map<String, String> config = (Map<String, String>) v.get("config");
        Pipelines.PhaseChange phase = null;
        String run = config == null ? null : config.get(PipelineCompiler.PIPELINE_RUN);
        if (v.get("phase") instanceof Map<?, ?> change) {
            phase = new Pipelines.PhaseChange((String) change.get("previous"), (String) change.get("phase"), (String) change.get("cause"));
            // Its run is the one live when the change was seen, which the ordering gives it.
            run = null;
        }
        return new Pipelines.HistoryItem(String.valueOf(v.get("command_id")), run, Instant.parse(String.valueOf(v.get("occurred_at"))),
                component, String.valueOf(v.get("target_state")), String.valueOf(v.get("event")), phase);
    }
}
