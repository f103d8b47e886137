package io.switchboard.core;

import io.switchboard.secrets.Redactor;
import io.switchboard.core.ServiceException.Operation;
import io.switchboard.core.Views.ConnectorDetails;
import io.switchboard.core.Views.ConnectorView;
import io.switchboard.core.Views.ObservedDetails;
import io.switchboard.core.Views.StatusView;
import io.switchboard.core.Views.TaskConfigView;
import io.switchboard.core.Views.TaskStatusView;
import io.switchboard.core.Views.Written;
import io.switchboard.processor.ConnectorKey;
import io.switchboard.processor.HistoryProcessor;
import io.switchboard.processor.HistoryReplay;
import io.switchboard.processor.ObservedTasks;
import io.switchboard.schemas.ChangeTargetState;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.DeleteConnector;
import io.switchboard.schemas.ModifyOffsets;
import io.switchboard.schemas.OffsetsRequest;
import io.switchboard.schemas.OffsetsResult;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.PatchConnectorConfig;
import io.switchboard.schemas.PutConnectorConfig;
import io.switchboard.schemas.ReconcileConnector;
import io.switchboard.schemas.RecordPipelinePhase;
import io.switchboard.schemas.ResetActiveTopics;
import io.switchboard.schemas.RestartConnector;
import io.switchboard.schemas.TargetState;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

/**
 * The connector service on Switchboard's event-sourced core: writes become commands whose decisions
 * come back from the processor; reads come from the connectors and statuses stores.
 */
public final class ConnectorCore implements ConnectorService {
    private final CommandBus gateway;
    private final ConnectorStore queries;
    private final ConnectorConfigValidator validator;
    private final ConnectorPlugins plugins;
    private final StatusWatch watcher;
    private final ConnectorSecrets secrets;
    private final NamedSecrets namedSecrets;
    private final ClusterDirectory clusters;
    private final ConfigPatches patches;
    private final BulkCommands bulk;

    public ConnectorCore(CommandBus gateway, ConnectorStore queries, ConnectorPlugins plugins,
                         ConnectorConfigValidator validator, StatusWatch watcher, ConnectorSecrets secrets,
                         NamedSecrets namedSecrets, ClusterDirectory clusters) {
        this.namedSecrets = namedSecrets;
        this.clusters = clusters;
        this.gateway = gateway;
        this.queries = queries;
        this.plugins = plugins;
        this.validator = validator;
        this.watcher = watcher;
        this.secrets = secrets;
        this.patches = new ConfigPatches(gateway, queries, validator, secrets, clusters);
        this.bulk = new BulkCommands(gateway, queries);
    }

    @Override
    public BulkCommands bulk() {
        return bulk;
    }

    @Override
    public CompletableFuture<Written> create(Scope scope, String name, Map<String, String> config, TargetState initialState,
                                             String initialOffsets, RequestContext request) {
        ConnectorNames.requireAddressable(name);
        requireOwnerAtHand(scope, name, new CreateConnector(config, TargetState.RUNNING, null), Operation.CREATE, request);
        secrets.requireOpenable(config);
        namedSecrets.requireKnown(scope, config);
        Set<String> passwords = validator.validate(scope.cluster(), config,
                secrets.beforeSending(scope.cluster(), config, clusters.opensSecrets(scope.cluster())));
        Map<String, String> sealedConfig = secrets.seal(config, passwords, Map.of());
        secrets.requireDeliverable(scope.cluster(), sealedConfig, clusters.opensSecrets(scope.cluster()));
        CreateConnector action = new CreateConnector(sealedConfig,
                initialState == null ? TargetState.RUNNING : initialState, initialOffsets);
        return submit(scope, name, action, Operation.CREATE, request)
                .thenApply(d -> new Written(true, newView(d.getState())));
    }

