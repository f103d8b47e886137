package io.switchboard.rules;

import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.schemas.Outcome;

/**
 * The result of deciding one command against the current state.
 *
 * @param outcome   what happened
 * @param reason    why a command was refused (see {@link DecisionReasons}); null when accepted
 * @param message   the refusal in plain English, for logs; null when accepted
 * @param next      the connector after the command (null when it does not exist afterwards)
 * @param changed   whether the store must be written
 * @param event     the lifecycle event to publish, or null when nothing changed
 */
public record Decision(Outcome outcome, String reason, String message, ConnectorState next, boolean changed, LifecycleEvent event) {

    public CommandDecision toRecord(String commandId, ConnectorKey key) {
        return CommandDecision.newBuilder()
                .setCommandId(commandId)
                .setCluster(key.cluster())
                .setConnector(key.name())
                .setOutcome(outcome)
                .setMessage(message)
                .setReason(reason)
                .setState(next)
                .build();
    }
}
