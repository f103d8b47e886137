package io.switchboard.core;

import io.switchboard.core.ServiceException.Operation;
import io.switchboard.core.Views.ConnectorDetails;
import io.switchboard.core.Views.ConnectorView;
import io.switchboard.core.Views.ObservedDetails;
import io.switchboard.core.Views.StatusView;
import io.switchboard.core.Views.TaskConfigView;
import io.switchboard.core.Views.TaskStatusView;
import io.switchboard.rules.ConnectorKey;
import io.switchboard.rules.HealthEvent;
import io.switchboard.rules.ObservedTasks;
import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * The read side of the connector service: the connectors and statuses stores, read with the
 * scope's consistency and shaped for its visibility. Reads send nothing; a connector that is not
 * stored is {@link ServiceException.NotFound}.
 */
final class ConnectorReads {
    private final ConnectorStore queries;
    private final ConnectorSecrets secrets;
    private final ConnectorViews views;

    ConnectorReads(ConnectorStore queries, ConnectorSecrets secrets, ConnectorViews views) {
        this.queries = queries;
        this.secrets = secrets;
        this.views = views;
    }

    /**
     * Traces and states: a caller who sees keys only gets the traces with the connector's config
     * values (as it is now) hidden, as its status.
     */
    Views.TimelineView timeline(Scope scope, String name, Long before, int limit) {
        TimelinePages.check(before, limit);
        Map<String, String> config = existing(scope, name, Operation.READ_TIMELINE).getConfig();
        return TimelinePages.page(queries.timeline(key(scope, name), scope.consistency()), before, limit,
                text -> scope.visibility().shapeText(text, config));
    }

    /** Up to this many timelines are read one by one; more, the cluster's in one gathering. */
    private static final int FEW_TIMELINES = 20;

    /** See {@link ConnectorService#healthTimelines}: no existence read, no page, no text. */
    Map<String, Views.TimelineView> healthTimelines(Scope scope, java.util.Collection<String> names) {
        Map<String, io.switchboard.schemas.ConnectorTimeline> recorded = new HashMap<>();
        if (names.size() > FEW_TIMELINES) {
            Set<String> wanted = new java.util.HashSet<>(names);
            queries.timelines(scope.cluster(), scope.consistency()).forEach((name, timeline) -> {
                if (wanted.contains(name)) {
                    recorded.put(name, timeline);
                }
            });
        } else {
            for (String name : new java.util.TreeSet<>(names)) {
                queries.timeline(key(scope, name), scope.consistency()).ifPresent(timeline -> recorded.put(name, timeline));
            }
        }
        Map<String, Views.TimelineView> views = new HashMap<>();
        recorded.forEach((name, timeline) -> views.put(name,
                TimelinePages.page(java.util.Optional.of(timeline), null, Integer.MAX_VALUE, text -> null)));
        return views;
    }

    Views.OffsetsRequestView offsetsRequest(Scope scope, String name) {
        ConnectorState state = existing(scope, name, Operation.OFFSETS);
        if (state.getPendingOffsets() == null) {
            throw new ServiceException.NotFound(ServiceException.Subject.OFFSETS_REQUEST, name, null, Operation.OFFSETS);
        }
        return ConnectorViews.offsetsRequest(state.getPendingOffsets(), queries.status(key(scope, name), scope.consistency()));
    }

    List<String> names(Scope scope) {
        return queries.names(scope.cluster(), scope.consistency());
    }

    /** Every connector's incidents as health facts: states and times only, so no text of a worker leaves here. */
    Map<String, List<HealthEvent>> incidents(Scope scope) {
        Map<String, List<HealthEvent>> byName = new HashMap<>();
        queries.timelines(scope.cluster(), scope.consistency())
                .forEach((name, timeline) -> byName.put(name, ConnectorHealth.events(timeline)));
        return byName;
    }

