package io.switchboard.core;

import io.switchboard.rules.ConnectorKey;
import io.switchboard.rules.ControlPlane;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Where the core sends commands and hears their decisions: the command topic and the processor
 * behind it (the commands package answers it on Kafka).
 */
public interface CommandBus {

    /**
     * The control plane the commands go to (its topics and groups): what the decider behind the bus
     * checks every config against ({@link io.switchboard.rules.ConnectorPolicies}), and the core's
     * early answers with it.
     */
    ControlPlane controlPlane();

    /** A command for one connector, stamped with a fresh id and the time it was accepted. */
    ConnectorCommand.Builder command(ConnectorKey key, Object action, RequestContext request);

    /** Sends the command and completes with its decision; fails when it was not sent, or no decision came in time. */
    CompletableFuture<CommandDecision> submit(ConnectorCommand command);

    /** Sends the command and completes once Kafka holds it, without waiting for its decision. */
    CompletableFuture<Void> submitDurably(ConnectorCommand command);

    /**
     * Completes with the decision of a command this replica does not send (one a set's change
     * writes), as decisions arrive, or fails with a timeout once {@code timeout} has passed without
     * it. Call it before the command can be decided; cancelling the future stops following it.
     */
    CompletableFuture<CommandDecision> decisionOf(String commandId, Duration timeout);
}