    @Override
    public CompletableFuture<Written> putConfig(Scope scope, String name, Map<String, String> config, RequestContext request) {
        // A PUT may create the connector: its name must be one the worker can address.
        ConnectorNames.requireAddressable(name);
        requireOwnerAtHand(scope, name, new PutConnectorConfig(config), Operation.PUT_CONFIG, request);
        secrets.requireOpenable(config);
        namedSecrets.requireKnown(scope, config);
        Set<String> passwords = validator.validate(scope.cluster(), config,
                secrets.beforeSending(scope.cluster(), config, clusters.opensSecrets(scope.cluster())));
        Map<String, String> sealed = secrets.seal(config, passwords, currentConfigIfSecret(scope, name, config, passwords));
        secrets.requireDeliverable(scope.cluster(), sealed, clusters.opensSecrets(scope.cluster()));
        return submit(scope, name, new PutConnectorConfig(sealed), Operation.PUT_CONFIG, request)
                .thenApply(d -> d.getOutcome() == Outcome.CREATED
                        ? new Written(true, newView(d.getState())) : new Written(false, view(d.getState())));
    }

    /** See {@link ConfigPatches}: the patch is validated against the version it is stored on. */
    @Override
    public CompletableFuture<ConnectorView> patchConfig(Scope scope, String name, Map<String, String> patch,
                                                        RequestContext request) {
        ConnectorState current = existing(scope, name, Operation.PATCH_CONFIG);
        DecisionAnswers.requireOwner(current, gateway.command(key(scope, name), new PatchConnectorConfig(patch, null), request).build(),
                Operation.PATCH_CONFIG);
        secrets.requireOpenable(patch);
        namedSecrets.requireKnown(scope, patch);
        return patches.patch(scope, name, patch, current, request).thenApply(this::view);
    }

    /**
     * The connector's current config when the new one has secrets, so that unchanged secrets keep
     * their sealed text; else (or when it cannot be read now) nothing.
     */
    private Map<String, String> currentConfigIfSecret(Scope scope, String name, Map<String, String> config,
                                                      Set<String> passwords) {
        boolean secret = config.keySet().stream().anyMatch(k -> passwords.contains(k) || secrets.keys().matches(k));
        if (!secret) {
            return Map.of();
        }
        try {
            return queries.connector(key(scope, name)).map(ConnectorState::getConfig).orElse(Map.of());
        } catch (StoreUnavailableException e) {
            return Map.of();
        }
    }

    /**
     * A target state change is answered once decided, like every other command: answered once
     * durably in Kafka, it could be overtaken by a delete and never applied (docs/faults.md).
     */
    @Override
    public CompletableFuture<Void> changeTargetState(Scope scope, String name, TargetState target, RequestContext request) {
        return submit(scope, name, new ChangeTargetState(target), Operation.CHANGE_TARGET_STATE, request).thenApply(d -> null);
    }

    /**
     * An early answer to a command the decider would refuse because a pipeline owns the connector
     * (see {@link DecisionAnswers#requireOwner}), when this replica has the connector at hand: the
     * same pure function on the same state, before the config is validated. The decider still decides.
     */
    private void requireOwnerAtHand(Scope scope, String name, Object action, Operation operation, RequestContext request) {
        Optional<ConnectorState> atHand = atHand(scope, name);
        if (atHand.isPresent()) {
            DecisionAnswers.requireOwner(atHand.get(), gateway.command(key(scope, name), action, request).build(), operation);
        }
    }

    /**
     * The connector as this replica's active copy of its partition holds it (see
     * {@link ConnectorStore#connectorAtHand}). Empty when it is not there, or when the active copy
     * is on another replica: asking another replica would cost more than waiting for the decision.
     */
    private Optional<ConnectorState> atHand(Scope scope, String name) {
        try {
            return queries.connectorAtHand(key(scope, name));
        } catch (StoreUnavailableException e) {
            return Optional.empty();
        }
    }

    @Override
    public CompletableFuture<Void> delete(Scope scope, String name, RequestContext request) {
        return submit(scope, name, new DeleteConnector(), Operation.DELETE, request).thenApply(d -> null);
    }

    @Override
    public CompletableFuture<StatusView> restart(Scope scope, String name, boolean includeTasks, boolean onlyFailed,
                                                 RequestContext request) {
        return submit(scope, name, new RestartConnector(includeTasks, onlyFailed, null), Operation.RESTART, request)
                .thenApply(d -> StatusViews.plan(status(d.getState(), observed(d.getState()), scope.visibility()), includeTasks, onlyFailed));
    }

