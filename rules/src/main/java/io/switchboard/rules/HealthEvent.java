package io.switchboard.rules;

import io.switchboard.schemas.AutoRestarted;
import io.switchboard.schemas.ConnectorCreated;
import io.switchboard.schemas.ConnectorDeleted;
import io.switchboard.schemas.ConnectorMoved;
import io.switchboard.schemas.ConnectorStatusChanged;
import io.switchboard.schemas.DriftRepaired;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.schemas.ReconcileRequested;
import io.switchboard.schemas.RestartRequested;
import io.switchboard.schemas.TargetStateChanged;

import java.util.List;
import java.util.Optional;

/**
 * One fact about a connector as its health counts it, whichever record it was read from (a
 * lifecycle event, a history entry, a timeline entry): when, what, and for a status report the
 * connector's and its tasks' states, for a create or a target state change the target state.
 */
public record HealthEvent(long at, Kind kind, String state, List<String> taskStates, String target) {
    public enum Kind {
        CREATED, TARGET_CHANGED, STATUS, DELETED,
        /** Auto-restart restarted the failed connector or tasks. */
        AUTO_RESTART,
        /** Someone asked for a restart. */
        ASKED_RESTART,
        /** Someone asked the data plane to make the connector as desired now. */
        REPAIR,
        /** The reconciler put back what was changed directly on the worker. */
        DRIFT_REPAIRED
    }

    public HealthEvent {
        taskStates = taskStates == null ? List.of() : List.copyOf(taskStates);
    }

    public static HealthEvent created(long at, String target) {
        return new HealthEvent(at, Kind.CREATED, null, null, target);
    }

    public static HealthEvent targetChanged(long at, String target) {
        return new HealthEvent(at, Kind.TARGET_CHANGED, null, null, target);
    }

    public static HealthEvent status(long at, String state, List<String> taskStates) {
        return new HealthEvent(at, Kind.STATUS, state, taskStates, null);
    }

    public static HealthEvent of(long at, Kind kind) {
        return new HealthEvent(at, kind, null, null, null);
    }

    /** Whether the connector or any of its tasks is failed in this status report. */
    public boolean failing() {
        return "FAILED".equals(state) || taskStates.contains("FAILED");
    }

    /** The health fact a lifecycle event holds; empty for one health does not count (a config change, offsets). */
    public static Optional<HealthEvent> of(LifecycleEvent event) {
        long at = event.getOccurredAt();
        Object payload = event.getEvent();
        if (payload instanceof ConnectorCreated created) {
            return Optional.of(created(at, created.getTargetState().name()));
        } else if (payload instanceof TargetStateChanged changed) {
            return Optional.of(targetChanged(at, changed.getCurrent().name()));
        } else if (payload instanceof ConnectorMoved moved) {
            return Optional.of(targetChanged(at, moved.getCurrent().name()));
        } else if (payload instanceof ConnectorStatusChanged status) {
            return Optional.of(status(at, status.getCurrent(), List.copyOf(status.getTaskStates().values())));
        } else if (payload instanceof ConnectorDeleted) {
            return Optional.of(of(at, Kind.DELETED));
        } else if (payload instanceof AutoRestarted) {
            return Optional.of(of(at, Kind.AUTO_RESTART));
        } else if (payload instanceof RestartRequested) {
            return Optional.of(of(at, Kind.ASKED_RESTART));
        } else if (payload instanceof ReconcileRequested) {
            return Optional.of(of(at, Kind.REPAIR));
        } else if (payload instanceof DriftRepaired) {
            return Optional.of(of(at, Kind.DRIFT_REPAIRED));
        }
        return Optional.empty();
    }
}
