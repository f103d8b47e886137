package io.switchboard.processor;

import io.switchboard.rules.ConnectorKey;
import io.switchboard.rules.InvalidCommandException;
import io.switchboard.rules.ObservedTasks;
import io.switchboard.schemas.AutoRestarted;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.ConnectorStatusChanged;
import io.switchboard.schemas.ConnectorTimeline;
import io.switchboard.schemas.DriftRepaired;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.schemas.OffsetsAltered;
import io.switchboard.schemas.OffsetsRequest;
import io.switchboard.schemas.OffsetsReset;
import io.switchboard.schemas.OffsetsResult;
import io.switchboard.schemas.ReconcileFailed;
import io.switchboard.schemas.ReconcileFailure;
import io.switchboard.schemas.ReconcileRecovered;
import io.switchboard.schemas.TaskObservation;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Materialises what the data plane reports: the last observation of each connector goes to the
 * statuses store (unless it differs from the stored one only in its time), and a change of
 * connector or task state or of the connector's trace is published as a lifecycle event.
 * Observations of connectors that no longer exist are dropped. With a timeline store, each event
 * is also an entry of the connector's {@link Timeline}, with the traces the observation holds.
 * The timeline's entries are written before the status that made them, so an interactive query
 * that sees a status also sees its entries (each store is read as last written, not in a snapshot).
 */
final class ObservationProcessor implements Processor<String, ConnectorObservation, String, Object> {
    private final boolean keepsTimeline;
    private final boolean keepsHistory;
    private KeyValueStore<String, ConnectorHistory> histories;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, ConnectorState> connectors;
    private KeyValueStore<String, ConnectorObservation> statuses;
    private KeyValueStore<String, ConnectorTimeline> timelines;

    /**
     * @param keepsTimeline whether the topology has a timeline store to append each event to
     * @param keepsHistory  whether the topology keeps histories: offsets changes are entries, and offsets readings settle them
     */
    ObservationProcessor(boolean keepsTimeline, boolean keepsHistory) {
        this.keepsTimeline = keepsTimeline;
        this.keepsHistory = keepsHistory;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.connectors = context.getStateStore(StoreNames.CONNECTORS);
        this.statuses = context.getStateStore(StoreNames.STATUSES);
        if (keepsTimeline) {
            this.timelines = context.getStateStore(StoreNames.TIMELINE);
        }
        if (keepsHistory) {
            this.histories = context.getStateStore(StoreNames.HISTORY);
        }
    }

    /** Publishes an event (its timeline entry is written before the status, in {@link #process}). */
    private void publish(Record<String, ConnectorObservation> record, LifecycleEvent event) {
        context.forward(record.withValue(event), CommandProcessor.LIFECYCLE);
    }

    /**
     * Whether a status change belongs in the incident timeline: the first report of a connector,
     * and a change into or out of a failure (of the connector or of a task). A pause, a resume or a
     * restart that goes well is in the connector's history already; recording it here too would
     * cost each of them a record and a rewrite of the timeline.
     */
    static boolean incident(ConnectorObservation previous, ConnectorObservation observed) {
        return previous == null || failing(previous) || failing(observed);
    }

    private static boolean failing(ConnectorObservation observation) {
        return "FAILED".equals(observation.getState())
                || observation.getTasks().stream().anyMatch(task -> "FAILED".equals(task.getState()));
    }

