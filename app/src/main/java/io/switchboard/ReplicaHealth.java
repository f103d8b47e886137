package io.switchboard;

import io.switchboard.commands.DecisionListener;
import io.switchboard.dataplane.ConnectClusters;
import io.switchboard.dataplane.WorkerWall;
import org.apache.kafka.streams.KafkaStreams;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Whether this replica can serve: its command processor is running, and it is making progress
 * (no command has waited for its decision longer than the command timeout, which would mean the
 * stream thread stalled even though Kafka Streams still says RUNNING), and the data plane of every
 * Connect cluster is attached (its worker and its reconciler are running).
 *
 * <p>Besides that one answer ({@link #check}, Kafka Connect's {@code /health}), three with distinct
 * meanings, for an orchestrator's probes: {@link #started} (it has finished starting: restored its
 * stores and attached its data plane, once), {@link #ready} (it takes requests now: a request it
 * receives is answered, at worst after the wait of a partition moving between replicas) and
 * {@link #live} (the process is not wedged; true while it starts, restores or rebalances).
 */
public final class ReplicaHealth {
    public enum Status { HEALTHY, STARTING, UNHEALTHY }

    public record Report(Status status, String message) {
        boolean ok() {
            return status == Status.HEALTHY;
        }
    }

    private final KafkaStreams streams;
    private final DecisionListener decisions;
    private final Duration stallAfter;
    private final ConnectClusters clusters;
    private final Restorations restorations;
    private volatile boolean started;

    /**
     * @param clusters     the Connect clusters: while one is starting, so is the replica
     * @param restorations the stores Kafka Streams is restoring (its global restore listener)
     */
    public ReplicaHealth(KafkaStreams streams, DecisionListener decisions, Duration stallAfter, ConnectClusters clusters,
                         Restorations restorations) {
        this.streams = streams;
        this.decisions = decisions;
        this.stallAfter = stallAfter;
        this.clusters = clusters;
        this.restorations = restorations;
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
        // Kafka Connect's words; an embedded worker with no wall around it is said after them (docs/security.md).
        List<String> unwalled = clusters.unwalled();
        return new Report(Status.HEALTHY, "Worker has completed startup and is ready to handle requests." + (unwalled.isEmpty() ? ""
                : " Worker isolation: none for cluster " + String.join(", ", unwalled) + " (" + clusters.isolation(unwalled.get(0))
                        .map(WorkerWall.Isolation::description).orElse("") + "): its connectors can read this replica's files."));
    }

    /**
     * Whether the replica has finished starting: once its processor ran with every store restored
     * and every Connect cluster's data plane attached, it stays started (a startup probe's question).
     */
    public Report started() {
        if (started) {
            return new Report(Status.HEALTHY, "The replica has started.");
        }
        Report now = check();
        if (!now.ok()) {
            return now.status() == Status.UNHEALTHY ? now : new Report(Status.STARTING, now.message());
        }
        int restoring = restorations.count();
        if (restoring > 0) {
            return new Report(Status.STARTING, "The command processor is restoring " + restoring + " store partitions.");
        }
        started = true;
        return new Report(Status.HEALTHY, "The replica has started.");
    }

    /**
     * Whether the replica takes requests now: it has started, its processor is running or
     * rebalancing and makes progress, and every data plane is attached. A rebalance does not make
     * it unready: every replica of the group rebalances at once, and a request meanwhile waits for
     * its partition's new owner (bounded) rather than fails.
     */
    public Report ready() {
        Report start = started();
        if (!start.ok()) {
            return start;
        }
        Report now = check();
        if (now.ok() || streams.state() == KafkaStreams.State.REBALANCING && now.status() == Status.STARTING) {
            return new Report(Status.HEALTHY, "The replica answers reads and writes.");
        }
        return now;
    }

    /**
     * Whether the process is not wedged: its processor has not failed, and, while running, has not
     * left a command undecided past the command timeout. Starting, restoring and rebalancing are
     * alive: a restart would only start them over.
     */
    public Report live() {
        KafkaStreams.State state = streams.state();
        if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR
                || state == KafkaStreams.State.NOT_RUNNING) {
            return new Report(Status.UNHEALTHY, "The command processor is " + state + ".");
        }
        long oldest = decisions.oldestWaitMillis();
        if (state == KafkaStreams.State.RUNNING && restorations.count() == 0 && oldest > stallAfter.toMillis()) {
            return new Report(Status.UNHEALTHY, "The command processor has not decided a command for " + oldest + " ms.");
        }
        return new Report(Status.HEALTHY, "The process is alive (the command processor is " + state + ").");
    }

    /** Waits, at most two minutes, for the command processor to run; past that the replica serves anyway. */
    static void awaitRunning(KafkaStreams streams, org.slf4j.Logger log) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING) {
                throw new IllegalStateException("The command processor stopped while starting: " + streams.state());
            }
            if (System.nanoTime() > deadline) {
                log.warn("The command processor is not running yet ({}); serving anyway", streams.state());
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            if (Thread.currentThread().isInterrupted()) {
                throw new IllegalStateException("Interrupted while the command processor starts");
            }
        }
    }
}
