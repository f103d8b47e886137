package io.switchboard.rules;

import io.switchboard.schemas.ChangeTargetState;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorConfigChanged;
import io.switchboard.schemas.ConnectorCreated;
import io.switchboard.schemas.ConnectorDeleted;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.DeleteConnector;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.schemas.ModifyOffsets;
import io.switchboard.schemas.OffsetsRequest;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.PatchConnectorConfig;
import io.switchboard.schemas.PutConnectorConfig;
import io.switchboard.schemas.ReconcileConnector;
import io.switchboard.schemas.ReconcileRequested;
import io.switchboard.schemas.RecordPipelinePhase;
import io.switchboard.schemas.RecordPipelineTableLeftOut;
import io.switchboard.schemas.ResetActiveTopics;
import io.switchboard.schemas.RestartConnector;
import io.switchboard.schemas.RestartRequest;
import io.switchboard.schemas.RestartRequested;
import io.switchboard.schemas.SetConnector;
import io.switchboard.schemas.TargetState;
import io.switchboard.schemas.TargetStateChanged;
import io.switchboard.secrets.Redactor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decides a command against the connector's current state. A pure function of its arguments: no
 * clock, no randomness, no I/O, so a command processed again after an aborted transaction is decided
 * exactly as the first time. A refusal carries a reason that each API words. Connectors a pipeline owns take
 * commands only from that pipeline ({@link PipelineOwnership}). Every config it would store obeys the
 * built-in policies of the deployment's control plane ({@link ConnectorPolicies}), given with each call.
 */
public final class CommandDecider {

    private CommandDecider() {
    }

    public static Decision decide(ControlPlane controlPlane, ConnectorState current, ConnectorCommand command) {
        return decide(controlPlane, current, null, command);
    }

    /**
     * @param policies the user policies in force in the command's cluster ({@link UserPolicyCheck}):
     *                 every config the command would store is checked against them, and the decision
     *                 records their versions
     */
    public static Decision decide(ControlPlane controlPlane, UserPolicies policies, ConnectorState current, ConnectorObservation observed,
                                  ConnectorCommand command) {
        return UserPolicyCheck.apply(policies, current, command, decide(controlPlane, current, observed, command));
    }

    /**
     * @param observed what the data plane last reported of the connector (null: nothing), which
     *                 says whether an offsets request it was asked to carry out is done
     */
    public static Decision decide(ControlPlane controlPlane, ConnectorState current, ConnectorObservation observed,
                                  ConnectorCommand command) {
        // Ownership first: a command a pipeline's connector must not take is refused whatever it asks.
        Decision notTheOwner = PipelineOwnership.refusal(current, command);
        if (notTheOwner != null) {
            return notTheOwner;
        }
        Decision moving = ConnectorMoves.refusedWhileMoving(current, command);
        if (moving != null) {
            return moving;
        }
        if (command.getMove() != null) {
            return ConnectorMoves.decide(current, observed, command, alone -> decideAction(controlPlane, current, observed, alone));
        }
        return decideAction(controlPlane, current, observed, command);
    }

    /** The command's action decided, its sender allowed to send it. */
    private static Decision decideAction(ControlPlane controlPlane, ConnectorState current, ConnectorObservation observed,
                                         ConnectorCommand command) {
        Object action = command.getAction();
        if (action instanceof CreateConnector create) {
            return create(controlPlane, current, command, create);
        } else if (action instanceof PutConnectorConfig put) {
            return putConfig(controlPlane, current, command, put.getConfig());
        } else if (action instanceof SetConnector set) {
            // A set's change: a new connector starts in the state the set asks for.
            Decision decided = current == null && set.getInitialState() != TargetState.RUNNING
                    ? create(controlPlane, null, command, new CreateConnector(set.getConfig(), set.getInitialState(), null))
                    : putConfig(controlPlane, current, command, set.getConfig(), set.getLabels());
            return current == null && decided.next() != null ? labelled(decided, set.getLabels()) : decided;
        } else if (action instanceof PatchConnectorConfig patch) {
            return patchConfig(controlPlane, current, command, patch);
        } else if (action instanceof ChangeTargetState change) {
            return changeTargetState(current, observed, command, change.getTargetState());
        } else if (action instanceof DeleteConnector) {
            return delete(current, command);
        } else if (action instanceof RestartConnector restart) {
            return restart(current, command, restart);
        } else if (action instanceof ModifyOffsets modify) {
            return OffsetsDecisions.modify(controlPlane, current, observed, command, modify);
        } else if (action instanceof ResetActiveTopics) {
            return OffsetsDecisions.resetActiveTopics(current, command);
        } else if (action instanceof ReconcileConnector) {
            return reconcile(current, command);
        } else if (action instanceof RecordPipelinePhase phase) {
            return PipelineRecords.recordPhase(current, command, phase);
        } else if (action instanceof RecordPipelineTableLeftOut leftOut) {
            return PipelineRecords.recordTableLeftOut(current, command, leftOut);
        }
        throw new InvalidCommandException("Unknown command action " + (action == null ? null : action.getClass().getName()));
    }

