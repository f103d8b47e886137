package io.switchboard.core;

import io.switchboard.core.ServiceException.Operation;
import io.switchboard.core.Views.ConnectorDetails;
import io.switchboard.core.Views.ConnectorView;
import io.switchboard.core.Views.ObservedDetails;
import io.switchboard.core.Views.StatusView;
import io.switchboard.core.Views.TaskConfigView;
import io.switchboard.core.Views.TaskStatusView;
import io.switchboard.core.Views.Written;
import io.switchboard.rules.ConnectorKey;
import io.switchboard.rules.HealthEvent;
import io.switchboard.rules.HistoryReplay;
import io.switchboard.rules.HistoryValues;
import io.switchboard.schemas.ChangeTargetState;
import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.DeleteConnector;
import io.switchboard.schemas.ModifyOffsets;
import io.switchboard.schemas.OffsetsResult;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.PutConnectorConfig;
import io.switchboard.schemas.ReconcileConnector;
import io.switchboard.schemas.RecordPipelinePhase;
import io.switchboard.schemas.RecordPipelineTableLeftOut;
import io.switchboard.schemas.ResetActiveTopics;
import io.switchboard.schemas.RestartConnector;
import io.switchboard.schemas.TargetState;
import io.switchboard.secrets.Redactor;
import io.switchboard.rules.ConnectorMoves;
import io.switchboard.schemas.MoveStep;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.rules.Decision;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The connector service on Switchboard's event-sourced core. Each write is one command, sent
 * through the one {@link WritePreflight} every dialect's writes pass; reads come from
 * {@link ConnectorReads}, shaped by {@link ConnectorViews}. The writes' invariants:
 * <ol>
 *   <li>Every write is answered once decided, never earlier: an answer given once the command is
 *       only durable could be overtaken by a delete and never applied (docs/faults.md).</li>
 *   <li>No write waits on the caller's thread: what may wait runs in the pre-flight.</li>
 *   <li>The decider decides; an early refusal here is the decider's own pure function on the copy
 *       at hand, so it cannot differ from the decision.</li>
 * </ol>
 */
public final class ConnectorCore implements ConnectorService {
    private final CommandBus gateway;
    private final WritePreflight preflight;
    private final ConnectorReads reads;
    private final ConnectorViews views;
    private final ConfigPatches patches;
    private final StatusWatch watcher;
    private final BulkCommands bulk;
    private final ClusterDirectory clusters;
    private final ConnectorStore queries;

    public ConnectorCore(CommandBus gateway, ConnectorStore queries, ConnectorPlugins plugins,
                         ConnectorConfigValidator validator, StatusWatch watcher, ConnectorSecrets secrets,
                         NamedSecrets namedSecrets, ClusterDirectory clusters) {
        this(gateway, queries, plugins, validator, watcher, secrets, namedSecrets, clusters,
                new WritePreflight(gateway, queries, validator, secrets, namedSecrets, clusters,
                        WritePreflight.THREADS, WritePreflight.QUEUED));
    }

    ConnectorCore(CommandBus gateway, ConnectorStore queries, ConnectorPlugins plugins,
                  ConnectorConfigValidator validator, StatusWatch watcher, ConnectorSecrets secrets,
                  NamedSecrets namedSecrets, ClusterDirectory clusters, WritePreflight preflight) {
        this.gateway = gateway;
        this.preflight = preflight;
        this.views = new ConnectorViews(queries, plugins, secrets);
        this.reads = new ConnectorReads(queries, secrets, views);
        this.patches = new ConfigPatches(gateway, queries, preflight.desired(), preflight.pool());
        this.watcher = watcher;
        this.bulk = new BulkCommands(gateway, queries);
        this.clusters = clusters;
        this.queries = queries;
    }

    /** The one pre-flight of this core's writes, whose bounded pool a set's plan runs in too. */
    public WritePreflight preflight() {
        return preflight;
    }

    @Override
    public BulkCommands bulk() {
        return bulk;
    }

    @Override
    public CompletableFuture<Written> create(Scope scope, String name, Map<String, String> config, TargetState initialState,
                                             String initialOffsets, RequestContext request) {
        TargetState target = initialState == null ? TargetState.RUNNING : initialState;
        return preflight.configWrite(scope, name, config, Operation.CREATE,
                        stored -> new CreateConnector(stored, target, initialOffsets), false, request)
                .thenApply(d -> new Written(true, views.newView(d.getState())));
    }

