package io.switchboard.connect;

import io.switchboard.commands.CommandGateway;
import io.switchboard.commands.RequestContext;
import io.switchboard.processor.ConnectorKey;
import io.switchboard.query.ConnectorQueries;
import io.switchboard.schemas.ChangeTargetState;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.DeleteConnector;
import io.switchboard.schemas.PatchConnectorConfig;
import io.switchboard.schemas.PutConnectorConfig;
import io.switchboard.schemas.TargetState;
import io.switchboard.connect.Entities.ConnectorInfo;
import io.switchboard.connect.Entities.ConnectorStateInfo;
import io.switchboard.connect.Entities.ConnectorStatus;
import io.switchboard.connect.Entities.Created;
import io.switchboard.connect.Entities.TaskStatus;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Kafka Connect's operations on the connectors of one cluster. Writes become commands whose
 * decisions come back from the processor; reads come from the connectors store.
 */
public final class ConnectorHerder {
    private final String cluster;
    private final CommandGateway gateway;
    private final ConnectorQueries queries;
    private final ConnectorConfigValidator validator;
    private final ConnectorPlugins plugins;
    private final io.switchboard.query.ObservationWatcher watcher;
    private final ConnectorSecrets secrets;

    public ConnectorHerder(String cluster, CommandGateway gateway, ConnectorQueries queries, ConnectorPlugins plugins,
                           ConnectorConfigValidator validator, io.switchboard.query.ObservationWatcher watcher,
                           ConnectorSecrets secrets) {
        this.cluster = cluster;
        this.watcher = watcher;
        this.secrets = secrets;
        this.gateway = gateway;
        this.queries = queries;
        this.plugins = plugins;
        this.validator = validator;
    }

    public CompletableFuture<Created> createConnector(String name, Map<String, String> config, TargetState initialState,
                                                      RequestContext request) {
        secrets.requireOpenable(config);
        java.util.Set<String> passwords = validator.validate(config);
        CreateConnector action = new CreateConnector(secrets.seal(config, passwords, Map.of()),
                initialState == null ? TargetState.RUNNING : initialState);
        return submit(name, action, request).thenApply(d -> new Created(true, newInfo(d.getState())));
    }

    public CompletableFuture<Created> putConnectorConfig(String name, Map<String, String> config, RequestContext request) {
        secrets.requireOpenable(config);
        java.util.Set<String> passwords = validator.validate(config);
        return submit(name, new PutConnectorConfig(secrets.seal(config, passwords, currentConfigIfSecret(name, config, passwords))), request)
                .thenApply(d -> d.getOutcome() == io.switchboard.schemas.Outcome.CREATED
                        ? new Created(true, newInfo(d.getState())) : new Created(false, info(d.getState())));
    }

    public CompletableFuture<ConnectorInfo> patchConnectorConfig(String name, Map<String, String> patch, RequestContext request) {
        ConnectorState current = queries.connector(key(name))
                .orElseThrow(() -> ConnectRestException.notFound("Connector " + name + " not found"));
        secrets.requireOpenable(patch);
        Map<String, String> patched = new HashMap<>(current.getConfig());
        patch.forEach((k, v) -> {
            if (v == null) {
                patched.remove(k);
            } else {
                patched.put(k, v);
            }
        });
        java.util.Set<String> passwords = validator.validate(opened(patched));
        Map<String, String> sealedPatch = new java.util.LinkedHashMap<>();
        patch.forEach((k, v) -> sealedPatch.put(k, v == null ? null
                : secrets.seal(java.util.Collections.singletonMap(k, v), passwords, current.getConfig()).get(k)));
        return submit(name, new PatchConnectorConfig(sealedPatch), request).thenApply(d -> info(d.getState()));
    }