    @Override
    public void process(Record<String, ConnectorObservation> record) {
        ConnectorObservation observed = record.value();
        if (observed == null) {
            throw new InvalidCommandException("Observation record with key '" + record.key() + "' has no value");
        }
        String key = new ConnectorKey(observed.getCluster(), observed.getConnector()).toString();
        if (!key.equals(record.key())) {
            throw new InvalidCommandException("Observation of " + key + " has record key '" + record.key() + "'");
        }
        ConnectorState connector = connectors.get(key);
        if (connector == null) {
            statuses.delete(key);
            return;
        }
        ConnectorObservation previous = statuses.get(key);
        Optional<LifecycleEvent> repaired = observed.getRepairs().isEmpty() ? Optional.empty()
                : Optional.of(event(observed, connector, new DriftRepaired(observed.getRepairs())));
        Optional<LifecycleEvent> offsets = offsetsEvent(previous, observed, connector);
        Optional<LifecycleEvent> restarted = observed.getLastAutoRestart() != null
                && (previous == null || !observed.getLastAutoRestart().equals(previous.getLastAutoRestart()))
                ? Optional.of(event(observed, connector, new AutoRestarted(observed.getAutoRestarts()))) : Optional.empty();
        Optional<LifecycleEvent> reconcile = reconcileEvent(previous, observed).map(payload -> event(observed, connector, payload));
        Optional<LifecycleEvent> changed = statusEvent(previous, observed, connector);
        if (timelines != null) {
            // The timeline before the status: a read that sees this status sees the entries it made.
            for (Optional<LifecycleEvent> event : List.of(repaired, offsets, restarted, reconcile)) {
                event.ifPresent(entry -> Timeline.append(timelines, entry, observed, connector));
            }
            if (incident(previous, observed)) {
                changed.ifPresent(entry -> Timeline.append(timelines, entry, observed, connector));
            }
        }
        ConnectorObservation kept = keptOffsetsResult(previous, observed, connector);
        if (!sameButForTime(previous, kept)) {
            // An observation that says nothing new (one a new leader's first look sends again)
            // would only rewrite the store and its changelog.
            statuses.put(key, kept);
        }
        repaired.ifPresent(event -> publish(record, event));
        offsets.ifPresent(event -> {
            publish(record, event);
            if (histories != null) {
                context.forward(record.withValue(event), CommandProcessor.HISTORY);
            }
        });
        if (histories != null && observed.getDetailsObservedAt() != null
                && (previous == null || !observed.getDetailsObservedAt().equals(previous.getDetailsObservedAt()))
                && HistoryProcessor.settleOffsets(histories, key, observed)) {
            // A moving connector's stop, its offsets read once stopped: the target is created with them.
            derived(record, MoveSteps.afterStop(connector, observed.getOffsets(), observed.getObservedAt()));
        }
        derived(record, MoveSteps.afterOffsets(connector, previous, observed));
        derived(record, MoveSteps.afterCreatedWithoutOffsets(connector, previous, observed));
        // A move's target its workers would not create: undone, the source back where it was.
        derived(record, MoveSteps.afterTargetRefused(connector, previous, observed));
        restarted.ifPresent(event -> publish(record, event));
        reconcile.ifPresent(event -> publish(record, event));
        changed.ifPresent(event -> publish(record, event));
    }

    /** A change of the connector's state, of a task's state or of the connector's trace. */
    private static Optional<LifecycleEvent> statusEvent(ConnectorObservation previous, ConnectorObservation observed,
                                                        ConnectorState connector) {
        if (previous != null && previous.getState().equals(observed.getState())
                && taskStates(previous).equals(taskStates(observed))
                && Objects.equals(previous.getTrace(), observed.getTrace())) {
            return Optional.empty();
        }
        return Optional.of(event(observed, connector, new ConnectorStatusChanged(
                previous == null ? null : previous.getState(), observed.getState(),
                observed.getWorkerId(), observed.getTrace(), taskStates(observed))));
    }

    /** The next steps of a move, to the command topic (signed there). */
    private void derived(Record<String, ConnectorObservation> record, List<ConnectorCommand> steps) {
        for (ConnectorCommand step : steps) {
            context.forward(new Record<String, Object>(MoveSteps.keyOf(step), step, record.timestamp()), CommandProcessor.DERIVED);
        }
    }

