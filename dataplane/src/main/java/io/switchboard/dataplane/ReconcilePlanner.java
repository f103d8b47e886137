package io.switchboard.dataplane;

import io.switchboard.dataplane.ConnectClusterClient.WorkerConnector;
import io.switchboard.dataplane.ConnectorMemory.Requested;
import io.switchboard.dataplane.ConnectorMemory.Restarts;
import io.switchboard.dataplane.ReconcileAction.AutoRestartFailed;
import io.switchboard.dataplane.ReconcileAction.Create;
import io.switchboard.dataplane.ReconcileAction.Delete;
import io.switchboard.dataplane.ReconcileAction.GiveUpOffsets;
import io.switchboard.dataplane.ReconcileAction.MarkVersionApplied;
import io.switchboard.dataplane.ReconcileAction.ModifyOffsets;
import io.switchboard.dataplane.ReconcileAction.OffsetsWaiting;
import io.switchboard.dataplane.ReconcileAction.PutConfig;
import io.switchboard.dataplane.ReconcileAction.RememberAutoRestarts;
import io.switchboard.dataplane.ReconcileAction.RememberOffsets;
import io.switchboard.dataplane.ReconcileAction.RememberRestart;
import io.switchboard.dataplane.ReconcileAction.RememberTopicsReset;
import io.switchboard.dataplane.ReconcileAction.ResetTopics;
import io.switchboard.dataplane.ReconcileAction.Restart;
import io.switchboard.dataplane.ReconcileAction.SetTargetState;
import io.switchboard.rules.AutoRestart;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.OffsetsRequest;
import io.switchboard.schemas.OffsetsResult;
import io.switchboard.schemas.ReconcileFailure;
import io.switchboard.schemas.RestartRequest;
import io.switchboard.schemas.TargetState;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Decides what to do about one connector: from its desired state, what the worker shows of it and
 * what the reconciler remembers of it, the {@link ReconcileAction}s that make it as desired with
 * the fewest calls. It creates what is missing (with its initial state), puts a config only when it
 * differs, pauses, resumes or stops only when the observed state differs from the target, and
 * carries out each restart, offsets change and active-topics reset once.
 *
 * <p>A pure function: it calls nothing, reads no clock (the instant is an input) and changes no
 * memory; what it would remember is an action too, in the order it is to happen. The one input it
 * may call is the connector's last observation, read only when the memory does not know what
 * was carried out (after a change of leader). Thread-safe: it has no state.
 */
final class ReconcilePlanner {
    /** Worker states a connector rests in; the others (UNASSIGNED, FAILED, RESTARTING) it passes through or is stuck in. */
    static final Set<String> SETTLED = Set.of("RUNNING", "PAUSED", "STOPPED");
    /** How long a target state asked of a running, paused or stopped connector may take to show before it is asked again. */
    static final long SETTLE_GRACE_MS = 5_000;
    /** How often a target state is asked again of a connector that is failed, unassigned or restarting. */
    static final long REQUEST_AGAIN_MS = 60_000;
    /** How long after the reconciler created a connector one not listed yet is starting, not missing. */
    static final long CREATE_GRACE_MS = 30_000;
    /** An offsets change gives up after this many failed attempts in a row to reconcile a connector not stopped on the worker. */
    static final int OFFSETS_GIVE_UP_ATTEMPTS = 3;
    /** ... or after waiting this long for the worker to stop it. */
    static final long OFFSETS_GIVE_UP_MS = 600_000;

    private ReconcilePlanner() {
    }

    /**
     * Whether the worker has the config it is to be given. Its {@code name} is left out: a worker
     * adds the connector's name to every config it is given, and refuses one that names another, so
     * a desired config without it (a command sent to the topic directly) is no difference to put back
     * on every pass.
     */
    private static boolean sameConfig(Map<String, String> onWorker, Map<String, String> toGive) {
        return withoutName(onWorker).equals(withoutName(toGive));
    }