    List<ConnectorDetails> describeAll(Scope scope) {
        List<ConnectorState> states = queries.connectors(scope.cluster(), scope.consistency());
        // Every status in one gathering, rather than one read (maybe on another replica) per connector.
        Map<String, ConnectorObservation> observed = queries.statuses(scope.cluster(), scope.consistency());
        return states.stream().map(state -> {
            Optional<ConnectorObservation> observation = Optional.ofNullable(observed.get(state.getName()));
            return new ConnectorDetails(views.view(state, observation).shapedFor(scope.visibility()),
                    views.status(state, observation, scope.visibility()));
        }).toList();
    }

    Optional<Object> changeMark() {
        return queries.changeMark();
    }

    ConnectorView connector(Scope scope, String name) {
        return views.view(existing(scope, name, Operation.READ), scope.consistency()).shapedFor(scope.visibility());
    }

    Map<String, String> config(Scope scope, String name) {
        return scope.visibility().shape(secrets.hidden(existing(scope, name, Operation.READ).getConfig()));
    }

    StatusView status(Scope scope, String name) {
        ConnectorState state = existing(scope, name, Operation.READ_STATUS);
        return views.status(state, queries.status(key(scope, name), scope.consistency()), scope.visibility());
    }

    /** The last observed status of one task. */
    TaskStatusView taskStatus(Scope scope, String name, int task) {
        return queries.connector(key(scope, name), scope.consistency())
                .flatMap(state -> queries.status(key(scope, name), scope.consistency())
                        .flatMap(observed -> ObservedTasks.shown(observed).stream().filter(t -> t.getId() == task).findFirst())
                        .map(t -> StatusViews.task(t, state, scope.visibility())))
                .orElseThrow(() -> ServiceException.NotFound.task(name, task, Operation.READ_TASK_STATUS));
    }

    /** Whether the data plane has reported the connector's task. */
    boolean knowsTask(Scope scope, String name, int task, Operation operation) {
        ConnectorState state = existing(scope, name, operation);
        return views.status(state, queries.status(key(scope, name), scope.consistency()), Visibility.FULL).tasks().stream()
                .anyMatch(t -> t.id() == task);
    }

    /** The connector's tasks as the data plane last reported them (none before it has). */
    List<TaskConfigView> taskConfigs(Scope scope, String name) {
        ConnectorState state = existing(scope, name, Operation.READ);
        List<Map<String, String>> configs = queries.status(key(scope, name), scope.consistency())
                .map(ConnectorObservation::getTaskConfigs).orElse(List.of());
        return IntStream.range(0, configs.size())
                .mapToObj(i -> new TaskConfigView(state.getName(), i, scope.visibility().shape(secrets.hidden(configs.get(i))))).toList();
    }

    Optional<ObservedDetails> observedDetails(Scope scope, String name) {
        existing(scope, name, Operation.READ);
        return queries.status(key(scope, name), scope.consistency()).filter(o -> o.getDetailsObservedAt() != null)
                .map(o -> new ObservedDetails(o.getActiveTopics(), o.getOffsets(), Instant.ofEpochMilli(o.getDetailsObservedAt())));
    }

    /** A connector created before history was kept, and unchanged since, has none yet. */
    ConnectorHistory history(Scope scope, String name) {
        ConnectorKey key = key(scope, name);
        ConnectorHistory history = queries.history(key, scope.consistency()).orElseGet(() -> {
            if (queries.connector(key, scope.consistency()).isEmpty()) {
                throw ServiceException.NotFound.connector(name, Operation.READ_HISTORY);
            }
            return ConnectorHistory.newBuilder().setCluster(scope.cluster()).setConnector(name).setEntries(List.of()).build();
        });
        return HistoryVisibility.shape(history, scope.visibility(), secrets.keys());
    }

    ConnectorState existing(Scope scope, String name, Operation operation) {
        return queries.connector(key(scope, name), scope.consistency())
                .orElseThrow(() -> ServiceException.NotFound.connector(name, operation));
    }

    private static ConnectorKey key(Scope scope, String name) {
        return new ConnectorKey(scope.cluster(), name);
    }
}
