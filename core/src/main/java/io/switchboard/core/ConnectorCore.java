package io.switchboard.core;

import io.switchboard.core.Views.ConnectorDetails;
import io.switchboard.core.Views.ConnectorView;
import io.switchboard.core.Views.ObservedDetails;
import io.switchboard.core.Views.StatusView;
import io.switchboard.core.Views.TaskConfigView;
import io.switchboard.core.Views.TaskStatusView;
import io.switchboard.core.Views.Written;
import io.switchboard.rules.HealthEvent;
import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.OffsetsResult;
import io.switchboard.schemas.TargetState;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The connector service on Switchboard's event-sourced core, as the command and query sides it is
 * made of: {@link ConnectorWrites} turns each write into a command through one
 * {@link WritePreflight} and answers it once decided; {@link ConnectorReads} reads the connectors
 * and statuses stores; {@link ConnectorViews} shapes both for the caller. This class only routes.
 */
public final class ConnectorCore implements ConnectorService {
    private final ConnectorWrites writes;
    private final ConnectorReads reads;
    private final BulkCommands bulk;

    public ConnectorCore(CommandBus gateway, ConnectorStore queries, ConnectorPlugins plugins,
                         ConnectorConfigValidator validator, StatusWatch watcher, ConnectorSecrets secrets,
                         NamedSecrets namedSecrets, ClusterDirectory clusters) {
        this(gateway, queries, plugins, validator, watcher, secrets, namedSecrets, clusters,
                new WritePreflight(gateway, queries, validator, secrets, namedSecrets, clusters));
    }

    ConnectorCore(CommandBus gateway, ConnectorStore queries, ConnectorPlugins plugins,
                  ConnectorConfigValidator validator, StatusWatch watcher, ConnectorSecrets secrets,
                  NamedSecrets namedSecrets, ClusterDirectory clusters, WritePreflight preflight) {
        ConnectorViews views = new ConnectorViews(queries, plugins, secrets);
        this.reads = new ConnectorReads(queries, secrets, views);
        this.writes = new ConnectorWrites(gateway, preflight, reads, views, secrets, namedSecrets,
                new ConfigPatches(gateway, queries, validator, secrets, clusters, namedSecrets), watcher);
        this.bulk = new BulkCommands(gateway, queries);
    }

    @Override
    public BulkCommands bulk() {
        return bulk;
    }

    @Override
    public CompletableFuture<Written> create(Scope scope, String name, Map<String, String> config, TargetState initialState,
                                             String initialOffsets, RequestContext request) {
        return writes.create(scope, name, config, initialState, initialOffsets, request);
    }

    @Override
    public CompletableFuture<Written> putConfig(Scope scope, String name, Map<String, String> config, RequestContext request) {
        return writes.putConfig(scope, name, config, request);
    }

    @Override
    public CompletableFuture<ConnectorView> patchConfig(Scope scope, String name, Map<String, String> patch,
                                                        RequestContext request) {
        return writes.patchConfig(scope, name, patch, request);
    }

    @Override
    public CompletableFuture<Void> changeTargetState(Scope scope, String name, TargetState target, RequestContext request) {
        return writes.changeTargetState(scope, name, target, request);
    }

    @Override
    public CompletableFuture<Void> delete(Scope scope, String name, RequestContext request) {
        return writes.delete(scope, name, request);
    }

    @Override
    public CompletableFuture<StatusView> restart(Scope scope, String name, boolean includeTasks, boolean onlyFailed,
                                                 RequestContext request) {
        return writes.restart(scope, name, includeTasks, onlyFailed, request);
    }

    @Override
    public CompletableFuture<Void> restartTask(Scope scope, String name, int task, RequestContext request) {
        return writes.restartTask(scope, name, task, request);
    }

    @Override
    public CompletableFuture<Optional<OffsetsResult>> modifyOffsets(Scope scope, String name, String offsets,
                                                                    RequestContext request) {
        return writes.modifyOffsets(scope, name, offsets, request);
    }

    @Override
    public CompletableFuture<Void> resetActiveTopics(Scope scope, String name, RequestContext request) {
        return writes.resetActiveTopics(scope, name, request);
    }

    @Override
    public CompletableFuture<Void> repair(Scope scope, String name, RequestContext request) {
        return writes.repair(scope, name, request);
    }

    @Override
    public CompletableFuture<Boolean> recordPipelinePhase(Scope scope, String name, String previous, String phase, String cause,
                                                          RequestContext request) {
        return writes.recordPipelinePhase(scope, name, previous, phase, cause, request);
    }

    @Override
    public CompletableFuture<Views.OffsetsRequestView> requestOffsetsChange(Scope scope, String name, String offsets,
                                                                           RequestContext request) {
        return writes.requestOffsetsChange(scope, name, offsets, request);
    }

    @Override
    public CompletableFuture<Written> restoreVersion(Scope scope, String name, long sequence, RequestContext request) {
        return writes.restoreVersion(scope, name, sequence, request);
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
}