    @Override
    public CompletableFuture<Written> putConfig(Scope scope, String name, Map<String, String> config, RequestContext request) {
        return preflight.configWrite(scope, name, config, Operation.PUT_CONFIG, PutConnectorConfig::new, true, request)
                .thenApply(d -> d.getOutcome() == Outcome.CREATED
                        ? new Written(true, views.newView(d.getState()))
                        : new Written(false, views.view(d.getState(), ReadConsistency.LINEARIZABLE)));
    }

    /** See {@link ConfigPatches}: the patch is validated against the version it is stored on. */
    @Override
    public CompletableFuture<ConnectorView> patchConfig(Scope scope, String name, Map<String, String> patch,
                                                        RequestContext request) {
        // The connector must exist; then the checks run in a put's order, inside the patch's own pre-flight.
        return preflight.offThread(() -> patches.patch(scope, name, patch, reads.existing(scope, name, Operation.PATCH_CONFIG), request))
                .thenCompose(patched -> patched).thenApply(state -> views.view(state, ReadConsistency.LINEARIZABLE));
    }

    @Override
    public CompletableFuture<Void> changeTargetState(Scope scope, String name, TargetState target, RequestContext request) {
        return preflight.submit(scope, name, new ChangeTargetState(target), Operation.CHANGE_TARGET_STATE, request).thenApply(d -> null);
    }

    @Override
    public CompletableFuture<Void> delete(Scope scope, String name, RequestContext request) {
        return preflight.submit(scope, name, new DeleteConnector(), Operation.DELETE, request).thenApply(d -> null);
    }

    @Override
    public CompletableFuture<StatusView> restart(Scope scope, String name, boolean includeTasks, boolean onlyFailed,
                                                 RequestContext request) {
        return preflight.submit(scope, name, new RestartConnector(includeTasks, onlyFailed, null), Operation.RESTART, request)
                .thenApply(d -> StatusViews.plan(views.status(d.getState(), scope.visibility(), ReadConsistency.LINEARIZABLE),
                        includeTasks, onlyFailed));
    }

    /** The task must have been reported by the data plane. */
    @Override
    public CompletableFuture<Void> restartTask(Scope scope, String name, int task, RequestContext request) {
        if (!reads.knowsTask(scope, name, task, Operation.RESTART_TASK)) {
            throw ServiceException.NotFound.task(name, task, Operation.RESTART_TASK);
        }
        return preflight.submit(scope, name, new RestartConnector(false, false, task), Operation.RESTART_TASK, request)
                .thenApply(d -> null);
    }

    /**
     * Once the change is decided (the connector exists and is STOPPED), the data plane makes it on
     * the worker; the answer is the worker's, or empty if it has not answered within the wait (the
     * change is then still made when the worker can).
     */
    @Override
    public CompletableFuture<Optional<OffsetsResult>> modifyOffsets(Scope scope, String name, String offsets,
                                                                    RequestContext request) {
        watcher.requireRoom();
        ConnectorKey key = key(scope, name);
        return preflight.submit(scope, name, new ModifyOffsets(offsets, false, null, null), Operation.OFFSETS, request)
                .thenCompose(decided -> {
                    // The change this command recorded, or, for a retry with the same Idempotency-Key, the first one.
                    String id = decided.getState().getPendingOffsets().getId();
                    return watcher.await(key, observed -> {
                        OffsetsResult result = observed.getOffsetsApplied();
                        return result != null && result.getId().equals(id) ? result : null;
                    });
                });
    }

    @Override
    public CompletableFuture<Void> resetActiveTopics(Scope scope, String name, RequestContext request) {
        return preflight.submit(scope, name, new ResetActiveTopics(), Operation.TOPICS_RESET, request).thenApply(d -> null);
    }

    /**
     * A command like any other, so the processor decides it (the connector exists, and is not a
     * pipeline's); its decision gives the desired state a new deciding command, which the data
     * plane takes as a change to make true at once, with no back-off left from earlier failures.
     */
    @Override
    public CompletableFuture<Void> repair(Scope scope, String name, RequestContext request) {
        return preflight.submit(scope, name, new ReconcileConnector(), Operation.RECONCILE, request).thenApply(d -> null);
    }

