package io.switchboard.dataplane;

import io.switchboard.dataplane.ConnectClusterClient.WorkerConnector;
import io.switchboard.dataplane.ReconcileAction.Delete;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Makes one Connect cluster match the desired state, with the fewest calls: it creates what is
 * missing (with its initial state), puts a config only when it differs, pauses, resumes or stops
 * only when the observed state differs from the target, and deletes what should not be there
 * (a connector changed or deleted directly on the worker is put back). It reports what it saw of
 * every desired connector, when that changed.
 *
 * <p>It decides which connectors are looked at, when and on which threads (full passes, the
 * watcher's looks, single connectors as their commands are decided); each look reads the connector
 * from the worker ({@link WorkerView}) and runs one {@link ReconcileStep}, in which the
 * {@link ReconcilePlanner} decides what to do, the {@link ReconcileExecutor} carries it out and the
 * {@link ReconcileReporter} reports what it saw. What it remembers of each connector is one {@link ConnectorMemory}, forgotten in one place
 * ({@link ConnectorMemories#forget}) at the end of each full pass. Failing calls back off per
 * connector ({@link ReconcileFailures}).
 *
 * <p>Concurrency: a full pass reconciles {@link #PARALLELISM} connectors at a time, the watcher's
 * looks as many more on threads of their own, and {@link ReactiveReconciler} single connectors on
 * its threads. A connector is reconciled by one thread at a time: each holds its
 * {@link ConnectorClaims claim} while it reads, changes, remembers and reports it. A pass that finds
 * a connector claimed leaves it to the holder, and one that began before a connector was
 * reconciled on its own leaves it too, since what the pass read of it is older.
 */
public final class Reconciler {
    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

    /** How many connectors a pass reconciles at once (the worker takes concurrent calls; each waits on it). */
    static final int PARALLELISM = 8;
    /** A state a connector passes through on its way to what is desired is reported once it lasts this long. */
    static final long SHOW_PASSING_STATES_AFTER_MS = 1_000;
    static final long RECHECK_AFTER_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** A look at more connectors than this reads every connector's desired state once, rather than each alone. */
    static final int READ_ONE_BY_ONE_AT_MOST = 4;
    /** How long after its last change the worker counts as busy with it. */
    static final long BUSY_MS = 1_000;

    private final String cluster;
    private final ConnectClusterClient worker;
    private final Supplier<List<ConnectorState>> desired;
    private final Optional<Function<String, Optional<ConnectorState>>> desiredNow;
    private final Clock clock;
    private final ExecutorService pool = threads(PARALLELISM, "switchboard-reconcile");
    /**
     * Threads of the watcher's looks, apart from the full pass's: a pass whose calls wait on the
     * worker must not hold up the reports of connectors the worker has started meanwhile.
     */
    private final ExecutorService watchPool = threads(PARALLELISM, "switchboard-reconcile-watched");
    private final ConnectorClaims claims = new ConnectorClaims();
    private final ConnectorMemories memories = new ConnectorMemories();
    private final ReconcileFailures failures;
    private final WorkerView view;
    private final ReconcileExecutor executor;
    private final ReconcileReporter reporter;
    private final DetailsReader detailsReader;
    private final ReconcileStep step;
    private final LongAdder fullPasses = new LongAdder();

    /** What reconciling one connector did: the calls that changed something, and whether it is now as desired. */
    record Result(int calls, boolean settled) {
        static final Result UNSETTLED = new Result(0, false);
    }

    /**
     * Where a reconciler reports what it sees of each desired connector.
     *
     * @param lastObserved  the observation of a connector reported last (its tasks' configs, its last offsets change)
     * @param observations  where each new observation goes
     * @param quotedSecrets hides in each report what the worker quotes of the connector's secrets
     */
    public record Reports(Function<String, Optional<ConnectorObservation>> lastObserved,
                          Consumer<ConnectorObservation> observations, QuotedSecrets quotedSecrets) {
        /** Reports to {@code observations}, with none reported before and no secrets to hide. */
        public static Reports to(Consumer<ConnectorObservation> observations) {
            return new Reports(name -> Optional.empty(), observations, QuotedSecrets.NONE);
        }
    }

    /** @param toWorker the config as the worker is given it, from the desired one */
    public Reconciler(String cluster, ConnectClusterClient worker, DesiredConnectors desired,
                      UnaryOperator<Map<String, String>> toWorker, Reports reports, Clock clock) {
        this.cluster = cluster;
        this.worker = worker;
        this.desired = desired.all();
        this.desiredNow = desired.one();
        this.clock = clock;
        this.failures = new ReconcileFailures(cluster);
        this.view = new WorkerView(worker, memories);
        this.executor = new ReconcileExecutor(cluster, worker, clock, reports.lastObserved());
        this.detailsReader = new DetailsReader(cluster, this::readDetailsAndReport, () -> busyWithin(BUSY_MS));
        this.reporter = new ReconcileReporter(cluster, worker, clock, reports.observations(), failures, detailsReader,
                reports.quotedSecrets());
        this.step = new ReconcileStep(worker, toWorker, clock, failures, view, memories, executor, reporter);
    }

    /**
     * Gives no worker a config that breaks a policy of this control plane ({@link io.switchboard.rules.ConnectorPolicies}):
     * it is reported as the connector's reconcile failure instead. Called before the reconciler starts.
     */
    public Reconciler policedBy(io.switchboard.rules.ControlPlane controlPlane) {
        step.policedBy(controlPlane);
        return this;
    }

    private static ExecutorService threads(int count, String name) {
        return Executors.newFixedThreadPool(count, r -> {
            Thread thread = new Thread(r, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * One pass: returns the number of calls that changed something on the worker. Connectors are
     * reconciled {@link #PARALLELISM} at a time: each call waits on the worker (a create or delete
     * takes a config-topic write and often a rebalance), and the worker takes concurrent calls.
     */
    public int reconcile() {
        return reconcile(null);
    }

    /**
     * A pass over the connectors named (all of them, and strays, when {@code only} is null), with
     * one read of the worker's list; a connector being reconciled on its own meanwhile is left to
     * that. Answers the number of calls that changed something; the names in {@code only} that are
     * now as desired, or no longer desired, are removed from it.
     */
    int reconcile(Set<String> only) {
        long began = System.nanoTime();
        if (only == null) {
            fullPasses.increment();
        }
        Map<String, ConnectorState> wanted = only != null && desiredNow.isPresent() ? desiredOf(only, desiredNow.get())
                : desired.get().stream().collect(Collectors.toMap(ConnectorState::getName, s -> s, (a, b) -> b));
        Map<String, WorkerConnector> actual = only == null ? view.all() : view.watched(only);
        List<Callable<Integer>> work = new ArrayList<>();
        Set<String> settled = ConcurrentHashMap.newKeySet();
        for (ConnectorState state : wanted.values()) {
            if (only == null || only.contains(state.getName())) {
                work.add(() -> claimed(state.getName(), () -> {
                    Result result = reconcileInPass(state, actual.get(state.getName()), only == null, began);
                    if (result.settled()) {
                        settled.add(state.getName());
                    }
                    return result.calls();
                }));
            }
        }
        if (only == null) {
            for (Delete stray : ReconcilePlanner.strays(wanted.keySet(), actual.keySet())) {
                String name = stray.name();
                work.add(() -> claimed(name, () -> reconciledAloneSince(name, began) ? 0 : step.deleteStray(name)));
            }
        }
        int calls = 0;
        try {
            for (Future<Integer> done : (only == null ? pool : watchPool).invokeAll(work)) {
                calls += done.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return calls;
        } catch (ExecutionException e) {
            log.warn("Reconciling cluster {} failed: {}", cluster, e.getCause().toString());
        }
        if (only != null) {
            only.removeAll(settled);
            only.retainAll(wanted.keySet());
            return calls;
        }
        // Strays still on the worker keep their back-off and what is known of them until they are gone.
        Set<String> onWorker = new HashSet<>(wanted.keySet());
        onWorker.addAll(actual.keySet());
        failures.retainAll(onWorker);
        memories.forget(wanted.keySet(), onWorker, claims, clock.millis(), ReconcilePlanner.CREATE_GRACE_MS);
        return calls;
    }

    /** Runs {@code step} holding the connector's claim, or answers 0 at once if someone else holds it. */
    private int claimed(String name, Callable<Integer> step) throws Exception {
        if (!claims.tryClaim(name)) {
            return 0;
        }
        try {
            return step.call();
        } finally {
            claims.release(name);
        }
    }

    /** One desired connector's part of a pass; the caller holds its claim. */
    private Result reconcileInPass(ConnectorState state, WorkerConnector running, boolean fullPass, long began) {
        String name = state.getName();
        if (reconciledAloneSince(name, began)) {
            return Result.UNSETTLED;
        }
        ConnectorState current = state;
        if (desiredNow.isPresent() && System.nanoTime() - began > RECHECK_AFTER_NANOS) {
            try {
                Optional<ConnectorState> now = desiredNow.get().apply(name);
                if (now.isEmpty()) {
                    return Result.UNSETTLED;
                }
                current = now.get();
            } catch (RuntimeException unknown) {
                // Cannot be read now: go on with what the pass began with.
            }
        }
        ConnectorMemory memory = memories.of(name);
        if (!fullPass && running == null && memory.createdAt() == null && failures.of(name).isEmpty()) {
            // Not listed, or its config unknown here: the next full pass looks at it. A failing one
            // is tried again when its wait is over, as its status says, not at the next full pass.
            return Result.UNSETTLED;
        }
        if (running != null) {
            step.listed(memory, running);
        }
        return step.run(current, running, fullPass, memory);
    }

    /**
     * The desired state of just these connectors. A few are read one by one, with {@code one}; more
     * are read with one read of every connector's ({@link #READ_ONE_BY_ONE_AT_MOST}): each read of the
     * desired state waits until it has read the changelog as far as it went when asked, a round trip
     * to Kafka, so a look at a burst's connectors one by one would take one round trip per connector,
     * and their statuses would wait for the next full pass.
     */
    private Map<String, ConnectorState> desiredOf(Set<String> names, Function<String, Optional<ConnectorState>> one) {
        Map<String, ConnectorState> wanted = new HashMap<>();
        if (names.size() > READ_ONE_BY_ONE_AT_MOST) {
            try {
                for (ConnectorState state : desired.get()) {
                    if (names.contains(state.getName())) {
                        wanted.put(state.getName(), state);
                    }
                }
            } catch (RuntimeException unreadable) {
                // A partition is moving: they stay watched and are read on the next look.
                wanted.clear();
            }
            return wanted;
        }
        for (String name : names) {
            try {
                one.apply(name).ifPresent(state -> wanted.put(name, state));
            } catch (RuntimeException unreadable) {
                // Its partition is moving: it stays watched and is read on the next look.
                wanted.remove(name);
            }
        }
        return wanted;
    }

    /**
     * Reconciles one connector now, reading only it from the worker, to {@code wanted}: the state
     * just decided, or the one the store holds once the connector is claimed. Waits for a pass that
     * holds it to finish. Answers whether the connector is now as desired.
     */
    boolean reconcileConnector(String name, Desired wanted) throws InterruptedException {
        return reconcileConnector(name, wanted, false);
    }

    /** @param slowReads whether it may read what holds up the worker's herder (task configs, offsets) */
    private boolean reconcileConnector(String name, Desired wanted, boolean slowReads)
            throws InterruptedException {
        claims.claim(name);
        try {
            Optional<ConnectorState> state = wanted instanceof Desired.Decided decided ? decided.state()
                    : desiredNow.isPresent() ? desiredNow.get().apply(name)
                    : desired.get().stream().filter(s -> s.getName().equals(name)).findFirst();
            if (state.isEmpty()) {
                boolean gone = memories.workerConfig(name) == null && worker.config(name).isEmpty() || step.deleteStray(name) > 0;
                if (gone) {
                    step.gone(name);
                }
                return gone;
            }
            if (!step.due(state.get())) {
                return false;
            }
            ConnectorMemory memory = memories.of(name);
            WorkerConnector running = freshlyCreated(state.get(), memory) ? null : step.readAlone(name, memory);
            return step.run(state.get(), running, slowReads, memory).settled();
        } catch (RuntimeException e) {
            // The worker cannot be read now: a pass tries again.
            log.debug("Reconciling connector {} on cluster {} alone failed: {}", name, cluster, e.toString());
            return false;
        } finally {
            step.reconciledAlone(name);
            claims.release(name);
        }
    }

    /**
     * Where the worker's statuses are read as they are written (its status topic), or null: then
     * its REST API is read. Set before the reconciler is used.
     */
    public void readStatusesFrom(WorkerStatusFeed feed) {
        view.readStatusesFrom(feed);
    }

    /**
     * Where the worker's task configs are read as they are committed (its config topic), or null:
     * then its REST API is asked for them. Set before the reconciler is used.
     */
    public void readTaskConfigsFrom(WorkerConfigFeed feed) {
        reporter.readTaskConfigsFrom(feed);
        view.readConfigsFrom(feed);
    }

    /**
     * Where source connectors' committed offsets are read as they are committed (the worker's offsets
     * topic), or null: then the worker's REST API is asked for them. Set before the reconciler is used.
     */
    public void readSourceOffsetsFrom(WorkerOffsetsFeed feed) {
        reporter.readSourceOffsetsFrom(feed);
    }

    /**
     * Of these connectors, those last seen paused: a change of their committed offsets is reported
     * (a running connector's commit every flush interval is not).
     */
    public Set<String> paused(Set<String> names) {
        Set<String> still = new HashSet<>();
        for (String name : names) {
            ConnectorMemory memory = memories.peek(name);
            String shape = memory == null ? null : memory.detailsShape();
            if (shape != null && ReconcileReporter.paused(shape)) {
                still.add(name);
            }
        }
        return still;
    }

    /** Whether statuses are read without calling the worker (its status topic is read as it is written). */
    boolean readsStatusesFreely() {
        return view.readsStatusesFreely();
    }

    /** How long the last read of every connector's status from the worker took, in nanoseconds. */
    long lastStatusesReadNanos() {
        return view.lastStatusesReadNanos();
    }

    /** Whether the connector was reconciled on its own after {@code nanoTime}: what a pass read before is older. */
    private boolean reconciledAloneSince(String name, long nanoTime) {
        ConnectorMemory memory = memories.peek(name);
        Long at = memory == null ? null : memory.reconciledAlone();
        return at != null && at - nanoTime > 0;
    }

    /** A connector just created that this reconciler has never seen on the worker: no need to ask the worker for it. */
    private static boolean freshlyCreated(ConnectorState state, ConnectorMemory memory) {
        return state.getVersion() == 1 && memory.workerConfig() == null && memory.lastReported() == null;
    }

    /** Full passes over every connector since start. */
    public long fullPasses() {
        return fullPasses.sum();
    }

    /** Calls that changed something on the worker since start. */
    public long workerCalls() {
        return step.workerCalls();
    }

    /** Calls the worker refused or could not answer since start. */
    public long workerErrors() {
        return step.workerErrors();
    }

    /** Stops the threads that call the worker. */
    public void close() {
        pool.shutdownNow();
        watchPool.shutdownNow();
        detailsReader.close();
    }

    /**
     * Whether the reconciler changed something on the worker within the last {@code ms}: the
     * worker's herder thread is then busy carrying it out (a create is a config write and a
     * rebalance), and what can wait (a full pass's list with configs, offsets, task configs) waits.
     */
    boolean busyWithin(long ms) {
        return step.wroteWithin(ms);
    }

    /** Reads one connector's active topics and offsets, then reports it again with them (and its task configs). */
    private void readDetailsAndReport(String name) {
        if (!step.readDetails(name)) {
            return;
        }
        try {
            reconcileConnector(name, Desired.STORED, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