    private static Map<String, String> withoutName(Map<String, String> config) {
        if (!config.containsKey("name")) {
            return config;
        }
        Map<String, String> rest = new HashMap<>(config);
        rest.remove("name");
        return rest;
    }

    /**
     * What a plan is made from.
     *
     * @param desired      the connector as it is to be made now (see {@link #asCarriedOut})
     * @param workerConfig its config as the worker is to be given it
     * @param observed     the connector as the worker has it, or null when the worker does not have it
     * @param memory       what the reconciler remembers of it; only read here
     * @param lastObserved its last observation, for what the memory does not know yet
     * @param failing      the failure shown for it, if its reconciling keeps failing
     * @param now          the instant the plan is made for, in epoch milliseconds
     */
    record Situation(ConnectorState desired, Map<String, String> workerConfig, WorkerConnector observed,
                     ConnectorMemory memory, Supplier<Optional<ConnectorObservation>> lastObserved,
                     Optional<ReconcileFailure> failing, long now) {
    }

    /** The steps that make the connector as desired, in the order they are to be carried out. */
    static List<ReconcileAction> plan(Situation s) {
        ConnectorState state = s.desired();
        ConnectorMemory memory = s.memory();
        WorkerConnector running = s.observed();
        // A difference at the version last made true was made by someone else on the worker.
        boolean drift = Long.valueOf(state.getVersion()).equals(memory.versionApplied());
        List<ReconcileAction> plan = new ArrayList<>();
        if (running == null) {
            Long created = memory.createdAt();
            if (created != null && s.now() - created < CREATE_GRACE_MS) {
                // Created moments ago: a worker lists a connector only once it has started it.
                return plan;
            }
            plan.add(new Create(s.workerConfig(), state.getTargetState(), state.getVersion(), drift ? "created" : null));
            return plan;
        }
        if (!sameConfig(running.config(), s.workerConfig())) {
            plan.add(new PutConfig(s.workerConfig(), drift ? "config" : null));
        }
        // Offsets first: made while the worker has the connector stopped, before its target state is asked for.
        planOffsets(s, plan);
        TargetState target = state.getTargetState();
        if (targetStateDue(target, running.state(), memory.targetRequested(), s.now())) {
            boolean repair = drift && SETTLED.contains(running.state());
            plan.add(new SetTargetState(target, repair ? target.name().toLowerCase(Locale.ROOT) : null));
        }
        // Requests carried out once: one the worker cannot take now is tried again later, and does
        // not hold up the rest.
        planRestart(s, plan);
        planTopicsReset(s, plan);
        planAutoRestart(s, plan);
        // Only a look that found everything as desired marks the version as applied.
        if (SETTLED.contains(running.state())) {
            plan.add(new MarkVersionApplied(state.getVersion()));
        }
        return plan;
    }

    /**
     * The connectors to delete: those on the worker that are not desired, in the order the worker
     * listed them. A connector changed or deleted directly on the worker is put back by {@link #plan}.
     */
    static List<Delete> strays(Set<String> desired, Collection<String> onWorker) {
        List<Delete> strays = new ArrayList<>();
        for (String name : onWorker) {
            if (!desired.contains(name)) {
                strays.add(new Delete(name));
            }
        }
        return strays;
    }

    /** Whether a pending offsets change stops the connector first, unless it was made already. */
    static boolean stopsForOffsets(ConnectorState state) {
        OffsetsRequest pending = state.getPendingOffsets();
        return pending != null && pending.getStopFirst() && state.getTargetState() != TargetState.STOPPED;
    }

    /**
     * The connector as the data plane must make it now: while an offsets request that stops it
     * first is not carried out, stopped whatever its target state (so the offsets can change), and
     * back to its target state once the worker has answered the request ({@code applied}).
     */
    static ConnectorState asCarriedOut(ConnectorState state, OffsetsResult applied) {
        if (!stopsForOffsets(state) || applied != null && applied.getId().equals(state.getPendingOffsets().getId())) {
            return state;
        }
        return ConnectorState.newBuilder(state).setTargetState(TargetState.STOPPED).build();
    }

