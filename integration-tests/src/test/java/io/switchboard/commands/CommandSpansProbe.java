package io.switchboard.commands;

import io.opentelemetry.api.OpenTelemetry;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.DeleteConnector;
import org.apache.kafka.common.header.Headers;

/** A command's send span, as the gateway makes it, for a test reading the headers it writes. */
public final class CommandSpansProbe {
    private CommandSpansProbe() {
    }

    public static void send(OpenTelemetry openTelemetry, Headers headers) {
        ConnectorCommand command = ConnectorCommand.newBuilder().setCommandId("probe").setCluster("default").setConnector("c")
                .setIssuedAt(1L).setAction(new DeleteConnector()).build();
        CommandSpans.sent(new CommandSpans(openTelemetry).send(command, "switchboard.commands", headers), null);
    }
}