    private static Decision create(ControlPlane controlPlane, ConnectorState current, ConnectorCommand command, CreateConnector create) {
        if (current != null) {
            return refused(Outcome.CONFLICT, DecisionReasons.ALREADY_EXISTS, "connector already exists", current);
        }
        Decision invalid = invalidNewConnector(controlPlane, command, create.getConfig());
        if (invalid != null) {
            return invalid;
        }
        Decision created = created(command, create.getConfig(), create.getInitialState());
        if (create.getInitialOffsets() == null) {
            return created;
        }
        // Applied before the connector first runs: the data plane creates it stopped, then brings it to its state.
        ConnectorState withOffsets = copyOf(created.next())
                .setPendingOffsets(new OffsetsRequest(command.getCommandId(), create.getInitialOffsets(), command.getPrincipal(),
                        command.getRequestId(), true, command.getIssuedAt(), null))
                .build();
        return new Decision(created.outcome(), null, null, withOffsets, true, created.event());
    }

    static Decision putConfig(ControlPlane controlPlane, ConnectorState current, ConnectorCommand command, Map<String, String> config) {
        return putConfig(controlPlane, current, command, config, current == null ? Map.of() : current.getLabels());
    }

    /** A new config, with the labels the connector then carries (a set's, else the ones it has). */
    private static Decision putConfig(ControlPlane controlPlane, ConnectorState current, ConnectorCommand command, Map<String, String> config,
                                      Map<String, String> labels) {
        if (current == null) {
            Decision invalid = invalidNewConnector(controlPlane, command, config);
            return invalid != null ? invalid : created(command, config, TargetState.RUNNING);
        }
        // Before the sameness check: a config stored before a policy existed is not taken again as it is.
        Decision breaksPolicy = refusedByPolicy(controlPlane, config, current);
        if (breaksPolicy != null) {
            return breaksPolicy;
        }
        if (current.getConfig().equals(config) && current.getLabels().equals(labels)) {
            return new Decision(Outcome.UNCHANGED, null, null, current, false, null);
        }
        if (!ConnectorRules.hasConnectorClass(config)) {
            return refused(Outcome.REJECTED, DecisionReasons.NO_CONNECTOR_CLASS, "the config names no connector class", current);
        }
        // A new config (for a pipeline, a new run) records the tables it leaves out anew.
        ConnectorState next = copyOf(current)
                .setConfig(new TreeMap<>(config))
                .setLabels(new TreeMap<>(labels))
                .setPipelineTablesLeftOut(new TreeMap<>())
                .setVersion(current.getVersion() + 1)
                .setUpdatedAt(command.getIssuedAt())
                .setLastCommandId(command.getCommandId())
                .build();
        ConnectorConfigChanged changed = configDiff(current.getConfig(), next.getConfig());
        return new Decision(Outcome.UPDATED, null, null, next, true, event(command, next.getVersion(), changed));
    }

    private static Decision patchConfig(ControlPlane controlPlane, ConnectorState current, ConnectorCommand command,
                                        PatchConnectorConfig patch) {
        if (current == null) {
            return notFound();
        }
        if (patch.getBaseVersion() != null && patch.getBaseVersion() != current.getVersion()) {
            // Validated against another config than the one it would now make: stored, it would be unvalidated.
            return refused(Outcome.CONFLICT, DecisionReasons.CHANGED_MEANWHILE, "the connector changed from version "
                    + patch.getBaseVersion() + " to " + current.getVersion() + " while the patch was validated", current);
        }
        return putConfig(controlPlane, current, command, ConnectorRules.patched(current.getConfig(), patch.getPatch()));
    }

