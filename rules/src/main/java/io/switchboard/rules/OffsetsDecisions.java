package io.switchboard.rules;

import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.ModifyOffsets;
import io.switchboard.schemas.OffsetsRequest;
import io.switchboard.schemas.OffsetsResult;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.TargetState;

/**
 * The decisions about a connector's offsets and its record of active topics, for
 * {@link CommandDecider}: requests the data plane carries out once, which change neither the
 * connector's config nor its target state (a restore with offsets excepted, whose config is decided
 * as any config change). Pure functions of their arguments, like the decider's.
 */
final class OffsetsDecisions {
    private OffsetsDecisions() {
    }

    /**
     * Offsets may change only while the connector is stopped (Kafka Connect's rule), and one
     * request at a time. The change is recorded in the desired state; the data plane makes it once,
     * and its answer is observed. It is not a new version of the connector: config and target
     * state are unchanged. A connector resumed or paused before the answer stays stopped for the
     * change ({@link CommandDecider}).
     */
    static Decision modify(ControlPlane controlPlane, ConnectorState current, ConnectorObservation observed,
                           ConnectorCommand command, ModifyOffsets modify) {
        if (current == null) {
            return CommandDecider.notFound();
        }
        if (requestUnderWay(current, observed)) {
            return CommandDecider.refused(Outcome.CONFLICT, DecisionReasons.OFFSETS_REQUEST_PENDING,
                    "an offsets request for the connector is under way", current);
        }
        if (!modify.getStopFirst() && current.getTargetState() != TargetState.STOPPED) {
            return CommandDecider.refused(Outcome.REJECTED, DecisionReasons.NOT_STOPPED,
                    "offsets can change only while the connector is stopped", current);
        }
        OffsetsRequest request = new OffsetsRequest(command.getCommandId(), modify.getOffsets(),
                command.getPrincipal(), command.getRequestId(), modify.getStopFirst(), command.getIssuedAt(), modify.getRestoredFrom());
        if (modify.getConfig() != null) {
            return restoreWithOffsets(controlPlane, current, command, modify, request);
        }
        ConnectorState next = CommandDecider.copyOf(current)
                .setPendingOffsets(request)
                .setUpdatedAt(command.getIssuedAt())
                .setLastCommandId(command.getCommandId())
                .build();
        return new Decision(Outcome.UPDATED, null, null, next, true, null);
    }

    /**
     * A restore with offsets: the config of a history entry and its offsets, as one change. The
     * config is decided as a config change (a new version when it differs, refused as one would
     * be); the offsets are an offsets request that stops the connector first, so the data plane
     * stops it, sets them, and returns it to its target state.
     */
    private static Decision restoreWithOffsets(ControlPlane controlPlane, ConnectorState current, ConnectorCommand command,
                                               ModifyOffsets modify, OffsetsRequest request) {
        if (!modify.getStopFirst()) {
            return CommandDecider.refused(Outcome.REJECTED, DecisionReasons.NOT_STOPPED,
                    "a restore with offsets stops the connector first", current);
        }
        Decision configured = CommandDecider.putConfig(controlPlane, current, command, modify.getConfig());
        if (configured.outcome() != Outcome.UPDATED && configured.outcome() != Outcome.UNCHANGED) {
            return configured;
        }
        ConnectorState next = CommandDecider.copyOf(configured.next())
                .setPendingOffsets(request)
                .setUpdatedAt(command.getIssuedAt())
                .setLastCommandId(command.getCommandId())
                .build();
        return new Decision(Outcome.UPDATED, null, null, next, true, configured.event());
    }

    /**
     * Whether the connector's last offsets request is still to be carried out: the data plane has
     * not reported an outcome for it yet. One request at a time per connector, of either kind.
     */
    static boolean requestUnderWay(ConnectorState current, ConnectorObservation observed) {
        OffsetsRequest pending = current.getPendingOffsets();
        if (pending == null) {
            return false;
        }
        OffsetsResult result = observed == null ? null : observed.getOffsetsApplied();
        return result == null || !result.getId().equals(pending.getId());
    }

    /** Recorded in the desired state; the data plane resets the worker's record of active topics once. */
    static Decision resetActiveTopics(ConnectorState current, ConnectorCommand command) {
        if (current == null) {
            return CommandDecider.notFound();
        }
        ConnectorState next = CommandDecider.copyOf(current)
                .setPendingTopicsReset(command.getCommandId())
                .setUpdatedAt(command.getIssuedAt())
                .setLastCommandId(command.getCommandId())
                .build();
        return new Decision(Outcome.UPDATED, null, null, next, true, null);
    }
}
