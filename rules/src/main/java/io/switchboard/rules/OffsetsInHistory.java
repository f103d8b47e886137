package io.switchboard.rules;

import io.switchboard.schemas.ConnectorDeleted;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.HistoryEntry;
import io.switchboard.schemas.HistoryOffsets;
import io.switchboard.schemas.OffsetsAltered;
import io.switchboard.schemas.OffsetsReset;
import io.switchboard.schemas.TargetState;
import io.switchboard.schemas.TargetStateChanged;

import java.util.Optional;

/**
 * Which offsets a connector's history keeps with an entry, decided from what the data plane
 * reported (its observations) and nothing else: pure, so an entry recorded again after an aborted
 * transaction holds the same offsets.
 * <p>A pause, a stop and a delete keep the last offsets the data plane read of the worker before the
 * change ({@link #READ_BEFORE}); a pause or a stop then takes the first reading the data plane makes
 * once the worker shows the change made ({@link #READ_AFTER}), and any later reading while it stays
 * there that differs (offsets its tasks produced before the change and the worker committed after
 * it), which is where the connector stands. An offsets change keeps the offsets it set ({@link #APPLIED}) and the ones
 * it replaced. Offsets are kept bounded like config values: past {@link #MAX_CHARS}, as their
 * length and digest ({@link HistoryValues#shortened}), which a restore cannot put back.
 */
public final class OffsetsInHistory {
    /** The longest offsets body kept whole: a few hundred source partitions or sink topic-partitions. */
    public static final int MAX_CHARS = 16_384;
    public static final String READ_BEFORE = "before";
    public static final String READ_AFTER = "after";
    public static final String APPLIED = "applied";
    /** Kafka Connect's body of no offsets: what an offsets reset leaves. */
    public static final String NONE = "{\"offsets\":[]}";

    private OffsetsInHistory() {
    }

    /** Whether an event's entry keeps the connector's offsets: a pause, a stop, a delete, an offsets change. */
    public static boolean keepsOffsets(Object payload) {
        return payload instanceof TargetStateChanged changed && changed.getCurrent() != TargetState.RUNNING
                || payload instanceof ConnectorDeleted || payload instanceof OffsetsAltered || payload instanceof OffsetsReset;
    }

    /** The offsets an entry of this event keeps, given the connector's last observation (null: none). */
    public static HistoryOffsets of(Object payload, ConnectorObservation last) {
        if (payload instanceof OffsetsAltered altered) {
            return applied(altered.getOffsets(), altered.getPreviousOffsets(), altered.getRestoredFrom(), last);
        }
        if (payload instanceof OffsetsReset reset) {
            return applied(NONE, reset.getPreviousOffsets(), reset.getRestoredFrom(), last);
        }
        if (!keepsOffsets(payload) || last == null || last.getOffsets() == null) {
            return null;
        }
        return new HistoryOffsets(bounded(last.getOffsets()), last.getDetailsObservedAt(), READ_BEFORE, null, null);
    }

    private static HistoryOffsets applied(String offsets, String previous, Long restoredFrom, ConnectorObservation last) {
        Long at = last == null || last.getOffsetsApplied() == null ? null : last.getOffsetsApplied().getAppliedAt();
        return new HistoryOffsets(bounded(offsets), at, APPLIED, bounded(previous), restoredFrom);
    }

    /**
     * The offsets the last entry takes from a new observation: a pause or a stop still holding a
     * reading from before it takes the first reading made at or after the change with the worker
     * showing the connector in the entry's state. Empty when the entry keeps what it has.
     *
     * @param last the connector's last history entry
     */
    public static Optional<HistoryOffsets> settled(HistoryEntry last, ConnectorObservation observed) {
        if (last == null || !TargetStateChanged.class.getSimpleName().equals(last.getKind())
                || last.getTargetState() == null || last.getTargetState() == TargetState.RUNNING) {
            return Optional.empty();
        }
        Long readAt = observed.getDetailsObservedAt();
        if (observed.getOffsets() == null || readAt == null || readAt < last.getOccurredAt()
                || !last.getTargetState().name().equals(observed.getState())) {
            return Optional.empty();
        }
        HistoryOffsets kept = last.getOffsets();
        String offsets = bounded(observed.getOffsets());
        if (kept != null && READ_AFTER.equals(kept.getReading())
                && (offsets.equals(kept.getOffsets()) || kept.getObservedAt() != null && readAt <= kept.getObservedAt())) {
            // Read after the change already: a later reading replaces it only when the worker committed
            // offsets since (the last flush of what its tasks produced before they paused or stopped).
            return Optional.empty();
        }
        return Optional.of(new HistoryOffsets(offsets, readAt, READ_AFTER, null, null));
    }

    /** Offsets as kept: whole up to {@link #MAX_CHARS}, else their length and digest. */
    public static String bounded(String offsets) {
        return HistoryValues.shortened(offsets, MAX_CHARS);
    }

    /** The characters an entry's offsets take. */
    public static long size(HistoryOffsets offsets) {
        return offsets == null ? 0 : 64 + offsets.getOffsets().length() + (offsets.getPrevious() == null ? 0 : offsets.getPrevious().length());
    }
}