    /** A command like any other: the processor decides whether the change is news (see CommandDecider). */
    @Override
    public CompletableFuture<Boolean> recordPipelinePhase(Scope scope, String name, String previous, String phase, String cause,
                                                          RequestContext request) {
        return preflight.submit(scope, name, new RecordPipelinePhase(previous, phase, cause), Operation.RECORD_PHASE, request)
                .thenApply(d -> d.getOutcome() == Outcome.UPDATED);
    }

    /** A command like any other: the processor records a table and reason once (see CommandDecider). */
    @Override
    public CompletableFuture<Boolean> recordPipelineTableLeftOut(Scope scope, String name, String table, String reason, String fix,
                                                                 RequestContext request) {
        return preflight.submit(scope, name, new RecordPipelineTableLeftOut(table, reason, fix), Operation.RECORD_PHASE, request)
                .thenApply(d -> d.getOutcome() == Outcome.UPDATED);
    }

    @Override
    public CompletableFuture<Views.OffsetsRequestView> requestOffsetsChange(Scope scope, String name, String offsets,
                                                                           RequestContext request) {
        return preflight.submit(scope, name, new ModifyOffsets(offsets, true, null, null), Operation.OFFSETS, request)
                .thenApply(d -> ConnectorViews.offsetsRequest(d.getState().getPendingOffsets(), Optional.empty()));
    }

    /**
     * Puts back the config a connector had after one version of its history, as a new command (a
     * new version; the history is never rewritten). History keeps no secret: a secret key's value
     * is taken from the connector as it is now, and a restore that needs a secret the connector no
     * longer has, or a value the history kept only as its digest, is refused with what to do. The
     * target state is left as it is. With offsets, the entry's offsets are put back in the same
     * decided change ({@link RestoredOffsets}).
     */
    @Override
    public CompletableFuture<Written> restoreVersion(Scope scope, String name, long sequence, boolean withOffsets, RequestContext request) {
        HistoryReplay.Step step = HistoryReplay.replay(reads.history(scope, name)).stream()
                .filter(s -> s.entry().getSequence() == sequence).findFirst()
                .orElseThrow(() -> new ServiceException.InvalidRequest("No version with sequence " + sequence + " in this history"));
        if (step.configAfter() == null) {
            throw new ServiceException.InvalidRequest("Version " + step.entry().getVersion() + " is the connector's delete: it has no config to restore");
        }
        // A restore is a new version of a connector that exists; a deleted one is created anew, not restored.
        Map<String, String> current = reads.existing(scope, name, Operation.PUT_CONFIG).getConfig();
        Map<String, String> restored = new LinkedHashMap<>();
        step.configAfter().forEach((k, v) -> {
            if (Redactor.MASK.equals(v)) {
                String now = current.get(k);
                if (now == null) {
                    throw new ServiceException.InvalidRequest(k, "The history keeps no secret, and the connector has no " + k
                            + " now: set it, then restore this version");
                }
                restored.put(k, now);
            } else if (HistoryValues.isShortened(v)) {
                throw new ServiceException.InvalidRequest(k, "The history kept only a digest of " + k + " in this version"
                        + " (it was over 1024 characters): it cannot be restored from here");
            } else {
                restored.put(k, v);
            }
        });
        if (!withOffsets) {
            return putConfig(scope, name, restored, request);
        }
        String offsets = RestoredOffsets.of(step.entry());
        return preflight.configWrite(scope, name, restored, Operation.OFFSETS,
                        stored -> new ModifyOffsets(offsets, true, stored, sequence), true, request)
                .thenApply(d -> new Written(false, views.view(d.getState(), ReadConsistency.LINEARIZABLE)));
    }

