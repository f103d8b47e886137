package io.switchboard.dataplane;

import io.switchboard.core.WorkerClient;
import io.switchboard.dataplane.ConnectClusterClient.WorkerConnector;
import io.switchboard.processor.AutoRestart;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.OffsetsRequest;
import io.switchboard.schemas.OffsetsResult;
import io.switchboard.schemas.RestartRequest;
import io.switchboard.schemas.TargetState;
import io.switchboard.schemas.TaskObservation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Makes one Connect cluster match the desired state, with the fewest calls: it creates what is
 * missing (with its initial state), puts a config only when it differs, pauses, resumes or stops
 * only when the observed state differs from the target, and deletes what should not be there
 * (a connector changed or deleted directly on the worker is put back). It reports what it saw of
 * every desired connector, when that changed.
 */
public final class Reconciler {
    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
    private static final Set<String> SETTLED = Set.of("RUNNING", "PAUSED", "STOPPED");

    private final String cluster;
    private final ConnectClusterClient worker;
    private final Supplier<List<ConnectorState>> desired;
    private final Consumer<ConnectorObservation> observations;
    private final Clock clock;
    /** How many connectors a pass reconciles at once (the worker takes concurrent calls; each waits on it). */
    static final int PARALLELISM = 8;
    private final java.util.concurrent.ExecutorService pool = threads(PARALLELISM, "switchboard-reconcile");
    /**
     * Threads of the watcher's looks, apart from the full pass's: a pass whose calls wait on the
     * worker must not hold up the reports of connectors the worker has started meanwhile.
     */
    private final java.util.concurrent.ExecutorService watchPool = threads(PARALLELISM, "switchboard-reconcile-watched");

    private static java.util.concurrent.ExecutorService threads(int count, String name) {
        return java.util.concurrent.Executors.newFixedThreadPool(count, r -> {
            Thread thread = new Thread(r, name);
            thread.setDaemon(true);
            return thread;
        });
    }
    // Each map is written for one connector by one thread at a time; different connectors in parallel.
    private final Map<String, String> lastReported = new java.util.concurrent.ConcurrentHashMap<>();
    /** The last restart request carried out per connector, seeded from what was last observed. */
    private final Map<String, String> restartsApplied = new java.util.concurrent.ConcurrentHashMap<>();
    /** The worker's answer to the last offsets change made per connector, seeded from what was last observed. */
    private final Map<String, OffsetsResult> offsetsApplied = new java.util.concurrent.ConcurrentHashMap<>();
    /** The last active-topics reset made per connector, seeded from what was last observed. */
    private final Map<String, String> topicsResetsApplied = new java.util.concurrent.ConcurrentHashMap<>();
    /** The desired version last made true on the worker; a difference at that version is drift. */
    private final Map<String, Long> versionsApplied = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, List<String>> pendingRepairs = new java.util.concurrent.ConcurrentHashMap<>();
    /** Auto-restarts per connector: how many since it was last healthy, and when the last was. */
    private record Restarts(int count, Long last) {
    }

    /** Active topics and offsets read per connector, and when; read again every {@link #DETAILS_EVERY_MS}. */
    private record Details(List<String> topics, String offsets, long at) {
    }

    /** Reading offsets costs the worker an offset store per call, so they are read rarely when nothing else changed. */
    static final long DETAILS_EVERY_MS = 300_000;
    private final Map<String, Details> details = new java.util.concurrent.ConcurrentHashMap<>();
    /** Connectors whose status changed since their details were last read. */
    private final java.util.Set<String> detailsDue = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final DetailsReader detailsReader;
    /** A state a connector passes through on its way to what is desired is reported once it lasts this long. */
    static final long SHOW_PASSING_STATES_AFTER_MS = 1_000;
    /** Since when each connector has been seen not yet as desired. */
    private final Map<String, Long> unsettledSince = new java.util.concurrent.ConcurrentHashMap<>();
    /** {@link #outcomes} as last reported, per connector. */
    private final Map<String, String> outcomesReported = new java.util.concurrent.ConcurrentHashMap<>();
    /** When the reconciler last changed something on the worker. */
    private volatile long lastWorkerWrite;
    private final Map<String, Restarts> autoRestarts = new java.util.concurrent.ConcurrentHashMap<>();
    private final ReconcileFailures failures;
    private final ConnectorClaims claims = new ConnectorClaims();
    /** When a single connector was last reconciled on its own: a full pass that began earlier holds older news of it. */
    private final Map<String, Long> reconciledAlone = new java.util.concurrent.ConcurrentHashMap<>();
    /** The config the worker was last seen or made to have, per connector: a single-connector reconcile need not read it. */
    private final Map<String, Map<String, String>> workerConfigs = new java.util.concurrent.ConcurrentHashMap<>();

    /** A target state asked of the worker, and when; asked again only after a while if it does not show. */
    private record Requested(TargetState target, long at) {
    }

    private final Map<String, Requested> targetsRequested = new java.util.concurrent.ConcurrentHashMap<>();
    /** How long a target state asked of a running, paused or stopped connector may take to show before it is asked again. */
    static final long SETTLE_GRACE_MS = 5_000;
    /** How often a target state is asked again of a connector that is failed, unassigned or restarting. */
    static final long REQUEST_AGAIN_MS = 60_000;

