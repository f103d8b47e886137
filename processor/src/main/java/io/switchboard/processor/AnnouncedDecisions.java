package io.switchboard.processor;

import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.Outcome;

/**
 * Where each decision is announced to the replicas, and how a replica reads it back. An accepted
 * change to a connector (created or updated) writes its next state to the connectors store, and
 * that state's record in the store's changelog names the command that made it
 * ({@code lastCommandId}): that record is the announcement, and no decision record repeats it.
 * Every other decision (a refusal, a no-op, a delete, an answer replayed for a retry, a set's, a
 * policy's, and a change whose state does not name its command) is a record of the decisions topic.
 * The processor asks {@link #byState} before it writes a decision; a replica's decision listener
 * turns each changelog record back into the decision with {@link #fromState}.
 */
public final class AnnouncedDecisions {
    private AnnouncedDecisions() {
    }

    /** Whether the changelog record of the decision's next state announces it (so no decision record is written). */
    public static boolean byState(CommandDecision decision) {
        ConnectorState state = decision.getState();
        return !decision.getReplayed()
                && (decision.getOutcome() == Outcome.CREATED || decision.getOutcome() == Outcome.UPDATED)
                && state != null
                && decision.getCommandId().equals(state.getLastCommandId());
    }

    /**
     * The decision a connectors changelog record announces: its command, created when the state is
     * the first version made by that command (a create), updated otherwise. What a waiting request
     * and the data plane read of it (outcome, cluster, connector, state) is as the processor decided.
     */
    public static CommandDecision fromState(ConnectorState state) {
        boolean created = state.getVersion() == 1L && state.getCreatedAt() == state.getUpdatedAt();
        return CommandDecision.newBuilder()
                .setCommandId(state.getLastCommandId())
                .setCluster(state.getCluster())
                .setConnector(state.getName())
                .setOutcome(created ? Outcome.CREATED : Outcome.UPDATED)
                .setState(state)
                .build();
    }
}