    /** The refusal of a connector that may not be created with this name or config, or null. */
    private static Decision invalidNewConnector(ControlPlane controlPlane, ConnectorCommand command, Map<String, String> config) {
        String nameProblem = ConnectorRules.nameProblem(command.getConnector());
        if (nameProblem != null) {
            return refused(Outcome.REJECTED, DecisionReasons.INVALID_NAME, nameProblem, null);
        }
        if (!ConnectorRules.hasConnectorClass(config)) {
            return refused(Outcome.REJECTED, DecisionReasons.NO_CONNECTOR_CLASS, "the config names no connector class", null);
        }
        return refusedByPolicy(controlPlane, config, null);
    }

    /** The refusal of a config that breaks one of the built-in policies ({@link ConnectorPolicies}), or null. */
    private static Decision refusedByPolicy(ControlPlane controlPlane, Map<String, String> config, ConnectorState current) {
        ConnectorPolicies.Refusal refusal = ConnectorPolicies.refusal(controlPlane, config);
        return refusal == null ? null : refused(Outcome.REJECTED, DecisionReasons.REFUSED_BY_POLICY, refusal.message(), current);
    }

    /**
     * A connector leaving STOPPED while an offsets change asked of it there is under way keeps that
     * change: the request now stops the connector first ({@link OffsetsRequest#getStopFirst}), so the
     * data plane keeps it stopped until the worker has answered the change, then brings it to the
     * new target state. The change is made before the connector runs again, as it was asked.
     */
    private static Decision changeTargetState(ConnectorState current, ConnectorObservation observed, ConnectorCommand command,
                                              TargetState target) {
        if (current == null) {
            return notFound();
        }
        if (current.getTargetState() == target) {
            return new Decision(Outcome.UNCHANGED, null, null, current, false, null);
        }
        ConnectorState.Builder building = copyOf(current)
                .setTargetState(target)
                .setVersion(current.getVersion() + 1)
                .setUpdatedAt(command.getIssuedAt())
                .setLastCommandId(command.getCommandId());
        OffsetsRequest pending = current.getPendingOffsets();
        if (pending != null && !pending.getStopFirst() && OffsetsDecisions.requestUnderWay(current, observed)) {
            building.setPendingOffsets(OffsetsRequest.newBuilder(pending).setStopFirst(true).build());
        }
        ConnectorState next = building.build();
        TargetStateChanged changed = new TargetStateChanged(current.getTargetState(), target);
        return new Decision(Outcome.UPDATED, null, null, next, true, event(command, next.getVersion(), changed));
    }

    /** A restart is recorded in the desired state; the data plane carries it out once. */
    private static Decision restart(ConnectorState current, ConnectorCommand command, RestartConnector restart) {
        if (current == null) {
            return notFound();
        }
        RestartRequest request = new RestartRequest(command.getCommandId(), restart.getIncludeTasks(),
                restart.getOnlyFailed(), restart.getTask());
        ConnectorState next = copyOf(current)
                .setPendingRestart(request)
                .setVersion(current.getVersion() + 1)
                .setUpdatedAt(command.getIssuedAt())
                .setLastCommandId(command.getCommandId())
                .build();
        RestartRequested requested = new RestartRequested(restart.getIncludeTasks(), restart.getOnlyFailed(), restart.getTask());
        return new Decision(Outcome.UPDATED, null, null, next, true, event(command, next.getVersion(), requested));
    }

    /**
     * A repair: the desired state is as it was, now decided by this command. The data plane takes
     * a connector whose desired state came from another command as one to make true at once, with
     * no back-off left from earlier failures; the version stays, since config and target state do.
     */
    private static Decision reconcile(ConnectorState current, ConnectorCommand command) {
        if (current == null) {
            return notFound();
        }
        ConnectorState next = copyOf(current)
                .setUpdatedAt(command.getIssuedAt())
                .setLastCommandId(command.getCommandId())
                .build();
        return new Decision(Outcome.UPDATED, null, null, next, true, event(command, current.getVersion(), new ReconcileRequested()));
    }

    /** At most this many tables are kept as left out on one pipeline's source connector. */
    public static final int MAX_TABLES_LEFT_OUT = 1000;

