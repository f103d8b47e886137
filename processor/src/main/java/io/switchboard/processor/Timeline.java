package io.switchboard.processor;

import io.switchboard.rules.AutoRestart;
import io.switchboard.rules.ConnectorKey;
import io.switchboard.rules.RolloutDecider;
import io.switchboard.schemas.AutoRestarted;
import io.switchboard.schemas.ConnectorMoved;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.ConnectorStatusChanged;
import io.switchboard.schemas.ConnectorTimeline;
import io.switchboard.schemas.DriftRepaired;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.schemas.ReconcileFailed;
import io.switchboard.schemas.ReconcileRecovered;
import io.switchboard.schemas.ReconcileRequested;
import io.switchboard.schemas.RolloutChange;
import io.switchboard.schemas.TaskObservation;
import io.switchboard.schemas.TimelineEntry;
import io.switchboard.schemas.TimelineTask;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.List;

/**
 * A connector's incident timeline in the timeline store: its first status report and each status
 * change into or out of a failure the worker reported (see {@link ObservationProcessor#incident};
 * with the connector's and every task's trace as they were then, which the statuses store forgets
 * at the next report; other entries keep the states only), each auto-restart with its back-off, each failure and recovery of the
 * reconciler, each drift repaired and each repair asked for, with the connector version live then.
 * Written in the same task and transaction as the event it records, with no clock of its own, so a
 * replayed record writes the same entry. Bounded: the newest {@link #MAX_ENTRIES} entries, and
 * fewer when their traces are long, so that one connector's timeline stays one record of the
 * store's changelog. Deleted with the connector.
 */
public final class Timeline {
    /** Entries kept per connector: weeks of incidents of a connector that flaps a few times a day. */
    public static final int MAX_ENTRIES = 200;
    /** A trace is kept to this many characters (its head says what failed, and where). */
    static final int MAX_TRACE_CHARS = 4_000;
    /** The most characters one timeline may hold: well below the 1 MB a changelog record may have, even in UTF-8. */
    static final long MAX_CHARS = 250_000;

    private Timeline() {
    }

    /** The kind of an entry for a plugin version rollout's patch: a version change is where a failure may begin. */
    public static final String ROLLOUT_KIND = "PluginVersionRollout";

    /** What a rollout's patch did, in words: to which version, in which batch, and for a rollback why. */
    static String rolloutDetail(RolloutChange rollout) {
        String version = rollout.getVersion() == null ? "no connector.plugin.version" : "version " + rollout.getVersion();
        if (RolloutDecider.STEP_BACK.equals(rollout.getStep())) {
            return "rollout " + rollout.getRolloutId() + " of " + rollout.getPluginClass() + " put it back on " + version
                    + (rollout.getReason() == null ? "" : ": " + rollout.getReason());
        }
        return "rollout " + rollout.getRolloutId() + " of " + rollout.getPluginClass() + " moved it to " + version
                + (rollout.getBatch() == 0 ? " (canary)" : " (batch " + rollout.getBatch() + ")");
    }

    /** Whether an event is one the timeline records (and any rollout's patch, {@link #ROLLOUT_KIND}). */
    static boolean recorded(Object payload) {
        return payload instanceof ConnectorStatusChanged || payload instanceof AutoRestarted || payload instanceof ReconcileFailed
                || payload instanceof ReconcileRecovered || payload instanceof DriftRepaired || payload instanceof ReconcileRequested
                || payload instanceof ConnectorMoved;
    }

