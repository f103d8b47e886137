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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
    /** Beyond this many characters of stored values, the oldest entries are folded into the base. */
    static final long MAX_VALUE_CHARS = 400_000;

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
        Map<String, String> current = history.getBaseConfig() == null ? null : new TreeMap<>(history.getBaseConfig());
        TargetState currentTarget = history.getBaseTargetState();
        for (HistoryEntry entry : entries) {
            current = HistoryReplay.apply(current, entry);
            currentTarget = current == null ? null : entry.getTargetState();
        }
        long sequence = history.getFolded() + entries.size() + 1;
        entries.add(entry(key, event, sequence, current, currentTarget));

        ConnectorHistory next = ConnectorHistory.newBuilder(history).setEntries(entries).build();
        histories.put(key, fold(next));
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
     */
    private HistoryEntry entry(String key, LifecycleEvent event, long sequence,
                               Map<String, String> current, TargetState currentTarget) {
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
            if (current == null) {
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
            entry.setValues(current == null ? masked(storedConfig(key)) : new TreeMap<>())
                    .setTargetState(target.getCurrent());
        } else if (payload instanceof RestartRequested restart) {
            entry.setValues(current == null ? masked(storedConfig(key)) : new TreeMap<>())
                    .setTargetState(currentTarget != null ? currentTarget : storedTargetState(key))
                    .setRestart(new HistoryRestart(restart.getIncludeTasks(), restart.getOnlyFailed(), restart.getTask()));
        } else {
            entry.setRemoved(current == null ? new ArrayList<>() : new ArrayList<>(current.keySet()))
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

    private Map<String, String> masked(Map<String, String> config) {
        Map<String, String> out = new TreeMap<>();
        config.forEach((k, v) -> out.put(k, v == null ? null : recording.mask().apply(k, v)));
        return out;
    }

    /** Folds the oldest entries into the base while there are too many or they hold too much. */
    private ConnectorHistory fold(ConnectorHistory history) {
        List<HistoryEntry> entries = history.getEntries();
        int drop = 0;
        long chars = 0;
        for (HistoryEntry entry : entries) {
            chars += size(entry);
        }
        while (entries.size() - drop > 1
                && (entries.size() - drop > recording.maxEntries() || chars > MAX_VALUE_CHARS)) {
            chars -= size(entries.get(drop));
            drop++;
        }
        if (drop == 0) {
            return history;
        }
        Map<String, String> base = history.getBaseConfig() == null ? null : new TreeMap<>(history.getBaseConfig());
        TargetState baseTarget = history.getBaseTargetState();
        for (HistoryEntry entry : entries.subList(0, drop)) {
            base = HistoryReplay.apply(base, entry);
            baseTarget = base == null ? null : entry.getTargetState();
        }
        return ConnectorHistory.newBuilder(history)
                .setFolded(history.getFolded() + drop)
                .setBaseConfig(base)
                .setBaseTargetState(baseTarget)
                .setEntries(new ArrayList<>(entries.subList(drop, entries.size())))
                .build();
    }

    private static long size(HistoryEntry entry) {
        long chars = 64;
        for (Map.Entry<String, String> value : entry.getValues().entrySet()) {
            chars += value.getKey().length() + (value.getValue() == null ? 0 : value.getValue().length());
        }
        for (String key : entry.getRemoved()) {
            chars += key.length();
        }
        return chars;
    }
}
