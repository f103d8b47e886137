package io.switchboard.processor;

import io.switchboard.rules.ConnectorKey;
import io.switchboard.rules.HistoryReplay;
import io.switchboard.rules.HistoryValues;
import io.switchboard.rules.OffsetsInHistory;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorConfigChanged;
import io.switchboard.schemas.ConnectorCreated;
import io.switchboard.schemas.ConnectorDeleted;
import io.switchboard.schemas.ConnectorMoved;
import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.HistoryEntry;
import io.switchboard.schemas.HistoryPhase;
import io.switchboard.schemas.HistoryTableLeftOut;
import io.switchboard.schemas.HistoryRestart;
import io.switchboard.schemas.HistoryOffsets;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.schemas.OffsetsAltered;
import io.switchboard.schemas.OffsetsReset;
import io.switchboard.schemas.PipelinePhaseChanged;
import io.switchboard.schemas.PipelineTableLeftOut;
import io.switchboard.schemas.RestartRequested;
import io.switchboard.schemas.TargetState;
import io.switchboard.schemas.TargetStateChanged;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Appends each accepted change of a connector (create, config change, target state change, a move's arrival, restart
 * request, delete, and for a pipeline's source connector its pipeline's phase changes) to its history in the history store, in the same task and transaction as the
 * connectors store, so a change and its history entry are committed together. Histories outlive
 * deletes: a re-created connector's history shows the delete and then its new versions. Config
 * values are stored through the recording's mask. Like the decider, it uses no clock and no I/O
 * beyond its stores, so replaying a command after an aborted transaction writes the same history.
 * <p>Each entry is a record of its own ({@link HistoryLayout}), so a change writes one record
 * whatever the history's length; when a history passes its limit, the oldest tenth of it is folded
 * into its base at once.
 */
public final class HistoryProcessor implements Processor<String, LifecycleEvent, Void, Void> {
    /**
     * The most characters one record of the store (an entry, or a base) may hold: even in UTF-8
     * with three bytes a character it stays below the 1 MB a record of the changelog may have.
     */
    static final long MAX_CHARS = 250_000;
    /** Longer config values are stored as their length and digest. */
    static final int MAX_STORED_VALUE_CHARS = 1024;
    /** How long values may be when a history is still too large after folding. */
    static final int SQUEEZED_VALUE_CHARS = 64;
    private static final int ENTRY_OVERHEAD_CHARS = 64;
    /** How many histories one run of the splitter rewrites, so that it never holds the stream thread long. */
    private static final int SPLIT_BATCH = 1_000;

    private final HistoryRecording recording;
    private KeyValueStore<String, ConnectorState> connectors;
    private KeyValueStore<String, ConnectorHistory> histories;
    private KeyValueStore<String, ConnectorObservation> statuses;
    private Cancellable splitter;
    /** Where the splitter goes on from; null to start (or when done). */
    private String splitFrom;

    public HistoryProcessor(HistoryRecording recording) {
        this.recording = recording;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.connectors = context.getStateStore(StoreNames.CONNECTORS);
        this.histories = context.getStateStore(StoreNames.HISTORY);
        this.statuses = context.getStateStore(StoreNames.STATUSES);
        // Histories kept whole in one record (the layout of stores written by earlier releases) are
        // split soon after start, a bounded batch at a time, in the stream thread that owns the
        // store; reads understand both layouts meanwhile, and a change to a history not yet split
        // splits it first.
        if (histories.get(HistoryLayout.SPLIT_MARKER) == null) {
            splitter = context.schedule(Duration.ofMillis(10), PunctuationType.WALL_CLOCK_TIME, now -> splitSome());
        }
    }

