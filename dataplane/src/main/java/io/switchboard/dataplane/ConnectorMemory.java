package io.switchboard.dataplane;

import io.switchboard.schemas.OffsetsResult;
import io.switchboard.schemas.TargetState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the reconciler remembers of one connector between looks at it: what it carried out (so that
 * each request is carried out once, and a difference at a version it made true is known as drift),
 * what it asked of the worker and when (so that it is not asked again too soon), and what it last
 * reported (so that only changes are reported).
 *
 * <p>One writer: its fields are private and change only through {@link #apply}, which takes a
 * {@link MemoryChange} (what happened), and through the two ways it is forgotten
 * ({@link #forgetCreatedBefore}, {@link #forgetDesired}), which only {@link ConnectorMemories}
 * calls. The {@link ReconcileStep} alone applies changes: the executor, the reporter and the worker
 * view answer what happened and read the memory, they do not change it. The integration tests'
 * {@code LayeringTest} checks that no other class calls them.
 *
 * <p>Invariants: a field that is null is not known, exactly as if it had never been set; the
 * fields that record a request carried out ({@link #restartApplied}, {@link #offsetsApplied},
 * {@link #topicsResetApplied}, {@link #autoRestarts}) are seeded from the connector's last
 * observation the first time a request needs them, so a new leader does not carry out again what
 * the previous one did. {@link ConnectorMemories} forgets what is kept "while desired" once the
 * connector is no longer desired, and the whole memory once it is on the worker no longer either.
 *
 * <p>Concurrency: changes are applied by the thread that holds the connector's claim
 * ({@link ConnectorClaims}); the claim's lock orders one holder's changes before the next holder's
 * reads. Two exceptions, both without the claim: the details reader's thread applies what it read
 * of the details ({@link ReconcileStep#readDetails}: the task configs and details due, the details
 * and when to read them next), and the pass that forgets expired {@code createdAt}s does so
 * atomically with the changes that set it (they are synchronized on the memory). The fields are
 * volatile for the readers that do not hold the claim: the details reader, the watcher's read of
 * {@link #workerConfig}, and that pass.
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
    private volatile Map<String, String> workerConfig;
    /** When (System.nanoTime) it was last reconciled on its own: a full pass that began earlier holds older news of it. */
    private volatile Long reconciledAlone;

    // Kept while the connector is desired.

    /** The id of the last restart request carried out. */
    private volatile String restartApplied;
    /** The worker's answer to the last offsets change made. */
    private volatile OffsetsResult offsetsApplied;
    /** The last active-topics reset made. */
    private volatile String topicsResetApplied;
    /** The desired version last made true on the worker; a difference at that version is drift. */
    private volatile Long versionApplied;
    private volatile Restarts autoRestarts;
    /** The target state last asked of the worker. */
    private volatile Requested targetRequested;
    /** Since when an offsets change has waited for the worker to stop the connector. */
    private volatile Long offsetsWaitingSince;
    private Long createdAt;
    /** What was put back after someone changed it on the worker, until it is reported. */
    private volatile List<String> pendingRepairs;
    /** Set after a config change the reconciler made, until the worker's task configs show it. */
    private volatile StaleTasks staleTasks;

    /** The fingerprint of what was last reported. */
    private volatile String lastReported;
    private volatile List<Map<String, String>> tasksReported;
    /** {@link ReconcileReporter#outcomes} as last reported. */
    private volatile String outcomesReported;
    private volatile Details details;
    /** Whether its status changed since its details were last read. */
    private volatile boolean detailsDue;
    /** Whether its task configs are to be read off a full pass (its tasks changed in number). */
    private volatile boolean tasksDue;
    /**
     * Its details are not read before this time (clock millis; 0: no wait): after a failed read,
     * and until the periodic refresh after it was first seen.
     */
    private volatile long detailsNotBefore;
    /** Since when it has been seen not yet as desired. */
    private volatile Long unsettledSince;
    /** What the status showed when the details were last asked for ({@link ReconcileReporter#detailsShape}). */
    private volatile String detailsShape;
    /** Since when the worker has shown a status of it not yet reported, while it is held. */
    private volatile Long changeShownSince;

    /**
     * Remembers what happened, the one way the memory changes (other than being forgotten). Each
     * change is applied whole: it is synchronized with the other changes, so a change made on the
     * details reader's thread is not lost in one made by the claim's holder.
     */
    synchronized void apply(MemoryChange change) {
        if (change instanceof MemoryChange.Created c) {
            workerConfig = c.config();
            createdAt = c.at();
            targetRequested = new Requested(c.target(), c.at());
            repaired(c.repair());
        } else if (change instanceof MemoryChange.ConfigPut c) {
            List<Map<String, String>> before = tasksReported;
            if (before == null) {
                before = c.lastTasks();
                tasksReported = before;
            }
            // The task configs are read until they show the change (see ReconcileReporter).
            staleTasks = new StaleTasks(before, c.at());
            repaired(c.repair());
        } else if (change instanceof MemoryChange.TargetStateAsked c) {
            targetRequested = new Requested(c.target(), c.at());
            repaired(c.repair());
        } else if (change instanceof MemoryChange.RestartDone c) {
            restartApplied = c.requestId();
        } else if (change instanceof MemoryChange.TopicsResetDone c) {
            topicsResetApplied = c.requestId();
        } else if (change instanceof MemoryChange.AutoRestarted c) {
            autoRestarts = new Restarts(c.count(), c.last());
        } else if (change instanceof MemoryChange.OffsetsAnswered c) {
            offsetsApplied = c.result();
        } else if (change instanceof MemoryChange.OffsetsAsked) {
            offsetsWaitingSince = null;
        } else if (change instanceof MemoryChange.OffsetsWaiting c) {
            if (offsetsWaitingSince == null) {
                offsetsWaitingSince = c.since();
            }
        } else if (change instanceof MemoryChange.OffsetsGivenUp c) {
            offsetsApplied = c.result();
            offsetsWaitingSince = null;
        } else if (change instanceof MemoryChange.VersionApplied c) {
            versionApplied = c.version();
        } else {
            applySeenOrReported(change);
        }
    }

    private void applySeenOrReported(MemoryChange change) {
        if (change instanceof MemoryChange.WorkerConfigSeen c) {
            workerConfig = c.config();
        } else if (change instanceof MemoryChange.Listed c) {
            workerConfig = c.config();
            // From now on, not being listed means it was removed, not that it is still starting,
            // and it is created again at once rather than after the grace.
            createdAt = null;
        } else if (change instanceof MemoryChange.ReconciledAlone c) {
            reconciledAlone = c.nanoTime();
        } else if (change instanceof MemoryChange.Settled) {
            unsettledSince = null;
            changeShownSince = null;
        } else if (change instanceof MemoryChange.Unsettled c) {
            if (unsettledSince == null) {
                unsettledSince = c.since();
            }
        } else if (change instanceof MemoryChange.ChangeShown c) {
            if (changeShownSince == null) {
                changeShownSince = c.since();
            }
        } else if (change instanceof MemoryChange.ChangeReported) {
            changeShownSince = null;
        } else if (change instanceof MemoryChange.DetailsFirstSeen c) {
            detailsShape = c.shape();
            if (c.notBefore() != null) {
                detailsNotBefore = Math.max(detailsNotBefore, c.notBefore());
            }
        } else if (change instanceof MemoryChange.DetailsDue c) {
            detailsDue = true;
            detailsShape = c.shape();
            detailsNotBefore = 0;
        } else if (change instanceof MemoryChange.DetailsRead c) {
            details = c.details();
            detailsDue = false;
        } else if (change instanceof MemoryChange.DetailsCurrent) {
            detailsDue = false;
        } else if (change instanceof MemoryChange.DetailsUnread c) {
            detailsNotBefore = c.notBefore();
        } else if (change instanceof MemoryChange.TasksWatched c) {
            staleTasks = c.stale();
        } else if (change instanceof MemoryChange.TasksDue c) {
            tasksDue = c.due();
        } else if (change instanceof MemoryChange.Reported c) {
            outcomesReported = c.outcomes();
            lastReported = c.fingerprint();
            tasksReported = c.tasks();
            pendingRepairs = null;
        } else {
            throw new IllegalArgumentException("Not a change of a connector's memory: " + change);
        }
    }

    /** Notes what was put back after someone changed it on the worker, to report with the next observation. */
    private void repaired(String what) {
        if (what != null) {
            List<String> repairs = new ArrayList<>(pendingRepairs == null ? List.of() : pendingRepairs);
            repairs.add(what);
            pendingRepairs = repairs;
        }
    }

    Map<String, String> workerConfig() {
        return workerConfig;
    }

    Long reconciledAlone() {
        return reconciledAlone;
    }

    String restartApplied() {
        return restartApplied;
    }

    OffsetsResult offsetsApplied() {
        return offsetsApplied;
    }

    String topicsResetApplied() {
        return topicsResetApplied;
    }

    Long versionApplied() {
        return versionApplied;
    }

    Restarts autoRestarts() {
        return autoRestarts;
    }

    Requested targetRequested() {
        return targetRequested;
    }

    Long offsetsWaitingSince() {
        return offsetsWaitingSince;
    }

    /** When the reconciler created it: one not listed yet so soon after is starting, not missing. */
    synchronized Long createdAt() {
        return createdAt;
    }

    List<String> pendingRepairs() {
        return pendingRepairs;
    }

    StaleTasks staleTasks() {
        return staleTasks;
    }

    String lastReported() {
        return lastReported;
    }

    List<Map<String, String>> tasksReported() {
        return tasksReported;
    }

    String outcomesReported() {
        return outcomesReported;
    }

    Details details() {
        return details;
    }

    boolean detailsDue() {
        return detailsDue;
    }

    boolean tasksDue() {
        return tasksDue;
    }

    long detailsNotBefore() {
        return detailsNotBefore;
    }

    Long unsettledSince() {
        return unsettledSince;
    }

    String detailsShape() {
        return detailsShape;
    }

    Long changeShownSince() {
        return changeShownSince;
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
