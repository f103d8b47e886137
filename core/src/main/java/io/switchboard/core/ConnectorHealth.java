package io.switchboard.core;

import io.switchboard.processor.HealthEvent;
import io.switchboard.processor.HealthWindow;
import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.HistoryEntry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A connector's health over a window, from its history (creates, target states, restart requests,
 * deletes) and its incident timeline (every change into or out of a failure, auto-restarts,
 * repairs, drift repaired), by {@link HealthWindow}: the stores answer the same on every replica,
 * so does this. {@code completeFrom} is set when the window starts before what is still kept: the
 * timeline's oldest entry when older ones were dropped, or the last create after a delete (a
 * deleted connector's timeline goes with it).
 */
public final class ConnectorHealth {
    /** The health of one connector over a window, and from when what it counts is complete (null: all of it). */
    public record Answer(String cluster, String name, HealthWindow window, Instant completeFrom) {
        public boolean complete() {
            return completeFrom == null || !completeFrom.isAfter(Instant.ofEpochMilli(window.from()));
        }
    }

    private ConnectorHealth() {
    }

    /** Reads the connector's history and timeline; NotFound for a connector that never existed. */
    public static Answer of(ConnectorService connectors, Scope scope, String name, Instant from, Instant to, Duration flapWindow) {
        if (!to.isAfter(from)) {
            throw new ServiceException.InvalidRequest("to", "The window's end (to) must be after its start (from)");
        }
        ConnectorHistory history = connectors.history(scope, name);
        List<Views.TimelineEntryView> timeline = new ArrayList<>();
        long dropped = 0;
        try {
            Long before = null;
            do {
                Views.TimelineView page = connectors.timeline(scope, name, before, Views.MAX_TIMELINE_PAGE);
                timeline.addAll(page.entries());
                dropped = page.dropped();
                before = page.before();
            } while (before != null);
        } catch (ServiceException.NotFound deleted) {
            // A deleted connector's timeline went with it: its history still says when it existed.
        }
        return answer(scope.cluster(), name, history, timeline, dropped, from, to, flapWindow);
    }

    /** The pure part: the window's health from what was read. */
    static Answer answer(String cluster, String name, ConnectorHistory history, List<Views.TimelineEntryView> timeline,
                         long dropped, Instant from, Instant to, Duration flapWindow) {
        List<HealthEvent> events = new ArrayList<>();
        Long lastCreateAfterDelete = null;
        boolean deleted = false;
        for (HistoryEntry entry : history.getEntries()) {
            long at = entry.getOccurredAt();
            switch (entry.getKind()) {
                case "ConnectorCreated" -> {
                    events.add(HealthEvent.created(at, entry.getTargetState() == null ? "RUNNING" : entry.getTargetState().name()));
                    lastCreateAfterDelete = deleted ? Long.valueOf(at) : lastCreateAfterDelete;
                }
                case "TargetStateChanged" -> events.add(HealthEvent.targetChanged(at, entry.getTargetState().name()));
                case "RestartRequested" -> events.add(HealthEvent.of(at, HealthEvent.Kind.ASKED_RESTART));
                case "ConnectorDeleted" -> {
                    events.add(HealthEvent.of(at, HealthEvent.Kind.DELETED));
                    deleted = true;
                }
                default -> {
                }
            }
        }
        if (history.getFolded() > 0 && history.getBaseConfig() != null && !history.getEntries().isEmpty()) {
            // Its create was folded away: it existed before the oldest entry kept.
            events.add(0, HealthEvent.created(Long.MIN_VALUE / 4, history.getBaseTargetState() == null ? "RUNNING"
                    : history.getBaseTargetState().name()));
        }
        for (Views.TimelineEntryView entry : timeline) {
            long at = entry.occurredAt().toEpochMilli();
            switch (entry.kind()) {
                case "ConnectorStatusChanged" -> events.add(HealthEvent.status(at, entry.state(),
                        entry.tasks().stream().map(Views.TimelineTaskView::state).toList()));
                case "AutoRestarted" -> events.add(HealthEvent.of(at, HealthEvent.Kind.AUTO_RESTART));
                case "ReconcileRequested" -> events.add(HealthEvent.of(at, HealthEvent.Kind.REPAIR));
                case "DriftRepaired" -> events.add(HealthEvent.of(at, HealthEvent.Kind.DRIFT_REPAIRED));
                default -> {
                }
            }
        }
        // The timeline holds only this incarnation's entries: what came before its create is partly unknown.
        Long completeFrom = lastCreateAfterDelete;
        if (dropped > 0 && !timeline.isEmpty()) {
            long oldest = timeline.stream().mapToLong(e -> e.occurredAt().toEpochMilli()).min().orElseThrow();
            completeFrom = completeFrom == null ? oldest : Math.max(completeFrom, oldest);
        }
        if (history.getFolded() > 0 && !history.getEntries().isEmpty()) {
            long oldest = history.getEntries().get(0).getOccurredAt();
            completeFrom = completeFrom == null ? oldest : Math.max(completeFrom, oldest);
        }
        HealthWindow window = HealthWindow.of(events, from.toEpochMilli(), to.toEpochMilli(), flapWindow);
        return new Answer(cluster, name, window, completeFrom == null ? null : Instant.ofEpochMilli(completeFrom));
    }
}
