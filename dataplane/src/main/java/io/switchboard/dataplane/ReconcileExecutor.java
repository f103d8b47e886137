package io.switchboard.dataplane;

import io.switchboard.core.WorkerClient.ConnectCallException;
import io.switchboard.core.WorkerClient.WorkerRejection;
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
import io.switchboard.schemas.TargetState;
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
 * in order, and answers what each step did, once it did it, as {@link MemoryChange}s for the
 * {@link ReconcileStep} to remember: it reads the connector's {@link ConnectorMemory}, it does not
 * change it.
 *
 * <p>Ordering rules: a call that changes the connector stops the plan when it fails (the failure
 * is answered, and the steps after it are not carried out, notes included); a request carried out
 * once ({@link ReconcileAction#attempted()}) that fails is added to the errors and the plan goes
 * on; a create ends the plan. The answers the worker gives for "not now" (a connector created but
 * not started yet, an offsets change during a rebalance) change nothing and are tried again on a
 * later look.
 *
 * <p>Concurrency: it holds no state of a connector; the caller holds the connector's claim, so one
 * thread at a time carries out a plan for a given connector. Its one shared state bounds the pause,
 * resume and stop calls in flight to the worker ({@link TargetStateCalls}); a thread waits for a
 * place, interruptibly.
 */
final class ReconcileExecutor {
    private static final Logger log = LoggerFactory.getLogger(ReconcileExecutor.class);

    /**
     * What carrying out a plan did: the calls that changed something (0 when a call stopped the
     * plan), the changes to remember in the order they happened, the failures of the requests
     * attempted, and the failure that stopped the plan, or null.
     */
    record Executed(int calls, List<MemoryChange> changes, List<RuntimeException> attemptFailures, RuntimeException stopped) {
    }

    private final TargetStateCalls targetStateCalls = new TargetStateCalls();
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

    /** The answer to the last offsets change as the connector's last observation shows it, or null. */
    OffsetsResult lastOffsets(String name) {
        return lastObserved.apply(name).map(ConnectorObservation::getOffsetsApplied).orElse(null);
    }

    /** Carries out the plan; answers what it did. */
    Executed execute(String name, List<ReconcileAction> plan, ConnectorMemory memory) {
        List<MemoryChange> changes = new ArrayList<>();
        List<RuntimeException> errors = new ArrayList<>();
        try {
            return new Executed(carryOut(name, plan, memory, changes, errors), changes, errors, null);
        } catch (RuntimeException e) {
            return new Executed(0, changes, errors, e);
        }
    }

    private int carryOut(String name, List<ReconcileAction> plan, ConnectorMemory memory, List<MemoryChange> out,
                         List<RuntimeException> errors) {
        int changes = 0;
        int requests = 0;
        for (ReconcileAction action : plan) {
            if (action instanceof Create create) {
                return create(name, create, out);
            } else if (action instanceof MarkVersionApplied mark) {
                if (changes == 0) {
                    out.add(new MemoryChange.VersionApplied(mark.version()));
                }
            } else if (action.attempted()) {
                try {
                    requests += carryOut(name, action, memory, out);
                } catch (RuntimeException e) {
                    errors.add(e);
                }
            } else {
                changes += carryOut(name, action, memory, out);
            }
        }
        return changes + requests;
    }

    private int create(String name, Create create, List<MemoryChange> out) {
        try {
            worker.create(name, create.config(), create.target().name());
        } catch (WorkerRejection e) {
            if (e.status() == 409 && String.valueOf(e.getMessage()).contains("already exists")) {
                // Created, but not started yet: it has no status to read. Looked at again later.
                return 0;
            }
            throw e;
        }
        repaired(name, create.repair());
        out.add(new MemoryChange.Created(create.config(), create.target(), clock.millis(), create.repair()));
        out.add(new MemoryChange.VersionApplied(create.version()));
        return 1;
    }

    /** Asks the worker for {@code target} once a place among the {@link TargetStateCalls} is free; answers when it asked. */
    private long askTargetState(String name, TargetState target) {
        return targetStateCalls.call("asking the worker of cluster " + cluster + " to make " + name + " " + target, () -> {
            long now = clock.millis();
            switch (target) {
                case RUNNING -> worker.resume(name);
                case PAUSED -> worker.pause(name);
                default -> worker.stop(name);
            }
            return now;
        });
    }

    /** One step other than a create; answers 1 when it changed something on the worker. */
    private int carryOut(String name, ReconcileAction action, ConnectorMemory memory, List<MemoryChange> out) {
        if (action instanceof PutConfig put) {
            worker.putConfig(name, put.config());
            out.add(new MemoryChange.WorkerConfigSeen(put.config()));
            List<Map<String, String>> lastTasks = memory.tasksReported() != null ? null
                    : lastObserved.apply(name).map(ConnectorObservation::getTaskConfigs).orElse(List.of());
            repaired(name, put.repair());
            out.add(new MemoryChange.ConfigPut(lastTasks, clock.millis(), put.repair()));
            return 1;
        } else if (action instanceof ModifyOffsets modify) {
            return modifyOffsets(name, modify.request(), out);
        } else if (action instanceof SetTargetState set) {
            if (set.target() != TargetState.RUNNING && set.target() != TargetState.PAUSED && set.target() != TargetState.STOPPED) {
                return 0;
            }
            long now = askTargetState(name, set.target());
            repaired(name, set.repair());
            out.add(new MemoryChange.TargetStateAsked(set.target(), now, set.repair()));
            return 1;
        } else if (action instanceof Restart restart) {
            RestartRequest request = restart.request();
            if (request.getTask() == null) {
                worker.restart(name, request.getIncludeTasks(), request.getOnlyFailed());
            } else {
                worker.restartTask(name, request.getTask());
            }
            out.add(new MemoryChange.RestartDone(request.getId()));
            return 1;
        } else if (action instanceof ResetTopics reset) {
            worker.resetActiveTopics(name);
            out.add(new MemoryChange.TopicsResetDone(reset.requestId()));
            return 1;
        } else if (action instanceof AutoRestartFailed restart) {
            long now = clock.millis();
            worker.restart(name, true, true);
            out.add(new MemoryChange.AutoRestarted(restart.count(), now));
            log.info("Auto-restarted failed connector {} on cluster {} (restart {})", name, cluster, restart.count());
            return 1;
        }
        out.add(remembered(name, action));
        return 0;
    }

    /** What a step that calls nothing says to remember. */
    private MemoryChange remembered(String name, ReconcileAction action) {
        if (action instanceof RememberRestart restart) {
            return new MemoryChange.RestartDone(restart.requestId());
        } else if (action instanceof RememberOffsets offsets) {
            return new MemoryChange.OffsetsAnswered(offsets.result());
        } else if (action instanceof RememberTopicsReset reset) {
            return new MemoryChange.TopicsResetDone(reset.requestId());
        } else if (action instanceof RememberAutoRestarts restarts) {
            return new MemoryChange.AutoRestarted(restarts.count(), restarts.last());
        } else if (action instanceof OffsetsWaiting waiting) {
            return new MemoryChange.OffsetsWaiting(waiting.since());
        } else if (action instanceof GiveUpOffsets giveUp) {
            log.warn("Gave up changing the offsets of connector {} on cluster {}: the worker did not stop it ({})",
                    name, cluster, giveUp.why());
            return new MemoryChange.OffsetsGivenUp(giveUp.result());
        }
        throw new IllegalArgumentException("Not a step that only remembers: " + action);
    }

    /** A worker's "not now" that is no answer about the request (a worker starting, a proxy in front of it). */
    private static final int SERVICE_UNAVAILABLE = 503;

    /**
     * Makes the offsets change asked for and answers the worker's answer. Answers that say "not
     * now" (a rebalance, a stop still under way, a connector not yet created there, a timeout, a
     * 503) are tried again on the next look; a refusal of the offsets themselves is the answer.
     */
    private int modifyOffsets(String name, OffsetsRequest pending, List<MemoryChange> out) {
        out.add(new MemoryChange.OffsetsAsked());
        OffsetsResult result;
        try {
            // Every change says what the offsets were before it (the history keeps them with it).
            String previous = worker.offsets(name);
            String message = worker.modifyOffsets(name, pending.getOffsets());
            result = new OffsetsResult(pending.getId(), 200, message, previous, clock.millis());
        } catch (WorkerRejection e) {
            if (e.status() == 404 || e.status() == 409 || e.getMessage().contains("must be in the STOPPED state")) {
                return 0;
            }
            result = new OffsetsResult(pending.getId(), e.status(), e.getMessage(), null, clock.millis());
        } catch (ConnectCallException e) {
            String message = e.workerMessage();
            // 503: the worker (or what is in front of it) cannot serve now, which says nothing of the offsets.
            if (e.status() < 500 || e.status() == SERVICE_UNAVAILABLE || message == null
                    || message.toLowerCase(Locale.ROOT).contains("timed out")) {
                throw e;
            }
            // The plugin refused the offsets: the worker reports that as a server error.
            result = new OffsetsResult(pending.getId(), e.status(), message, null, clock.millis());
        }
        out.add(new MemoryChange.OffsetsAnswered(result));
        return 1;
    }

    /** Logs what was put back after someone changed it on the worker (reported with the next observation). */
    private void repaired(String name, String what) {
        if (what != null) {
            log.info("Connector {} on cluster {} was changed on the worker; put back: {}", name, cluster, what);
        }
    }
}
