package io.switchboard.core;

import io.switchboard.schemas.TargetState;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What the connector service answers: the product's own view of connectors, mapped by each dialect. */
public final class Views {
    /** The most timeline entries one page holds. */
    public static final int MAX_TIMELINE_PAGE = 100;

    private Views() {
    }

    /**
     * A connector as desired, with secret values hidden. {@code tasks} is how many tasks the worker
     * last reported; {@code type} is "source", "sink" or null when unknown.
     */
    public record ConnectorView(String cluster, String name, Map<String, String> config, int tasks, String type,
                                TargetState target, long version, Instant createdAt, Instant updatedAt) {
        /** The same connector as a caller with this visibility sees it. */
        public ConnectorView shapedFor(Visibility visibility) {
            return visibility == Visibility.FULL ? this : new ConnectorView(cluster, name, visibility.shape(config), tasks, type,
                    target, version, createdAt, updatedAt);
        }
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

    /**
     * One page of a connector's incident timeline, newest first. {@code before} is the sequence to
     * ask the next (older) page with, null when this page reaches the oldest entry kept; {@code
     * dropped} how many older entries are no longer kept.
     */
    public record TimelineView(List<TimelineEntryView> entries, Long before, long dropped) {
    }

    /**
     * One incident: a status change the worker reported (with the traces it reported then), an
     * auto-restart (with when the next may come, null when the connector's limit is reached), a
     * failure or recovery of the data plane, a drift repaired or a repair asked for; {@code
     * version} is the connector's config version live then.
     */
    public record TimelineEntryView(long sequence, String kind, Instant occurredAt, long version, String principal,
                                    String previous, String state, String workerId, String trace,
                                    List<TimelineTaskView> tasks, Integer restarts, Instant nextRestartAt, String detail) {
    }

    public record TimelineTaskView(int id, String state, String trace) {
    }

    /** A connector and its status, read together. */
    public record ConnectorDetails(ConnectorView connector, StatusView status) {
    }

    /** A config written: whether the connector was new, and how it looks now. */
    public record Written(boolean created, ConnectorView connector) {
    }

    /**
     * The last offsets change asked for a connector and where it is: PENDING until the worker has
     * answered, then APPLIED or FAILED (with the worker's message).
     *
     * @param offsetsJson         Kafka Connect's offsets body asked for; null for a reset
     * @param previousOffsetsJson the offsets just before the change (Kafka Connect's body), when the request stopped the connector for it
     */
    public record OffsetsRequestView(String id, String offsetsJson, Instant requestedAt, Phase phase, String message,
                                     String previousOffsetsJson, Instant appliedAt) {
        public enum Phase { PENDING, APPLIED, FAILED }
    }

    /** A named secret: never its value. */
    public record SecretView(String cluster, String name, Map<String, String> labels, Instant createdAt, Instant updatedAt) {
    }

    /** The active topics and committed offsets the data plane last read, and when. */
    public record ObservedDetails(List<String> activeTopics, String offsetsJson, Instant observedAt) {
    }
}
