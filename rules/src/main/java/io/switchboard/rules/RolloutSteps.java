package io.switchboard.rules;

import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.Rollout;
import io.switchboard.schemas.RolloutConnector;
import io.switchboard.schemas.RolloutState;
import io.switchboard.schemas.RolloutStep;
import io.switchboard.rules.RolloutDecider.RolloutDecision;

import java.util.ArrayList;
import java.util.List;

/**
 * A rollout's steps ({@link RolloutStep}), decided against the rollout as the cluster's record holds
 * it ({@link RolloutDecider}): a step of another batch, of a rollout finished or unknown, or that
 * its state does not allow (passed before its watch is over) is answered unchanged and writes nothing.
 */
final class RolloutSteps {
    private RolloutSteps() {
    }

    static RolloutDecision step(RolloutState current, ConnectorCommand command, RolloutStep step) {
        List<Rollout> rollouts = new ArrayList<>(current == null ? List.of() : current.getRollouts());
        int at = -1;
        for (int i = 0; i < rollouts.size(); i++) {
            if (rollouts.get(i).getId().equals(step.getRolloutId())) {
                at = i;
            }
        }
        if (at < 0) {
            return RolloutDecider.refused(Outcome.NOT_FOUND, DecisionReasons.NOT_FOUND, "the cluster keeps no rollout "
                    + step.getRolloutId(), current);
        }
        Rollout rollout = rollouts.get(at);
        if (!RolloutDecider.underWay(rollout) || rollout.getCurrentBatch() != step.getBatch()) {
            return unchanged(current);
        }
        long now = command.getIssuedAt();
        Rollout.Builder next = Rollout.newBuilder(rollout);
        List<ConnectorCommand> derived = List.of();
        switch (step.getStep()) {
            case RolloutDecider.STEP_RUNNING -> {
                if (rollout.getWatchedFrom() != null) {
                    return unchanged(current);
                }
                next.setWatchedFrom(now).setState(step.getBatch() == 0 ? RolloutDecider.WATCHING : RolloutDecider.PROMOTING);
            }
            case RolloutDecider.STEP_PASSED -> {
                if (rollout.getWatchedFrom() == null || now < rollout.getWatchedFrom() + rollout.getWatchSeconds() * 1000L) {
                    return unchanged(current);
                }
                int following = rollout.getCurrentBatch() + 1;
                if (rollout.getConnectors().stream().noneMatch(c -> c.getBatch() == following)) {
                    next.setState(RolloutDecider.DONE).setFinishedAt(now).setWatchedFrom(null);
                } else {
                    List<RolloutConnector> connectors = new ArrayList<>();
                    for (RolloutConnector c : rollout.getConnectors()) {
                        connectors.add(c.getBatch() == following ? RolloutConnector.newBuilder(c).setMoved(true).build() : c);
                    }
                    next.setState(RolloutDecider.PROMOTING).setCurrentBatch(following).setBatchStartedAt(now).setWatchedFrom(null)
                            .setConnectors(connectors);
                    derived = RolloutDecider.patches(command, rollout, following, false, null);
                }
            }
            case RolloutDecider.STEP_FAILED -> {
                String reason = step.getReason() == null ? "the batch failed" : step.getReason();
                if (reason.length() > RolloutDecider.MAX_REASON) {
                    reason = reason.substring(0, RolloutDecider.MAX_REASON) + "...";
                }
                List<RolloutConnector> connectors = new ArrayList<>();
                for (RolloutConnector c : rollout.getConnectors()) {
                    connectors.add(c.getMoved() ? RolloutConnector.newBuilder(c).setRolledBack(true).build() : c);
                }
                next.setState(RolloutDecider.ROLLED_BACK).setReason(reason).setFinishedAt(now).setConnectors(connectors);
                derived = RolloutDecider.patches(command, rollout, step.getBatch(), true, reason);
            }
            default -> {
                return RolloutDecider.refused(Outcome.REJECTED, DecisionReasons.INVALID_ROLLOUT, "no such step of a rollout: "
                        + step.getStep(), current);
            }
        }
        rollouts.set(at, next.build());
        RolloutState state = RolloutDecider.kept(command.getCluster(), rollouts);
        if (state == null) {
            return RolloutDecider.refused(Outcome.REJECTED, DecisionReasons.INVALID_ROLLOUT, "the cluster's rollouts would not fit"
                    + " in one record", current);
        }
        return new RolloutDecision(Outcome.UPDATED, null, null, state, derived);
    }

    private static RolloutDecision unchanged(RolloutState current) {
        return new RolloutDecision(Outcome.UNCHANGED, null, null, current, List.of());
    }
}
