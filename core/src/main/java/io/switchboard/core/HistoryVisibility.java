package io.switchboard.core;

import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.HistoryEntry;
import io.switchboard.schemas.HistoryOffsets;
import io.switchboard.secrets.Redactor;

import java.util.Map;

/**
 * A connector's history as a caller sees it: every recorded value hidden by the {@link Redactor}
 * (history is recorded hidden, and is hidden again with the operator's key rule as it is now, so a
 * glob added later covers older versions too); with {@link Visibility#KEYS_ONLY} every value (the
 * folded base config and each entry's values) shows as {@link Redactor#MASK}, so every version, and
 * every diff replayed from them, names keys and never values, and the offsets kept with an entry show
 * as the mask too.
 */
final class HistoryVisibility {
    private HistoryVisibility() {
    }

    static ConnectorHistory shape(ConnectorHistory history, Visibility visibility, Redactor redactor) {
        return ConnectorHistory.newBuilder(history)
                .setBaseConfig(shown(history.getBaseConfig(), visibility, redactor))
                .setEntries(history.getEntries().stream()
                        .map(entry -> HistoryEntry.newBuilder(entry).setValues(shown(entry.getValues(), visibility, redactor))
                                .setOffsets(shown(entry.getOffsets(), visibility)).build())
                        .toList())
                .build();
    }

    /** Offsets are shown to whoever may read the connector's config values; keys only shows them as the mask. */
    private static HistoryOffsets shown(HistoryOffsets offsets, Visibility visibility) {
        if (offsets == null || visibility == Visibility.FULL) {
            return offsets;
        }
        return HistoryOffsets.newBuilder(offsets).setOffsets(Redactor.MASK)
                .setPrevious(offsets.getPrevious() == null ? null : Redactor.MASK).build();
    }

    private static Map<String, String> shown(Map<String, String> values, Visibility visibility, Redactor redactor) {
        return values == null ? null : visibility.shape(redactor.hideAll(values));
    }
}
