package io.switchboard.processor;

import io.switchboard.schemas.ConnectorConfigChanged;
import io.switchboard.schemas.ConnectorCreated;
import io.switchboard.schemas.ConnectorDeleted;
import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.HistoryEntry;
import io.switchboard.schemas.HistoryRestart;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.schemas.RestartRequested;
import io.switchboard.schemas.TargetState;
import io.switchboard.schemas.TargetStateChanged;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Appends each accepted change of a connector (create, config change, target state change, restart
 * request, delete) to its history in the history store, in the same task and transaction as the
 * connectors store, so a change and its history entry are committed together. Histories outlive
 * deletes: a re-created connector's history shows the delete and then its new versions. Config
 * values are stored through the recording's mask. Like the decider, it uses no clock and no I/O
 * beyond its stores, so replaying a command after an aborted transaction writes the same history.
 */
public final class HistoryProcessor implements Processor<String, LifecycleEvent, Void, Void> {
    static final String CREATED = ConnectorCreated.class.getSimpleName();
    static final String DELETED = ConnectorDeleted.class.getSimpleName();
    /**
     * The most characters one history may hold: even in UTF-8 with three bytes a character it stays
     * below the 1 MB a record of the store's changelog may have.
     */
    static final long MAX_CHARS = 250_000;
    /** Longer config values are stored as their length and digest. */
    static final int MAX_STORED_VALUE_CHARS = 1024;
    /** How long values may be when a history is still too large after folding. */
    static final int SQUEEZED_VALUE_CHARS = 64;
    private static final int ENTRY_OVERHEAD_CHARS = 64;

    private final HistoryRecording recording;
    private KeyValueStore<String, ConnectorState> connectors;
    private KeyValueStore<String, ConnectorHistory> histories;

    public HistoryProcessor(HistoryRecording recording) {
        this.recording = recording;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.connectors = context.getStateStore(StoreNames.CONNECTORS);
        this.histories = context.getStateStore(StoreNames.HISTORY);
    }

    @Override
    public void process(Record<String, LifecycleEvent> record) {
        LifecycleEvent event = record.value();
        if (event == null || !recorded(event.getEvent())) {
            return;
        }
        String key = new ConnectorKey(event.getCluster(), event.getConnector()).toString();
        ConnectorHistory history = histories.get(key);
        if (history == null) {
            history = ConnectorHistory.newBuilder()
                    .setCluster(event.getCluster())
                    .setConnector(event.getConnector())
                    .setEntries(new ArrayList<>())
                    .build();
        }
        List<HistoryEntry> entries = new ArrayList<>(history.getEntries());
        // Whether the connector exists after the last entry, and its target state then, are read
        // off that entry: a history is replayed in full only for a delete, which lists every key.
        HistoryEntry last = entries.isEmpty() ? null : entries.get(entries.size() - 1);
        boolean exists = last == null ? history.getBaseConfig() != null : !DELETED.equals(last.getKind());
        TargetState currentTarget = !exists ? null : last == null ? history.getBaseTargetState() : last.getTargetState();
        long sequence = history.getFolded() + entries.size() + 1;
        entries.add(entry(key, event, sequence, exists, currentTarget, history));
        // Set on the record read, rather than through a builder, which would copy every entry.
        history.setEntries(entries);
        histories.put(key, fold(history));
    }

    /** The config after the last entry of a history. */
    private static Map<String, String> replayed(ConnectorHistory history) {
        Map<String, String> config = history.getBaseConfig() == null ? null : new TreeMap<>(history.getBaseConfig());
        for (HistoryEntry entry : history.getEntries()) {
            config = HistoryReplay.apply(config, entry);
        }
        return config;
    }

    private static boolean recorded(Object payload) {
        return payload instanceof ConnectorCreated || payload instanceof ConnectorConfigChanged
                || payload instanceof TargetStateChanged || payload instanceof RestartRequested
                || payload instanceof ConnectorDeleted;
    }