    /**
     * Moves the connector to another Connect cluster this deployment manages, as steps the processor
     * decides one after the other (see {@code rules/ConnectorMoves}); answers the move's id once its
     * first step (the stop) is decided.
     */
    @Override
    public CompletableFuture<String> move(Scope scope, String name, String to, RequestContext request) {
        if (to == null || to.isBlank()) {
            throw new ServiceException.InvalidRequest("to", "A move names the cluster it goes to: {\"to\": \"<cluster>\"}");
        }
        if (to.equals(scope.cluster())) {
            throw new ServiceException.InvalidRequest("to", "Connector " + name + " is in cluster " + to + " already");
        }
        if (!clusters.manages(to)) {
            throw new ServiceException.NotFound(ServiceException.Subject.CLUSTER, to, null, Operation.CHANGE_TARGET_STATE);
        }
        // Off the caller's thread (the reads may wait): what the target would answer its create, before anything stops.
        return preflight.offThread(() -> {
                    requireTargetTakes(scope, name, to);
                    return name;
                })
                .thenCompose(checked -> preflight.submit(scope, name, new ChangeTargetState(TargetState.STOPPED), Operation.CHANGE_TARGET_STATE,
                        request, command -> command.setMove(MoveStep.newBuilder().setMoveId(command.getCommandId())
                                .setStep(ConnectorMoves.START).setFrom(scope.cluster()).setTo(to).build())))
                .thenApply(CommandDecision::getCommandId);
    }

    /**
     * Refuses a move the target cluster would refuse the create of ({@link ConnectorMoves#refusedByTarget},
     * the processor's own decision), in the dialect's shape: 409 for a connector of that name there,
     * 400 for a config it refuses. A source that does not exist is left to the processor's 404.
     */
    private void requireTargetTakes(Scope scope, String name, String to) {
        ConnectorState source = queries.connector(new ConnectorKey(scope.cluster(), name), ReadConsistency.LINEARIZABLE).orElse(null);
        if (source == null) {
            return;
        }
        ConnectorState target = queries.connector(new ConnectorKey(to, name), ReadConsistency.LINEARIZABLE).orElse(null);
        Decision refused = ConnectorMoves.refusedByTarget(gateway.controlPlane(), source, target, to, "move-check", System.currentTimeMillis());
        if (refused == null) {
            return;
        }
        if (refused.outcome() == Outcome.CONFLICT) {
            throw new ServiceException.Busy("Connector " + name + " exists in cluster " + to + " already: cluster " + to
                    + " refused the connector");
        }
        throw new ServiceException.InvalidRequest("to", "Cluster " + to + " refused the connector: "
                + (refused.message() != null ? refused.message() : refused.reason()));
    }

    @Override
    public Views.TimelineView timeline(Scope scope, String name, Long before, int limit) {
        return reads.timeline(scope, name, before, limit);
    }

    @Override
    public Views.OffsetsRequestView offsetsRequest(Scope scope, String name) {
        return reads.offsetsRequest(scope, name);
    }

    @Override
    public List<String> names(Scope scope) {
        return reads.names(scope);
    }

    @Override
    public Map<String, List<HealthEvent>> incidents(Scope scope) {
        return reads.incidents(scope);
    }

    @Override
    public List<ConnectorDetails> describeAll(Scope scope) {
        return reads.describeAll(scope);
    }

    @Override
    public Optional<Object> changeMark() {
        return reads.changeMark();
    }

    @Override
    public ConnectorView connector(Scope scope, String name) {
        return reads.connector(scope, name);
    }

    @Override
    public Map<String, String> config(Scope scope, String name) {
        return reads.config(scope, name);
    }

    @Override
    public StatusView status(Scope scope, String name) {
        return reads.status(scope, name);
    }

    @Override
    public TaskStatusView taskStatus(Scope scope, String name, int task) {
        return reads.taskStatus(scope, name, task);
    }

    @Override
    public List<TaskConfigView> taskConfigs(Scope scope, String name) {
        return reads.taskConfigs(scope, name);
    }

    @Override
    public Optional<ObservedDetails> observedDetails(Scope scope, String name) {
        return reads.observedDetails(scope, name);
    }

    @Override
    public ConnectorHistory history(Scope scope, String name) {
        return reads.history(scope, name);
    }

    @Override
    public Map<String, Views.TimelineView> healthTimelines(Scope scope, java.util.Collection<String> names) {
        return reads.healthTimelines(scope, names);
    }

    private static ConnectorKey key(Scope scope, String name) {
        return new ConnectorKey(scope.cluster(), name);
    }
}
