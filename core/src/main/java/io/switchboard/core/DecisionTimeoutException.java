package io.switchboard.core;

import io.switchboard.schemas.ConnectorCommand;

import java.time.Duration;

/** The command is durably in Kafka and will be applied, but its decision did not arrive in time. */
public class DecisionTimeoutException extends RuntimeException {
    public DecisionTimeoutException(ConnectorCommand command, Duration waited) {
        super("Command " + command.getCommandId() + " for connector " + command.getConnector()
                + " was accepted by Kafka and will be applied, but no decision arrived within "
                + waited.toMillis() + " ms. Read the connector to see its effect before retrying.");
    }
}