    /**
     * Appends the entry of an event, with what the worker last reported ({@code observed}, null:
     * nothing) and the connector's desired state then ({@code connector}).
     */
    static void append(KeyValueStore<String, ConnectorTimeline> store, LifecycleEvent event, ConnectorObservation observed,
                       ConnectorState connector) {
        Object payload = event.getEvent();
        if (!recorded(payload) && event.getRollout() == null) {
            return;
        }
        String key = new ConnectorKey(event.getCluster(), event.getConnector()).toString();
        ConnectorTimeline timeline = store.get(key);
        List<TimelineEntry> entries = new ArrayList<>(timeline == null ? List.of() : timeline.getEntries());
        long dropped = timeline == null ? 0 : timeline.getDropped();
        long sequence = entries.isEmpty() ? dropped + 1 : entries.get(entries.size() - 1).getSequence() + 1;
        entries.add(entry(sequence, event, observed, connector));
        long chars = 0;
        for (TimelineEntry entry : entries) {
            chars += size(entry);
        }
        while (entries.size() > 1 && (entries.size() > MAX_ENTRIES || chars > MAX_CHARS)) {
            chars -= size(entries.remove(0));
            dropped++;
        }
        store.put(key, ConnectorTimeline.newBuilder().setCluster(event.getCluster()).setConnector(event.getConnector())
                .setDropped(dropped).setEntries(entries).build());
    }

    private static TimelineEntry entry(long sequence, LifecycleEvent event, ConnectorObservation observed, ConnectorState connector) {
        TimelineEntry.Builder entry = TimelineEntry.newBuilder()
                .setSequence(sequence)
                .setKind(event.getRollout() != null ? ROLLOUT_KIND : event.getEvent().getClass().getSimpleName())
                .setOccurredAt(event.getOccurredAt())
                .setVersion(event.getVersion())
                .setPrincipal(event.getPrincipal())
                .setTasks(new ArrayList<>());
        Object payload = event.getEvent();
        if (observed != null) {
            // Traces where they were reported: the other entries would repeat the last status change's.
            boolean traces = payload instanceof ConnectorStatusChanged;
            List<TimelineTask> tasks = new ArrayList<>();
            for (TaskObservation task : observed.getTasks()) {
                tasks.add(new TimelineTask(task.getId(), task.getState(), traces ? shortened(task.getTrace()) : null));
            }
            entry.setState(observed.getState()).setWorkerId(observed.getWorkerId()).setTasks(tasks)
                    .setTrace(traces ? shortened(observed.getTrace()) : null);
        }
        if (event.getRollout() != null) {
            entry.setDetail(rolloutDetail(event.getRollout()));
        } else if (payload instanceof ConnectorStatusChanged changed) {
            entry.setPrevious(changed.getPrevious());
        } else if (payload instanceof AutoRestarted restarted) {
            // The rule decides the wait before the next one; recorded as it stood, since the config may change later.
            int max = AutoRestart.maxRestarts(connector.getConfig());
            entry.setRestarts(restarted.getRestarts())
                    .setNextRestartAt(max >= 0 && restarted.getRestarts() >= max ? null
                            : event.getOccurredAt() + AutoRestart.backoff(restarted.getRestarts()).toMillis());
        } else if (payload instanceof ReconcileFailed failed) {
            entry.setDetail("wanted " + failed.getDesired() + ", the worker has " + failed.getObserved() + ": " + failed.getError());
        } else if (payload instanceof ReconcileRecovered recovered) {
            entry.setDetail("as asked again after " + recovered.getAttempts() + " failed attempts");
        } else if (payload instanceof ConnectorMoved moved) {
            entry.setDetail("from cluster " + moved.getFrom() + " to " + moved.getTo() + ", " + moved.getCurrent()
                    + (moved.getOffsetsDigest() == null ? ", with no offsets" : ", offsets sha-256 " + moved.getOffsetsDigest()));
        } else if (payload instanceof DriftRepaired repaired) {
            entry.setDetail("put back: " + String.join(", ", repaired.getRepairs()));
        }
        return entry.build();
    }

    private static String shortened(String trace) {
        return trace == null || trace.length() <= MAX_TRACE_CHARS ? trace
                : trace.substring(0, MAX_TRACE_CHARS) + "\n... (" + (trace.length() - MAX_TRACE_CHARS) + " more characters)";
    }

    private static long size(TimelineEntry entry) {
        long chars = 128 + length(entry.getTrace()) + length(entry.getDetail()) + length(entry.getPrincipal());
        for (TimelineTask task : entry.getTasks()) {
            chars += 16 + task.getState().length() + length(task.getTrace());
        }
        return chars;
    }

    private static int length(String text) {
        return text == null ? 0 : text.length();
    }
}
