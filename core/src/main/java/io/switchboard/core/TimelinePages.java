package io.switchboard.core;

import io.switchboard.schemas.ConnectorTimeline;
import io.switchboard.schemas.TimelineEntry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** A connector's incident timeline as the core answers it: newest first, a bounded page at a time. */
final class TimelinePages {
    private TimelinePages() {
    }

    /** Refuses a page that is no page: a limit out of bounds, or a sequence that no entry has. */
    static void check(Long before, int limit) {
        if (limit < 1 || limit > Views.MAX_TIMELINE_PAGE) {
            throw new ServiceException.InvalidRequest("limit", "A page holds 1 to " + Views.MAX_TIMELINE_PAGE + " entries, not " + limit);
        }
        if (before != null && before < 1) {
            throw new ServiceException.InvalidRequest("before", "before is an entry's sequence, from 1, not " + before);
        }
    }

    /** The entries older than {@code before} (null: from the newest), at most {@code limit}, newest first. */
    static Views.TimelineView page(Optional<ConnectorTimeline> recorded, Long before, int limit, UnaryOperator<String> shown) {
        List<TimelineEntry> all = recorded.map(ConnectorTimeline::getEntries).orElse(List.of());
        List<Views.TimelineEntryView> page = new ArrayList<>();
        int i = all.size() - 1;
        while (i >= 0 && before != null && all.get(i).getSequence() >= before) {
            i--;
        }
        for (; i >= 0 && page.size() < limit; i--) {
            page.add(view(all.get(i), shown));
        }
        Long next = i >= 0 ? Long.valueOf(page.get(page.size() - 1).sequence()) : null;
        return new Views.TimelineView(page, next, recorded.map(ConnectorTimeline::getDropped).orElse(0L));
    }

    /** An entry with the texts a worker wrote (traces, the detail) as {@code shown}. */
    private static Views.TimelineEntryView view(TimelineEntry e, UnaryOperator<String> shown) {
        return new Views.TimelineEntryView(e.getSequence(), e.getKind(), Instant.ofEpochMilli(e.getOccurredAt()), e.getVersion(),
                e.getPrincipal(), e.getPrevious(), e.getState(), e.getWorkerId(), shown.apply(e.getTrace()),
                e.getTasks().stream().map(t -> new Views.TimelineTaskView(t.getId(), t.getState(), shown.apply(t.getTrace()))).toList(),
                e.getRestarts(), e.getNextRestartAt() == null ? null : Instant.ofEpochMilli(e.getNextRestartAt()), shown.apply(e.getDetail()));
    }
}
