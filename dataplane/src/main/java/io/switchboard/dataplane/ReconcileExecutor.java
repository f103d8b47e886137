package io.switchboard.dataplane;

import io.switchboard.core.WorkerClient.ConnectCallException;
import io.switchboard.core.WorkerClient.WorkerRejection;
import io.switchboard.dataplane.ConnectorMemory.Requested;
import io.switchboard.dataplane.ConnectorMemory.Restarts;
import io.switchboard.dataplane.ConnectorMemory.StaleTasks;
import io.switchboard.dataplane.ReconcileAction.AutoRestartFailed;
import io.switchboard.dataplane.ReconcileAction.Create;
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
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.OffsetsRequest;
import io.switchboard.schemas.OffsetsResult;
import io.switchboard.schemas.RestartRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Carries out a {@link ReconcilePlanner plan} for one connector against the worker, step by step
 * in order, and notes in the connector's {@link ConnectorMemory} what each step did, once it did it.
 *
 * <p>Ordering rules: a call that changes the connector stops the plan when it fails (the exception
 * goes to the caller, and the steps after it are not carried out, notes included); a request
 * carried out once ({@link ReconcileAction#attempted()}) that fails is added to the errors and the
 * plan goes on; a create ends the plan. The answers the worker gives for "not now" (a connector
 * created but not started yet, an offsets change during a rebalance) change nothing and are tried
 * again on a later look.
 *
 * <p>Concurrency: it holds no state of its own; the caller holds the connector's claim, so one
 * thread at a time carries out a plan for a given connector.
 */
final class ReconcileExecutor {
    private static final Logger log = LoggerFactory.getLogger(ReconcileExecutor.class);

    private final String cluster;
    private final ConnectClusterClient worker;
    private final Clock clock;
    private final Function<String, Optional<ConnectorObservation>> lastObserved;

    ReconcileExecutor(String cluster, ConnectClusterClient worker, Clock clock,
                      Function<String, Optional<ConnectorObservation>> lastObserved) {
        this.cluster = cluster;
        this.worker = worker;
        this.clock = clock;
        this.lastObserved = lastObserved;
    }

    /**
     * The connector's last observation, read at most once however often it is asked for: a plan
     * needs it only when the memory does not know what was carried out.
     */
    Supplier<Optional<ConnectorObservation>> lastObservation(String name) {
        return new Supplier<>() {
            private Optional<ConnectorObservation> read;

            @Override
            public Optional<ConnectorObservation> get() {
                if (read == null) {
                    read = lastObserved.apply(name);
                }
                return read;
            }
        };
    }

    /** The answer to the last offsets change, seeded from the last observation and remembered. */
    OffsetsResult rememberedOffsets(String name, ConnectorMemory memory) {
        if (memory.offsetsApplied == null) {
            memory.offsetsApplied = lastObserved.apply(name).map(ConnectorObservation::getOffsetsApplied).orElse(null);
        }
        return memory.offsetsApplied;
    }

    /**
     * Carries out the plan; answers the number of calls that changed something. Failures of
     * attempted steps are added to {@code errors}; the failure of any other call is thrown.
     */
    int execute(String name, List<ReconcileAction> plan, ConnectorMemory memory, List<RuntimeException> errors) {
        int changes = 0;
        int requests = 0;
        for (ReconcileAction action : plan) {
            if (action instanceof Create create) {
                return create(name, create, memory);
            } else if (action instanceof MarkVersionApplied mark) {
                if (changes == 0) {
                    memory.versionApplied = mark.version();
                }
            } else if (action.attempted()) {
                try {
                    requests += carryOut(name, action, memory);
                } catch (RuntimeException e) {
                    errors.add(e);
                }
            } else {
                changes += carryOut(name, action, memory);
            }
        }
        return changes + requests;
    }

    private int create(String name, Create create, ConnectorMemory memory) {
        try {
            worker.create(name, create.config(), create.target().name());
        } catch (WorkerRejection e) {
            if (e.status() == 409 && String.valueOf(e.getMessage()).contains("already exists")) {
                // Created, but not started yet: it has no status to read. Looked at again later.
                return 0;
            }
            throw e;
        }
        memory.workerConfig = create.config();
        memory.createdAt(clock.millis());
        memory.targetRequested = new Requested(create.target(), clock.millis());
        repaired(name, memory, create.repair());
        memory.versionApplied = create.version();
        return 1;
    }

    /** One step other than a create; answers 1 when it changed something on the worker. */
    private int carryOut(String name, ReconcileAction action, ConnectorMemory memory) {
        if (action instanceof PutConfig put) {
            worker.putConfig(name, put.config());
            memory.workerConfig = put.config();
            List<Map<String, String>> before = memory.tasksReported;
            if (before == null) {
                before = lastObserved.apply(name).map(ConnectorObservation::getTaskConfigs).orElse(List.of());
                memory.tasksReported = before;
            }
            // The task configs are read until they show the change (see ReconcileReporter).
            memory.staleTasks = new StaleTasks(before, clock.millis());
            repaired(name, memory, put.repair());
            return 1;
        } else if (action instanceof ModifyOffsets modify) {
            return modifyOffsets(name, modify.request(), memory);
        } else if (action instanceof SetTargetState set) {
            long now = clock.millis();
            switch (set.target()) {
                case RUNNING -> worker.resume(name);
                case PAUSED -> worker.pause(name);
                case STOPPED -> worker.stop(name);
                default -> {
                    return 0;
                }
            }
            memory.targetRequested = new Requested(set.target(), now);
            repaired(name, memory, set.repair());
            return 1;
        } else if (action instanceof Restart restart) {
            RestartRequest request = restart.request();
            if (request.getTask() == null) {
                worker.restart(name, request.getIncludeTasks(), request.getOnlyFailed());
            } else {
                worker.restartTask(name, request.getTask());
            }
            memory.restartApplied = request.getId();
            return 1;
        } else if (action instanceof ResetTopics reset) {
            worker.resetActiveTopics(name);
            memory.topicsResetApplied = reset.requestId();
            return 1;
        } else if (action instanceof AutoRestartFailed restart) {
            long now = clock.millis();
            worker.restart(name, true, true);
            memory.autoRestarts = new Restarts(restart.count(), now);
            log.info("Auto-restarted failed connector {} on cluster {} (restart {})", name, cluster, restart.count());
            return 1;
        }
        remember(name, action, memory);
        return 0;
    }

    /** Notes what a step that calls nothing says. */
    private void remember(String name, ReconcileAction action, ConnectorMemory memory) {
        if (action instanceof RememberRestart restart) {
            memory.restartApplied = restart.requestId();
        } else if (action instanceof RememberOffsets offsets) {
            memory.offsetsApplied = offsets.result();
        } else if (action instanceof RememberTopicsReset reset) {
            memory.topicsResetApplied = reset.requestId();
        } else if (action instanceof RememberAutoRestarts restarts) {
            memory.autoRestarts = new Restarts(restarts.count(), restarts.last());
        } else if (action instanceof OffsetsWaiting waiting) {
            if (memory.offsetsWaitingSince == null) {
                memory.offsetsWaitingSince = waiting.since();
            }
        } else if (action instanceof GiveUpOffsets giveUp) {
            memory.offsetsApplied = giveUp.result();
            memory.offsetsWaitingSince = null;
            log.warn("Gave up changing the offsets of connector {} on cluster {}: the worker did not stop it ({})",
                    name, cluster, giveUp.why());
        } else {
            throw new IllegalArgumentException("Not a step that only remembers: " + action);
        }
    }

    /**
     * Makes the offsets change asked for and keeps the worker's answer. Answers that say "not now"
     * (a rebalance, a stop still under way, a connector not yet created there, a timeout) are tried
     * again on the next look; a refusal of the offsets themselves is the answer.
     */
    private int modifyOffsets(String name, OffsetsRequest pending, ConnectorMemory memory) {
        memory.offsetsWaitingSince = null;
        try {
            // A request that stopped the connector for the change says what the offsets were before it.
            String previous = pending.getStopFirst() ? worker.offsets(name) : null;
            String message = worker.modifyOffsets(name, pending.getOffsets());
            memory.offsetsApplied = new OffsetsResult(pending.getId(), 200, message, previous, clock.millis());
        } catch (WorkerRejection e) {
            if (e.status() == 404 || e.status() == 409 || e.getMessage().contains("must be in the STOPPED state")) {
                return 0;
            }
            memory.offsetsApplied = new OffsetsResult(pending.getId(), e.status(), e.getMessage(), null, clock.millis());
        } catch (ConnectCallException e) {
            String message = e.workerMessage();
            if (e.status() < 500 || message == null || message.toLowerCase(Locale.ROOT).contains("timed out")) {
                throw e;
            }
            // The plugin refused the offsets: the worker reports that as a server error.
            memory.offsetsApplied = new OffsetsResult(pending.getId(), e.status(), message, null, clock.millis());
        }
        return 1;
    }

    /** Notes what was put back after someone changed it on the worker, to report with the next observation. */
    private void repaired(String name, ConnectorMemory memory, String what) {
        if (what != null) {
            log.info("Connector {} on cluster {} was changed on the worker; put back: {}", name, cluster, what);
            if (memory.pendingRepairs == null) {
                memory.pendingRepairs = new ArrayList<>();
            }
            memory.pendingRepairs.add(what);
        }
    }
}