    /** The task must have been reported by the data plane. */
    @Override
    public CompletableFuture<Void> restartTask(Scope scope, String name, int task, RequestContext request) {
        ConnectorState state = existing(scope, name, Operation.RESTART_TASK);
        boolean known = status(state, queries.status(key(scope, name)), Visibility.FULL).tasks().stream().anyMatch(t -> t.id() == task);
        if (!known) {
            throw ServiceException.NotFound.task(name, task, Operation.RESTART_TASK);
        }
        return submit(scope, name, new RestartConnector(false, false, task), Operation.RESTART_TASK, request)
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
        ConnectorCommand command = gateway.command(key, new ModifyOffsets(offsets, false), request).build();
        return gateway.submit(command).thenApply(d -> DecisionAnswers.accepted(d, Operation.OFFSETS))
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
        return submit(scope, name, new ResetActiveTopics(), Operation.TOPICS_RESET, request).thenApply(d -> null);
    }

    /**
     * A command like any other, so the processor decides it (the connector exists, and is not a
     * pipeline's); its decision gives the desired state a new deciding command, which the data
     * plane takes as a change to make true at once, with no back-off left from earlier failures.
     */
    @Override
    public CompletableFuture<Void> repair(Scope scope, String name, RequestContext request) {
        return submit(scope, name, new ReconcileConnector(), Operation.RECONCILE, request).thenApply(d -> null);
    }

    /** A command like any other: the processor decides whether the change is news (see CommandDecider). */
    @Override
    public CompletableFuture<Boolean> recordPipelinePhase(Scope scope, String name, String previous, String phase, String cause,
                                                          RequestContext request) {
        return submit(scope, name, new RecordPipelinePhase(previous, phase, cause), Operation.RECORD_PHASE, request)
                .thenApply(d -> d.getOutcome() == Outcome.UPDATED);
    }

    /**
     * Traces and states: a caller who sees keys only gets the traces with the connector's config
     * values (as it is now) hidden, as its status.
     */
    @Override
    public Views.TimelineView timeline(Scope scope, String name, Long before, int limit) {
        TimelinePages.check(before, limit);
        Map<String, String> config = existing(scope, name, Operation.READ_TIMELINE).getConfig();
        return TimelinePages.page(queries.timeline(key(scope, name)), before, limit,
                text -> scope.visibility().shapeText(text, config));
    }

    @Override
    public CompletableFuture<Views.OffsetsRequestView> requestOffsetsChange(Scope scope, String name, String offsets,
                                                                           RequestContext request) {
        return submit(scope, name, new ModifyOffsets(offsets, true), Operation.OFFSETS, request)
                .thenApply(d -> offsetsRequestView(d.getState().getPendingOffsets(), Optional.empty()));
    }

    @Override
    public Views.OffsetsRequestView offsetsRequest(Scope scope, String name) {
        ConnectorState state = existing(scope, name, Operation.OFFSETS);
        if (state.getPendingOffsets() == null) {
            throw new ServiceException.NotFound(ServiceException.Subject.OFFSETS_REQUEST, name, null, Operation.OFFSETS);
        }
        return offsetsRequestView(state.getPendingOffsets(), queries.status(key(scope, name)));
    }

    private static Views.OffsetsRequestView offsetsRequestView(OffsetsRequest request,
                                                              Optional<ConnectorObservation> observed) {
        OffsetsResult result = observed.map(ConnectorObservation::getOffsetsApplied)
                .filter(r -> r.getId().equals(request.getId())).orElse(null);
        Instant requestedAt = request.getRequestedAt() == null ? null : Instant.ofEpochMilli(request.getRequestedAt());
        if (result == null) {
            return new Views.OffsetsRequestView(request.getId(), request.getOffsets(), requestedAt,
                    Views.OffsetsRequestView.Phase.PENDING, null, null, null);
        }
        boolean applied = result.getCode() < 300;
        return new Views.OffsetsRequestView(request.getId(), request.getOffsets(), requestedAt,
                applied ? Views.OffsetsRequestView.Phase.APPLIED : Views.OffsetsRequestView.Phase.FAILED, result.getMessage(),
                result.getPreviousOffsets(), applied && result.getAppliedAt() != null ? Instant.ofEpochMilli(result.getAppliedAt()) : null);
    }