    @Override
    public void process(Record<String, LifecycleEvent> record) {
        LifecycleEvent event = record.value();
        if (event == null || !recorded(event.getEvent())) {
            return;
        }
        String key = new ConnectorKey(event.getCluster(), event.getConnector()).toString();
        ConnectorHistory head = histories.get(key);
        if (head != null && !head.getEntries().isEmpty()) {
            head = split(key, head);
        }
        // Whether the connector exists after the last entry, and its target state then, are read
        // off that entry (or the base): a history is replayed in full only for a delete, which
        // lists every key.
        HistoryEntry last = HistoryLayout.lastEntry(histories, key);
        long folded = head == null ? 0 : head.getFolded();
        Map<String, String> base = head == null ? null : head.getBaseConfig();
        boolean exists = last == null ? base != null : !HistoryValues.DELETED.equals(last.getKind());
        TargetState currentTarget = !exists ? null : last == null ? head.getBaseTargetState() : last.getTargetState();
        long sequence = last == null ? folded + 1 : last.getSequence() + 1;
        HistoryEntry entry = fitted(entry(key, event, sequence, exists, currentTarget));
        histories.put(HistoryLayout.entryKey(key, sequence), single(key, entry));
        long kept = sequence - folded;
        if (kept > recording.maxEntries()) {
            // Folded a tenth of the limit at a time, so that a history at its limit does not
            // rewrite its base on every change.
            fold(key, head, kept - recording.maxEntries() + recording.maxEntries() / 10);
        }
    }

    /** One record of the store holding one entry. */
    private static ConnectorHistory single(String key, HistoryEntry entry) {
        ConnectorKey connector = ConnectorKey.parse(key);
        return ConnectorHistory.newBuilder()
                .setCluster(connector.cluster())
                .setConnector(connector.name())
                .setEntries(new ArrayList<>(List.of(entry)))
                .build();
    }

    /** A history kept whole in its head (the one-record layout) rewritten as a head and entries ({@link HistoryLayout}). */
    private ConnectorHistory split(String key, ConnectorHistory head) {
        for (HistoryEntry entry : head.getEntries()) {
            histories.put(HistoryLayout.entryKey(key, entry.getSequence()), single(key, fitted(entry)));
        }
        if (head.getFolded() == 0 && head.getBaseConfig() == null && head.getBaseTargetState() == null) {
            histories.delete(key);
            return null;
        }
        ConnectorHistory rest = ConnectorHistory.newBuilder(head).setEntries(new ArrayList<>()).build();
        histories.put(key, rest);
        return rest;
    }

    /** Splits up to {@link #SPLIT_BATCH} histories kept in their head; marks the store when none is left. */
    private void splitSome() {
        List<KeyValue<String, ConnectorHistory>> batch = new ArrayList<>();
        String next = null;
        try (KeyValueIterator<String, ConnectorHistory> it = splitFrom == null ? histories.all() : histories.range(splitFrom, null)) {
            while (it.hasNext()) {
                KeyValue<String, ConnectorHistory> record = it.next();
                if (batch.size() == SPLIT_BATCH) {
                    next = record.key;
                    break;
                }
                if (!HistoryLayout.isEntryKey(record.key) && !record.key.equals(HistoryLayout.SPLIT_MARKER)
                        && !record.value.getEntries().isEmpty()) {
                    batch.add(record);
                }
            }
        }
        batch.forEach(record -> split(record.key, record.value));
        splitFrom = next;
        if (next == null) {
            histories.put(HistoryLayout.SPLIT_MARKER, ConnectorHistory.newBuilder()
                    .setCluster("").setConnector("").setEntries(new ArrayList<>()).build());
            splitter.cancel();
        }
    }