    /**
     * The entry of one event. The history may start after the connector was created (it was created
     * before history was kept); then the first entry holds the whole config, from the event or the
     * connectors store, so that replaying it gives every later version in full.
     *
     * @param exists        whether the history shows the connector as existing before this event
     * @param currentTarget its target state then
     * @param before        the history before this event (replayed only for a delete)
     */
    private HistoryEntry entry(String key, LifecycleEvent event, long sequence,
                               boolean exists, TargetState currentTarget, ConnectorHistory before) {
        HistoryEntry.Builder entry = HistoryEntry.newBuilder()
                .setSequence(sequence)
                .setKind(event.getEvent().getClass().getSimpleName())
                .setVersion(event.getVersion())
                .setOccurredAt(event.getOccurredAt())
                .setPrincipal(event.getPrincipal())
                .setRequestId(event.getRequestId())
                .setCommandId(event.getCommandId())
                .setValues(new TreeMap<>())
                .setAdded(new ArrayList<>())
                .setRemoved(new ArrayList<>())
                .setChanged(new ArrayList<>());
        Object payload = event.getEvent();
        if (payload instanceof ConnectorCreated created) {
            entry.setValues(masked(created.getConfig()))
                    .setAdded(new ArrayList<>(new TreeMap<>(created.getConfig()).keySet()))
                    .setTargetState(created.getTargetState());
        } else if (payload instanceof ConnectorConfigChanged changed) {
            Map<String, String> values = new TreeMap<>();
            if (!exists) {
                values.putAll(changed.getConfig());
            } else {
                changed.getAdded().forEach(k -> values.put(k, changed.getConfig().get(k)));
                changed.getChanged().forEach(k -> values.put(k, changed.getConfig().get(k)));
            }
            entry.setValues(masked(values))
                    .setAdded(new ArrayList<>(changed.getAdded()))
                    .setRemoved(new ArrayList<>(changed.getRemoved()))
                    .setChanged(new ArrayList<>(changed.getChanged()))
                    .setTargetState(currentTarget != null ? currentTarget : storedTargetState(key));
        } else if (payload instanceof TargetStateChanged target) {
            entry.setValues(!exists ? masked(storedConfig(key)) : new TreeMap<>())
                    .setTargetState(target.getCurrent());
        } else if (payload instanceof RestartRequested restart) {
            entry.setValues(!exists ? masked(storedConfig(key)) : new TreeMap<>())
                    .setTargetState(currentTarget != null ? currentTarget : storedTargetState(key))
                    .setRestart(new HistoryRestart(restart.getIncludeTasks(), restart.getOnlyFailed(), restart.getTask()));
        } else {
            entry.setRemoved(!exists ? new ArrayList<>() : new ArrayList<>(replayed(before).keySet()))
                    .setTargetState(null);
        }
        return entry.build();
    }

    private Map<String, String> storedConfig(String key) {
        ConnectorState state = connectors.get(key);
        return state == null ? Map.of() : state.getConfig();
    }

    private TargetState storedTargetState(String key) {
        ConnectorState state = connectors.get(key);
        return state == null ? null : state.getTargetState();
    }

    /** Values through the recording's mask, and long ones shortened to a digest. */
    private Map<String, String> masked(Map<String, String> config) {
        Map<String, String> out = new TreeMap<>();
        config.forEach((k, v) -> out.put(k, v == null ? null : shortened(recording.mask().apply(k, v), MAX_STORED_VALUE_CHARS)));
        return out;
    }

