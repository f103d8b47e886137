package io.switchboard.rules;

import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.schemas.Outcome;

import java.util.List;
import java.util.Map;

/**
 * The result of deciding one command against the current state.
 *
 * @param outcome        what happened
 * @param reason         why a command was refused (see {@link DecisionReasons}); null when accepted
 * @param message        the refusal in plain English, for logs; null when accepted
 * @param next           the connector after the command (null when it does not exist afterwards)
 * @param changed        whether the store must be written
 * @param event          the lifecycle event to publish, or null when nothing changed
 * @param policyVersions the user policies in force the command's config was checked against, by name with their version
 * @param warnings       what warn policies said of an accepted change
 */
public record Decision(Outcome outcome, String reason, String message, ConnectorState next, boolean changed, LifecycleEvent event,
                       Map<String, Long> policyVersions, List<String> warnings) {

    public Decision(Outcome outcome, String reason, String message, ConnectorState next, boolean changed, LifecycleEvent event) {
        this(outcome, reason, message, next, changed, event, Map.of(), List.of());
    }

    public CommandDecision toRecord(String commandId, ConnectorKey key) {
        return CommandDecision.newBuilder()
                .setCommandId(commandId)
                .setCluster(key.cluster())
                .setConnector(key.name())
                .setOutcome(outcome)
                .setMessage(message)
                .setReason(reason)
                .setState(next)
                .setPolicyVersions(policyVersions)
                .setWarnings(warnings)
                .build();
    }
}
