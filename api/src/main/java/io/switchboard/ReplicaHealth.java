package io.switchboard;

import io.switchboard.commands.DecisionListener;
import org.apache.kafka.streams.KafkaStreams;

import java.time.Duration;

/**
 * Whether this replica can serve: its command processor is running, and it is making progress
 * (no command has waited for its decision longer than the command timeout, which would mean the
 * stream thread stalled even though Kafka Streams still says RUNNING).
 */
public final class ReplicaHealth {
    public enum Status { HEALTHY, STARTING, UNHEALTHY }

    public record Report(Status status, String message) {
    }

    private final KafkaStreams streams;
    private final DecisionListener decisions;
    private final Duration stallAfter;

    public ReplicaHealth(KafkaStreams streams, DecisionListener decisions, Duration stallAfter) {
        this.streams = streams;
        this.decisions = decisions;
        this.stallAfter = stallAfter;
    }

    public Report check() {
        KafkaStreams.State state = streams.state();
        if (state == KafkaStreams.State.CREATED) {
            return new Report(Status.STARTING, "Worker is still starting up.");
        }
        if (!state.isRunningOrRebalancing()) {
            return new Report(Status.UNHEALTHY, "The command processor is " + state + ".");
        }
        long oldest = decisions.oldestWaitMillis();
        if (oldest > stallAfter.toMillis()) {
            return new Report(Status.UNHEALTHY, "The command processor has not decided a command for " + oldest + " ms.");
        }
        if (state == KafkaStreams.State.REBALANCING) {
            return new Report(Status.STARTING, "The command processor is rebalancing.");
        }
        return new Report(Status.HEALTHY, "Worker has completed startup and is ready to handle requests.");
    }
}
