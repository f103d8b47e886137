package io.switchboard.core;

import io.switchboard.rules.HistoryValues;
import io.switchboard.schemas.HistoryEntry;
import io.switchboard.schemas.HistoryOffsets;
import io.switchboard.secrets.Redactor;

import java.util.regex.Pattern;

/**
 * The offsets a restore puts back from a history entry: the body the worker reported then, as
 * Kafka Connect's offsets body for an alter; none (an empty list) resets them. An entry that kept
 * no offsets, or only their digest, cannot be restored with offsets, and says why.
 */
final class RestoredOffsets {
    private static final Pattern NONE = Pattern.compile("\\{\\s*\"offsets\"\\s*:\\s*\\[\\s*]\\s*}");

    private RestoredOffsets() {
    }

    /** The offsets body to alter to, or null to reset them. */
    static String of(HistoryEntry entry) {
        HistoryOffsets kept = entry.getOffsets();
        if (kept == null) {
            throw new ServiceException.InvalidRequest("offsets", "Version " + entry.getVersion() + " (sequence "
                    + entry.getSequence() + ") keeps no offsets: a pause, a stop, a delete or an offsets change keeps them,"
                    + " once the data plane has read them");
        }
        String offsets = kept.getOffsets();
        if (HistoryValues.isShortened(offsets) || Redactor.MASK.equals(offsets)) {
            throw new ServiceException.InvalidRequest("offsets", "The history kept only a digest of the offsets of sequence "
                    + entry.getSequence() + " (they were over the bound): they cannot be restored from here");
        }
        return NONE.matcher(offsets).matches() ? null : offsets;
    }
}
