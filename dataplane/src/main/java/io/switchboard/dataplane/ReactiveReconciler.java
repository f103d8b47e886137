package io.switchboard.dataplane;

import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reconciles each connector as soon as a change to it is decided, instead of waiting for the next
 * pass, and then watches it until the worker shows it as desired, so that its status is reported
 * as soon as the worker has it. Watching runs on a thread of its own, so a full pass that waits on
 * the worker never holds up the reports. When the worker's statuses are read from its status
 * topic, watching costs the worker nothing: a watched connector is looked at as soon as the topic
 * shows a change to it ({@link #statusesChanged}; looks at most one per {@link #CHANGE_LOOK_GAP_MS},
 * so that the changes of a burst are looked at together), and every watched connector each
 * {@link #WATCH_TICK_MS}; otherwise the worker's REST API is read, paced. Decisions for one connector that arrive while it waits are
 * coalesced into the latest; a connector is reconciled by one thread at a time. Its threads run
 * only while this replica holds the cluster's lease ({@link #active}): a replica that does not
 * reconcile the cluster runs none. Everything is bounded: {@link #THREADS} threads and a watcher, at most {@link #MAX_PENDING} connectors waiting and
 * {@link #MAX_WATCHED} watched (beyond that, the periodic pass takes care of them), each for at
 * most {@link #WATCH_FOR_MS}.
 */
public final class ReactiveReconciler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReactiveReconciler.class);
    /**
     * Threads calling the worker for single connectors; each call mostly waits on the worker. A
     * worker's herder takes the config changes queued for it in batches, so it gets through more
     * of them when more are in flight: at 32, a burst of config changes is running in about two
     * thirds of the time the same changes take on a worker driven directly, where 16 takes about as
     * long as that and 8 nearly twice as long as 16 ({@code bench/run.sh}; figures in bench/RESULTS.md).
     * Pauses, resumes and stops, which start no rebalance, are held to fewer in flight
     * ({@link TargetStateCalls}).
     */
    static final int THREADS = 32;
    static final int MAX_PENDING = 10_000;
    static final int MAX_WATCHED = 10_000;
    static final long WATCH_FOR_MS = 120_000;
    /** Up to this many watched connectors are read one by one; more are read with one list call. */
    static final int READ_ALONE_AT_MOST = 8;

    private final String cluster;
    private final Reconciler reconciler;
    /** Connectors waiting, in order, each with what it is reconciled to: the state last decided, or the store's. */
    private final LinkedHashMap<String, Desired> pending = new LinkedHashMap<>();
    private final Set<String> inProgress = new HashSet<>();
    /** When to look at a watched connector next, how long to wait after that, and until when to watch it at most. */
    private record Watch(long next, long delay, long until) {
        Watch later(long now) {
            long longer = Math.min(WATCH_DELAY_MAX_MS, delay * 3 / 2);
            return new Watch(now + longer, longer, until);
        }
    }

    static final long WATCH_DELAY_FIRST_MS = 250;
    static final long WATCH_DELAY_MAX_MS = 2_000;
    /** Connectors watched until the worker shows them as desired. */
    private final LinkedHashMap<String, Watch> watched = new LinkedHashMap<>();
    /** The threads alive. */
    private final OwnedThreads threads = new OwnedThreads();
    /** Workers alive (guarded by this): at most {@link #THREADS}. */
    private int workers;
    /** Whether the watcher is alive (guarded by this). */
    private boolean watching;
    private int nextThreadId;
    private boolean started;
    /** How often the watcher looks at every connector it watches, whatever the status topic shows. */
    static final long WATCH_TICK_MS = 250;
    /**
     * The least time between two looks at connectors whose statuses changed: a worker writes a
     * connector's status and then its tasks', a few milliseconds apart, and a look at both costs
     * one report where a look at each would cost two.
     */
    static final long CHANGE_LOOK_GAP_MS = 20;
    private final long watchTickMs;
    /** Connectors whose statuses the status topic showed changed since the watcher last looked; guarded by itself. */
    private final Set<String> changed = new HashSet<>();
    /** Held while looking at watched connectors: one look at a time, whoever asks. */
    private final Object looking = new Object();
    private boolean active;
    private volatile boolean closed;

    public ReactiveReconciler(String cluster, Reconciler reconciler) {
        this(cluster, reconciler, WATCH_TICK_MS);
    }

    /** @param watchTickMs how often every watched connector is looked at (tests lengthen it) */
    ReactiveReconciler(String cluster, Reconciler reconciler, long watchTickMs) {
        this.cluster = cluster;
        this.reconciler = reconciler;
        this.watchTickMs = watchTickMs;
    }

    /** Ready to run: its threads start as soon as (and whenever) this replica holds the cluster's lease. */
    public synchronized ReactiveReconciler start() {
        started = true;
        startThreads();
        return this;
    }

    /**
     * Only the replica that holds the cluster's lease reconciles: its threads start when it takes
     * the lease and end when it loses it (each once its current connector is done); the others
     * drop what they learn and run none.
     */
    synchronized void active(boolean now) {
        active = now;
        if (now) {
            startThreads();
        } else {
            pending.clear();
            watched.clear();
            // The idle ones end now; the watcher on its next tick.
            notifyAll();
        }
    }

    /**
     * Starts what is missing of {@link #THREADS} workers and the watcher, while active. Threads that
     * were still finishing a connector when the lease was lost and taken again carry on, so there
     * are never more than {@link #THREADS} workers and one watcher, however often the lease moves.
     */
    private void startThreads() {
        if (!started || !active || closed) {
            return;
        }
        while (workers < THREADS) {
            threads.start("switchboard-reconcile-" + cluster + "-" + nextThreadId++, this::work);
            workers++;
        }
        if (!watching) {
            threads.start("switchboard-watch-" + cluster, this::watch);
            watching = true;
        }
    }

    /** How many of its threads are alive (workers and the watcher). */
    int threadsAlive() {
        return threads.count();
    }

    /** A decision, read from the decisions topic: a change to one of this cluster's connectors is reconciled now. */
    public void decided(CommandDecision decision) {
        if (!cluster.equals(decision.getCluster()) || decision.getReplayed()) {
            return;
        }
        switch (decision.getOutcome()) {
            // Without a state (or one the data plane does not take as it is): read when its turn comes.
            case CREATED, UPDATED -> offer(decision.getConnector(),
                    decision.getState() == null ? Desired.STORED : Desired.decided(Optional.of(decision.getState())));
            case DELETED -> offer(decision.getConnector(), Desired.decided(Optional.empty()));
            default -> {
                // Refused or unchanged: nothing to do on the worker.
            }
        }
    }

    /**
     * Queues one connector to be reconciled to {@code desired}; a state decided replaces what it
     * waits with, {@link Desired#STORED} does not.
     */
    synchronized void offer(String name, Desired desired) {
        if (!active) {
            return;
        }
        boolean decided = desired instanceof Desired.Decided;
        if (decided) {
            // A new decision: watched afresh once it is carried out.
            watched.remove(name);
        }
        if (pending.containsKey(name)) {
            if (decided) {
                pending.put(name, desired);
            }
            return;
        }
        if (pending.size() >= MAX_PENDING) {
            // The next pass reconciles it.
            return;
        }
        pending.put(name, desired);
        // One connector more: one thread to take it (waking all of them, per decision in a burst,
        // costs more CPU than the reconciling itself).
        notify();
    }

    /**
     * Looks again at the connectors watched: a few are queued to be read one by one, more are
     * reconciled with one read of the worker's list, on the calling thread.
     */
    void checkWatched() {
        Set<String> names;
        synchronized (this) {
            long now = System.currentTimeMillis();
            watched.values().removeIf(watch -> watch.until() < now);
            if (watched.isEmpty() || !active) {
                return;
            }
            names = new HashSet<>(watched.keySet());
            names.removeAll(pending.keySet());
            names.removeAll(inProgress);
            if (names.size() <= READ_ALONE_AT_MOST && !reconciler.readsStatusesFreely()) {
                // Each read on its own, less often the longer it takes to settle.
                for (String name : names) {
                    Watch watch = watched.get(name);
                    if (watch.next() <= now) {
                        watched.put(name, watch.later(now));
                        offer(name, Desired.STORED);
                    }
                }
                return;
            }
        }
        synchronized (looking) {
            if (System.nanoTime() - nextListAt < 0 && !reconciler.readsStatusesFreely()) {
                return;
            }
            try {
                lookAt(names);
            } finally {
                nextListAt = System.nanoTime() + listPauseNanos(reconciler.lastStatusesReadNanos());
            }
        }
    }

    /**
     * The worker's status topic shows a change to these connectors: those watched are looked at
     * now rather than on the next tick. Called on the status feed's thread; the look is the watcher's.
     */
    public void statusesChanged(Set<String> names) {
        synchronized (changed) {
            boolean none = changed.isEmpty();
            for (String name : names) {
                if (changed.size() >= MAX_WATCHED) {
                    // The next tick looks at every watched connector.
                    break;
                }
                changed.add(name);
            }
            if (none && !changed.isEmpty()) {
                changed.notifyAll();
            }
        }
    }

    /** Looks at the watched connectors among those whose statuses the status topic shows changed. */
    private void checkChanged(Set<String> names) {
        synchronized (this) {
            if (!active) {
                return;
            }
            names.retainAll(watched.keySet());
            names.removeAll(pending.keySet());
            names.removeAll(inProgress);
        }
        if (names.isEmpty() || !reconciler.readsStatusesFreely()) {
            return;
        }
        synchronized (looking) {
            lookAt(names);
        }
    }

    /** Reconciles the connectors named with one read of their statuses; those now as desired are no longer watched. */
    private void lookAt(Set<String> names) {
        Set<String> unsettled = new HashSet<>(names);
        reconciler.reconcile(unsettled);
        synchronized (this) {
            names.removeAll(unsettled);
            watched.keySet().removeAll(names);
        }
    }

    /**
     * The watcher, on its own thread: looks at the watched connectors whose statuses changed as soon
     * as it is told (at most one look per {@link #CHANGE_LOOK_GAP_MS}), and at every watched
     * connector each tick.
     */
    private void watch() {
        long nextTick = System.nanoTime() + watchTickMs * 1_000_000;
        while (!closed) {
            synchronized (this) {
                if (!active) {
                    watching = false;
                    return;
                }
            }
            Set<String> names;
            try {
                synchronized (changed) {
                    long waitNanos;
                    while (changed.isEmpty() && (waitNanos = nextTick - System.nanoTime()) > 0) {
                        // At least 1 ms: the last fraction of a millisecond must not be spent spinning.
                        changed.wait(Math.max(1, waitNanos / 1_000_000));
                    }
                    names = new HashSet<>(changed);
                    changed.clear();
                }
            } catch (InterruptedException e) {
                return;
            }
            try {
                if (System.nanoTime() - nextTick >= 0) {
                    nextTick = System.nanoTime() + watchTickMs * 1_000_000;
                    checkWatched();
                } else {
                    checkChanged(names);
                    // The changes that arrive meanwhile are looked at together.
                    Thread.sleep(CHANGE_LOOK_GAP_MS);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // The worker cannot be read now; the full pass reports that. Looked at again next tick.
                log.debug("Watching the connectors of cluster {} failed: {}", cluster, e.toString());
            }
        }
    }

    /** How many times as long as the last list read the watcher waits before the next one. */
    static final int LIST_PAUSE_FACTOR = 4;
    /** The longest pause between list reads, however slow the last one was (a read that timed out). */
    static final long LIST_PAUSE_MAX_NANOS = 5_000_000_000L;

    /**
     * The list costs the worker time in proportion to its connectors: it is read again only after a
     * pause of {@link #LIST_PAUSE_FACTOR} times what the last read took, so that watching takes a
     * bounded share of the worker however many connectors it has; at most {@link #LIST_PAUSE_MAX_NANOS},
     * so that a slow or failed read does not outlast the watch itself.
     */
    static long listPauseNanos(long lastReadNanos) {
        return Math.min(LIST_PAUSE_MAX_NANOS, LIST_PAUSE_FACTOR * Math.max(0, lastReadNanos));
    }
    /** When the watcher may read the worker's list again (System.nanoTime). */
    private volatile long nextListAt = System.nanoTime();

    synchronized int watchedCount() {
        return watched.size();
    }

    /**
     * Whether connectors are waiting or being carried out now. A create the worker holds (during a
     * rebalance, its herder answers nothing for seconds) completes no change and starts no watch,
     * so only this shows that the worker is still busy with it.
     */
    synchronized boolean busy() {
        return !pending.isEmpty() || !inProgress.isEmpty();
    }

    /** How many connectors are watched whose watch began at or after {@code sinceMillis}. */
    synchronized int watchedSince(long sinceMillis) {
        int count = 0;
        for (Watch watch : watched.values()) {
            if (watch.until() - WATCH_FOR_MS >= sinceMillis) {
                count++;
            }
        }
        return count;
    }

    private void work() {
        try {
            workUntilInactive();
        } finally {
            synchronized (this) {
                workers--;
            }
        }
    }

    /** Takes connectors one after another until the lease is lost or it is closed. */
    private void workUntilInactive() {
        while (!closed) {
            String name;
            Desired desired;
            try {
                synchronized (this) {
                    Map.Entry<String, Desired> next;
                    while ((next = takeable()) == null) {
                        if (!active) {
                            return;
                        }
                        wait();
                    }
                    name = next.getKey();
                    desired = next.getValue();
                    pending.remove(name);
                    inProgress.add(name);
                }
            } catch (InterruptedException e) {
                return;
            }
            boolean settled = false;
            try {
                settled = reconciler.reconcileConnector(name, desired);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("Reconciling connector {} on cluster {} failed: {}", name, cluster, WorkerMessages.oneLine(e.toString()));
            } finally {
                synchronized (this) {
                    inProgress.remove(name);
                    if (settled) {
                        watched.remove(name);
                    } else if (active && !watched.containsKey(name) && watched.size() < MAX_WATCHED) {
                        long now = System.currentTimeMillis();
                        watched.put(name, new Watch(now + WATCH_DELAY_FIRST_MS, WATCH_DELAY_FIRST_MS, now + WATCH_FOR_MS));
                    }
                    if (pending.containsKey(name)) {
                        // A newer decision for it waited for this thread: another may take it now
                        // (this one takes the first connector waiting, which need not be it).
                        notify();
                    }
                }
            }
        }
    }

    /** The first waiting connector that no other thread is reconciling. */
    private Map.Entry<String, Desired> takeable() {
        for (Iterator<Map.Entry<String, Desired>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Desired> entry = it.next();
            if (!inProgress.contains(entry.getKey())) {
                return entry;
            }
        }
        return null;
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        threads.interruptAndJoin(5_000);
    }
}
