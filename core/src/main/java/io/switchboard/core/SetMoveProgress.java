package io.switchboard.core;

import io.switchboard.rules.ConnectorKey;
import io.switchboard.rules.ConnectorMoves;
import io.switchboard.rules.SetMoves;
import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.HistoryEntry;
import io.switchboard.schemas.SetChange;
import io.switchboard.schemas.SetItem;

import java.util.List;

/**
 * How far a set's move of a connector has come ({@link SetMoves}): pending while the source stops
 * and hands its offsets over, while the target waits on them, and until the target shows the
 * state the change asks and the source is gone; failed, with the target's reason, when the move
 * was refused (the source back as it was); otherwise as any other item ({@link SetProgress#of}).
 * Read from what the stores hold, like every progress: the target here, the source where it was,
 * and the source's history for a refusal's reason.
 */
final class SetMoveProgress {
    private SetMoveProgress() {
    }

    /**
     * One move item's progress: the target as the set's cluster holds it now, and the source read
     * where it was, with {@code consistency}.
     */
    static SetProgress.Item of(ConnectorStore store, ReadConsistency consistency, String cluster, SetChange change, SetItem item,
                               ConnectorState target, ConnectorObservation status) {
        String from = item.getFrom();
        ConnectorKey sourceKey = new ConnectorKey(from, item.getConnector());
        ConnectorState source = store.connector(sourceKey, consistency).orElse(null);
        return of(change, item, cluster, target, status, source, () -> refusal(store.history(sourceKey, consistency).orElse(null),
                SetMoves.moveId(change.getChangeId(), item.getConnector())));
    }

    /** Pure: the same from the states read. {@code refusal} reads why the move was refused, only when it was. */
    static SetProgress.Item of(SetChange change, SetItem item, String cluster, ConnectorState target, ConnectorObservation status,
                               ConnectorState source, java.util.function.Supplier<String> refusal) {
        String name = item.getConnector();
        String from = item.getFrom();
        String moveId = SetMoves.moveId(change.getChangeId(), name);
        if (target != null && target.getMove() != null && moveId.equals(target.getMove().getMoveId())) {
            return pending(name, "created stopped in cluster " + cluster + "; it runs once its offsets from cluster " + from + " are set");
        }
        if (target == null) {
            if (source == null) {
                return new SetProgress.Item(name, "move", "superseded", "deleted since: in neither cluster " + from + " nor " + cluster);
            }
            if (source.getMove() != null && moveId.equals(source.getMove().getMoveId())) {
                return pending(name, "stopped in cluster " + from + "; moves once its offsets there are read");
            }
            if ((moveId + ":" + ConnectorMoves.REFUSED).equals(source.getLastCommandId())) {
                String why = refusal.get();
                return new SetProgress.Item(name, "move", "failed", "the move was refused, the connector is back in cluster " + from
                        + " as it was" + (why == null ? "" : ": " + why));
            }
            if (source.getMove() != null) {
                return new SetProgress.Item(name, "move", "failed", "the connector is moving to cluster " + source.getMove().getTo()
                        + " by another move");
            }
            return pending(name, "the move's start in cluster " + from + " is not decided yet");
        }
        SetProgress.Item here = SetProgress.of(change, item, target, status);
        if (here.progress().equals("converged") && source != null) {
            return pending(name, here.detail() + " in cluster " + cluster + "; the source in cluster " + from + " is not deleted yet");
        }
        return here;
    }

    private static SetProgress.Item pending(String name, String detail) {
        return new SetProgress.Item(name, "move", "pending", detail);
    }

    /** Why the target refused the move, as the source's history keeps it (its refused step's reason), or null. */
    private static String refusal(ConnectorHistory history, String moveId) {
        if (history == null) {
            return null;
        }
        List<HistoryEntry> entries = history.getEntries();
        for (int i = entries.size() - 1; i >= 0; i--) {
            HistoryEntry entry = entries.get(i);
            if (entry.getMove() != null && moveId.equals(entry.getMove().getMoveId())
                    && ConnectorMoves.REFUSED.equals(entry.getMove().getStep())) {
                return entry.getMove().getReason();
            }
        }
        return null;
    }
}