    /**
     * A value longer than {@code max} characters is kept as its length and the start of its
     * SHA-256, so that different long values still look different in a diff.
     */
    static String shortened(String value, int max) {
        if (value == null || value.length() <= max) {
            return value;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return "<" + value.length() + " characters, sha-256 " + HexFormat.of().formatHex(digest, 0, 8) + "...>";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Keeps a history within {@link HistoryRecording#maxEntries()} entries and {@link #MAX_CHARS}
     * characters, so that it always fits in one record of the store's changelog: first the oldest
     * entries are folded into the base; if the base and the last entry are still too large, values
     * are shortened further, then left out, and as a last resort only the last entry's envelope is
     * kept. The history given may be changed.
     */
    ConnectorHistory fold(ConnectorHistory history) {
        List<HistoryEntry> entries = history.getEntries();
        long chars = size(history.getBaseConfig());
        for (HistoryEntry entry : entries) {
            chars += size(entry);
        }
        int drop = 0;
        while (entries.size() - drop > 1 && (entries.size() - drop > recording.maxEntries() || chars > MAX_CHARS)) {
            chars -= size(entries.get(drop));
            drop++;
        }
        if (drop > 0) {
            Map<String, String> base = history.getBaseConfig() == null ? null : new TreeMap<>(history.getBaseConfig());
            TargetState baseTarget = history.getBaseTargetState();
            for (HistoryEntry entry : entries.subList(0, drop)) {
                base = HistoryReplay.apply(base, entry);
                baseTarget = base == null ? null : entry.getTargetState();
            }
            history.setFolded(history.getFolded() + drop);
            history.setBaseConfig(base);
            history.setBaseTargetState(baseTarget);
            history.setEntries(new ArrayList<>(entries.subList(drop, entries.size())));
        }
        // Without folding, the size is already known; folding changed the base.
        if ((drop > 0 ? size(history) : chars) <= MAX_CHARS) {
            return history;
        }
        ConnectorHistory squeezed = withValues(history, value -> shortened(value, SQUEEZED_VALUE_CHARS));
        if (size(squeezed) <= MAX_CHARS) {
            return squeezed;
        }
        ConnectorHistory withoutValues = withValues(history, value -> "");
        if (size(withoutValues) <= MAX_CHARS) {
            return withoutValues;
        }
        HistoryEntry last = entries.get(entries.size() - 1);
        return ConnectorHistory.newBuilder(history)
                .setFolded(history.getFolded() + history.getEntries().size() - 1)
                .setBaseConfig(null)
                .setBaseTargetState(null)
                .setEntries(new ArrayList<>(List.of(HistoryEntry.newBuilder(last)
                        .setValues(new TreeMap<>()).setAdded(new ArrayList<>()).setRemoved(new ArrayList<>())
                        .setChanged(new ArrayList<>()).build())))
                .build();
    }

    private static ConnectorHistory withValues(ConnectorHistory history, UnaryOperator<String> change) {
        List<HistoryEntry> entries = new ArrayList<>();
        for (HistoryEntry entry : history.getEntries()) {
            entries.add(HistoryEntry.newBuilder(entry).setValues(changed(entry.getValues(), change)).build());
        }
        return ConnectorHistory.newBuilder(history)
                .setBaseConfig(history.getBaseConfig() == null ? null : changed(history.getBaseConfig(), change))
                .setEntries(entries)
                .build();
    }

    private static Map<String, String> changed(Map<String, String> values, UnaryOperator<String> change) {
        Map<String, String> out = new TreeMap<>();
        values.forEach((k, v) -> out.put(k, v == null ? null : change.apply(v)));
        return out;
    }

    static long size(ConnectorHistory history) {
        long chars = size(history.getBaseConfig());
        for (HistoryEntry entry : history.getEntries()) {
            chars += size(entry);
        }
        return chars;
    }

    private static long size(HistoryEntry entry) {
        long chars = ENTRY_OVERHEAD_CHARS + entry.getCommandId().length()
                + (entry.getPrincipal() == null ? 0 : entry.getPrincipal().length())
                + (entry.getRequestId() == null ? 0 : entry.getRequestId().length())
                + size(entry.getValues());
        return chars + size(entry.getAdded()) + size(entry.getRemoved()) + size(entry.getChanged());
    }

    private static long size(List<String> keys) {
        long chars = 0;
        for (int i = 0; i < keys.size(); i++) {
            chars += keys.get(i).length() + 2;
        }
        return chars;
    }

    private static long size(Map<String, String> config) {
        long chars = 0;
        if (config != null) {
            for (Map.Entry<String, String> value : config.entrySet()) {
                chars += value.getKey().length() + 4 + (value.getValue() == null ? 0 : value.getValue().length());
            }
        }
        return chars;
    }
}
