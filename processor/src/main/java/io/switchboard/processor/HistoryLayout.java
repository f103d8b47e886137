package io.switchboard.processor;

import io.switchboard.rules.ConnectorKey;
import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.HistoryEntry;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.ArrayList;
import java.util.List;

/**
 * How a connector's history lies in the history store, so that a change costs the same however
 * long the history is: each entry is a record of its own, and the connector's key holds only the
 * base (what the oldest entries, once folded, left behind), written when entries are folded.
 * <ul>
 *   <li>{@code <cluster>/<connector>}: the head, a {@link ConnectorHistory} with {@code folded},
 *       {@code baseConfig} and {@code baseTargetState} and no entries; absent until a fold.</li>
 *   <li>{@code <cluster>/<connector>\0<sequence, 19 digits>}: one entry, a {@link ConnectorHistory}
 *       whose {@code entries} hold just that entry.</li>
 * </ul>
 * Entry keys sort by sequence right after their head and before any other connector's key, since
 * no connector name contains the NUL character. Histories written before this layout kept every
 * entry in the head; {@link #read} still reads them, and the history processor splits them.
 */
public final class HistoryLayout {
    private static final char SEPARATOR = '\u0000';
    /** Present in a partition's store once its histories written before this layout were split. */
    static final String SPLIT_MARKER = SEPARATOR + "layout:entry-per-record";
    /** How many times a read starts again when a fold changed the history under it. */
    private static final int READ_ATTEMPTS = 5;

    private HistoryLayout() {
    }

    public static String entryKey(String key, long sequence) {
        return key + SEPARATOR + String.format("%019d", sequence);
    }

    /** The first key at or after every entry key of {@code key}. */
    static String entriesFrom(String key) {
        return key + SEPARATOR;
    }

    /** The last possible entry key of {@code key}. */
    static String entriesTo(String key) {
        return key + SEPARATOR + "9999999999999999999";
    }

    /** Whether a store key is an entry's rather than a head's (or the marker's). */
    static boolean isEntryKey(String storeKey) {
        return storeKey.indexOf(SEPARATOR) > 0;
    }

    /** The entry held by one entry record. */
    static HistoryEntry entryOf(ConnectorHistory record) {
        return record.getEntries().get(0);
    }

    /** The last entry of a history, or null when it has none as separate records. */
    static HistoryEntry lastEntry(ReadOnlyKeyValueStore<String, ConnectorHistory> store, String key) {
        try (KeyValueIterator<String, ConnectorHistory> it = store.reverseRange(entriesFrom(key), entriesTo(key))) {
            return it.hasNext() ? entryOf(it.next().value) : null;
        }
    }

    /**
     * The whole history of a connector, as one {@link ConnectorHistory} (head and entries in order),
     * or null when it has none. Reads of a store being written may see a fold half done (the head
     * written, the folded entries not yet deleted, or the other way round on a copy catching up):
     * entries already in the base are skipped, and a gap between the base and the first entry
     * starts the read again.
     */
    public static ConnectorHistory read(ReadOnlyKeyValueStore<String, ConnectorHistory> store, String key) {
        for (int attempt = 1; ; attempt++) {
            ConnectorHistory head = store.get(key);
            List<HistoryEntry> entries = new ArrayList<>(head == null ? List.of() : head.getEntries());
            long folded = head == null ? 0 : head.getFolded();
            try (KeyValueIterator<String, ConnectorHistory> it = store.range(entriesFrom(key), entriesTo(key))) {
                while (it.hasNext()) {
                    KeyValue<String, ConnectorHistory> next = it.next();
                    HistoryEntry entry = entryOf(next.value);
                    if (entry.getSequence() > folded + entries.size()) {
                        entries.add(entry);
                    }
                }
            }
            if (head == null && entries.isEmpty()) {
                return null;
            }
            boolean contiguous = entries.isEmpty() || entries.get(0).getSequence() == folded + 1;
            if (contiguous || attempt >= READ_ATTEMPTS) {
                ConnectorKey connector = ConnectorKey.parse(key);
                return ConnectorHistory.newBuilder()
                        .setCluster(connector.cluster())
                        .setConnector(connector.name())
                        .setFolded(folded)
                        .setBaseConfig(head == null ? null : head.getBaseConfig())
                        .setBaseTargetState(head == null ? null : head.getBaseTargetState())
                        .setEntries(entries)
                        .build();
            }
        }
    }
}