    @Override
    public List<String> names(Scope scope) {
        return queries.names(scope.cluster());
    }

    @Override
    public List<ConnectorDetails> describeAll(Scope scope) {
        List<ConnectorState> states = queries.connectors(scope.cluster());
        // Every status in one gathering, rather than one read (maybe on another replica) per connector.
        Map<String, ConnectorObservation> observed = queries.statuses(scope.cluster());
        return states.stream().map(state -> {
            Optional<ConnectorObservation> observation = Optional.ofNullable(observed.get(state.getName()));
            return new ConnectorDetails(view(state, observation).shapedFor(scope.visibility()), status(state, observation, scope.visibility()));
        }).toList();
    }

    @Override
    public Optional<Object> changeMark() {
        return queries.changeMark();
    }

    @Override
    public ConnectorView connector(Scope scope, String name) {
        return view(existing(scope, name, Operation.READ)).shapedFor(scope.visibility());
    }

    @Override
    public Map<String, String> config(Scope scope, String name) {
        return scope.visibility().shape(secrets.hidden(existing(scope, name, Operation.READ).getConfig()));
    }

    @Override
    public StatusView status(Scope scope, String name) {
        ConnectorState state = existing(scope, name, Operation.READ_STATUS);
        return status(state, queries.status(key(scope, name)), scope.visibility());
    }

    /** The last observed status of one task. */
    @Override
    public TaskStatusView taskStatus(Scope scope, String name, int task) {
        return queries.connector(key(scope, name))
                .flatMap(state -> queries.status(key(scope, name))
                        .flatMap(observed -> ObservedTasks.shown(observed).stream().filter(t -> t.getId() == task).findFirst())
                        .map(t -> StatusViews.task(t, state, scope.visibility())))
                .orElseThrow(() -> ServiceException.NotFound.task(name, task, Operation.READ_TASK_STATUS));
    }

    /** The connector's tasks as the data plane last reported them (none before it has). */
    @Override
    public List<TaskConfigView> taskConfigs(Scope scope, String name) {
        ConnectorState state = existing(scope, name, Operation.READ);
        List<Map<String, String>> configs = queries.status(key(scope, name))
                .map(ConnectorObservation::getTaskConfigs).orElse(List.of());
        return IntStream.range(0, configs.size())
                .mapToObj(i -> new TaskConfigView(state.getName(), i, scope.visibility().shape(secrets.hidden(configs.get(i))))).toList();
    }

    @Override
    public Optional<ObservedDetails> observedDetails(Scope scope, String name) {
        existing(scope, name, Operation.READ);
        return queries.status(key(scope, name)).filter(o -> o.getDetailsObservedAt() != null)
                .map(o -> new ObservedDetails(o.getActiveTopics(), o.getOffsets(), Instant.ofEpochMilli(o.getDetailsObservedAt())));
    }

    /** A connector created before history was kept, and unchanged since, has none yet. */
    @Override
    public ConnectorHistory history(Scope scope, String name) {
        ConnectorKey key = key(scope, name);
        ConnectorHistory history = queries.history(key).orElseGet(() -> {
            if (queries.connector(key).isEmpty()) {
                throw ServiceException.NotFound.connector(name, Operation.READ_HISTORY);
            }
            return ConnectorHistory.newBuilder().setCluster(scope.cluster()).setConnector(name).setEntries(List.of()).build();
        });
        return HistoryVisibility.shape(history, scope.visibility(), secrets.keys());
    }

