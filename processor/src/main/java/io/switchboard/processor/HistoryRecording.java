package io.switchboard.processor;

import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.ConnectorTimeline;
import org.apache.kafka.common.serialization.Serde;

import java.util.Objects;
import java.util.function.BinaryOperator;

/**
 * How the topology keeps connector history: the serde of the history store, the mask applied to
 * each config value before it is stored (key, value → stored value; secrets are never stored in
 * plain text), and how many entries a connector's history keeps before the oldest are folded into
 * its base; and, when {@code timelines} (the timeline store's serde) is given, each connector's
 * incident timeline beside its history.
 */
public record HistoryRecording(Serde<ConnectorHistory> serde, BinaryOperator<String> mask, int maxEntries,
                               Serde<ConnectorTimeline> timelines) {
    /**
     * Enough for years of changes to one connector. Each entry is a record of its own, so a long
     * history costs a change nothing more; only reading a whole history grows with it.
     */
    public static final int DEFAULT_MAX_ENTRIES = 10_000;

    public HistoryRecording {
        Objects.requireNonNull(serde, "serde");
        Objects.requireNonNull(mask, "mask");
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1");
        }
    }

    public HistoryRecording(Serde<ConnectorHistory> serde, BinaryOperator<String> mask, int maxEntries) {
        this(serde, mask, maxEntries, null);
    }

    public HistoryRecording(Serde<ConnectorHistory> serde, BinaryOperator<String> mask) {
        this(serde, mask, DEFAULT_MAX_ENTRIES);
    }

    /** The same recording, also keeping each connector's incident timeline (see {@link Timeline}) with this serde. */
    public HistoryRecording withTimelines(Serde<ConnectorTimeline> serde) {
        return new HistoryRecording(this.serde, mask, maxEntries, serde);
    }
}
