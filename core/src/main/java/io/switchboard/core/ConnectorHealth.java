package io.switchboard.core;

import io.switchboard.rules.HealthEvent;
import io.switchboard.rules.HealthWindow;
import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.ConnectorTimeline;
import io.switchboard.schemas.HistoryEntry;
import io.switchboard.schemas.TimelineEntry;
import io.switchboard.schemas.TimelineTask;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

    /** A failure's start, and the timeline entry that recorded it. */
    public record Mark(Instant at, long sequence) {
    }

    /** The window for a picture: its health, its stretches of one state, and each failure that began in it. */
    public record Strip(Answer answer, List<HealthWindow.Segment> segments, List<Mark> failures) {
    }

    private record Readings(ConnectorHistory history, List<Views.TimelineEntryView> timeline, long dropped) {
    }

    private ConnectorHealth() {
    }

    /** Reads the connector's history and timeline; NotFound for a connector that never existed. */
    public static Answer of(ConnectorService connectors, Scope scope, String name, Instant from, Instant to, Duration flapWindow) {
        Readings r = read(connectors, scope, name, from, to);
        return answer(scope.cluster(), name, r.history(), r.timeline(), r.dropped(), from, to, flapWindow);
    }

    /** The same, with what a picture of the window needs. */
    public static Strip strip(ConnectorService connectors, Scope scope, String name, Instant from, Instant to, Duration flapWindow) {
        Readings r = read(connectors, scope, name, from, to);
        Answer answer = answer(scope.cluster(), name, r.history(), r.timeline(), r.dropped(), from, to, flapWindow);
        List<Mark> marks = new ArrayList<>();
        boolean failing = false;
        List<Views.TimelineEntryView> oldestFirst = r.timeline().stream()
                .sorted(Comparator.comparingLong(Views.TimelineEntryView::sequence)).toList();
        for (Views.TimelineEntryView entry : oldestFirst) {
            if (!"ConnectorStatusChanged".equals(entry.kind())) {
                continue;
            }
            boolean now = status(entry).failing();
            if (now && !failing && !entry.occurredAt().isBefore(from) && entry.occurredAt().isBefore(to)) {
                marks.add(new Mark(entry.occurredAt(), entry.sequence()));
            }
            failing = now;
        }
        return new Strip(answer, HealthWindow.segments(events(r.history(), r.timeline()), from.toEpochMilli(), to.toEpochMilli()), marks);
    }

    private static HealthEvent status(Views.TimelineEntryView entry) {
        return HealthEvent.status(entry.occurredAt().toEpochMilli(), entry.state(),
                entry.tasks().stream().map(Views.TimelineTaskView::state).toList());
    }

    private static Readings read(ConnectorService connectors, Scope scope, String name, Instant from, Instant to) {
        requireWindow(from, to);
        ConnectorHistory history = connectors.history(scope, name);
        return readings(history, connectors.healthTimelines(scope, List.of(name)).get(name));
    }

    private static void requireWindow(Instant from, Instant to) {
        if (!to.isAfter(from)) {
            throw new ServiceException.InvalidRequest("to", "The window's end (to) must be after its start (from)");
        }
    }

    /** A deleted connector's timeline went with it (null): its history still says when it existed. */
    private static Readings readings(ConnectorHistory history, Views.TimelineView timeline) {
        return timeline == null ? new Readings(history, List.of(), 0) : new Readings(history, timeline.entries(), timeline.dropped());
    }

    /**
     * The health of each of these connectors over one window, in their order: one history read per
     * connector and their timelines read at once ({@link ConnectorService#healthTimelines}); a
     * connector deleted meanwhile (it never existed, by its history) is left out.
     */
    public static List<Answer> of(ConnectorService connectors, Scope scope, List<String> names, Instant from, Instant to,
                                  Duration flapWindow) {
        requireWindow(from, to);
        Map<String, Views.TimelineView> timelines = connectors.healthTimelines(scope, names);
        List<Answer> answers = new ArrayList<>();
        for (String name : names) {
            ConnectorHistory history;
            try {
                history = connectors.history(scope, name);
            } catch (ServiceException.NotFound deletedMeanwhile) {
                continue;
            }
            Readings r = readings(history, timelines.get(name));
            answers.add(answer(scope.cluster(), name, r.history(), r.timeline(), r.dropped(), from, to, flapWindow));
        }
        return answers;
    }

    /** The pure part: the window's health from what was read. */
    static Answer answer(String cluster, String name, ConnectorHistory history, List<Views.TimelineEntryView> timeline,
                         long dropped, Instant from, Instant to, Duration flapWindow) {
        List<HealthEvent> events = events(history, timeline);
        Long lastCreateAfterDelete = null;
        boolean deleted = false;
        for (HistoryEntry entry : history.getEntries()) {
            if (entry.getKind().equals("ConnectorDeleted")) {
                deleted = true;
            } else if (entry.getKind().equals("ConnectorCreated") && deleted) {
                lastCreateAfterDelete = entry.getOccurredAt();
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

    /** The health facts the history (creates, target states, restart requests, deletes) and the timeline hold. */
    static List<HealthEvent> events(ConnectorHistory history, List<Views.TimelineEntryView> timeline) {
        List<HealthEvent> events = new ArrayList<>();
        for (HistoryEntry entry : history.getEntries()) {
            long at = entry.getOccurredAt();
            switch (entry.getKind()) {
                case "ConnectorCreated" -> events.add(HealthEvent.created(at, entry.getTargetState() == null ? "RUNNING"
                        : entry.getTargetState().name()));
                case "TargetStateChanged", "ConnectorMoved" -> events.add(HealthEvent.targetChanged(at, entry.getTargetState().name()));
                case "RestartRequested" -> events.add(HealthEvent.of(at, HealthEvent.Kind.ASKED_RESTART));
                case "ConnectorDeleted" -> events.add(HealthEvent.of(at, HealthEvent.Kind.DELETED));
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
            fact(entry.kind(), entry.occurredAt().toEpochMilli(), entry.state(),
                    entry.tasks().stream().map(Views.TimelineTaskView::state).toList()).ifPresent(events::add);
        }
        return events;
    }

    /** The health facts a connector's stored timeline holds, oldest first. */
    static List<HealthEvent> events(ConnectorTimeline timeline) {
        List<HealthEvent> events = new ArrayList<>();
        for (TimelineEntry entry : timeline.getEntries()) {
            fact(entry.getKind(), entry.getOccurredAt(), entry.getState(),
                    entry.getTasks().stream().map(TimelineTask::getState).toList()).ifPresent(events::add);
        }
        return events;
    }

    private static Optional<HealthEvent> fact(String kind, long at, String state, List<String> taskStates) {
        return Optional.ofNullable(switch (kind) {
            case "ConnectorStatusChanged" -> HealthEvent.status(at, state, taskStates);
            case "AutoRestarted" -> HealthEvent.of(at, HealthEvent.Kind.AUTO_RESTART);
            case "ReconcileRequested" -> HealthEvent.of(at, HealthEvent.Kind.REPAIR);
            case "DriftRepaired" -> HealthEvent.of(at, HealthEvent.Kind.DRIFT_REPAIRED);
            default -> null;
        });
    }

    /**
     * A connector's health over a window from its create and its incidents alone
     * ({@link ConnectorService#incidents}), for many connectors at once: the same figures as
     * {@link #of} but for the restarts asked for, which only its history holds, and a life before
     * its last create (a deleted connector's incidents went with it).
     *
     * @param createdAt when the connector was created; null when not known (it existed from its first report on)
     */
    public static HealthWindow fromIncidents(Instant createdAt, List<HealthEvent> incidents, Instant from, Instant to,
                                             Duration flapWindow) {
        List<HealthEvent> events = new ArrayList<>(incidents.size() + 1);
        if (createdAt != null) {
            events.add(HealthEvent.created(createdAt.toEpochMilli(), "RUNNING"));
        }
        events.addAll(incidents);
        return HealthWindow.of(events, from.toEpochMilli(), to.toEpochMilli(), flapWindow);
    }
}
