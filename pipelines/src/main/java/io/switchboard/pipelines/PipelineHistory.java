package io.switchboard.pipelines;

import io.switchboard.core.ConnectorService;
import io.switchboard.core.Scope;
import io.switchboard.core.ServiceException;
import io.switchboard.core.Visibility;
import io.switchboard.rules.HistoryReplay;
import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.HistoryEntry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A pipeline's history: the versions of its two connectors, and the changes of its phase recorded
 * on its source connector, oldest first. Every item carries the run it belongs to; the sink's
 * versions and the phase changes carry none of their own and take the source's run of that time.
 * Tables it left out are items of the source too, like phase changes.
 * A phase change's cause is the worker's words, which may quote config values: a caller who sees
 * keys only reads them hidden, as in the pipeline's status.
 */
final class PipelineHistory {
    private static final java.util.Set<String> OFFSETS_CHANGES = java.util.Set.of("OffsetsAltered", "OffsetsReset");
    private PipelineHistory() {
    }

    /** Empty when neither connector has a history (the pipeline does not exist). */
    static List<Pipelines.HistoryItem> of(ConnectorService connectors, Scope scope, String id, Visibility visibility) {
        List<Pipelines.HistoryItem> items = new ArrayList<>();
        Map<String, String> quoted = new HashMap<>();
        for (String component : List.of("Source", "Target")) {
            String name = component.equals("Source") ? PipelineCompiler.sourceName(id) : PipelineCompiler.sinkName(id);
            ConnectorHistory history;
            try {
                history = connectors.history(scope, name);
            } catch (ServiceException.NotFound e) {
                continue;
            }
            for (HistoryReplay.Step step : HistoryReplay.replay(history)) {
                if (step.configAfter() != null) {
                    step.configAfter().forEach((key, value) -> quoted.put(component + "." + key, value));
                }
                if (!OFFSETS_CHANGES.contains(step.entry().getKind())) {
                    // An offsets change (a new run's reset) is the connector's detail, not a state of the pipeline.
                    items.add(item(component, step));
                }
            }
        }
        // Stable: a phase change keeps its place after the version it was recorded on.
        items.sort(Comparator.comparing(Pipelines.HistoryItem::at));
        String run = items.stream().map(Pipelines.HistoryItem::runId).filter(Objects::nonNull).findFirst().orElse("");
        List<Pipelines.HistoryItem> filled = new ArrayList<>();
        for (Pipelines.HistoryItem item : items) {
            run = item.runId() != null ? item.runId() : run;
            Pipelines.PhaseChange phase = item.phase() == null ? null : new Pipelines.PhaseChange(item.phase().previous(),
                    item.phase().phase(), visibility.shapeText(item.phase().cause(), quoted));
            filled.add(new Pipelines.HistoryItem(item.id(), run, item.at(), item.component(), item.targetState(), item.event(), phase,
                    item.tableLeftOut()));
        }
        return filled;
    }

    private static Pipelines.HistoryItem item(String component, HistoryReplay.Step step) {
        HistoryEntry entry = step.entry();
        Map<String, String> config = step.configAfter();
        Pipelines.PhaseChange phase = null;
        String run = config == null ? null : config.get(PipelineCompiler.PIPELINE_RUN);
        if (entry.getPhase() != null) {
            phase = new Pipelines.PhaseChange(entry.getPhase().getPrevious(), entry.getPhase().getPhase(), entry.getPhase().getCause());
            // Its run is the one live when the change was seen, which the ordering gives it.
            run = null;
        }
        Pipelines.TableLeftOut leftOut = null;
        if (entry.getTableLeftOut() != null) {
            // Our own words and a table name (shown to every caller, as in the status): nothing to shape.
            leftOut = new Pipelines.TableLeftOut(entry.getTableLeftOut().getTable(), entry.getTableLeftOut().getReason(),
                    entry.getTableLeftOut().getFix());
            run = null;
        }
        return new Pipelines.HistoryItem(entry.getCommandId(), run, Instant.ofEpochMilli(entry.getOccurredAt()), component,
                String.valueOf(step.targetStateAfter() == null ? null : step.targetStateAfter().name()), entry.getKind(), phase, leftOut);
    }
}
