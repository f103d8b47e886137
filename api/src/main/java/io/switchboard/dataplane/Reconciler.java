package io.switchboard.dataplane;

import io.switchboard.dataplane.ConnectClusterClient.WorkerConnector;
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
    /** How many connectors are reconciled at once. */
    static final int PARALLELISM = 8;
    private final java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(PARALLELISM, r -> {
        Thread thread = new Thread(r, "switchboard-reconcile");
        thread.setDaemon(true);
        return thread;
    });
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
    private final Map<String, Restarts> autoRestarts = new java.util.concurrent.ConcurrentHashMap<>();
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
        this.toWorker = toWorker;
        this.cluster = cluster;
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
        Map<String, ConnectorState> wanted = desired.get().stream()
                .collect(Collectors.toMap(ConnectorState::getName, s -> s, (a, b) -> b));
        Map<String, WorkerConnector> actual = worker.connectors();
        List<java.util.concurrent.Callable<Integer>> work = new ArrayList<>();
        long began = System.nanoTime();
        for (ConnectorState state : wanted.values()) {
            work.add(() -> {
                ConnectorState current = state;
                if (desiredNow != null && System.nanoTime() - began > RECHECK_AFTER_NANOS) {
                    try {
                        Optional<ConnectorState> now = desiredNow.apply(state.getName());
                        if (now.isEmpty()) {
                            return 0;
                        }
                        current = now.get();
                    } catch (RuntimeException unknown) {
                        // Cannot be read now: go on with what the pass began with.
                    }
                }
                return reconcileOne(current, actual.get(state.getName()));
            });
        }
        for (String name : actual.keySet()) {
            if (!wanted.containsKey(name)) {
                work.add(() -> deleteStray(name));
            }
        }
        int calls = 0;
        try {
            for (java.util.concurrent.Future<Integer> done : pool.invokeAll(work)) {
                calls += done.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return calls;
        } catch (java.util.concurrent.ExecutionException e) {
            log.warn("Reconciling cluster {} failed: {}", cluster, e.getCause().toString());
        }
        lastReported.keySet().retainAll(wanted.keySet());
        versionsApplied.keySet().retainAll(wanted.keySet());
        autoRestarts.keySet().retainAll(wanted.keySet());
        details.keySet().retainAll(wanted.keySet());
        restartsApplied.keySet().retainAll(wanted.keySet());
        offsetsApplied.keySet().retainAll(wanted.keySet());
        topicsResetsApplied.keySet().retainAll(wanted.keySet());
        return calls;
    }

    private int attempt(String name, String what, java.util.function.IntSupplier step) {
        try {
            return step.getAsInt();
        } catch (RuntimeException e) {
            log.warn("The {} of connector {} on cluster {} failed; trying again: {}{}", what, name, cluster, e.getMessage(),
                    e instanceof ConnectClusterClient.WorkerRejection r && r.call() != null ? " (" + r.call() + ")" : "");
            return 0;
        }
    }

    /** Makes one desired connector true on the worker; answers the calls that changed something. */
    private int reconcileOne(ConnectorState state, WorkerConnector running) {
        String name = state.getName();
        boolean drift = Long.valueOf(state.getVersion()).equals(versionsApplied.get(name));
        try {
            Map<String, String> config = toWorker.apply(state.getConfig());
            if (running == null) {
                worker.create(name, config, state.getTargetState().name());
                repaired(name, drift, "created");
                versionsApplied.put(name, state.getVersion());
                return 1;
            }
            int changes = 0;
            if (!running.config().equals(config)) {
                worker.putConfig(name, config);
                repaired(name, drift, "config");
                changes++;
            }
            // Offsets first: a connector resumed since they were asked for is still stopped on the worker.
            changes += modifyOffsetsIfAsked(state, running);
            int aligned = alignTargetState(name, state.getTargetState(), running.state());
            if (aligned > 0) {
                repaired(name, drift, state.getTargetState().name().toLowerCase(java.util.Locale.ROOT));
            }
            changes += aligned;
            // Requests carried out once: one the worker cannot take now is tried again on the next
            // pass, and does not hold up the rest of this one.
            int calls = changes + attempt(name, "restart", () -> restartIfAsked(state))
                    + attempt(name, "active topics reset", () -> resetTopicsIfAsked(state))
                    + attempt(name, "auto-restart", () -> autoRestartIfFailed(state, running));
            // Only a pass that found everything as desired marks the version as applied: what
            // differs later at that version was changed by someone else.
            if (changes == 0 && SETTLED.contains(running.state())) {
                versionsApplied.put(name, state.getVersion());
            }
            report(running);
            return calls;
        } catch (RuntimeException e) {
            log.warn("Reconciling connector {} on cluster {} failed: {}{}", name, cluster, e.getMessage(),
                    e instanceof ConnectClusterClient.WorkerRejection r && r.call() != null ? " (" + r.call() + ")" : "");
            return 0;
        }
    }

    /** Deletes a connector that is on the worker but not desired. */
    private int deleteStray(String name) {
        try {
            worker.delete(name);
            return 1;
        } catch (RuntimeException e) {
            log.warn("Deleting connector {} from cluster {} failed: {}", name, cluster, e.getMessage());
            return 0;
        }
    }

    /** Stops the threads that call the worker. */
    public void close() {
        pool.shutdownNow();
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
                offsetsApplied.put(name, new OffsetsResult(pending.getId(), 400, notStopped(name)));
            }
            return 0;
        }
        try {
            String message = worker.modifyOffsets(name, pending.getOffsets());
            offsetsApplied.put(name, new OffsetsResult(pending.getId(), 200, message));
        } catch (ConnectClusterClient.WorkerRejection e) {
            if (e.status() == 404 || e.status() == 409 || e.getMessage().contains("must be in the STOPPED state")) {
                return 0;
            }
            offsetsApplied.put(name, new OffsetsResult(pending.getId(), e.status(), e.getMessage()));
        } catch (ConnectClusterClient.ConnectCallException e) {
            String message = e.workerMessage();
            if (e.status() < 500 || message == null || message.toLowerCase(java.util.Locale.ROOT).contains("timed out")) {
                throw e;
            }
            // The plugin refused the offsets: the worker reports that as a server error.
            offsetsApplied.put(name, new OffsetsResult(pending.getId(), e.status(), message));
        }
        return 1;
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

    private int alignTargetState(String name, TargetState target, String observed) {
        if (!SETTLED.contains(observed) || observed.equals(target.name())) {
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
        return 1;
    }

    private static String fingerprintOf(Object status, ConnectorObservation observation) {
        return status + "|" + observation.getRestartApplied() + "|" + observation.getAutoRestarts()
                + "|" + observation.getLastAutoRestart() + "|" + observation.getOffsetsApplied()
                + "|" + observation.getTopicsResetApplied();
    }

    /**
     * The connector's active topics and offsets: read again when its status changed or the last
     * reading is {@link #DETAILS_EVERY_MS} old; kept as they were when the worker cannot say now.
     */
    private Details detailsOf(String name, String statusFingerprint) {
        Details known = details.get(name);
        String reported = lastReported.get(name);
        boolean statusChanged = reported == null || !reported.startsWith(statusFingerprint + "|");
        long now = clock.millis();
        if (known != null && !statusChanged && now - known.at() < DETAILS_EVERY_MS) {
            return known;
        }
        try {
            Details fresh = new Details(worker.activeTopics(name), worker.offsets(name), now);
            details.put(name, fresh);
            return fresh;
        } catch (RuntimeException e) {
            return known;
        }
    }

    private void report(WorkerConnector running) {
        if (running.status() == null) {
            return;
        }
        var status = running.status();
        List<TaskObservation> tasks = new ArrayList<>();
        status.path("tasks").forEach(t -> tasks.add(new TaskObservation(t.path("id").asInt(), t.path("state").asText(),
                t.path("worker_id").asText(null), t.hasNonNull("trace") ? t.get("trace").asText() : null,
                t.hasNonNull("version") ? t.get("version").asText() : null)));
        var connector = status.path("connector");
        ConnectorObservation observation = ConnectorObservation.newBuilder()
                .setCluster(cluster)
                .setConnector(running.name())
                .setObservedAt(clock.millis())
                .setState(connector.path("state").asText("UNASSIGNED"))
                .setWorkerId(connector.path("worker_id").asText(null))
                .setTrace(connector.hasNonNull("trace") ? connector.get("trace").asText() : null)
                .setVersion(connector.hasNonNull("version") ? connector.get("version").asText() : null)
                .setType(running.type())
                .setTasks(tasks)
                .setRestartApplied(restartsApplied.get(running.name()))
                .setOffsetsApplied(offsetsApplied.get(running.name()))
                .setTopicsResetApplied(topicsResetsApplied.get(running.name()))
                .setRepairs(pendingRepairs.getOrDefault(running.name(), List.of()))
                .setAutoRestarts(autoRestarts.getOrDefault(running.name(), new Restarts(0, null)).count())
                .setLastAutoRestart(autoRestarts.getOrDefault(running.name(), new Restarts(0, null)).last())
                .build();
        Details known = detailsOf(running.name(), fingerprintOf(status, observation));
        if (known != null) {
            observation.setActiveTopics(known.topics());
            observation.setOffsets(known.offsets());
            observation.setDetailsObservedAt(known.at());
        }
        String fingerprint = fingerprintOf(status, observation) + "|" + (known == null ? "" : known.topics() + "|" + known.offsets());
        if (!fingerprint.equals(lastReported.get(running.name())) || !observation.getRepairs().isEmpty()) {
            // Task configs change only when the tasks do; fetch them only when the status changed.
            // If the worker cannot answer now (it rebalances), nothing is reported and the next pass
            // tries again, pending repairs included.
            observation.setTaskConfigs(worker.taskConfigs(running.name()));
            observations.accept(observation);
            lastReported.put(running.name(), fingerprint);
            pendingRepairs.remove(running.name());
        }
    }
}
