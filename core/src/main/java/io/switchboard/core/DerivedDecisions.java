package io.switchboard.core;

import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Follows the decisions of the per-connector commands a set's change writes once accepted
 * ({@code <change>/<n>}, {@code SetDecider.commands}), as the decision feed brings them, so that an
 * apply or a revert is answered once each of its connectors' commands is decided (accepted or
 * refused). Nothing polls: each command's decision completes its own future. Bounded: at most
 * {@link #MAX_FOLLOWED} commands followed at once, each for {@link #WAIT}; past either, the answer
 * does not wait (the commands are in Kafka already and are decided all the same).
 */
final class DerivedDecisions {
    static final Duration WAIT = Duration.ofSeconds(30);
    /** Ten changes of 500 connectors, each with a config and a target state. */
    static final int MAX_FOLLOWED = 10_000;
    private final CommandBus bus;
    private final AtomicInteger followed = new AtomicInteger();

    DerivedDecisions(CommandBus bus) {
        this.bus = bus;
    }

    /** Starts following the commands' decisions; call it before the set's command is sent, so that none is missed. */
    Following follow(List<ConnectorCommand> commands) {
        int count = commands.size();
        if (count == 0) {
            return Following.NONE;
        }
        if (followed.addAndGet(count) > MAX_FOLLOWED) {
            followed.addAndGet(-count);
            return Following.NONE;
        }
        List<CompletableFuture<CommandDecision>> decisions = new ArrayList<>(count);
        for (ConnectorCommand command : commands) {
            CompletableFuture<CommandDecision> decision;
            try {
                decision = bus.decisionOf(command.getCommandId(), WAIT);
            } catch (RuntimeException e) {
                decision = CompletableFuture.failedFuture(e);
            }
            decision.whenComplete((d, error) -> followed.decrementAndGet());
            decisions.add(decision);
        }
        return new Following(decisions);
    }

    /** The decisions of one change's commands. */
    static final class Following {
        static final Following NONE = new Following(List.of());
        private final List<CompletableFuture<CommandDecision>> decisions;

        private Following(List<CompletableFuture<CommandDecision>> decisions) {
            this.decisions = decisions;
        }

        /** Completes once every one is decided, or no longer waited for (timed out, stopped); never fails. */
        CompletableFuture<Void> decided() {
            return CompletableFuture.allOf(decisions.toArray(CompletableFuture[]::new)).handle((all, error) -> null);
        }

        /** Stops following them: the set's command was not accepted, so they were not written. */
        void stop() {
            decisions.forEach(d -> d.cancel(false));
        }
    }
}