    /**
     * Whether a table left out may be recorded beside those recorded already: one recorded before
     * (its reason may change), or room for one more. A sender asks it too, so as not to send what
     * would be refused.
     */
    public static boolean tableLeftOutRecordable(Map<String, String> recorded, String table) {
        return recorded.containsKey(table) || recorded.size() < MAX_TABLES_LEFT_OUT;
    }

    private static Decision delete(ConnectorState current, ConnectorCommand command) {
        if (current == null) {
            return notFound();
        }
        LifecycleEvent deleted = event(command, current.getVersion() + 1, new ConnectorDeleted());
        return new Decision(Outcome.DELETED, null, null, null, true, deleted);
    }

    private static Decision created(ConnectorCommand command, Map<String, String> config, TargetState initialState) {
        ConnectorState state = ConnectorState.newBuilder()
                .setCluster(command.getCluster())
                .setName(command.getConnector())
                .setConfig(new TreeMap<>(config))
                .setTargetState(initialState)
                .setVersion(1L)
                .setCreatedAt(command.getIssuedAt())
                .setUpdatedAt(command.getIssuedAt())
                .setLastCommandId(command.getCommandId())
                .build();
        ConnectorCreated created = new ConnectorCreated(hideSealed(state.getConfig()), initialState);
        return new Decision(Outcome.CREATED, null, null, state, true, event(command, 1L, created));
    }

    /** A builder holding the current state, without Avro's reflective deep copy. */
    static ConnectorState.Builder copyOf(ConnectorState current) {
        return ConnectorState.newBuilder()
                .setCluster(current.getCluster())
                .setName(current.getName())
                .setConfig(current.getConfig())
                .setTargetState(current.getTargetState())
                .setVersion(current.getVersion())
                .setCreatedAt(current.getCreatedAt())
                .setUpdatedAt(current.getUpdatedAt())
                .setLastCommandId(current.getLastCommandId())
                .setPendingRestart(current.getPendingRestart())
                .setPendingOffsets(current.getPendingOffsets())
                .setPendingTopicsReset(current.getPendingTopicsReset())
                .setPipelinePhase(current.getPipelinePhase())
                .setPipelineTablesLeftOut(current.getPipelineTablesLeftOut())
                .setLabels(current.getLabels())
                .setMove(current.getMove());
    }

    /** A set's new connector carries the set's labels. */
    private static Decision labelled(Decision created, Map<String, String> labels) {
        if (labels.isEmpty()) {
            return created;
        }
        ConnectorState next = copyOf(created.next()).setLabels(new TreeMap<>(labels)).build();
        return new Decision(created.outcome(), created.reason(), created.message(), next, created.changed(), created.event());
    }

    /** A refusal: its reason (see {@link DecisionReasons}) and a plain description for logs. */
    static Decision refused(Outcome outcome, String reason, String message, ConnectorState current) {
        return new Decision(outcome, reason, message, current, false, null);
    }

    static Decision notFound() {
        return refused(Outcome.NOT_FOUND, DecisionReasons.NOT_FOUND, "connector not found", null);
    }

    /** Which keys a config change adds, removes and changes (the plan of a set shows the same). */
    public static ConnectorConfigChanged configDiff(Map<String, String> before, Map<String, String> after) {
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        new TreeMap<>(after).forEach((key, value) -> {
            if (!before.containsKey(key)) {
                added.add(key);
            } else if (!before.get(key).equals(value)) {
                changed.add(key);
            }
        });
        new TreeMap<>(before).keySet().stream().filter(key -> !after.containsKey(key)).forEach(removed::add);
        return new ConnectorConfigChanged(hideSealed(after), added, removed, changed);
    }

    /** What lifecycle events show of a config: values holding a sealed value anywhere only as the mask. */
    static Map<String, String> hideSealed(Map<String, String> config) {
        return Redactor.hideSealed(config);
    }

    static LifecycleEvent event(ConnectorCommand command, long version, Object payload) {
        return LifecycleEvent.newBuilder()
                .setCommandId(command.getCommandId())
                .setCluster(command.getCluster())
                .setConnector(command.getConnector())
                .setVersion(version)
                .setOccurredAt(command.getIssuedAt())
                .setPrincipal(command.getPrincipal())
                .setRequestId(command.getRequestId())
                .setEvent(payload)
                // A rollout's patch says so, with its step, in the event and the history entry made of it.
                .setRollout(command.getRollout())
                .build();
    }
}
