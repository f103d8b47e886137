package io.switchboard;

import io.switchboard.commands.DecisionListener;
import io.switchboard.dataplane.ConnectClusters;
import org.apache.kafka.streams.KafkaStreams;

import java.time.Duration;
import java.util.List;

/**
 * Whether this replica can serve: its command processor is running, and it is making progress
 * (no command has waited for its decision longer than the command timeout, which would mean the
 * stream thread stalled even though Kafka Streams still says RUNNING), and the data plane of every
 * Connect cluster is attached (its worker and its reconciler are running).
 */
public final class ReplicaHealth {
    public enum Status { HEALTHY, STARTING, UNHEALTHY }

    public record Report(Status status, String message) {
    }

    private final KafkaStreams streams;
    private final DecisionListener decisions;
    private final Duration stallAfter;
    private final ConnectClusters clusters;

    /** @param clusters the Connect clusters: while one is starting, so is the replica */
    public ReplicaHealth(KafkaStreams streams, DecisionListener decisions, Duration stallAfter, ConnectClusters clusters) {
        this.streams = streams;
        this.decisions = decisions;
        this.stallAfter = stallAfter;
        this.clusters = clusters;
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
        // Like Kafka Connect's, healthy means every endpoint can be served, the worker's too.
        List<String> starting = clusters.startingClusters();
        if (!starting.isEmpty()) {
            return new Report(Status.STARTING, ConnectClusters.startingMessage(starting.get(0)));
        }
        return new Report(Status.HEALTHY, "Worker has completed startup and is ready to handle requests.");
    }
}