    /**
     * The connector's current config when the new one has secrets, so that unchanged secrets keep
     * their sealed text; else (or when it cannot be read now) nothing.
     */
    private Map<String, String> currentConfigIfSecret(String name, Map<String, String> config, java.util.Set<String> passwords) {
        boolean secret = config.keySet().stream().anyMatch(k -> passwords.contains(k) || secrets.keys().matches(k));
        if (!secret) {
            return Map.of();
        }
        try {
            return queries.connector(key(name)).map(ConnectorState::getConfig).orElse(Map.of());
        } catch (io.switchboard.query.StoreUnavailableException | org.apache.kafka.streams.errors.InvalidStateStoreException e) {
            return Map.of();
        }
    }

    /** A stored config with sealed values opened, for the plugin to validate. */
    private Map<String, String> opened(Map<String, String> config) {
        return secrets.openWherePossible(config);
    }

    public CompletableFuture<Void> changeTargetState(String name, TargetState target, RequestContext request) {
        return submit(name, new ChangeTargetState(target), request).thenApply(d -> null);
    }

    public CompletableFuture<Void> deleteConnector(String name, RequestContext request) {
        return submit(name, new DeleteConnector(), request).thenApply(d -> null);
    }

    /**
     * POST /connectors/{name}/restart. Without includeTasks or onlyFailed only the connector restarts
     * and nothing is answered; otherwise the answer is the plan: the status, with what will restart
     * marked RESTARTING.
     */
    public CompletableFuture<ConnectorStateInfo> restartConnector(String name, boolean includeTasks, boolean onlyFailed,
                                                                  RequestContext request) {
        return submit(name, new io.switchboard.schemas.RestartConnector(includeTasks, onlyFailed, null), request)
                .thenApply(d -> plan(status(d.getState(), observed(d.getState())), includeTasks, onlyFailed));
    }

    /** POST /connectors/{name}/tasks/{task}/restart: the task must have been reported by the data plane. */
    public CompletableFuture<Void> restartTask(String name, int task, RequestContext request) {
        ConnectorState state = queries.connector(key(name))
                .orElseThrow(() -> ConnectRestException.notFound("Unknown connector: " + name));
        boolean known = status(state).tasks().stream().anyMatch(t -> t.id() == task);
        if (!known) {
            throw ConnectRestException.notFound("Unknown task: " + name + "-" + task);
        }
        return submit(name, new io.switchboard.schemas.RestartConnector(false, false, task), request).thenApply(d -> null);
    }

    /**
     * PATCH (offsets given) or DELETE (offsets null) /connectors/{name}/offsets. Once the change is
     * decided (the connector exists and is STOPPED), the data plane makes it on the worker; the
     * answer is the worker's, or empty if it has not answered within the wait (the change is then
     * still made when the worker can).
     */
    public CompletableFuture<java.util.Optional<io.switchboard.schemas.OffsetsResult>> modifyOffsets(
            String name, String offsets, RequestContext request) {
        watcher.requireRoom();
        io.switchboard.schemas.ConnectorCommand command = gateway.command(key(name),
                new io.switchboard.schemas.ModifyOffsets(offsets), request).build();
        return gateway.submit(command).thenApply(ConnectorHerder::accepted)
                .thenCompose(decided -> {
                    // The change this command recorded, or, for a retry with the same Idempotency-Key, the first one.
                    String id = decided.getState().getPendingOffsets().getId();
                    return watcher.await(key(name), observed -> {
                        io.switchboard.schemas.OffsetsResult result = observed.getOffsetsApplied();
                        return result != null && result.getId().equals(id) ? result : null;
                    });
                });
    }

    /** PUT /connectors/{name}/topics/reset: recorded, and made on the worker by the data plane. */
    public CompletableFuture<Void> resetActiveTopics(String name, RequestContext request) {
        return submit(name, new io.switchboard.schemas.ResetActiveTopics(), request).thenApply(d -> null);
    }

