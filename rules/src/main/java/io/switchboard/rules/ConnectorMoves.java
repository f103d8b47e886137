package io.switchboard.rules;

import io.switchboard.schemas.ChangeTargetState;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.ConnectorMoved;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.DeleteConnector;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.schemas.MoveStep;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.ReconcileFailure;
import io.switchboard.schemas.ReconcileConnector;
import io.switchboard.schemas.RecordPipelinePhase;
import io.switchboard.schemas.RecordPipelineTableLeftOut;
import io.switchboard.schemas.TargetState;
import io.switchboard.schemas.TargetStateChanged;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * A move of a connector from one Connect cluster to another, as steps each decided on one key
 * (the connector in one cluster), so that whichever replica holds a partition carries on a move
 * another began: start (the source stops), create (the target is created stopped with the offsets
 * the source's stop kept), run (the target, its offsets set, goes to the state the source had: a
 * {@link ConnectorMoved} event),
 * finish (the source is deleted); or refused (the target did not take it: the source goes back to
 * its state) and undo (the target's worker refused the offsets: the target is deleted). The
 * processor writes each step after the one before (see the processor's {@code MoveSteps}); a step
 * that no longer matches the connector's move (a step written twice, a connector gone) changes
 * nothing. While a move is under way the connector takes no other change. Pure, like the decider.
 */
public final class ConnectorMoves {
    public static final String START = "start";
    public static final String CREATE = "create";
    public static final String RUN = "run";
    public static final String FINISH = "finish";
    public static final String UNDO = "undo";
    public static final String REFUSED = "refused";

    private ConnectorMoves() {
    }

    /**
     * Whether the move the connector is in waits on a reading of its offsets now that it shows
     * stopped: it has begun, and the target is created with the offsets the worker reports once
     * the source stopped. A data plane that first sees such a connector (a replica that took the
     * cluster over from one stopped mid-move) reads them at once rather than on its periodic read.
     */
    public static boolean awaitsOffsets(ConnectorState state) {
        return state != null && state.getMove() != null && START.equals(state.getMove().getStep())
                && state.getTargetState() == TargetState.STOPPED;
    }

    /**
     * Why the target's workers refused a move's target, when the data plane's report of it says
     * so: the connector is the target of a move still at its create step (created stopped, its
     * offsets not yet set), and the data plane reports its create failing, the worker not having
     * it (a class its workers lack, a config they refuse). Newly so only: a report that repeats the
     * failure already reported answers null, as does any other report. The move is then undone
     * (the target deleted, the source back to the state it had), so that a connector the target
     * cannot run keeps running where it was.
     *
     * @param previous the data plane's report before this one (null: none)
     */
    public static String refusedByTargetWorkers(ConnectorState target, ConnectorObservation previous, ConnectorObservation observed) {
        if (target == null || target.getMove() == null || !CREATE.equals(target.getMove().getStep()) || observed == null) {
            return null;
        }
        ReconcileFailure failure = observed.getReconcileFailure();
        if (failure == null || !ABSENT.equals(failure.getObserved())) {
            return null;
        }
        ReconcileFailure before = previous == null ? null : previous.getReconcileFailure();
        if (before != null && ABSENT.equals(before.getObserved()) && before.getFirstFailedAt() == failure.getFirstFailedAt()) {
            return null;
        }
        return "the workers of cluster " + target.getMove().getTo() + " refused the connector: " + failure.getError();
    }

    /**
     * Whether a move's target with no offsets to set (the source had none) is on its workers now:
     * the data plane reports it stopped, as created, and not failing, where its report before did
     * not. Only then does it run and the source go, so that a target its workers cannot create
     * ({@link #refusedByTargetWorkers}) is found while the source is still there to go back to. A
     * target with offsets to set waits on its worker's answer to them instead.
     *
     * @param previous the data plane's report before this one (null: none)
     */
    public static boolean createdOnTargetWorkers(ConnectorState target, ConnectorObservation previous, ConnectorObservation observed) {
        return target != null && target.getMove() != null && CREATE.equals(target.getMove().getStep())
                && target.getPendingOffsets() == null && shownCreated(observed) && !shownCreated(previous);
    }

    private static boolean shownCreated(ConnectorObservation observed) {
        return observed != null && "STOPPED".equals(observed.getState()) && observed.getReconcileFailure() == null;
    }

    /**
     * What the target cluster would answer the move's create, decided now by the decider's own
     * function on the command the create step writes (the source's config, stopped), against the
     * target as it stands: the refusal (a connector of that name there, a built-in policy), or null
     * when it would take it. The API asks it before the source is stopped, so a move the target
     * refuses is answered at once and changes nothing; the processor decides the create step again
     * when it comes (the target may have changed meanwhile, and its user policies are the
     * processor's to apply).
     */
    public static Decision refusedByTarget(ControlPlane controlPlane, ConnectorState source, ConnectorState target, String to,
                                           String commandId, long at) {
        return refusedByTarget(controlPlane, source.getName(), source.getConfig(), target, to, commandId, at);
    }

    /** As above, for a move whose target is created with another config than the source's (a set's: {@link SetMoves}). */
    public static Decision refusedByTarget(ControlPlane controlPlane, String name, Map<String, String> config, ConnectorState target,
                                           String to, String commandId, long at) {
        ConnectorCommand create = ConnectorCommand.newBuilder().setCommandId(commandId).setCluster(to).setConnector(name)
                .setIssuedAt(at).setAction(new CreateConnector(Map.copyOf(config), TargetState.STOPPED, null)).build();
        Decision decided = CommandDecider.decide(controlPlane, target, create);
        return decided.outcome() == Outcome.CREATED ? null : decided;
    }

    /** What the data plane reports as a connector's state on the worker when the worker does not have it. */
    private static final String ABSENT = "ABSENT";

    /** Whether a change to a connector moving between clusters is refused: anything but a move's own steps, a repair and a pipeline's records. */
    static Decision refusedWhileMoving(ConnectorState current, ConnectorCommand command) {
        Object action = command.getAction();
        if (current == null || current.getMove() == null || command.getMove() != null || action instanceof ReconcileConnector
                || action instanceof RecordPipelinePhase || action instanceof RecordPipelineTableLeftOut) {
            return null;
        }
        return CommandDecider.refused(Outcome.CONFLICT, DecisionReasons.MOVE_UNDER_WAY, "connector " + current.getName()
                + " is moving to cluster " + current.getMove().getTo() + "; it takes changes again once the move ends", current);
    }

    /**
     * Decides a command that is a step of a move.
     *
     * @param plain decides the same command as it would be without the move (a create, a delete, a target state)
     */
    static Decision decide(ConnectorState current, ConnectorObservation observed, ConnectorCommand command,
                           java.util.function.Function<ConnectorCommand, Decision> plain) {
        MoveStep step = command.getMove();
        ConnectorCommand alone = ConnectorCommand.newBuilder(command).setMove(null).build();
        return switch (step.getStep()) {
            case START -> start(current, observed, command, step);
            case CREATE -> {
                if (!(command.getAction() instanceof CreateConnector)) {
                    throw new InvalidCommandException("A move's create step is a CreateConnector");
                }
                Decision created = plain.apply(alone);
                // A set's move: the target has the set's labels, as the set's own commands would give it.
                yield created.outcome() != Outcome.CREATED ? created : marked(created, ConnectorState.newBuilder(created.next())
                        .setMove(step).setLabels(step.getSet() == null ? created.next().getLabels() : step.getLabels()).build(), step);
            }
            case RUN -> {
                if (!matches(current, step)) {
                    yield unchanged(current);
                }
                TargetState state = SetMoves.stateOnTarget(step);
                yield toState(current, command, step, state, new ConnectorMoved(step.getMoveId(), step.getFrom(),
                        step.getTo(), current.getTargetState(), state, offsetsDigest(current)));
            }
            case REFUSED -> {
                if (!matches(current, step)) {
                    yield unchanged(current);
                }
                TargetState back = current.getMove().getTargetState();
                yield toState(current, command, step, back, new TargetStateChanged(current.getTargetState(), back));
            }
            case FINISH, UNDO -> {
                if (!(command.getAction() instanceof DeleteConnector)) {
                    throw new InvalidCommandException("A move's " + step.getStep() + " step is a DeleteConnector");
                }
                yield matches(current, step) ? marked(plain.apply(alone), null, step) : unchanged(current);
            }
            default -> throw new InvalidCommandException("Unknown step of a move: " + step.getStep());
        };
    }

    private static Decision start(ConnectorState current, ConnectorObservation observed, ConnectorCommand command, MoveStep step) {
        if (!(command.getAction() instanceof ChangeTargetState change) || change.getTargetState() != TargetState.STOPPED) {
            throw new InvalidCommandException("A move starts with a ChangeTargetState to STOPPED");
        }
        if (current == null) {
            return CommandDecider.notFound();
        }
        if (step.getTo().equals(current.getCluster()) || !step.getFrom().equals(current.getCluster())) {
            return CommandDecider.refused(Outcome.REJECTED, DecisionReasons.INVALID_MOVE,
                    "connector " + current.getName() + " is in cluster " + current.getCluster() + " already", current);
        }
        if (current.getMove() != null) {
            return CommandDecider.refused(Outcome.CONFLICT, DecisionReasons.MOVE_UNDER_WAY, "connector " + current.getName()
                    + " is moving to cluster " + current.getMove().getTo() + " already", current);
        }
        if (OffsetsDecisions.requestUnderWay(current, observed)) {
            return CommandDecider.refused(Outcome.CONFLICT, DecisionReasons.OFFSETS_REQUEST_PENDING,
                    "an offsets request for the connector is under way", current);
        }
        MoveStep started = MoveStep.newBuilder(step).setMoveId(command.getCommandId()).setTargetState(current.getTargetState())
                .setPrincipal(command.getPrincipal()).setRequestId(command.getRequestId()).build();
        ConnectorState next = CommandDecider.copyOf(current)
                .setTargetState(TargetState.STOPPED)
                .setVersion(current.getVersion() + 1)
                .setUpdatedAt(command.getIssuedAt())
                .setLastCommandId(command.getCommandId())
                .setMove(started)
                .build();
        LifecycleEvent event = CommandDecider.event(command, next.getVersion(),
                new TargetStateChanged(current.getTargetState(), TargetState.STOPPED));
        return marked(new Decision(Outcome.UPDATED, null, null, next, true, event), next, started);
    }

    /**
     * The SHA-256 (hex) of the offsets a move's target was created with, which its worker set: the
     * offsets the source's stop kept. Null when it moved with none.
     */
    static String offsetsDigest(ConnectorState target) {
        String offsets = target.getPendingOffsets() == null ? null : target.getPendingOffsets().getOffsets();
        if (offsets == null) {
            return null;
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(offsets.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** The connector to a target state, its move over (run on the target, refused on the source), with the event that says so. */
    private static Decision toState(ConnectorState current, ConnectorCommand command, MoveStep step, TargetState target, Object payload) {
        ConnectorState next = CommandDecider.copyOf(current)
                .setTargetState(target)
                .setVersion(current.getVersion() + 1)
                .setUpdatedAt(command.getIssuedAt())
                .setLastCommandId(command.getCommandId())
                .setMove(null)
                .build();
        LifecycleEvent event = CommandDecider.event(command, next.getVersion(), payload);
        return marked(new Decision(Outcome.UPDATED, null, null, next, true, event), next, step);
    }

    /** Whether a step belongs to the move the connector is in. */
    private static boolean matches(ConnectorState current, MoveStep step) {
        return current != null && current.getMove() != null && current.getMove().getMoveId().equals(step.getMoveId());
    }

    private static Decision unchanged(ConnectorState current) {
        return new Decision(Outcome.UNCHANGED, null, null, current, false, null);
    }

    /**
     * The decision with its next state, and its event naming the step: where it goes, not what it
     * carries (a set's move's config stays in the state and the commands, which only the control plane
     * reads; the event goes to the lifecycle topic and the history).
     */
    private static Decision marked(Decision decided, ConnectorState next, MoveStep step) {
        LifecycleEvent event = decided.event() == null ? null : LifecycleEvent.newBuilder(decided.event())
                .setMove(MoveStep.newBuilder(step).setConfig(null).build()).build();
        return new Decision(decided.outcome(), decided.reason(), decided.message(), next, decided.changed(), event,
                decided.policyVersions(), decided.warnings());
    }
}