    /** Whether the worker shows the connector as desired: nothing more to do or to watch for. */
    static boolean settled(ConnectorState state, WorkerConnector running, ConnectorMemory memory) {
        if (running == null || running.status() == null || memory.staleTasks() != null) {
            return false;
        }
        String target = state.getTargetState().name();
        if (!target.equals(running.state())) {
            return false;
        }
        JsonNode tasks = running.status().path("tasks");
        if (state.getTargetState() == TargetState.RUNNING && tasks.isEmpty()) {
            return false;
        }
        for (JsonNode task : tasks) {
            if (!target.equals(task.path("state").asText())) {
                return false;
            }
        }
        return true;
    }

    /** Whether the worker shows the connector or one of its tasks FAILED, or with a trace. */
    static boolean showsFailure(WorkerConnector running) {
        JsonNode status = running == null ? null : running.status();
        if (status == null) {
            return false;
        }
        if (failing(status.path("connector"))) {
            return true;
        }
        for (JsonNode task : status.path("tasks")) {
            if (failing(task)) {
                return true;
            }
        }
        return false;
    }

    private static boolean failing(JsonNode status) {
        return "FAILED".equals(status.path("state").asText()) || status.hasNonNull("trace");
    }

    /**
     * Asks the worker for the target state whatever the connector's state there (a failed
     * connector can be stopped or paused too), except resuming one that is failed, unassigned or
     * restarting: that is a restart's job. A state asked for is asked again only if it has not
     * shown after a while ({@link #SETTLE_GRACE_MS}, or {@link #REQUEST_AGAIN_MS} for a connector
     * that may never show it, such as a failed one that was paused).
     */
    static boolean targetStateDue(TargetState target, String observed, Requested last, long now) {
        if (observed.equals(target.name()) || target == TargetState.RUNNING && !SETTLED.contains(observed)) {
            return false;
        }
        long patience = SETTLED.contains(observed) ? SETTLE_GRACE_MS : REQUEST_AGAIN_MS;
        return last == null || last.target() != target || now - last.at() >= patience;
    }

    /**
     * Makes the offsets change asked for once, while the connector is stopped on the worker; one
     * waiting for the worker to stop it may be given up ({@link #offsetsGiveUp}). Whether a change
     * may be asked is the processor's to decide: it keeps the connector to be stopped until the
     * change is answered (see {@link #asCarriedOut}), so the planner only carries it out.
     */
    private static void planOffsets(Situation s, List<ReconcileAction> plan) {
        OffsetsRequest pending = s.desired().getPendingOffsets();
        if (pending == null) {
            return;
        }
        OffsetsResult done = recallOffsets(s, plan);
        if (done != null && done.getId().equals(pending.getId())) {
            return;
        }
        if (!"STOPPED".equals(s.observed().state())) {
            planGiveUp(s, plan);
            return;
        }
        plan.add(new ModifyOffsets(pending));
    }

    /**
     * An offsets change waits for the worker to stop the connector; when the worker keeps refusing
     * what the reconciler asks ({@link #OFFSETS_GIVE_UP_ATTEMPTS} failures in a row) or has not
     * stopped it in {@link #OFFSETS_GIVE_UP_MS}, the change ends as not made, saying why. Answers
     * the steps that note the wait and give up, none when no change waits.
     */
    static List<ReconcileAction> offsetsGiveUp(Situation s) {
        ConnectorState state = s.desired();
        OffsetsRequest pending = state.getPendingOffsets();
        WorkerConnector running = s.observed();
        List<ReconcileAction> plan = new ArrayList<>();
        if (pending == null || state.getTargetState() != TargetState.STOPPED
                || running != null && "STOPPED".equals(running.state())) {
            return plan;
        }
        OffsetsResult done = recallOffsets(s, plan);
        if (done != null && done.getId().equals(pending.getId())) {
            return plan;
        }
        planGiveUp(s, plan);
        return plan;
    }