    /**
     * Puts back the config a connector had after one version of its history, as a new command (a
     * new version; the history is never rewritten). History keeps no secret: a secret key's value
     * is taken from the connector as it is now, and a restore that needs a secret the connector no
     * longer has, or a value the history kept only as its digest, is refused with what to do. The
     * target state is left as it is.
     */
    @Override
    public CompletableFuture<Written> restoreVersion(Scope scope, String name, long sequence, RequestContext request) {
        ConnectorKey key = key(scope, name);
        HistoryReplay.Step step = HistoryReplay.replay(history(scope, name)).stream()
                .filter(s -> s.entry().getSequence() == sequence).findFirst()
                .orElseThrow(() -> new ServiceException.InvalidRequest("No version with sequence " + sequence + " in this history"));
        if (step.configAfter() == null) {
            throw new ServiceException.InvalidRequest("Version " + step.entry().getVersion() + " is the connector's delete: it has no config to restore");
        }
        // A restore is a new version of a connector that exists; a deleted one is created anew, not restored.
        Map<String, String> current = queries.connector(key).map(ConnectorState::getConfig)
                .orElseThrow(() -> ServiceException.NotFound.connector(name, Operation.PUT_CONFIG));
        Map<String, String> restored = new LinkedHashMap<>();
        step.configAfter().forEach((k, v) -> {
            if (Redactor.MASK.equals(v)) {
                String now = current.get(k);
                if (now == null) {
                    throw new ServiceException.InvalidRequest(k, "The history keeps no secret, and the connector has no " + k
                            + " now: set it, then restore this version");
                }
                restored.put(k, now);
            } else if (HistoryProcessor.isShortened(v)) {
                throw new ServiceException.InvalidRequest(k, "The history kept only a digest of " + k + " in this version"
                        + " (it was over 1024 characters): it cannot be restored from here");
            } else {
                restored.put(k, v);
            }
        });
        return putConfig(scope, name, restored, request);
    }

    /** A connector just created: no worker has reported on it, so there is nothing to look up. */
    private ConnectorView newView(ConnectorState state) {
        return view(state, 0, plugins.typeOf(state.getConfig().get(ConnectorConfigValidator.CONNECTOR_CLASS)));
    }

    private ConnectorView view(ConnectorState state) {
        return view(state, observed(state));
    }

    private ConnectorView view(ConnectorState state, Optional<ConnectorObservation> observation) {
        int tasks = observation.map(observed -> observed.getTaskConfigs().size()).orElse(0);
        return view(state, tasks, typeOf(state, observation));
    }

    private ConnectorView view(ConnectorState state, int tasks, String type) {
        return new ConnectorView(state.getCluster(), state.getName(), secrets.hidden(state.getConfig()), tasks, type,
                state.getTargetState(), state.getVersion(), Instant.ofEpochMilli(state.getCreatedAt()),
                Instant.ofEpochMilli(state.getUpdatedAt()));
    }

    /** See {@link StatusViews}: for a caller who sees keys only, the worker's texts have the config's values hidden. */
    private StatusView status(ConnectorState state, Optional<ConnectorObservation> observation, Visibility visibility) {
        return StatusViews.of(state, observation, typeOf(state, observation), visibility);
    }

    /** The type the data plane reported, else what the plugins Switchboard knows say. */
    private String typeOf(ConnectorState state, Optional<ConnectorObservation> observation) {
        return observation
                .map(ConnectorObservation::getType)
                .filter(type -> !type.isEmpty())
                .orElseGet(() -> plugins.typeOf(state.getConfig().get(ConnectorConfigValidator.CONNECTOR_CLASS)));
    }

    /**
     * What the data plane last reported, for decorating an answer. A decision already made must not
     * turn into an error because this extra read cannot be served right now (a rebalance moving the
     * statuses store): then the answer goes without it.
     */
    private Optional<ConnectorObservation> observed(ConnectorState state) {
        try {
            return queries.status(new ConnectorKey(state.getCluster(), state.getName()));
        } catch (StoreUnavailableException e) {
            return Optional.empty();
        }
    }

    private ConnectorState existing(Scope scope, String name, Operation operation) {
        return queries.connector(key(scope, name))
                .orElseThrow(() -> ServiceException.NotFound.connector(name, operation));
    }

    private static ConnectorKey key(Scope scope, String name) {
        return new ConnectorKey(scope.cluster(), name);
    }

    private CompletableFuture<CommandDecision> submit(Scope scope, String name, Object action, Operation operation,
                                                      RequestContext request) {
        return gateway.submit(gateway.command(key(scope, name), action, request).build())
                .thenApply(d -> DecisionAnswers.accepted(d, operation));
    }
}
