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

    public ConnectorHerder(String cluster, CommandGateway gateway, ConnectorQueries queries, ConnectorPlugins plugins,
                           ConnectorConfigValidator validator) {
        this.cluster = cluster;
        this.gateway = gateway;
        this.queries = queries;
        this.plugins = plugins;
        this.validator = validator;
    }

    public CompletableFuture<Created> createConnector(String name, Map<String, String> config, TargetState initialState,
                                                      RequestContext request) {
        validator.validate(config);
        CreateConnector action = new CreateConnector(config, initialState == null ? TargetState.RUNNING : initialState);
        return submit(name, action, request).thenApply(d -> new Created(true, newInfo(d.getState())));
    }

    public CompletableFuture<Created> putConnectorConfig(String name, Map<String, String> config, RequestContext request) {
        validator.validate(config);
        return submit(name, new PutConnectorConfig(config), request)
                .thenApply(d -> d.getOutcome() == io.switchboard.schemas.Outcome.CREATED
                        ? new Created(true, newInfo(d.getState())) : new Created(false, info(d.getState())));
    }

    public CompletableFuture<ConnectorInfo> patchConnectorConfig(String name, Map<String, String> patch, RequestContext request) {
        ConnectorState current = queries.connector(key(name))
                .orElseThrow(() -> ConnectRestException.notFound("Connector " + name + " not found"));
        Map<String, String> patched = new HashMap<>(current.getConfig());
        patch.forEach((k, v) -> {
            if (v == null) {
                patched.remove(k);
            } else {
                patched.put(k, v);
            }
        });
        validator.validate(patched);
        return submit(name, new PatchConnectorConfig(patch), request).thenApply(d -> info(d.getState()));
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

    private static ConnectorStateInfo plan(ConnectorStateInfo status, boolean includeTasks, boolean onlyFailed) {
        ConnectorStatus connector = status.connector();
        boolean connectorRestarts = !onlyFailed || "FAILED".equals(connector.state());
        List<TaskStatus> tasks = status.tasks().stream()
                .map(t -> includeTasks && (!onlyFailed || "FAILED".equals(t.state()))
                        ? new TaskStatus(t.id(), "RESTARTING", t.workerId(), null) : t)
                .toList();
        return new ConnectorStateInfo(status.name(),
                connectorRestarts ? new ConnectorStatus("RESTARTING", connector.workerId(), null) : connector,
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
        return existing(name).getConfig();
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
                .map(t -> new TaskStatus(t.getId(), t.getState(), t.getWorkerId(), t.getTrace()))
                .orElseThrow(() -> ConnectRestException.notFound("No status found for task " + name + "-" + task));
    }

    /** The connector's tasks as the data plane last reported them (none before it has). */
    public List<Entities.TaskInfo> taskConfigs(String name) {
        ConnectorState state = existing(name);
        List<Map<String, String>> configs = queries.status(key(name))
                .map(io.switchboard.schemas.ConnectorObservation::getTaskConfigs).orElse(List.of());
        List<Entities.TaskInfo> tasks = new java.util.ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            tasks.add(new Entities.TaskInfo(new Entities.TaskId(state.getName(), i), configs.get(i)));
        }
        return tasks;
    }

    /** A connector just created: no worker has reported on it, so there is nothing to look up. */
    private ConnectorInfo newInfo(ConnectorState state) {
        return new ConnectorInfo(state.getName(), state.getConfig(), List.of(),
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
        return new ConnectorInfo(state.getName(), state.getConfig(), tasks, typeOf(state, observation));
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
                        new ConnectorStatus(observed.getState(), observed.getWorkerId(), observed.getTrace()),
                        observed.getTasks().stream()
                                .map(t -> new TaskStatus(t.getId(), t.getState(), t.getWorkerId(), t.getTrace()))
                                .toList(),
                        observed.getType() != null ? observed.getType() : typeOf(state, observation),
                        io.switchboard.dataplane.AutoRestart.enabled(state.getConfig())
                                ? new Entities.AutoRestartInfo(observed.getAutoRestarts(), observed.getLastAutoRestart() == null
                                        ? null : java.time.Instant.ofEpochMilli(observed.getLastAutoRestart()).toString())
                                : null))
                .orElseGet(() -> new ConnectorStateInfo(state.getName(), new ConnectorStatus("UNASSIGNED", null, null),
                        List.of(), typeOf(state, observation)));
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
        };
    }
}
