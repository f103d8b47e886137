package io.switchboard.core;

import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.HistoryEntry;

/**
 * A connector's history as a caller sees it: with {@link Visibility#KEYS_ONLY} every recorded value
 * (the folded base config and each entry's values) shows as {@link SecretKeys#REDACTED}, so every
 * version, and every diff replayed from them, names keys and never values.
 */
final class HistoryVisibility {
    private HistoryVisibility() {
    }

    static ConnectorHistory shape(ConnectorHistory history, Visibility visibility) {
        if (visibility == Visibility.FULL) {
            return history;
        }
        ConnectorHistory.Builder shaped = ConnectorHistory.newBuilder(history)
                .setBaseConfig(visibility.shape(history.getBaseConfig()))
                .setEntries(history.getEntries().stream()
                        .map(entry -> HistoryEntry.newBuilder(entry).setValues(visibility.shape(entry.getValues())).build())
                        .toList());
        return shaped.build();
    }
}
