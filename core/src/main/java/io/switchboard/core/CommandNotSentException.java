package io.switchboard.core;

import io.switchboard.schemas.ConnectorCommand;

/** Kafka did not acknowledge the command: it may or may not have been written. */
public class CommandNotSentException extends RuntimeException {
    public CommandNotSentException(ConnectorCommand command, Throwable cause) {
        super("Kafka did not acknowledge command " + command.getCommandId() + " for connector "
                + command.getConnector() + " (" + cause.getClass().getSimpleName() + ": " + cause.getMessage()
                + "). It may or may not be applied; read the connector to find out before retrying.", cause);
    }
}