    /**
     * Folds the oldest {@code count} entries into the head's base. The head is written before the
     * entries are deleted, so a reader in between sees entries already in the base, which it skips.
     */
    private void fold(String key, ConnectorHistory head, long count) {
        Map<String, String> base = head == null || head.getBaseConfig() == null ? null : new TreeMap<>(head.getBaseConfig());
        TargetState baseTarget = head == null ? null : head.getBaseTargetState();
        long folded = head == null ? 0 : head.getFolded();
        List<String> gone = new ArrayList<>();
        try (KeyValueIterator<String, ConnectorHistory> it = histories.range(HistoryLayout.entriesFrom(key), HistoryLayout.entriesTo(key))) {
            while (it.hasNext() && gone.size() < count) {
                KeyValue<String, ConnectorHistory> record = it.next();
                HistoryEntry entry = HistoryLayout.entryOf(record.value);
                base = HistoryReplay.apply(base, entry);
                baseTarget = base == null ? null : entry.getTargetState();
                folded = entry.getSequence();
                gone.add(record.key);
            }
        }
        ConnectorKey connector = ConnectorKey.parse(key);
        histories.put(key, ConnectorHistory.newBuilder()
                .setCluster(connector.cluster())
                .setConnector(connector.name())
                .setFolded(folded)
                .setBaseConfig(fittedBase(base))
                .setBaseTargetState(baseTarget)
                .setEntries(new ArrayList<>())
                .build());
        gone.forEach(histories::delete);
    }

    /** The config after the last entry of a history. */
    private Map<String, String> replayedConfig(String key) {
        ConnectorHistory history = HistoryLayout.read(histories, key);
        Map<String, String> config = history == null || history.getBaseConfig() == null ? null : new TreeMap<>(history.getBaseConfig());
        for (HistoryEntry entry : history == null ? List.<HistoryEntry>of() : history.getEntries()) {
            config = HistoryReplay.apply(config, entry);
        }
        return config == null ? Map.of() : config;
    }

    private static boolean recorded(Object payload) {
        return payload instanceof ConnectorCreated || payload instanceof ConnectorConfigChanged
                || payload instanceof TargetStateChanged || payload instanceof ConnectorMoved || payload instanceof RestartRequested
                || payload instanceof ConnectorDeleted || payload instanceof PipelinePhaseChanged
                || payload instanceof PipelineTableLeftOut || payload instanceof OffsetsAltered || payload instanceof OffsetsReset;
    }

    /**
     * A pause or a stop that holds the offsets read before it takes the reading the data plane made
     * once the worker showed it made ({@link OffsetsInHistory#settled}): the one record of the
     * connector's last entry is written again. Called by the observations' processor, in the same
     * task as the history store. Answers whether it took one.
     */
    static boolean settleOffsets(KeyValueStore<String, ConnectorHistory> histories, String key, ConnectorObservation observed) {
        HistoryEntry last = HistoryLayout.lastEntry(histories, key);
        if (last == null) {
            return false;
        }
        String entryKey = HistoryLayout.entryKey(key, last.getSequence());
        if (histories.get(entryKey) == null) {
            // Still in a history kept in its head: the splitter has not reached it; the entry keeps what it has.
            return false;
        }
        Optional<HistoryOffsets> settled = OffsetsInHistory.settled(last, observed);
        settled.ifPresent(offsets -> histories.put(entryKey, single(key, fitted(HistoryEntry.newBuilder(last).setOffsets(offsets).build()))));
        return settled.isPresent();
    }