    private static ConnectorStateInfo plan(ConnectorStateInfo status, boolean includeTasks, boolean onlyFailed) {
        ConnectorStatus connector = status.connector();
        boolean connectorRestarts = !onlyFailed || "FAILED".equals(connector.state());
        List<TaskStatus> tasks = status.tasks().stream()
                .map(t -> includeTasks && (!onlyFailed || "FAILED".equals(t.state()))
                        ? new TaskStatus(t.id(), "RESTARTING", t.workerId(), null, t.version()) : t)
                .toList();
        return new ConnectorStateInfo(status.name(),
                connectorRestarts ? new ConnectorStatus("RESTARTING", connector.workerId(), null, connector.version()) : connector,
                tasks, status.type());
    }

    public List<String> connectors() {
        return queries.connectors(cluster).stream().map(ConnectorState::getName).toList();
    }

    public List<ConnectorState> connectorStates() {
        return queries.connectors(cluster);
    }

    public ConnectorInfo connectorInfo(String name) {
        return info(existing(name));
    }

    public Map<String, String> connectorConfig(String name) {
        return secrets.hidden(existing(name).getConfig());
    }

    public ConnectorStateInfo connectorStatus(String name) {
        ConnectorState state = queries.connector(key(name))
                .orElseThrow(() -> ConnectRestException.notFound("No status found for connector " + name));
        return status(state);
    }

    /** The last observed status of one task, with Kafka Connect's message when there is none. */
    public TaskStatus taskStatus(String name, int task) {
        return queries.connector(key(name))
                .flatMap(state -> queries.status(key(name)))
                .flatMap(observed -> observed.getTasks().stream().filter(t -> t.getId() == task).findFirst())
                .map(t -> new TaskStatus(t.getId(), t.getState(), t.getWorkerId(), t.getTrace(), t.getVersion()))
                .orElseThrow(() -> ConnectRestException.notFound("No status found for task " + name + "-" + task));
    }