    private static void planGiveUp(Situation s, List<ReconcileAction> plan) {
        long now = s.now();
        Long waiting = s.memory().offsetsWaitingSince();
        if (waiting == null) {
            plan.add(new OffsetsWaiting(now));
        }
        long since = waiting == null ? now : waiting;
        Optional<ReconcileFailure> failing = s.failing();
        boolean refused = failing.isPresent() && failing.get().getAttempts() >= OFFSETS_GIVE_UP_ATTEMPTS;
        if (!refused && now - since < OFFSETS_GIVE_UP_MS) {
            return;
        }
        String name = s.desired().getName();
        WorkerConnector running = s.observed();
        String why = refused ? failing.get().getError()
                : "it is still " + (running == null ? "not on the worker" : running.state()) + " after "
                        + OFFSETS_GIVE_UP_MS / 60_000 + " minutes";
        plan.add(new GiveUpOffsets(new OffsetsResult(s.desired().getPendingOffsets().getId(), 409, WorkerMessages.oneLine(
                "The offsets of connector " + name + " were not changed: the worker did not stop it (" + why + ")"), null, null), why));
    }

    /** The answer to the last offsets change, seeded from the last observation when not remembered yet. */
    private static OffsetsResult recallOffsets(Situation s, List<ReconcileAction> plan) {
        OffsetsResult done = s.memory().offsetsApplied();
        if (done == null) {
            done = s.lastObserved().get().map(ConnectorObservation::getOffsetsApplied).orElse(null);
            if (done != null) {
                plan.add(new RememberOffsets(done));
            }
        }
        return done;
    }

    /** Carries out a restart request once; the id of the last one done travels with the observations. */
    private static void planRestart(Situation s, List<ReconcileAction> plan) {
        RestartRequest pending = s.desired().getPendingRestart();
        if (pending == null) {
            return;
        }
        String applied = s.memory().restartApplied();
        if (applied == null) {
            applied = s.lastObserved().get().map(ConnectorObservation::getRestartApplied).orElse(null);
            if (applied != null) {
                plan.add(new RememberRestart(applied));
            }
        }
        if (!pending.getId().equals(applied)) {
            plan.add(new Restart(pending));
        }
    }

    /** Resets the worker's record of the connector's active topics once per request. */
    private static void planTopicsReset(Situation s, List<ReconcileAction> plan) {
        String pending = s.desired().getPendingTopicsReset();
        if (pending == null) {
            return;
        }
        String done = s.memory().topicsResetApplied();
        if (done == null) {
            done = s.lastObserved().get().map(ConnectorObservation::getTopicsResetApplied).orElse(null);
            if (done != null) {
                plan.add(new RememberTopicsReset(done));
            }
        }
        if (!pending.equals(done)) {
            plan.add(new ResetTopics(pending));
        }
    }

    /** Restarts failed parts of a connector that opted in, after the back-off; starts counting again once it is healthy. */
    private static void planAutoRestart(Situation s, List<ReconcileAction> plan) {
        ConnectorState state = s.desired();
        WorkerConnector running = s.observed();
        if (!AutoRestart.enabled(state.getConfig()) || running.status() == null) {
            return;
        }
        Restarts restarts = s.memory().autoRestarts();
        if (restarts == null) {
            restarts = s.lastObserved().get().map(o -> new Restarts(o.getAutoRestarts(), o.getLastAutoRestart()))
                    .orElse(Restarts.NONE);
            plan.add(new RememberAutoRestarts(restarts.count(), restarts.last()));
        }
        boolean failed = "FAILED".equals(running.state());
        for (JsonNode task : running.status().path("tasks")) {
            failed |= "FAILED".equals(task.path("state").asText());
        }
        if (!failed) {
            if (restarts.count() > 0 && "RUNNING".equals(running.state())) {
                plan.add(new RememberAutoRestarts(0, restarts.last()));
            }
            return;
        }
        if (AutoRestart.due(restarts.count(), restarts.last(), s.now(), AutoRestart.maxRestarts(state.getConfig()))) {
            plan.add(new AutoRestartFailed(restarts.count() + 1));
        }
    }
}
