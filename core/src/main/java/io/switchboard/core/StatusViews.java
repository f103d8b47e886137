package io.switchboard.core;

import io.switchboard.core.Views.AutoRestartView;
import io.switchboard.core.Views.ReconcileView;
import io.switchboard.core.Views.StatusView;
import io.switchboard.core.Views.TaskStatusView;
import io.switchboard.rules.AutoRestart;
import io.switchboard.rules.ObservedTasks;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.ReconcileFailure;
import io.switchboard.schemas.TaskObservation;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A connector's status as a caller sees it. The texts a worker wrote (traces, the data plane's last
 * error) have the secrets a worker may quote hidden already (the data plane scrubs them before they
 * are stored); a caller who sees keys only also gets them with the config's values hidden
 * ({@link Visibility#shapeText}).
 */
final class StatusViews {
    private StatusViews() {
    }

    /** The status the data plane last reported; until one reports, UNASSIGNED: no worker runs it yet. */
    static StatusView of(ConnectorState state, Optional<ConnectorObservation> observation, String type, Visibility visibility) {
        if (observation.isEmpty()) {
            return new StatusView(state.getName(), "UNASSIGNED", null, null, null, List.of(), type,
                    state.getTargetState(), null, null, null);
        }
        ConnectorObservation observed = observation.get();
        List<TaskStatusView> tasks = ObservedTasks.shown(observed).stream().map(t -> task(t, state, visibility)).toList();
        AutoRestartView autoRestart = AutoRestart.enabled(state.getConfig())
                ? new AutoRestartView(observed.getAutoRestarts(), observed.getLastAutoRestart() == null
                        ? null : Instant.ofEpochMilli(observed.getLastAutoRestart()))
                : null;
        return new StatusView(state.getName(), observed.getState(), observed.getWorkerId(),
                visibility.shapeText(observed.getTrace(), state.getConfig()), observed.getVersion(), tasks,
                observed.getType() != null ? observed.getType() : type, state.getTargetState(), autoRestart,
                reconcileView(observed.getReconcileFailure(), state, visibility), Instant.ofEpochMilli(observed.getObservedAt()));
    }

    static TaskStatusView task(TaskObservation t, ConnectorState state, Visibility visibility) {
        return new TaskStatusView(t.getId(), t.getState(), t.getWorkerId(), visibility.shapeText(t.getTrace(), state.getConfig()),
                t.getVersion());
    }

    /** What a restart will do: the status, with what restarts marked RESTARTING. */
    static StatusView plan(StatusView status, boolean includeTasks, boolean onlyFailed) {
        boolean connectorRestarts = !onlyFailed || "FAILED".equals(status.state());
        List<TaskStatusView> tasks = status.tasks().stream()
                .map(t -> includeTasks && (!onlyFailed || "FAILED".equals(t.state()))
                        ? new TaskStatusView(t.id(), "RESTARTING", t.workerId(), null, t.version()) : t)
                .toList();
        return connectorRestarts
                ? new StatusView(status.name(), "RESTARTING", status.workerId(), null, status.version(), tasks,
                        status.type(), status.target(), status.autoRestart(), status.reconcile(), status.observedAt())
                : new StatusView(status.name(), status.state(), status.workerId(), status.trace(), status.version(), tasks,
                        status.type(), status.target(), status.autoRestart(), status.reconcile(), status.observedAt());
    }

    private static ReconcileView reconcileView(ReconcileFailure failure, ConnectorState state, Visibility visibility) {
        if (failure == null) {
            return null;
        }
        return new ReconcileView(failure.getDesired(), failure.getObserved(), failure.getAttempts(),
                visibility.shapeText(failure.getError(), state.getConfig()), Instant.ofEpochMilli(failure.getLastFailedAt()),
                failure.getNextAttemptAt() == null ? null : Instant.ofEpochMilli(failure.getNextAttemptAt()));
    }
}
