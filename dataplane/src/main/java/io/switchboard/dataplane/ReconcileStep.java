package io.switchboard.dataplane;

import io.switchboard.core.WorkerClient.ConnectCallException;
import io.switchboard.dataplane.ConnectClusterClient.WorkerConnector;
import io.switchboard.dataplane.ReconcileExecutor.Executed;
import io.switchboard.dataplane.ReconcilePlanner.Situation;
import io.switchboard.dataplane.ReconcileReporter.Report;
import io.switchboard.dataplane.Reconciler.Result;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.OffsetsResult;
import io.switchboard.schemas.TargetState;
import io.switchboard.rules.ConnectorPolicies;
import io.switchboard.rules.ControlPlane;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * One connector's reconcile step, whoever runs it (a full pass, the watcher's look, a reactive
 * thread): the {@link ReconcilePlanner} decides from what the worker shows, the
 * {@link ReconcileExecutor} carries it out, a failing call backs off ({@link ReconcileFailures}),
 * and the {@link ReconcileReporter} reports what was seen, unless it is a step on the way that has
 * not lasted yet. Deleting a stray is a step too.
 *
 * <p>It is the one writer of every connector's {@link ConnectorMemory}: the executor and the
 * reporter answer what happened ({@link MemoryChange}s), the reconciler and the worker view answer
 * what they saw, and the step alone applies it, in the order it happened. Whoever else would
 * change a memory asks the step.
 *
 * <p>Concurrency: every method but {@link #readDetails} and the counters' readers is called
 * holding the connector's claim ({@link ConnectorClaims}), so one thread at a time changes a
 * connector's memory here; {@link #readDetails} runs on the details reader's thread and changes only
 * what the details reader reads (see {@link ConnectorMemory}); the counters are safe from any thread.
 */
final class ReconcileStep {
    private final ConnectClusterClient worker;
    /** The config as the worker is given it: sealed secrets as they are, or opened for a worker that cannot open them. */
    private final UnaryOperator<Map<String, String>> toWorker;
    private final Clock clock;
    private final ReconcileFailures failures;
    private final WorkerView view;
    private final ConnectorMemories memories;
    private final ReconcileExecutor executor;
    private final ReconcileReporter reporter;
    /** When a step last changed something on the worker. */
    private volatile long lastWorkerWrite;
    private final LongAdder workerCalls = new LongAdder();
    private final LongAdder workerErrors = new LongAdder();
    /** The deployment's control plane, whose policies a config obeys before a worker is given it; null: none checked. */
    private volatile ControlPlane controlPlane;

    ReconcileStep(ConnectClusterClient worker, UnaryOperator<Map<String, String>> toWorker, Clock clock, ReconcileFailures failures,
                  WorkerView view, ConnectorMemories memories, ReconcileExecutor executor, ReconcileReporter reporter) {
        this.worker = worker;
        this.toWorker = toWorker;
        this.clock = clock;
        this.failures = failures;
        this.view = view;
        this.memories = memories;
        this.executor = executor;
        this.reporter = reporter;
    }

    /**
     * Makes one desired connector true on the worker, unless it is waiting out a back-off after
     * failures, and reports it. The caller holds its claim.
     *
     * @param fullPass whether this look may make the reads that wait on the worker's herder thread
     */
    /** Checks each config against the policies of this control plane before a worker is given it. */
    void policedBy(ControlPlane controlPlane) {
        this.controlPlane = controlPlane;
    }

    /**
     * A config a policy refuses (one stored before the policy existed: the decider stores no other)
     * is given to no worker: a connector the worker does not have is not created, and one it runs
     * with the config it has is stopped there, its config left as it is. The refusal is the
     * connector's reconcile failure, which its status shows and a lifecycle event reports; it ends
     * once the connector is changed to obey, or deleted.
     */
    private ConnectorPolicies.Refusal refusal(ConnectorState state) {
        ControlPlane policies = controlPlane;
        return policies == null ? null : ConnectorPolicies.refusal(policies, state.getConfig());
    }

    private static ConnectorState stoppedAsItIs(ConnectorState state, WorkerConnector running) {
        // A shallow copy: Avro's builder would copy the record deeply, through reflection.
        ConnectorState held = new ConnectorState();
        for (int i = 0; i < state.getSchema().getFields().size(); i++) {
            held.put(i, state.get(i));
        }
        held.setConfig(running.config());
        held.setTargetState(TargetState.STOPPED);
        return held;
    }

    Result run(ConnectorState desired, WorkerConnector running, boolean fullPass, ConnectorMemory memory) {
        view.learnType(running);
        String name = desired.getName();
        ConnectorState state = ReconcilePlanner.stopsForOffsets(desired)
                ? ReconcilePlanner.asCarriedOut(desired, rememberedOffsets(name, memory)) : desired;
        long now = clock.millis();
        if (!failures.due(name, desiredKey(state), now)) {
            return Result.UNSETTLED;
        }
        Supplier<Optional<ConnectorObservation>> lastObserved = executor.lastObservation(name);
        List<RuntimeException> errors = new ArrayList<>();
        int calls = 0;
        ConnectorPolicies.Refusal refused = refusal(state);
        try {
            if (refused != null) {
                errors.add(new IllegalStateException(refused.message()));
            }
            ConnectorState toMake = refused == null ? state : running == null ? null : stoppedAsItIs(state, running);
            Situation situation = toMake == null ? null : new Situation(toMake, toWorker.apply(toMake.getConfig()), running, memory,
                    lastObserved, failures.visible(name), clock.millis());
            Executed done = executor.execute(name, situation == null ? List.of() : ReconcilePlanner.plan(situation), memory);
            remember(memory, done.changes());
            errors.addAll(done.attemptFailures());
            if (done.stopped() != null) {
                throw done.stopped();
            }
            calls = done.calls();
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
            Situation failed = new Situation(state, state.getConfig(), running, memory, lastObserved,
                    failures.visible(name), clock.millis());
            Executed givenUp = executor.execute(name, ReconcilePlanner.offsetsGiveUp(failed), memory);
            remember(memory, givenUp.changes());
            errors.addAll(givenUp.attemptFailures());
            if (givenUp.stopped() != null) {
                throw givenUp.stopped();
            }
        }
        boolean settled = errors.isEmpty() && calls == 0 && ReconcilePlanner.settled(state, running, memory);
        if (settled) {
            memory.apply(new MemoryChange.Settled());
        } else if (!fullPass && errors.isEmpty() && reporter.outcomesReported(name, memory)
                && now - heldSince(running, memory, now) < Reconciler.SHOW_PASSING_STATES_AFTER_MS && !ReconcilePlanner.showsFailure(running)) {
            // On its way to what is desired (a pause the worker is carrying out): the state it
            // passes through is reported only if it lasts, which spares the processor an
            // observation per step of every connector in a burst. A failure is no step on the way:
            // it is reported as soon as it shows.
            return new Result(calls, false);
        }
        Report report = reporter.report(state, running, fullPass, memory);
        remember(memory, report.changes());
        if (report.readDetailsLater()) {
            reporter.readDetailsLater(name);
        }
        if (report.failed()) {
            // Reported on a later pass.
            return new Result(calls, false);
        }
        memory.apply(new MemoryChange.ChangeReported());
        return new Result(calls, settled);
    }

    /** Remembers what happened, in the order it happened. */
    private static void remember(ConnectorMemory memory, List<MemoryChange> changes) {
        for (MemoryChange change : changes) {
            memory.apply(change);
        }
    }

    /** The answer to the last offsets change, seeded from the last observation and remembered. */
    private OffsetsResult rememberedOffsets(String name, ConnectorMemory memory) {
        if (memory.offsetsApplied() == null) {
            memory.apply(new MemoryChange.OffsetsAnswered(executor.lastOffsets(name)));
        }
        return memory.offsetsApplied();
    }

    /** The worker listed the connector as {@code running}. The caller holds its claim. */
    void listed(ConnectorMemory memory, WorkerConnector running) {
        memory.apply(new MemoryChange.Listed(running.config()));
    }

    /**
     * Reads one connector from the worker on its own (see {@link WorkerView#one}), and remembers
     * the config it has; null when it does not have it. The caller holds its claim.
     */
    WorkerConnector readAlone(String name, ConnectorMemory memory) {
        WorkerConnector running = view.one(name, memory.workerConfig());
        memory.apply(new MemoryChange.WorkerConfigSeen(running == null ? null : running.config()));
        return running;
    }

    /** The connector, not desired, is no longer on the worker. The caller holds its claim. */
    void gone(String name) {
        ConnectorMemory memory = memories.peek(name);
        if (memory != null) {
            memory.apply(new MemoryChange.WorkerConfigSeen(null));
        }
    }

    /** The connector was just reconciled on its own. The caller holds its claim. */
    void reconciledAlone(String name) {
        memories.of(name).apply(new MemoryChange.ReconciledAlone(System.nanoTime()));
    }

    /**
     * Reads one connector's active topics and offsets if they are due, on the details reader's
     * thread; answers whether they were due, and the connector is then to be reported again, with
     * them if they could be read. A failed read does not hold back that report: it also carries the
     * task configs, which a task's failure waits on to show (the periodic pass, which would read
     * them too, waits while the worker is busy).
     */
    boolean readDetails(String name) {
        ConnectorMemory memory = memories.peek(name);
        if (memory == null || !memory.detailsDue() && !memory.tasksDue()) {
            return false;
        }
        memory.apply(new MemoryChange.TasksDue(false));
        if (!memory.detailsDue()) {
            // Only the task configs are due: the report that follows reads them.
            return true;
        }
        memory.apply(reporter.readDetails(name));
        return true;
    }

    /** Deletes a connector that is on the worker but not desired; answers the calls made. The caller holds its claim. */
    int deleteStray(String name) {
        long now = clock.millis();
        if (!failures.due(name, ReconcileFailures.DELETED, now)) {
            return 0;
        }
        try {
            worker.delete(name);
            lastWorkerWrite = clock.millis();
            gone(name);
            failures.succeeded(name);
            return 1;
        } catch (RuntimeException e) {
            if (!isUnreachable(e)) {
                failures.failed(name, ReconcileFailures.DELETED, "DELETED", "PRESENT", e, now);
            }
            return 0;
        }
    }

    /** Whether the connector's back-off lets a step try now what {@code state} asks. */
    boolean due(ConnectorState state) {
        return failures.due(state.getName(), desiredKey(state), clock.millis());
    }

    /** Whether a step changed something on the worker within the last {@code ms}. */
    boolean wroteWithin(long ms) {
        return clock.millis() - lastWorkerWrite < ms;
    }

    long workerCalls() {
        return workerCalls.sum();
    }

    long workerErrors() {
        return workerErrors.sum();
    }

    /**
     * Since when a step on the way is held: since the worker first showed a status not yet
     * reported (a pause the worker carries out late, behind others, is held from when it shows,
     * not from when it was asked for; later changes do not put it off again), or while it shows
     * none, since the connector was first seen not yet as desired.
     */
    private static long heldSince(WorkerConnector running, ConnectorMemory memory, long now) {
        memory.apply(new MemoryChange.Unsettled(now));
        if (memory.changeShownSince() == null && ReconcileReporter.showsNewStatus(running, memory)) {
            memory.apply(new MemoryChange.ChangeShown(now));
        }
        return memory.changeShownSince() != null ? memory.changeShownSince() : memory.unsettledSince();
    }

    private static boolean isUnreachable(RuntimeException e) {
        return e instanceof ConnectCallException c && c.status() == 0;
    }

    private static String desiredKey(ConnectorState state) {
        return state.getLastCommandId() + "/" + state.getVersion();
    }
}