    /**
     * An offsets change the worker made, newly reported: an event carrying the command, principal
     * and request that asked for it. A change the worker refused is no event (the request that
     * asked for it was answered with the refusal).
     */
    private static Optional<LifecycleEvent> offsetsEvent(ConnectorObservation previous, ConnectorObservation observed,
                                                                   ConnectorState connector) {
        OffsetsResult result = observed.getOffsetsApplied();
        if (result == null || result.getCode() >= 300
                || (previous != null && previous.getOffsetsApplied() != null
                        && previous.getOffsetsApplied().getId().equals(result.getId()))) {
            return Optional.empty();
        }
        OffsetsRequest request = connector.getPendingOffsets();
        if (request == null || !request.getId().equals(result.getId())) {
            return Optional.empty();
        }
        Object payload = request.getOffsets() == null
                ? new OffsetsReset(result.getMessage(), result.getPreviousOffsets(), request.getRestoredFrom())
                : new OffsetsAltered(request.getOffsets(), result.getMessage(), result.getPreviousOffsets(), request.getRestoredFrom());
        return Optional.of(LifecycleEvent.newBuilder(event(observed, connector, payload))
                .setCommandId(request.getId())
                .setPrincipal(request.getPrincipal())
                .setRequestId(request.getRequestId())
                .build());
    }

    /**
     * The observation to keep: the worker's result of the pending offsets request stays with it
     * once reported, until the worker reports another request's. An observation without it (one a
     * replica that lost its lease sends as it resumes) would otherwise let the same result be new
     * again, and be recorded again, when the next observation carries it.
     */
    static ConnectorObservation keptOffsetsResult(ConnectorObservation previous, ConnectorObservation observed,
                                                  ConnectorState connector) {
        OffsetsResult before = previous == null ? null : previous.getOffsetsApplied();
        OffsetsRequest pending = connector.getPendingOffsets();
        OffsetsResult now = observed.getOffsetsApplied();
        if (before == null || pending == null || !pending.getId().equals(before.getId())
                || now != null && now.getId().equals(pending.getId())) {
            return observed;
        }
        return ConnectorObservation.newBuilder(observed).setOffsetsApplied(before).build();
    }

    /**
     * A failure of the reconciler that began since the last observation, or its end; the attempts
     * in between are not events (the statuses store counts them).
     */
    private static Optional<Object> reconcileEvent(ConnectorObservation previous, ConnectorObservation observed) {
        ReconcileFailure before = previous == null ? null : previous.getReconcileFailure();
        ReconcileFailure now = observed.getReconcileFailure();
        if (now != null && (before == null || before.getFirstFailedAt() != now.getFirstFailedAt())) {
            return Optional.of(new ReconcileFailed(now.getDesired(), now.getObserved(), now.getAttempts(), now.getError()));
        }
        if (now == null && before != null) {
            return Optional.of(new ReconcileRecovered(before.getAttempts()));
        }
        return Optional.empty();
    }

    /** Events the data plane caused carry no command; their command id says so. */
    private static LifecycleEvent event(ConnectorObservation observed, ConnectorState connector, Object payload) {
        return LifecycleEvent.newBuilder()
                .setCommandId("observed:" + observed.getObservedAt())
                .setCluster(observed.getCluster())
                .setConnector(observed.getConnector())
                .setVersion(connector.getVersion())
                .setOccurredAt(observed.getObservedAt())
                .setEvent(payload)
                .build();
    }

    /** Whether the observation is the stored one in everything but when it was made. */
    static boolean sameButForTime(ConnectorObservation previous, ConnectorObservation observed) {
        if (previous == null) {
            return false;
        }
        ConnectorObservation retimed = ConnectorObservation.newBuilder(observed).setObservedAt(previous.getObservedAt()).build();
        return retimed.equals(previous);
    }

    /** The states of the tasks the views show ({@link ObservedTasks}): a change to them is a status change. */
    private static Map<String, String> taskStates(ConnectorObservation observation) {
        Map<String, String> states = new TreeMap<>();
        for (TaskObservation task : ObservedTasks.shown(observation)) {
            states.put(String.valueOf(task.getId()), task.getState());
        }
        return states;
    }
}