    /**
     * The task configs reported before the reconciler changed a connector's config, until when to
     * look for new ones, and when to read them next. Each read waits on the worker's herder thread,
     * which is also the one that carries out config changes: the reads of one connector are spaced
     * out, first {@link #TASK_CONFIGS_FIRST_READ_MS} after the change, then twice as long each time
     * up to {@link #TASK_CONFIGS_READ_MAX_MS}, rather than made on every look at it.
     */
    private record StaleTasks(List<Map<String, String>> before, long until, long nextRead, long delay) {
        StaleTasks(List<Map<String, String>> before, long now) {
            this(before, now + TASK_CONFIGS_WATCH_MS, now + TASK_CONFIGS_FIRST_READ_MS, TASK_CONFIGS_FIRST_READ_MS);
        }

        StaleTasks readAt(long now) {
            long next = Math.min(TASK_CONFIGS_READ_MAX_MS, delay * 2);
            return new StaleTasks(before, until, now + next, next);
        }
    }

    static final long TASK_CONFIGS_FIRST_READ_MS = 250;
    static final long TASK_CONFIGS_READ_MAX_MS = 2_000;

    private final Map<String, StaleTasks> staleTasks = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, List<Map<String, String>>> tasksReported = new java.util.concurrent.ConcurrentHashMap<>();
    /** How long after a config change the worker's task configs are read on every observation until they change. */
    static final long TASK_CONFIGS_WATCH_MS = 60_000;
    /** An offsets change gives up after this many failed attempts in a row to reconcile a connector not stopped on the worker. */
    static final int OFFSETS_GIVE_UP_ATTEMPTS = 3;
    /** ... or after waiting this long for the worker to stop it. */
    static final long OFFSETS_GIVE_UP_MS = 600_000;
    private final Map<String, Long> offsetsWaitingSince = new java.util.concurrent.ConcurrentHashMap<>();
    /** When the reconciler created each connector: one not listed yet so soon after is starting, not missing. */
    private final Map<String, Long> createdAt = new java.util.concurrent.ConcurrentHashMap<>();
    static final long CREATE_GRACE_MS = 30_000;

    /** What reconciling one connector did: the calls that changed something, and whether it is now as desired. */
    record Result(int calls, boolean settled) {
        static final Result UNSETTLED = new Result(0, false);
    }
    private final Function<String, Optional<ConnectorObservation>> lastObserved;

    static final long RECHECK_AFTER_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    private final Function<String, Optional<ConnectorState>> desiredNow;
    /** The config as the worker is given it: sealed secrets as they are, or opened for a worker that cannot open them. */
    private final java.util.function.UnaryOperator<Map<String, String>> toWorker;

    public Reconciler(String cluster, ConnectClusterClient worker, Supplier<List<ConnectorState>> desired,
                      Function<String, Optional<ConnectorObservation>> lastObserved,
                      Consumer<ConnectorObservation> observations, Clock clock) {
        this(cluster, worker, desired, lastObserved, observations, clock, java.util.function.UnaryOperator.identity());
    }

    public Reconciler(String cluster, ConnectClusterClient worker, Supplier<List<ConnectorState>> desired,
                      Function<String, Optional<ConnectorObservation>> lastObserved,
                      Consumer<ConnectorObservation> observations, Clock clock,
                      java.util.function.UnaryOperator<Map<String, String>> toWorker) {
        this(cluster, worker, desired, lastObserved, observations, clock, toWorker, null);
    }

