package io.switchboard.dataplane;

import io.switchboard.schemas.OffsetsRequest;
import io.switchboard.schemas.OffsetsResult;
import io.switchboard.schemas.RestartRequest;
import io.switchboard.schemas.TargetState;

import java.util.Map;

/**
 * One step of a {@link ReconcilePlanner plan} for one connector, carried out in order by the
 * {@link ReconcileExecutor}. Steps are values, so that a plan can be compared in a test.
 *
 * <p>Three kinds: calls that change the connector on the worker, which stop the plan when they
 * fail ({@link Create}, {@link PutConfig}, {@link ModifyOffsets}, {@link SetTargetState});
 * requests carried out once ({@link #attempted()}), whose failure is kept and does not hold up the
 * rest; and notes to the connector's {@link ConnectorMemory}, which call nothing. A {@code repair}
 * names what a call puts back after someone changed it on the worker, or is null when the call is
 * not a repair.
 */
sealed interface ReconcileAction {
    /** Whether a failure of this step is kept and the plan goes on. */
    default boolean attempted() {
        return false;
    }

    /** Creates the missing connector in its target state; the plan ends there. */
    record Create(Map<String, String> config, TargetState target, long version, String repair) implements ReconcileAction {
    }

    /** Deletes a connector the worker has but that is not desired ({@link ReconcilePlanner#strays}); a full pass does it. */
    record Delete(String name) implements ReconcileAction {
    }

    /** Gives the worker the desired config, which differs from its own. */
    record PutConfig(Map<String, String> config, String repair) implements ReconcileAction {
    }

    /** Changes the offsets of a connector stopped on the worker, and keeps the worker's answer. */
    record ModifyOffsets(OffsetsRequest request) implements ReconcileAction {
    }

    /** Asks the worker to pause, resume or stop the connector. */
    record SetTargetState(TargetState target, String repair) implements ReconcileAction {
    }

    /** Carries out a restart request. */
    record Restart(RestartRequest request) implements ReconcileAction {
        @Override
        public boolean attempted() {
            return true;
        }
    }

    /** Resets the worker's record of the connector's active topics for the request {@code requestId}. */
    record ResetTopics(String requestId) implements ReconcileAction {
        @Override
        public boolean attempted() {
            return true;
        }
    }

    /** Restarts a failed connector that opted in to auto-restart; {@code count} is the restart it makes. */
    record AutoRestartFailed(int count) implements ReconcileAction {
        @Override
        public boolean attempted() {
            return true;
        }
    }

    /** Remembers the last restart request carried out, as the last observation says. */
    record RememberRestart(String requestId) implements ReconcileAction {
    }

    /** Remembers the answer to the last offsets change: as observed last, or a refusal made here. */
    record RememberOffsets(OffsetsResult result) implements ReconcileAction {
    }

    /** Remembers the last active-topics reset made, as the last observation says. */
    record RememberTopicsReset(String requestId) implements ReconcileAction {
    }

    /** Remembers the auto-restarts made since the connector was last healthy. */
    record RememberAutoRestarts(int count, Long last) implements ReconcileAction {
    }

    /** Remembers since when an offsets change waits for the worker to stop the connector. */
    record OffsetsWaiting(long since) implements ReconcileAction {
    }

    /** Ends an offsets change the worker never let happen, with {@code result} saying why. */
    record GiveUpOffsets(OffsetsResult result, String why) implements ReconcileAction {
    }

    /**
     * Remembers {@code version} as made true on the worker, if no call of the plan changed the
     * connector: what differs later at that version was changed by someone else.
     */
    record MarkVersionApplied(long version) implements ReconcileAction {
    }
}
