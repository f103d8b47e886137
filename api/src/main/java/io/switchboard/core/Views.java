package io.switchboard.core;

import io.switchboard.schemas.TargetState;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What the connector service answers: the product's own view of connectors, mapped by each dialect. */
public final class Views {
    private Views() {
    }

    /**
     * A connector as desired, with secret values hidden. {@code tasks} is how many tasks the worker
     * last reported; {@code type} is "source", "sink" or null when unknown.
     */
    public record ConnectorView(String cluster, String name, Map<String, String> config, int tasks, String type,
                                TargetState target, long version, Instant createdAt, Instant updatedAt) {
    }

    /**
     * A connector as last observed on its worker; {@code state} is Kafka Connect's connector state
     * (UNASSIGNED until a worker reports it), {@code observedAt} null until then.
     */
    public record StatusView(String name, String state, String workerId, String trace, String version,
                             List<TaskStatusView> tasks, String type, TargetState target,
                             AutoRestartView autoRestart, ReconcileView reconcile, Instant observedAt) {
    }

    public record TaskStatusView(int id, String state, String workerId, String trace, String version) {
    }

    public record TaskConfigView(String connector, int task, Map<String, String> config) {
    }

    /** Restarts Switchboard made for a connector that opted in to auto-restart. */
    public record AutoRestartView(int count, Instant lastRestart) {
    }

    /** Why the data plane cannot make the connector as desired (see ReconcileFailure). */
    public record ReconcileView(String desired, String observed, int attempts, String lastError, Instant lastErrorAt,
                                Instant nextAttemptAt) {
    }

    /** A connector and its status, read together. */
    public record ConnectorDetails(ConnectorView connector, StatusView status) {
    }

    /** A config written: whether the connector was new, and how it looks now. */
    public record Written(boolean created, ConnectorView connector) {
    }

    /** The active topics and committed offsets the data plane last read, and when. */
    public record ObservedDetails(List<String> activeTopics, String offsetsJson, Instant observedAt) {
    }
}