    /** The connector's tasks as the data plane last reported them (none before it has). */
    public List<Entities.TaskInfo> taskConfigs(String name) {
        ConnectorState state = existing(name);
        List<Map<String, String>> configs = queries.status(key(name))
                .map(io.switchboard.schemas.ConnectorObservation::getTaskConfigs).orElse(List.of());
        List<Entities.TaskInfo> tasks = new java.util.ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            tasks.add(new Entities.TaskInfo(new Entities.TaskId(state.getName(), i), secrets.hidden(configs.get(i))));
        }
        return tasks;
    }

    /** The last observation of an existing connector that carries its active topics and offsets. */
    public java.util.Optional<io.switchboard.schemas.ConnectorObservation> observedDetails(String name) {
        existing(name);
        return queries.status(key(name)).filter(o -> o.getDetailsObservedAt() != null);
    }

    /** A connector just created: no worker has reported on it, so there is nothing to look up. */
    private ConnectorInfo newInfo(ConnectorState state) {
        return new ConnectorInfo(state.getName(), secrets.hidden(state.getConfig()), List.of(),
                plugins.typeOf(state.getConfig().get(ConnectorConfigValidator.CONNECTOR_CLASS)));
    }

    public ConnectorInfo info(ConnectorState state) {
        return info(state, observed(state));
    }

    /** The info of a connector whose last reported status is already known (a list reads them all at once). */
    public ConnectorInfo info(ConnectorState state, java.util.Optional<io.switchboard.schemas.ConnectorObservation> observation) {
        List<Entities.TaskId> tasks = observation
                .map(observed -> java.util.stream.IntStream.range(0, observed.getTaskConfigs().size())
                        .mapToObj(i -> new Entities.TaskId(state.getName(), i)).toList())
                .orElse(List.of());
        return new ConnectorInfo(state.getName(), secrets.hidden(state.getConfig()), tasks, typeOf(state, observation));
    }

    /** The last status the data plane reported for every connector of the cluster, by name. */
    public Map<String, io.switchboard.schemas.ConnectorObservation> observations() {
        return queries.statuses(cluster);
    }

    /**
     * The status the data plane last reported. Until one reports on it, a connector is UNASSIGNED:
     * no worker runs it yet.
     */
    public ConnectorStateInfo status(ConnectorState state) {
        return status(state, queries.status(key(state.getName())));
    }

    public ConnectorStateInfo status(ConnectorState state,
                                     java.util.Optional<io.switchboard.schemas.ConnectorObservation> observation) {
        return observation
                .map(observed -> new ConnectorStateInfo(state.getName(),
                        new ConnectorStatus(observed.getState(), observed.getWorkerId(), observed.getTrace(), observed.getVersion()),
                        observed.getTasks().stream()
                                .map(t -> new TaskStatus(t.getId(), t.getState(), t.getWorkerId(), t.getTrace(), t.getVersion()))
                                .toList(),
                        observed.getType() != null ? observed.getType() : typeOf(state, observation),
                        io.switchboard.dataplane.AutoRestart.enabled(state.getConfig())
                                ? new Entities.AutoRestartInfo(observed.getAutoRestarts(), observed.getLastAutoRestart() == null
                                        ? null : java.time.Instant.ofEpochMilli(observed.getLastAutoRestart()).toString())
                                : null,
                        reconcileInfo(observed.getReconcileFailure())))
                .orElseGet(() -> new ConnectorStateInfo(state.getName(), new ConnectorStatus("UNASSIGNED", null, null, null),
                        List.of(), typeOf(state, observation)));
    }

    private static Entities.ReconcileInfo reconcileInfo(io.switchboard.schemas.ReconcileFailure failure) {
        if (failure == null) {
            return null;
        }
        return new Entities.ReconcileInfo(failure.getDesired(), failure.getObserved(), failure.getAttempts(),
                failure.getError(), java.time.Instant.ofEpochMilli(failure.getLastFailedAt()).toString(),
                failure.getNextAttemptAt() == null ? null : java.time.Instant.ofEpochMilli(failure.getNextAttemptAt()).toString());
    }

    /** The type the data plane reported, else what the plugins Switchboard knows say. */
    private String typeOf(ConnectorState state, java.util.Optional<io.switchboard.schemas.ConnectorObservation> observation) {
        return observation
                .map(io.switchboard.schemas.ConnectorObservation::getType)
                .filter(type -> !type.isEmpty())
                .orElseGet(() -> plugins.typeOf(state.getConfig().get(ConnectorConfigValidator.CONNECTOR_CLASS)));
    }

    /**
     * What the data plane last reported, for decorating an answer. A decision already made must not
     * turn into an error because this extra read cannot be served right now (a rebalance moving the
     * statuses store): then the answer goes without it.
     */
    private java.util.Optional<io.switchboard.schemas.ConnectorObservation> observed(ConnectorState state) {
        try {
            return queries.status(key(state.getName()));
        } catch (io.switchboard.query.StoreUnavailableException | org.apache.kafka.streams.errors.InvalidStateStoreException e) {
            return java.util.Optional.empty();
        }
    }

    private ConnectorState existing(String name) {
        return queries.connector(key(name))
                .orElseThrow(() -> ConnectRestException.notFound("Connector " + name + " not found"));
    }

    private ConnectorKey key(String name) {
        return new ConnectorKey(cluster, name);
    }

    private CompletableFuture<CommandDecision> submit(String name, Object action, RequestContext request) {
        return gateway.submit(gateway.command(key(name), action, request).build())
                .thenApply(ConnectorHerder::accepted);
    }

    private static CommandDecision accepted(CommandDecision decision) {
        return switch (decision.getOutcome()) {
            case CREATED, UPDATED, UNCHANGED, DELETED -> decision;
            case NOT_FOUND -> throw ConnectRestException.notFound(decision.getMessage());
            case CONFLICT -> throw ConnectRestException.conflict(decision.getMessage());
            case REJECTED -> throw ConnectRestException.badRequest(decision.getMessage());
            case IDEMPOTENCY_CONFLICT -> throw new ConnectRestException(422, decision.getMessage());
        };
    }
}
