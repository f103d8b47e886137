package io.switchboard.rules;

import io.switchboard.schemas.ChangeTargetState;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.MoveStep;
import io.switchboard.schemas.SetChange;
import io.switchboard.schemas.SetItem;
import io.switchboard.schemas.TargetState;

import java.util.List;
import java.util.TreeMap;

/**
 * A set's change that moves a connector here from another Connect cluster (a set file whose
 * connector changed {@code cluster}): the item names the cluster it is in now ({@link SetItem#getFrom}),
 * and the change writes the move's first step ({@link ConnectorMoves#START}) keyed to the connector
 * there, in the transaction of the set's decision. The move's own steps do the rest
 * ({@link ConnectorMoves}); the step carries what the set wants of the target (its config, labels
 * and target state), so the target is created with the file's config and the set's labels, and
 * runs (or pauses, or stays stopped) as the file says. Pure, like {@link SetDecider}.
 */
public final class SetMoves {
    private SetMoves() {
    }

    /** The id of the move a set's change makes of a connector, and of its start command: the change's and the connector's. */
    public static String moveId(String changeId, String connector) {
        return changeId + "/move:" + connector;
    }

    /**
     * The move's first step: the source stopped, keyed to the connector in the cluster it is in,
     * with the change's principal, time and request id. Its command id and Idempotency-Key are
     * derived from the change's id and the connector's name, so written twice it changes nothing.
     */
    public static ConnectorCommand start(ConnectorCommand change, SetItem item) {
        String id = moveId(change.getCommandId(), item.getConnector());
        MoveStep step = MoveStep.newBuilder()
                .setMoveId(id)
                .setStep(ConnectorMoves.START)
                .setFrom(item.getFrom())
                .setTo(change.getCluster())
                .setTargetState(TargetState.RUNNING)
                .setReason(null)
                .setPrincipal(change.getPrincipal())
                .setRequestId(change.getCommandId())
                .setSet(change.getConnector().substring(SetDecider.PREFIX.length()))
                .setConfig(new TreeMap<>(item.getConfig()))
                .setLabels(new TreeMap<>(item.getLabels()))
                .setState(item.getTargetState())
                .build();
        return ConnectorCommand.newBuilder()
                .setCommandId(id)
                .setIdempotencyKey("move:" + id)
                .setCluster(item.getFrom())
                .setConnector(item.getConnector())
                .setRequestId(change.getCommandId())
                .setPrincipal(change.getPrincipal())
                .setIssuedAt(change.getIssuedAt())
                .setAction(new ChangeTargetState(TargetState.STOPPED))
                .setMove(step)
                .build();
    }

    /** What the set's decider refuses of a move item beyond any other item's checks, or null. */
    static String problem(String cluster, SetItem item) {
        if (item.getFrom().equals(cluster)) {
            return "a move's source cluster is the set's own (" + cluster + ")";
        }
        if (item.getAdopt() || item.getPreviousConfig() == null) {
            return "a move names the config the connector has in cluster " + item.getFrom();
        }
        return null;
    }

    /** The connectors a change moved, each with the cluster it came from ("orders-sink from default"), or null when none. */
    static String movedIn(SetChange change) {
        List<String> moved = change.getItems().stream().filter(i -> i.getFrom() != null)
                .map(i -> i.getConnector() + " from " + i.getFrom()).toList();
        return moved.isEmpty() ? null : String.join(", ", moved);
    }

    /** Whether an item moves its connector here from another cluster. */
    public static boolean moves(SetItem item) {
        return item.getConfig() != null && item.getFrom() != null;
    }

    /** The target state a move's target takes when it runs: the set's, else the one the source had. */
    public static TargetState stateOnTarget(MoveStep move) {
        return move.getState() != null ? move.getState() : move.getTargetState();
    }
}