    /**
     * The entry of one event. The history may start after the connector was created (it was created
     * before history was kept); then the first entry holds the whole config, from the event or the
     * connectors store, so that replaying it gives every later version in full.
     *
     * @param exists        whether the history shows the connector as existing before this event
     * @param currentTarget its target state then
     */
    private HistoryEntry entry(String key, LifecycleEvent event, long sequence, boolean exists, TargetState currentTarget) {
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
                .setChanged(new ArrayList<>())
                .setPolicyWarnings(new ArrayList<>(event.getPolicyWarnings()))
                .setPolicyVersions(new TreeMap<>(event.getPolicyVersions()));
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
        } else if (payload instanceof ConnectorMoved moved) {
            // The target state it takes on the target, as a target state change records it.
            entry.setValues(!exists ? masked(storedConfig(key)) : new TreeMap<>())
                    .setTargetState(moved.getCurrent());
        } else if (payload instanceof RestartRequested restart) {
            entry.setValues(!exists ? masked(storedConfig(key)) : new TreeMap<>())
                    .setTargetState(currentTarget != null ? currentTarget : storedTargetState(key))
                    .setRestart(new HistoryRestart(restart.getIncludeTasks(), restart.getOnlyFailed(), restart.getTask()));
        } else if (payload instanceof PipelinePhaseChanged phase) {
            // Like a restart request: config and target state as they were.
            entry.setValues(!exists ? masked(storedConfig(key)) : new TreeMap<>())
                    .setTargetState(currentTarget != null ? currentTarget : storedTargetState(key))
                    .setPhase(new HistoryPhase(phase.getPrevious(), phase.getPhase(), phase.getCause()));
        } else if (payload instanceof PipelineTableLeftOut leftOut) {
            // Like a phase change: config and target state as they were.
            entry.setValues(!exists ? masked(storedConfig(key)) : new TreeMap<>())
                    .setTargetState(currentTarget != null ? currentTarget : storedTargetState(key))
                    .setTableLeftOut(new HistoryTableLeftOut(leftOut.getTable(), leftOut.getReason(), leftOut.getFix()));
        } else if (payload instanceof OffsetsAltered || payload instanceof OffsetsReset) {
            // Like a restart request: config and target state as they were.
            entry.setValues(!exists ? masked(storedConfig(key)) : new TreeMap<>())
                    .setTargetState(currentTarget != null ? currentTarget : storedTargetState(key));
        } else {
            entry.setRemoved(!exists ? new ArrayList<>() : new ArrayList<>(replayedConfig(key).keySet()))
                    .setTargetState(null);
        }
        return entry.setOffsets(OffsetsInHistory.of(payload, statuses.get(key))).setMove(event.getMove()).setRollout(event.getRollout())
                .build();
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
        config.forEach((k, v) -> out.put(k, v == null ? null : HistoryValues.shortened(recording.mask().apply(k, v), MAX_STORED_VALUE_CHARS)));
        return out;
    }

    /**
     * An entry that fits in one record of the store's changelog, however large the config: values
     * are shortened further, then left out, and as a last resort the lists of keys too.
     */
    static HistoryEntry fitted(HistoryEntry entry) {
        if (size(entry) <= MAX_CHARS) {
            return entry;
        }
        HistoryEntry squeezed = HistoryEntry.newBuilder(entry).setValues(changed(entry.getValues(), v -> HistoryValues.shortened(v, SQUEEZED_VALUE_CHARS))).build();
        if (size(squeezed) <= MAX_CHARS) {
            return squeezed;
        }
        HistoryEntry withoutValues = HistoryEntry.newBuilder(entry).setValues(changed(entry.getValues(), v -> "")).build();
        if (size(withoutValues) <= MAX_CHARS) {
            return withoutValues;
        }
        return HistoryEntry.newBuilder(entry).setValues(new TreeMap<>()).setAdded(new ArrayList<>())
                .setRemoved(new ArrayList<>()).setChanged(new ArrayList<>()).build();
    }

    /** A base config that fits in one record, shortened like an entry's values. */
    private static Map<String, String> fittedBase(Map<String, String> base) {
        if (base == null || size(base) <= MAX_CHARS) {
            return base;
        }
        Map<String, String> squeezed = changed(base, v -> HistoryValues.shortened(v, SQUEEZED_VALUE_CHARS));
        return size(squeezed) <= MAX_CHARS ? squeezed : changed(base, v -> "");
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
                + (entry.getPhase() == null || entry.getPhase().getCause() == null ? 0 : entry.getPhase().getCause().length())
                + (entry.getTableLeftOut() == null ? 0 : entry.getTableLeftOut().getTable().length()
                + entry.getTableLeftOut().getReason().length() + entry.getTableLeftOut().getFix().length())
                + size(entry.getValues()) + size(entry.getPolicyWarnings()) + OffsetsInHistory.size(entry.getOffsets())
                + entry.getPolicyVersions().keySet().stream().mapToLong(name -> name.length() + 24).sum();
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
