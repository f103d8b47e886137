package io.switchboard.dataplane;

import io.switchboard.schemas.OffsetsResult;
import io.switchboard.schemas.TargetState;

import java.util.List;
import java.util.Map;

/**
 * What the reconciler remembers of one connector between looks at it: what it carried out (so that
 * each request is carried out once, and a difference at a version it made true is known as drift),
 * what it asked of the worker and when (so that it is not asked again too soon), and what it last
 * reported (so that only changes are reported).
 *
 * <p>Invariants: a field that is null is not known, exactly as if it had never been set; the
 * fields that record a request carried out ({@link #restartApplied}, {@link #offsetsApplied},
 * {@link #topicsResetApplied}, {@link #autoRestarts}) are seeded from the connector's last
 * observation the first time a request needs them, so a new leader does not carry out again what
 * the previous one did. {@link ConnectorMemories} forgets what is kept "while desired" once the
 * connector is no longer desired, and the whole memory once it is on the worker no longer either.
 *
 * <p>Concurrency: a connector's memory is read and written by the thread that holds its claim
 * ({@link ConnectorClaims}); the claim's lock orders one holder's writes before the next holder's
 * reads. The fields are volatile for the few readers that do not hold the claim: the details
 * reader ({@link #details}, {@link #detailsDue}), the watcher's read of {@link #workerConfig}, and
 * the pass that forgets expired {@link #createdAt}s, which does so atomically with its setter.
 */
final class ConnectorMemory {
    /** Auto-restarts: how many since the connector was last healthy, and when the last was. */
    record Restarts(int count, Long last) {
        static final Restarts NONE = new Restarts(0, null);
    }

    /** Active topics and offsets read, and when; read again every {@link ReconcileReporter#DETAILS_EVERY_MS}. */
    record Details(List<String> topics, String offsets, long at) {
    }

    /** A target state asked of the worker, and when; asked again only after a while if it does not show. */
    record Requested(TargetState target, long at) {
    }

    /**
     * The task configs reported before the reconciler changed a connector's config, until when to
     * look for new ones, and when to read them next. Each read waits on the worker's herder thread,
     * which is also the one that carries out config changes: the reads of one connector are spaced
     * out, first {@link #FIRST_READ_MS} after the change, then twice as long each time up to
     * {@link #READ_MAX_MS}, rather than made on every look at it.
     */
    record StaleTasks(List<Map<String, String>> before, long until, long nextRead, long delay) {
        static final long FIRST_READ_MS = 250;
        static final long READ_MAX_MS = 2_000;
        /** How long after a config change the worker's task configs are read until they change. */
        static final long WATCH_MS = 60_000;

        StaleTasks(List<Map<String, String>> before, long now) {
            this(before, now + WATCH_MS, now + FIRST_READ_MS, FIRST_READ_MS);
        }

        StaleTasks readAt(long now) {
            long next = Math.min(READ_MAX_MS, delay * 2);
            return new StaleTasks(before, until, now + next, next);
        }
    }

    // Kept while the connector is on the worker, desired or not.

    /** The config the worker was last seen or made to have: a single-connector reconcile need not read it. */
    volatile Map<String, String> workerConfig;
    /** When (System.nanoTime) it was last reconciled on its own: a full pass that began earlier holds older news of it. */
    volatile Long reconciledAlone;

    // Kept while the connector is desired.

    /** The id of the last restart request carried out. */
    volatile String restartApplied;
    /** The worker's answer to the last offsets change made. */
    volatile OffsetsResult offsetsApplied;
    /** The last active-topics reset made. */
    volatile String topicsResetApplied;
    /** The desired version last made true on the worker; a difference at that version is drift. */
    volatile Long versionApplied;
    volatile Restarts autoRestarts;
    /** The target state last asked of the worker. */
    volatile Requested targetRequested;
    /** Since when an offsets change has waited for the worker to stop the connector. */
    volatile Long offsetsWaitingSince;
    private Long createdAt;
    /** What was put back after someone changed it on the worker, until it is reported. */
    volatile List<String> pendingRepairs;
    /** Set after a config change the reconciler made, until the worker's task configs show it. */
    volatile StaleTasks staleTasks;

    /** The fingerprint of what was last reported. */
    volatile String lastReported;
    volatile List<Map<String, String>> tasksReported;
    /** {@link ReconcileReporter#outcomes} as last reported. */
    volatile String outcomesReported;
    volatile Details details;
    /** Whether its status changed since its details were last read. */
    volatile boolean detailsDue;
    /** Whether its task configs are to be read off a full pass (its tasks changed in number). */
    volatile boolean tasksDue;
    /**
     * Its details are not read before this time (clock millis; 0: no wait): after a failed read,
     * and until the periodic refresh after it was first seen.
     */
    volatile long detailsNotBefore;
    /** Since when it has been seen not yet as desired. */
    volatile Long unsettledSince;
    /** What the status showed when the details were last asked for ({@link ReconcileReporter#detailsShape}). */
    volatile String detailsShape;
    /** Since when the worker has shown a status of it not yet reported, while it is held. */
    volatile Long changeShownSince;

    /** When the reconciler created it: one not listed yet so soon after is starting, not missing. */
    synchronized Long createdAt() {
        return createdAt;
    }

    synchronized void createdAt(long at) {
        createdAt = at;
    }

    /**
     * The worker listed it: from now on, not being listed means it was removed, not that it is still
     * starting, and it is created again at once rather than after the grace.
     */
    synchronized void listed() {
        createdAt = null;
    }

    /** Forgets when it was created once that is more than {@code graceMs} ago. */
    synchronized void forgetCreatedBefore(long now, long graceMs) {
        if (createdAt != null && now - createdAt > graceMs) {
            createdAt = null;
        }
    }

    /** Forgets everything kept only while the connector is desired. */
    synchronized void forgetDesired() {
        restartApplied = null;
        offsetsApplied = null;
        topicsResetApplied = null;
        versionApplied = null;
        autoRestarts = null;
        targetRequested = null;
        offsetsWaitingSince = null;
        createdAt = null;
        pendingRepairs = null;
        staleTasks = null;
        lastReported = null;
        tasksReported = null;
        outcomesReported = null;
        details = null;
        detailsDue = false;
        tasksDue = false;
        detailsNotBefore = 0;
        unsettledSince = null;
        changeShownSince = null;
        detailsShape = null;
    }
}