    /**
     * @param desiredNow one connector's desired state as it is now; a pass that has run for
     *                   {@link #RECHECK_AFTER_NANOS} checks each connector again before calling the
     *                   worker, so that a long pass (500 config updates on a worker that takes
     *                   seconds for each) does not carry out what was changed or deleted since it began
     */
    public Reconciler(String cluster, ConnectClusterClient worker, Supplier<List<ConnectorState>> desired,
                      Function<String, Optional<ConnectorObservation>> lastObserved,
                      Consumer<ConnectorObservation> observations, Clock clock,
                      java.util.function.UnaryOperator<Map<String, String>> toWorker,
                      Function<String, Optional<ConnectorState>> desiredNow) {
        this.desiredNow = desiredNow;
        this.failures = new ReconcileFailures(cluster);
        this.toWorker = toWorker;
        this.cluster = cluster;
        this.detailsReader = new DetailsReader(cluster, this::readDetailsAndReport, () -> busyWithin(BUSY_MS));
        this.lastObserved = lastObserved;
        this.worker = worker;
        this.desired = desired;
        this.observations = observations;
        this.clock = clock;
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
    int reconcile(java.util.Set<String> only) {
        long began = System.nanoTime();
        if (only == null) {
            fullPasses.increment();
        }
        Map<String, ConnectorState> wanted = only != null && desiredNow != null ? desiredOf(only)
                : desired.get().stream().collect(Collectors.toMap(ConnectorState::getName, s -> s, (a, b) -> b));
        Map<String, WorkerConnector> actual = only == null ? worker.connectors() : watchedOnWorker(only);
        List<java.util.concurrent.Callable<Integer>> work = new ArrayList<>();
        java.util.Set<String> settled = java.util.concurrent.ConcurrentHashMap.newKeySet();
        for (ConnectorState state : wanted.values()) {
            if (only != null && !only.contains(state.getName())) {
                continue;
            }
            work.add(() -> {
                String name = state.getName();
                if (!claims.tryClaim(name)) {
                    return 0;
                }
                try {
                    if (reconciledAloneSince(name, began)) {
                        return 0;
                    }
                    ConnectorState current = state;
                    if (desiredNow != null && System.nanoTime() - began > RECHECK_AFTER_NANOS) {
                        try {
                            Optional<ConnectorState> now = desiredNow.apply(name);
                            if (now.isEmpty()) {
                                return 0;
                            }
                            current = now.get();
                        } catch (RuntimeException unknown) {
                            // Cannot be read now: go on with what the pass began with.
                        }
                    }
                    WorkerConnector running = actual.get(name);
                    if (only != null && running == null && !createdAt.containsKey(name)) {
                        // Not listed, or its config unknown here: the next full pass looks at it.
                        return 0;
                    }
                    if (running != null) {
                        workerConfigs.put(name, running.config());
                    }
                    Result result = reconcileOne(current, running, only == null);
                    if (result.settled()) {
                        settled.add(name);
                    }
                    return result.calls();
                } finally {
                    claims.release(name);
                }
            });
        }
        if (only == null) {
            for (String name : actual.keySet()) {
                if (!wanted.containsKey(name)) {
                    work.add(() -> {
                        if (!claims.tryClaim(name)) {
                            return 0;
                        }
                        try {
                            return reconciledAloneSince(name, began) ? 0 : deleteStray(name);
                        } finally {
                            claims.release(name);
                        }
                    });
                }
            }
        }
        int calls = 0;
        try {
            for (java.util.concurrent.Future<Integer> done : (only == null ? pool : watchPool).invokeAll(work)) {
                calls += done.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return calls;
        } catch (java.util.concurrent.ExecutionException e) {
            log.warn("Reconciling cluster {} failed: {}", cluster, e.getCause().toString());
        }
        if (only != null) {
            only.removeAll(settled);
            only.retainAll(wanted.keySet());
            return calls;
        }
        java.util.Set<String> keep = new java.util.HashSet<>(wanted.keySet());
        lastReported.keySet().retainAll(keep);
        versionsApplied.keySet().retainAll(keep);
        autoRestarts.keySet().retainAll(keep);
        details.keySet().retainAll(keep);
        unsettledSince.keySet().retainAll(keep);
        outcomesReported.keySet().retainAll(keep);
        detailsDue.retainAll(keep);
        restartsApplied.keySet().retainAll(keep);
        offsetsApplied.keySet().retainAll(keep);
        topicsResetsApplied.keySet().retainAll(keep);
        targetsRequested.keySet().retainAll(keep);
        staleTasks.keySet().retainAll(keep);
        tasksReported.keySet().retainAll(keep);
        offsetsWaitingSince.keySet().retainAll(keep);
        createdAt.values().removeIf(at -> clock.millis() - at > CREATE_GRACE_MS);
        createdAt.keySet().retainAll(keep);
        // Strays still on the worker keep their back-off until they are gone.
        keep.addAll(actual.keySet());
        failures.retainAll(keep);
        workerConfigs.keySet().retainAll(keep);
        reconciledAlone.keySet().retainAll(keep);
        return calls;
    }

    /** The desired state of just these connectors, read one by one rather than with the whole store. */
    private Map<String, ConnectorState> desiredOf(java.util.Set<String> names) {
        Map<String, ConnectorState> wanted = new HashMap<>();
        for (String name : names) {
            try {
                desiredNow.apply(name).ifPresent(state -> wanted.put(name, state));
            } catch (RuntimeException unreadable) {
                // Its partition is moving: it stays watched and is read on the next look.
                wanted.remove(name);
            }
        }
        return wanted;
    }

    /**
     * Reconciles one connector now, reading only it from the worker: {@code decided} is its desired
     * state as just decided (empty when it was deleted), or null to read it from the store. Waits
     * for a pass that holds it to finish. Answers whether the connector is now as desired.
     */
    boolean reconcileConnector(String name, Optional<ConnectorState> decided) throws InterruptedException {
        return reconcileConnector(name, decided, false);
    }

    /** @param slowReads whether it may read what holds up the worker's herder (task configs, offsets) */
    private boolean reconcileConnector(String name, Optional<ConnectorState> decided, boolean slowReads)
            throws InterruptedException {
        claims.claim(name);
        try {
            Optional<ConnectorState> state = decided != null ? decided
                    : desiredNow != null ? desiredNow.apply(name)
                    : desired.get().stream().filter(s -> s.getName().equals(name)).findFirst();
            if (state.isEmpty()) {
                boolean gone = !workerConfigs.containsKey(name) && worker.config(name).isEmpty() || deleteStray(name) > 0;
                if (gone) {
                    workerConfigs.remove(name);
                }
                return gone;
            }
            if (!failures.due(name, desiredKey(state.get()), clock.millis())) {
                return false;
            }
            WorkerConnector running = freshlyCreated(state.get()) ? null : fetch(name);
            return reconcileOne(state.get(), running, slowReads).settled();
        } catch (RuntimeException e) {
            // The worker cannot be read now: a pass tries again.
            log.debug("Reconciling connector {} on cluster {} alone failed: {}", name, cluster, e.toString());
            return false;
        } finally {
            reconciledAlone.put(name, System.nanoTime());
            claims.release(name);
        }
    }

    /**
     * The watched connectors as the worker has them, read cheaply: their statuses in one call, and
     * the configs the reconciler last saw or gave them. Those whose config it does not know are left out.
     */
    private Map<String, WorkerConnector> watchedOnWorker(java.util.Set<String> names) {
        Map<String, WorkerConnector> out = new HashMap<>();
        if (statusFeed != null && statusFeed.caughtUp()) {
            lastStatusesRead = 0;
            for (String name : names) {
                Map<String, String> config = workerConfigs.get(name);
                if (config != null) {
                    statusFeed.status(name).ifPresent(status -> out.put(name, fromFeed(name, config, status)));
                }
            }
            return out;
        }
        long began = System.nanoTime();
        Map<String, com.fasterxml.jackson.databind.JsonNode> statuses;
        try {
            statuses = worker.statuses();
        } finally {
            lastStatusesRead = System.nanoTime() - began;
        }
        for (String name : names) {
            Map<String, String> config = workerConfigs.get(name);
            com.fasterxml.jackson.databind.JsonNode status = statuses.get(name);
            if (config != null && status != null) {
                out.put(name, new WorkerConnector(name, config, status.path("type").asText(null), status));
            }
        }
        return out;
    }

    /**
     * Where the worker's statuses are read as they are written (its status topic), or null: then
     * its REST API is read. Set before the reconciler is used.
     */
    public void readStatusesFrom(WorkerStatusFeed feed) {
        this.statusFeed = feed;
    }

    private volatile WorkerStatusFeed statusFeed;

    /** Whether statuses are read without calling the worker (its status topic is read as it is written). */
    boolean readsStatusesFreely() {
        WorkerStatusFeed feed = statusFeed;
        return feed != null && feed.caughtUp();
    }

    /**
     * The type each connector class has, as the worker's REST answers last showed it: the status
     * topic does not hold a connector's type.
     */
    private final Map<String, String> typeByClass = new java.util.concurrent.ConcurrentHashMap<>();

    private WorkerConnector fromFeed(String name, Map<String, String> config, com.fasterxml.jackson.databind.JsonNode status) {
        String connectorClass = config.get("connector.class");
        return new WorkerConnector(name, config, connectorClass == null ? null : typeByClass.get(connectorClass), status);
    }

    private void learnType(WorkerConnector running) {
        if (running != null && running.type() != null && !running.type().isEmpty() && running.config() != null) {
            String connectorClass = running.config().get("connector.class");
            if (connectorClass != null && typeByClass.size() < 10_000) {
                typeByClass.put(connectorClass, running.type());
            }
        }
    }

    private volatile long lastStatusesRead;

    /** How long the last read of every connector's status from the worker took, in nanoseconds. */
    long lastStatusesReadNanos() {
        return lastStatusesRead;
    }

    /** Whether the connector was reconciled on its own after {@code nanoTime}: what a pass read before is older. */
    private boolean reconciledAloneSince(String name, long nanoTime) {
        Long at = reconciledAlone.get(name);
        return at != null && at - nanoTime > 0;
    }

    /** A connector just created that this reconciler has never seen on the worker: no need to ask the worker for it. */
    private boolean freshlyCreated(ConnectorState state) {
        return state.getVersion() == 1 && !workerConfigs.containsKey(state.getName())
                && !lastReported.containsKey(state.getName());
    }

    /** One connector as the worker has it, or null when it does not have it. */
    private WorkerConnector fetch(String name) {
        Map<String, String> config = workerConfigs.get(name);
        WorkerStatusFeed feed = statusFeed;
        if (config != null && feed != null && feed.caughtUp()) {
            Optional<com.fasterxml.jackson.databind.JsonNode> fed = feed.status(name);
            if (fed.isPresent()) {
                return fromFeed(name, config, fed.get());
            }
        }
        Optional<com.fasterxml.jackson.databind.JsonNode> status = worker.status(name);
        if (config == null || status.isEmpty()) {
            config = worker.config(name).orElse(null);
            if (config == null) {
                workerConfigs.remove(name);
                return null;
            }
            workerConfigs.put(name, config);
        }
        return new WorkerConnector(name, config, status.map(st -> st.path("type").asText(null)).orElse(null), status.orElse(null));
    }

    private static String desiredKey(ConnectorState state) {
        return state.getLastCommandId() + "/" + state.getVersion();
    }

    /** Runs a step that is carried out once per request; its failure is kept and does not hold up the rest. */
    private int attempt(List<RuntimeException> errors, java.util.function.IntSupplier step) {
        try {
            return step.getAsInt();
        } catch (RuntimeException e) {
            errors.add(e);
            return 0;
        }
    }

    /** Makes one desired connector true on the worker, unless it is waiting out a back-off after failures. */
    /** @param fullPass whether this look may make the reads that wait on the worker's herder thread */
    /** Full passes over every connector since start. */
    public long fullPasses() {
        return fullPasses.sum();
    }

    /** Calls that changed something on the worker since start. */
    public long workerCalls() {
        return workerCalls.sum();
    }

    /** Calls the worker refused or could not answer since start. */
    public long workerErrors() {
        return workerErrors.sum();
    }

    private final java.util.concurrent.atomic.LongAdder fullPasses = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder workerCalls = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder workerErrors = new java.util.concurrent.atomic.LongAdder();

    private Result reconcileOne(ConnectorState desired, WorkerConnector running, boolean fullPass) {
        learnType(running);
        ConnectorState state = asCarriedOut(desired);
        String name = state.getName();
        long now = clock.millis();
        if (!failures.due(name, desiredKey(state), now)) {
            return Result.UNSETTLED;
        }
        List<RuntimeException> errors = new ArrayList<>();
        int calls = 0;
        try {
            calls = apply(state, running, errors);
        } catch (RuntimeException e) {
            errors.add(0, e);
        }
        if (calls > 0) {
            lastWorkerWrite = clock.millis();
            workerCalls.add(calls);
        }
        workerErrors.add(errors.size());
        if (errors.isEmpty()) {
            failures.succeeded(name);
        } else {
            RuntimeException first = errors.get(0);
            if (isUnreachable(first)) {
                // The worker is down, not refusing this connector: nothing to count against it.
                return new Result(calls, false);
            }
            failures.failed(name, desiredKey(state), state.getTargetState().name(),
                    running == null ? "ABSENT" : running.state(), first, now);
            giveUpOffsetsIfStuck(state, running);
        }
        boolean settled = errors.isEmpty() && calls == 0 && settled(state, running);
        if (settled) {
            unsettledSince.remove(name);
        } else if (!fullPass && errors.isEmpty() && outcomes(name).equals(outcomesReported.get(name))
                && now - unsettledSince.computeIfAbsent(name, n -> now) < SHOW_PASSING_STATES_AFTER_MS) {
            // On its way to what is desired (a pause the worker is carrying out): the state it
            // passes through is reported only if it lasts, which spares the processor an
            // observation per step of every connector in a burst.
            return new Result(calls, false);
        }
        try {
            report(state, running, fullPass);
        } catch (RuntimeException e) {
            // Reported on a later pass.
            return new Result(calls, false);
        }
        return new Result(calls, settled);
    }

    /**
     * The connector as the data plane must make it now: while an offsets request that stops it first
     * is not carried out, stopped whatever its target state (so the offsets can change), and back to
     * its target state once the worker has answered the request.
     */
    private ConnectorState asCarriedOut(ConnectorState state) {
        OffsetsRequest pending = state.getPendingOffsets();
        if (pending == null || !pending.getStopFirst() || state.getTargetState() == TargetState.STOPPED
                || offsetsDone(state.getName(), pending)) {
            return state;
        }
        return ConnectorState.newBuilder(state).setTargetState(TargetState.STOPPED).build();
    }

    private boolean offsetsDone(String name, OffsetsRequest pending) {
        OffsetsResult done = offsetsApplied.computeIfAbsent(name,
                n -> lastObserved.apply(n).map(ConnectorObservation::getOffsetsApplied).orElse(null));
        return done != null && done.getId().equals(pending.getId());
    }

    /** What the reconciler carried out for a connector, which requests wait to see reported. */
    private String outcomes(String name) {
        return restartsApplied.get(name) + "|" + offsetsApplied.get(name) + "|" + topicsResetsApplied.get(name)
                + "|" + pendingRepairs.get(name) + "|" + failures.visible(name).orElse(null);
    }

    private static boolean isUnreachable(RuntimeException e) {
        return e instanceof WorkerClient.ConnectCallException c && c.status() == 0;
    }

    /** Whether the worker shows the connector as desired: nothing more to do or to watch for. */
    private boolean settled(ConnectorState state, WorkerConnector running) {
        if (running == null || running.status() == null || staleTasks.containsKey(state.getName())) {
            return false;
        }
        String target = state.getTargetState().name();
        if (!target.equals(running.state())) {
            return false;
        }
        var tasks = running.status().path("tasks");
        if (state.getTargetState() == TargetState.RUNNING && tasks.isEmpty()) {
            return false;
        }
        for (var task : tasks) {
            if (!target.equals(task.path("state").asText())) {
                return false;
            }
        }
        return true;
    }

    /** The calls that make one connector as desired; answers how many changed something. */
    private int apply(ConnectorState state, WorkerConnector running, List<RuntimeException> errors) {
        String name = state.getName();
        boolean drift = Long.valueOf(state.getVersion()).equals(versionsApplied.get(name));
        Map<String, String> config = toWorker.apply(state.getConfig());
        if (running == null) {
            Long created = createdAt.get(name);
            if (created != null && clock.millis() - created < CREATE_GRACE_MS) {
                // Created moments ago: a worker lists a connector only once it has started it.
                return 0;
            }
            try {
                worker.create(name, config, state.getTargetState().name());
            } catch (WorkerClient.WorkerRejection e) {
                if (e.status() == 409 && String.valueOf(e.getMessage()).contains("already exists")) {
                    // Created, but not started yet: it has no status to read. Looked at again later.
                    return 0;
                }
                throw e;
            }
            workerConfigs.put(name, config);
            createdAt.put(name, clock.millis());
            targetsRequested.put(name, new Requested(state.getTargetState(), clock.millis()));
            repaired(name, drift, "created");
            versionsApplied.put(name, state.getVersion());
            return 1;
        }
        int changes = 0;
        if (!running.config().equals(config)) {
            worker.putConfig(name, config);
            workerConfigs.put(name, config);
            List<Map<String, String>> before = tasksReported.computeIfAbsent(name,
                    n -> lastObserved.apply(n).map(ConnectorObservation::getTaskConfigs).orElse(List.of()));
            staleTasks.put(name, new StaleTasks(before, clock.millis()));
            repaired(name, drift, "config");
            changes++;
        }
        // Offsets first: a connector resumed since they were asked for is still stopped on the worker.
        changes += modifyOffsetsIfAsked(state, running);
        int aligned = alignTargetState(name, state.getTargetState(), running.state());
        if (aligned > 0 && SETTLED.contains(running.state())) {
            repaired(name, drift, state.getTargetState().name().toLowerCase(java.util.Locale.ROOT));
        }
        changes += aligned;
        // Requests carried out once: one the worker cannot take now is tried again later, and does
        // not hold up the rest.
        int calls = changes + attempt(errors, () -> restartIfAsked(state))
                + attempt(errors, () -> resetTopicsIfAsked(state))
                + attempt(errors, () -> autoRestartIfFailed(state, running));
        // Only a pass that found everything as desired marks the version as applied: what
        // differs later at that version was changed by someone else.
        if (changes == 0 && SETTLED.contains(running.state())) {
            versionsApplied.put(name, state.getVersion());
        }
        return calls;
    }

    /** Deletes a connector that is on the worker but not desired. */
    private int deleteStray(String name) {
        long now = clock.millis();
        if (!failures.due(name, "deleted", now)) {
            return 0;
        }
        try {
            worker.delete(name);
            lastWorkerWrite = clock.millis();
            workerConfigs.remove(name);
            failures.succeeded(name);
            return 1;
        } catch (RuntimeException e) {
            if (!isUnreachable(e)) {
                failures.failed(name, "deleted", "DELETED", "PRESENT", e, now);
            }
            return 0;
        }
    }

    /** Stops the threads that call the worker. */
    public void close() {
        pool.shutdownNow();
        watchPool.shutdownNow();
        detailsReader.close();
    }

    /** How long after its last change the worker counts as busy with it. */
    static final long BUSY_MS = 1_000;

    /**
     * Whether the reconciler changed something on the worker within the last {@code ms}: the
     * worker's herder thread is then busy carrying it out (a create is a config write and a
     * rebalance), and what can wait (a full pass's list with configs, offsets, task configs) waits.
     */
    boolean busyWithin(long ms) {
        return clock.millis() - lastWorkerWrite < ms;
    }

    /** Reads one connector's active topics and offsets, then reports it again with them (and its task configs). */
    private void readDetailsAndReport(String name) {
        if (!detailsDue.contains(name)) {
            return;
        }
        try {
            details.put(name, new Details(worker.activeTopics(name), worker.offsets(name), clock.millis()));
            detailsDue.remove(name);
        } catch (RuntimeException e) {
            // The worker cannot say now: the periodic pass reads them.
            return;
        }
        try {
            reconcileConnector(name, null, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Restarts failed parts of a connector that opted in, after the back-off; resets once it is healthy. */
    private int autoRestartIfFailed(ConnectorState state, WorkerConnector running) {
        String name = state.getName();
        if (!AutoRestart.enabled(state.getConfig()) || running.status() == null) {
            return 0;
        }
        Restarts restarts = autoRestarts.computeIfAbsent(name, n -> lastObserved.apply(n)
                .map(o -> new Restarts(o.getAutoRestarts(), o.getLastAutoRestart()))
                .orElse(new Restarts(0, null)));
        boolean failed = "FAILED".equals(running.state());
        for (var task : running.status().path("tasks")) {
            failed |= "FAILED".equals(task.path("state").asText());
        }
        if (!failed) {
            if (restarts.count() > 0 && "RUNNING".equals(running.state())) {
                autoRestarts.put(name, new Restarts(0, restarts.last()));
            }
            return 0;
        }
        long now = clock.millis();
        if (!AutoRestart.due(restarts.count(), restarts.last(), now, AutoRestart.maxRestarts(state.getConfig()))) {
            return 0;
        }
        worker.restart(name, true, true);
        autoRestarts.put(name, new Restarts(restarts.count() + 1, now));
        log.info("Auto-restarted failed connector {} on cluster {} (restart {})", name, cluster, restarts.count() + 1);
        return 1;
    }

    private void repaired(String name, boolean drift, String what) {
        if (drift) {
            log.info("Connector {} on cluster {} was changed on the worker; put back: {}", name, cluster, what);
            pendingRepairs.computeIfAbsent(name, n -> new ArrayList<>()).add(what);
        }
    }

    /** Carries out a restart request once; the id of the last one done travels with the observations. */
    private int restartIfAsked(ConnectorState state) {
        RestartRequest pending = state.getPendingRestart();
        if (pending == null) {
            return 0;
        }
        String name = state.getName();
        String applied = restartsApplied.computeIfAbsent(name,
                n -> lastObserved.apply(n).map(ConnectorObservation::getRestartApplied).orElse(null));
        if (pending.getId().equals(applied)) {
            return 0;
        }
        if (pending.getTask() == null) {
            worker.restart(name, pending.getIncludeTasks(), pending.getOnlyFailed());
        } else {
            worker.restartTask(name, pending.getTask());
        }
        restartsApplied.put(name, pending.getId());
        return 1;
    }

    /**
     * Makes the offsets change asked for once, while the connector is stopped on the worker, and
     * keeps the worker's answer. Answers that say "not now" (a rebalance, a stop still under way, a
     * connector not yet created there, a timeout) are tried again on the next pass; a refusal of the
     * offsets themselves is the answer.
     */
    private int modifyOffsetsIfAsked(ConnectorState state, WorkerConnector running) {
        OffsetsRequest pending = state.getPendingOffsets();
        if (pending == null) {
            return 0;
        }
        String name = state.getName();
        OffsetsResult done = offsetsApplied.computeIfAbsent(name,
                n -> lastObserved.apply(n).map(ConnectorObservation::getOffsetsApplied).orElse(null));
        if (done != null && done.getId().equals(pending.getId())) {
            return 0;
        }
        if (!"STOPPED".equals(running.state())) {
            if (state.getTargetState() != TargetState.STOPPED) {
                // Resumed before the worker ever stopped it: the offsets can no longer be changed.
                offsetsApplied.put(name, new OffsetsResult(pending.getId(), 400, notStopped(name), null, null));
            } else {
                giveUpOffsetsIfStuck(state, running);
            }
            return 0;
        }
        offsetsWaitingSince.remove(name);
        try {
            // A request that stopped the connector for the change says what the offsets were before it.
            String previous = pending.getStopFirst() ? worker.offsets(name) : null;
            String message = worker.modifyOffsets(name, pending.getOffsets());
            offsetsApplied.put(name, new OffsetsResult(pending.getId(), 200, message, previous, clock.millis()));
        } catch (WorkerClient.WorkerRejection e) {
            if (e.status() == 404 || e.status() == 409 || e.getMessage().contains("must be in the STOPPED state")) {
                return 0;
            }
            offsetsApplied.put(name, new OffsetsResult(pending.getId(), e.status(), e.getMessage(), null, clock.millis()));
        } catch (WorkerClient.ConnectCallException e) {
            String message = e.workerMessage();
            if (e.status() < 500 || message == null || message.toLowerCase(java.util.Locale.ROOT).contains("timed out")) {
                throw e;
            }
            // The plugin refused the offsets: the worker reports that as a server error.
            offsetsApplied.put(name, new OffsetsResult(pending.getId(), e.status(), message, null, clock.millis()));
        }
        return 1;
    }

    /**
     * An offsets change waits for the worker to stop the connector; when the worker keeps refusing
     * what the reconciler asks ({@link #OFFSETS_GIVE_UP_ATTEMPTS} failures in a row) or has not
     * stopped it in {@link #OFFSETS_GIVE_UP_MS}, the change ends as not made, saying why.
     */
    private void giveUpOffsetsIfStuck(ConnectorState state, WorkerConnector running) {
        OffsetsRequest pending = state.getPendingOffsets();
        String name = state.getName();
        if (pending == null || state.getTargetState() != TargetState.STOPPED
                || running != null && "STOPPED".equals(running.state())) {
            return;
        }
        OffsetsResult done = offsetsApplied.computeIfAbsent(name,
                n -> lastObserved.apply(n).map(ConnectorObservation::getOffsetsApplied).orElse(null));
        if (done != null && done.getId().equals(pending.getId())) {
            return;
        }
        long now = clock.millis();
        long since = offsetsWaitingSince.compute(name, (n, at) -> at == null ? now : at);
        Optional<io.switchboard.schemas.ReconcileFailure> failing = failures.visible(name);
        boolean refused = failing.isPresent() && failing.get().getAttempts() >= OFFSETS_GIVE_UP_ATTEMPTS;
        if (!refused && now - since < OFFSETS_GIVE_UP_MS) {
            return;
        }
        String why = refused ? failing.get().getError()
                : "it is still " + (running == null ? "not on the worker" : running.state()) + " after "
                        + OFFSETS_GIVE_UP_MS / 60_000 + " minutes";
        offsetsApplied.put(name, new OffsetsResult(pending.getId(), 409, WorkerMessages.oneLine(
                "The offsets of connector " + name + " were not changed: the worker did not stop it (" + why + ")"), null, null));
        offsetsWaitingSince.remove(name);
        log.warn("Gave up changing the offsets of connector {} on cluster {}: the worker did not stop it ({})", name, cluster, why);
    }

    static String notStopped(String name) {
        return "Connectors must be in the STOPPED state before their offsets can be modified. This can be done "
                + "for the specified connector by issuing a 'PUT' request to the '/connectors/" + name + "/stop' endpoint";
    }

    /** Resets the worker's record of the connector's active topics once per request. */
    private int resetTopicsIfAsked(ConnectorState state) {
        String pending = state.getPendingTopicsReset();
        if (pending == null) {
            return 0;
        }
        String name = state.getName();
        String done = topicsResetsApplied.computeIfAbsent(name,
                n -> lastObserved.apply(n).map(ConnectorObservation::getTopicsResetApplied).orElse(null));
        if (pending.equals(done)) {
            return 0;
        }
        worker.resetActiveTopics(name);
        topicsResetsApplied.put(name, pending);
        return 1;
    }

    /**
     * Asks the worker for the target state whatever the connector's state there (a failed
     * connector can be stopped or paused too), except resuming one that is failed, unassigned or
     * restarting: that is a restart's job. A state asked for is asked again only if it has not
     * shown after a while ({@link #SETTLE_GRACE_MS}, or {@link #REQUEST_AGAIN_MS} for a connector
     * that may never show it, such as a failed one that was paused).
     */
    private int alignTargetState(String name, TargetState target, String observed) {
        if (observed.equals(target.name()) || target == TargetState.RUNNING && !SETTLED.contains(observed)) {
            return 0;
        }
        long now = clock.millis();
        Requested last = targetsRequested.get(name);
        long patience = SETTLED.contains(observed) ? SETTLE_GRACE_MS : REQUEST_AGAIN_MS;
        if (last != null && last.target() == target && now - last.at() < patience) {
            return 0;
        }
        switch (target) {
            case RUNNING -> worker.resume(name);
            case PAUSED -> worker.pause(name);
            case STOPPED -> worker.stop(name);
            default -> {
                return 0;
            }
        }
        targetsRequested.put(name, new Requested(target, now));
        return 1;
    }

    private static String fingerprintOf(Object status, ConnectorObservation observation) {
        return status + "|" + observation.getRestartApplied() + "|" + observation.getAutoRestarts()
                + "|" + observation.getLastAutoRestart() + "|" + observation.getOffsetsApplied()
                + "|" + observation.getTopicsResetApplied() + "|" + observation.getReconcileFailure();
    }

    /**
     * The connector's active topics and offsets: read again when its status changed or the last
     * reading is {@link #DETAILS_EVERY_MS} old; kept as they were when the worker cannot say now.
     */
    private Details detailsOf(String name, String statusFingerprint, boolean fullPass) {
        Details known = details.get(name);
        String reported = lastReported.get(name);
        boolean statusChanged = reported == null || !reported.startsWith(statusFingerprint + "|");
        if (statusChanged) {
            detailsDue.add(name);
        }
        long now = clock.millis();
        // Offsets cost the worker an offset store per read: off a full pass they are read on a
        // thread of their own after the status is reported, never on the way to reporting it.
        if (!fullPass) {
            if (statusChanged) {
                detailsReader.request(name);
            }
            return known;
        }
        if (statusChanged && known != null && now - known.at() < 1_000) {
            // Read just now, by the details reader that is reporting them.
            detailsDue.remove(name);
            return known;
        }
        if (known != null && !detailsDue.contains(name) && now - known.at() < DETAILS_EVERY_MS) {
            return known;
        }
        try {
            Details fresh = new Details(worker.activeTopics(name), worker.offsets(name), now);
            details.put(name, fresh);
            detailsDue.remove(name);
            return fresh;
        } catch (RuntimeException e) {
            return known;
        }
    }

    /**
     * Reports what the worker shows of a connector, when that changed: its status, and the
     * reconciler's failure while it is failing. A connector the worker does not have (yet) is
     * reported only while failing, as UNASSIGNED with no tasks.
     */
    private void report(ConnectorState state, WorkerConnector running, boolean fullPass) {
        String name = state.getName();
        Optional<io.switchboard.schemas.ReconcileFailure> failure = failures.visible(name);
        com.fasterxml.jackson.databind.JsonNode status = running == null ? null : running.status();
        if (status == null && failure.isEmpty()) {
            return;
        }
        List<TaskObservation> tasks = new ArrayList<>();
        if (status != null) {
            status.path("tasks").forEach(t -> tasks.add(new TaskObservation(t.path("id").asInt(), t.path("state").asText(),
                    t.path("worker_id").asText(null), t.hasNonNull("trace") ? t.get("trace").asText() : null,
                    t.hasNonNull("version") ? t.get("version").asText() : null)));
        }
        com.fasterxml.jackson.databind.JsonNode connector = status == null
                ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : status.path("connector");
        ConnectorObservation observation = ConnectorObservation.newBuilder()
                .setCluster(cluster)
                .setConnector(name)
                .setObservedAt(clock.millis())
                .setState(connector.path("state").asText("UNASSIGNED"))
                .setWorkerId(connector.path("worker_id").asText(null))
                .setTrace(connector.hasNonNull("trace") ? connector.get("trace").asText() : null)
                .setVersion(connector.hasNonNull("version") ? connector.get("version").asText() : null)
                .setType(running == null ? null : running.type())
                .setTasks(tasks)
                .setRestartApplied(restartsApplied.get(name))
                .setOffsetsApplied(offsetsApplied.get(name))
                .setTopicsResetApplied(topicsResetsApplied.get(name))
                .setRepairs(pendingRepairs.getOrDefault(name, List.of()))
                .setAutoRestarts(autoRestarts.getOrDefault(name, new Restarts(0, null)).count())
                .setLastAutoRestart(autoRestarts.getOrDefault(name, new Restarts(0, null)).last())
                .setReconcileFailure(failure.orElse(null))
                .build();
        Details known = status == null ? details.get(name) : detailsOf(name, fingerprintOf(status, observation), fullPass);
        if (known != null) {
            observation.setActiveTopics(known.topics());
            observation.setOffsets(known.offsets());
            observation.setDetailsObservedAt(known.at());
        }
        String fingerprint = fingerprintOf(status, observation) + "|" + (known == null ? "" : known.topics() + "|" + known.offsets());
        List<Map<String, String>> taskConfigs = null;
        StaleTasks stale = staleTasks.get(name);
        long now = clock.millis();
        if (stale != null && now > stale.until()) {
            staleTasks.remove(name);
        } else if (stale != null && status != null && now >= stale.nextRead()) {
            // After a config change the reconciler made, the tasks are read until they show it:
            // the status alone need not change when the worker reconfigures the tasks.
            taskConfigs = worker.taskConfigs(name);
            if (!taskConfigs.equals(stale.before())) {
                staleTasks.remove(name);
            } else {
                staleTasks.put(name, stale.readAt(now));
            }
        }
        boolean tasksChanged = taskConfigs != null && !taskConfigs.equals(tasksReported.get(name));
        if (tasksChanged || !fingerprint.equals(lastReported.get(name)) || !observation.getRepairs().isEmpty()) {
            // Otherwise task configs change only when the tasks do: they are read when the status
            // changed. If the worker cannot answer now (it rebalances), nothing is reported and the
            // next pass tries again, pending repairs included.
            if (taskConfigs == null) {
                List<Map<String, String>> reportedTasks = tasksReported.get(name);
                // The configs of the tasks change with their number (a config change is read above):
                // a status change that keeps the tasks needs no read of them, except on a full pass.
                boolean sameTasks = reportedTasks != null && reportedTasks.size() == tasks.size();
                if (!sameTasks && !fullPass && status != null) {
                    // Reading task configs waits on the worker's herder thread, which is busy
                    // creating while connectors are being created: the details reader reads them.
                    detailsDue.add(name);
                    detailsReader.request(name);
                }
                taskConfigs = status == null || !fullPass ? tasksReported.getOrDefault(name, List.of())
                        : worker.taskConfigs(name);
            }
            observation.setTaskConfigs(taskConfigs);
            observations.accept(observation);
            outcomesReported.put(name, outcomes(name));
            lastReported.put(name, fingerprint);
            tasksReported.put(name, taskConfigs);
            pendingRepairs.remove(name);
        }
    }
}
