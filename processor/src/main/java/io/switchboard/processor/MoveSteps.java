package io.switchboard.processor;

import io.switchboard.rules.ConnectorKey;
import io.switchboard.rules.ConnectorMoves;
import io.switchboard.rules.SetMoves;
import io.switchboard.schemas.ChangeTargetState;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.DeleteConnector;
import io.switchboard.schemas.MoveStep;
import io.switchboard.schemas.OffsetsResult;
import io.switchboard.schemas.TargetState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The next steps of a move between clusters ({@link ConnectorMoves}), as the commands the processor
 * writes back to the command topic, each keyed to the connector in the cluster it is for: written
 * in the transaction of what made them due (the source's stop, once its offsets were read; the
 * target's create refused; the target's offsets set or refused, or, with none to set, the target
 * shown created on its workers or refused by them). Deterministic: each step's command
 * id and Idempotency-Key are the move's and the step's, so a step written again is answered with
 * its first decision and changes nothing.
 */
final class MoveSteps {
    private static final Pattern NO_OFFSETS = Pattern.compile("\\{\\s*\"offsets\"\\s*:\\s*\\[\\s*]\\s*}");

    private MoveSteps() {
    }

    /**
     * The source stopped and its offsets were read once it showed stopped: the target's create,
     * stopped, with those offsets (none when it has none).
     */
    static List<ConnectorCommand> afterStop(ConnectorState source, String offsets, long at) {
        MoveStep move = source.getMove();
        if (move == null || !ConnectorMoves.START.equals(move.getStep())) {
            return List.of();
        }
        String given = offsets == null || NO_OFFSETS.matcher(offsets).matches() ? null : offsets;
        // A set's move creates the target with the set's config; any other, with the source's.
        Map<String, String> config = move.getConfig() != null ? move.getConfig() : source.getConfig();
        CreateConnector create = new CreateConnector(Map.copyOf(config), TargetState.STOPPED, given);
        return List.of(command(move, ConnectorMoves.CREATE, move.getTo(), source.getName(), create, at, null));
    }

    /** The target's create was refused: the source goes back to its state, with why. */
    static List<ConnectorCommand> afterCreateRefused(ConnectorCommand create, String why, long at) {
        MoveStep move = create.getMove();
        return List.of(command(move, ConnectorMoves.REFUSED, move.getFrom(), create.getConnector(),
                new ChangeTargetState(TargetState.STOPPED), at, "cluster " + move.getTo() + " refused the connector: " + why));
    }

    /**
     * The target, created with no offsets to set, is on its workers now
     * ({@link ConnectorMoves#createdOnTargetWorkers}): it runs, and the source is deleted.
     */
    static List<ConnectorCommand> afterCreatedWithoutOffsets(ConnectorState target, ConnectorObservation previous,
                                                             ConnectorObservation observed) {
        return ConnectorMoves.createdOnTargetWorkers(target, previous, observed) ? done(target, observed.getObservedAt()) : List.of();
    }

    /** The target's worker answered the offsets it was created with: run it and delete the source, or undo the move. */
    static List<ConnectorCommand> afterOffsets(ConnectorState target, ConnectorObservation previous, ConnectorObservation observed) {
        MoveStep move = target.getMove();
        OffsetsResult result = observed.getOffsetsApplied();
        if (move == null || !ConnectorMoves.CREATE.equals(move.getStep()) || result == null || target.getPendingOffsets() == null
                || !result.getId().equals(target.getPendingOffsets().getId())
                || previous != null && previous.getOffsetsApplied() != null && previous.getOffsetsApplied().getId().equals(result.getId())) {
            return List.of();
        }
        if (result.getCode() < 300) {
            return done(target, observed.getObservedAt());
        }
        return undo(target, observed.getObservedAt(), "the worker of cluster " + move.getTo() + " refused the offsets: " + result.getMessage());
    }

    /**
     * The target's workers refused to create it ({@link ConnectorMoves#refusedByTargetWorkers}): the
     * target is deleted and the source goes back to its state, with why.
     */
    static List<ConnectorCommand> afterTargetRefused(ConnectorState target, ConnectorObservation previous, ConnectorObservation observed) {
        String why = ConnectorMoves.refusedByTargetWorkers(target, previous, observed);
        return why == null ? List.of() : undo(target, observed.getObservedAt(), why);
    }

    private static List<ConnectorCommand> undo(ConnectorState target, long at, String why) {
        MoveStep move = target.getMove();
        List<ConnectorCommand> undo = new ArrayList<>();
        undo.add(command(move, ConnectorMoves.UNDO, move.getTo(), target.getName(), new DeleteConnector(), at, null));
        undo.add(command(move, ConnectorMoves.REFUSED, move.getFrom(), target.getName(), new ChangeTargetState(TargetState.STOPPED), at, why));
        return undo;
    }

    private static List<ConnectorCommand> done(ConnectorState target, long at) {
        MoveStep move = target.getMove();
        return List.of(
                command(move, ConnectorMoves.RUN, move.getTo(), target.getName(), new ChangeTargetState(SetMoves.stateOnTarget(move)), at, null),
                command(move, ConnectorMoves.FINISH, move.getFrom(), target.getName(), new DeleteConnector(), at, null));
    }

    private static ConnectorCommand command(MoveStep move, String step, String cluster, String connector, Object action, long at,
                                            String reason) {
        String id = move.getMoveId() + ":" + step;
        return ConnectorCommand.newBuilder()
                .setCommandId(id)
                .setIdempotencyKey("move:" + id)
                .setCluster(cluster)
                .setConnector(connector)
                .setPrincipal(move.getPrincipal())
                .setRequestId(move.getRequestId())
                .setIssuedAt(at)
                .setAction(action)
                .setMove(MoveStep.newBuilder(move).setStep(step).setReason(reason).build())
                .build();
    }

    /** The record key of a step's command. */
    static String keyOf(ConnectorCommand command) {
        return new ConnectorKey(command.getCluster(), command.getConnector()).toString();
    }
}
