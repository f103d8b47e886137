package io.switchboard.core;

import io.switchboard.core.ServiceException.Operation;
import io.switchboard.rules.ConnectorKey;
import io.switchboard.rules.ConnectorRules;
import io.switchboard.rules.Decision;
import io.switchboard.rules.DecisionReasons;
import io.switchboard.rules.PipelineOwnership;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.TargetState;

/**
 * The processor's decisions as the connector service answers them: a command carried out, or its
 * refusal as the domain error each dialect words. An early answer the service gives before the
 * decision (see {@link #requireOwner}) goes through the same words, so it cannot differ from the
 * decision's.
 */
final class DecisionAnswers {

    private DecisionAnswers() {
    }

    /**
     * Throws what the decider would answer a command that a pipeline's ownership of the connector
     * refuses ({@link PipelineOwnership#refusal}, the decider's own function), given the state.
     */
    static void requireOwner(ConnectorState current, ConnectorCommand command, Operation operation) {
        Decision refused = PipelineOwnership.refusal(current, command);
        if (refused != null) {
            accepted(refused.toRecord(command.getCommandId(), new ConnectorKey(command.getCluster(), command.getConnector())), operation);
        }
    }

    /** The decision when the command was carried out; else the refusal as a domain error. */
    static CommandDecision accepted(CommandDecision decision, Operation operation) {
        return switch (decision.getOutcome()) {
            case CREATED, UPDATED, UNCHANGED, DELETED -> decision;
            case NOT_FOUND -> throw ServiceException.NotFound.connector(decision.getConnector(), operation);
            case CONFLICT -> throw conflict(decision);
            case REJECTED -> throw refusal(decision);
            case IDEMPOTENCY_CONFLICT -> throw new ServiceException.IdempotencyConflict(decision.getMessage());
        };
    }

    private static ServiceException conflict(CommandDecision decision) {
        if (DecisionReasons.OWNED_BY_PIPELINE.equals(decision.getReason())) {
            return new ServiceException.NotTheOwner(decision.getConnector(), PipelineOwnership.owner(decision.getState()));
        }
        if (DecisionReasons.NOT_OWNED_BY_PIPELINE.equals(decision.getReason())) {
            return new ServiceException.NotTheOwner(decision.getConnector(), null);
        }
        if (DecisionReasons.OFFSETS_REQUEST_PENDING.equals(decision.getReason())) {
            return new ServiceException.Busy("An offsets request for connector " + decision.getConnector()
                    + " is under way; it must end before another is made");
        }
        if (DecisionReasons.MOVE_UNDER_WAY.equals(decision.getReason())) {
            return new ServiceException.Busy("Connector " + decision.getConnector() + " is moving between clusters: "
                    + decision.getMessage());
        }
        if (DecisionReasons.PHASE_CHANGED_MEANWHILE.equals(decision.getReason())) {
            return new ServiceException.Busy("The phase recorded for connector " + decision.getConnector() + " changed meanwhile: "
                    + decision.getMessage());
        }
        if (DecisionReasons.CHANGED_MEANWHILE.equals(decision.getReason())) {
            return new ServiceException.Busy("Connector " + decision.getConnector() + " changed while the request was validated; send it again");
        }
        return new ServiceException.AlreadyExists(decision.getConnector());
    }

    private static ServiceException refusal(CommandDecision decision) {
        String reason = decision.getReason();
        if (DecisionReasons.NOT_STOPPED.equals(reason)) {
            return new ServiceException.NotInState(decision.getConnector(), TargetState.STOPPED);
        }
        if (DecisionReasons.PIPELINE_ID_RESERVED.equals(reason)) {
            return new ServiceException.InvalidRequest(PipelineOwnership.PIPELINE_ID, PipelineOwnership.PIPELINE_ID
                    + " is set only by the pipeline service (/api/v1/connectors), for the connectors of the pipeline it names");
        }
        if (DecisionReasons.INVALID_NAME.equals(reason)) {
            return new ServiceException.InvalidRequest("name", decision.getMessage());
        }
        if (DecisionReasons.NO_CONNECTOR_CLASS.equals(reason)) {
            return new ServiceException.InvalidRequest(ConnectorRules.CONNECTOR_CLASS,
                    "Connector config for " + decision.getConnector() + " contains no connector type");
        }
        return new ServiceException.InvalidRequest(decision.getMessage());
    }
}
