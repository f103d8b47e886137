package io.switchboard.dialects.connect;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.switchboard.core.Views;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** The JSON bodies of Kafka Connect's REST API, field for field. */
public final class Entities {
    private Entities() {
    }

    public record ConnectorInfo(String name, Map<String, String> config, List<TaskId> tasks, String type) {
    }

    public record TaskId(String connector, int task) {
    }

    public record TaskInfo(TaskId id, Map<String, String> config) {
    }

    public record ConnectorStateInfo(String name, ConnectorStatus connector, List<TaskStatus> tasks, String type,
                                     @JsonProperty("auto_restart") @JsonInclude(JsonInclude.Include.NON_NULL)
                                     AutoRestartInfo autoRestart,
                                     @JsonInclude(JsonInclude.Include.NON_NULL) ReconcileInfo reconcile) {
        public ConnectorStateInfo(String name, ConnectorStatus connector, List<TaskStatus> tasks, String type) {
            this(name, connector, tasks, type, null, null);
        }

        public ConnectorStateInfo(String name, ConnectorStatus connector, List<TaskStatus> tasks, String type,
                                  AutoRestartInfo autoRestart) {
            this(name, connector, tasks, type, autoRestart, null);
        }
    }

    /**
     * Switchboard's addition to a status while the data plane cannot make the connector as desired:
     * the target state, the state on the worker (ABSENT when the worker does not have it), failed
     * attempts in a row, the last error and when, and when it is tried next.
     */
    public record ReconcileInfo(String desired, String observed, int attempts,
                                @JsonProperty("last_error") String lastError,
                                @JsonProperty("last_error_at") String lastErrorAt,
                                @JsonProperty("next_attempt_at") @JsonInclude(JsonInclude.Include.NON_NULL) String nextAttemptAt) {
    }

    /** Switchboard's addition to a status, only for connectors that opted in to auto-restart. */
    public record AutoRestartInfo(int count, @JsonProperty("last_restart") @JsonInclude(JsonInclude.Include.NON_NULL)
                                  String lastRestart) {
    }

    public record ConnectorStatus(String state, @JsonProperty("worker_id") String workerId,
                                  @JsonInclude(JsonInclude.Include.NON_EMPTY) String trace,
                                  @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = NoVersion.class) String version) {
    }

    public record TaskStatus(int id, String state, @JsonProperty("worker_id") String workerId,
                             @JsonInclude(JsonInclude.Include.NON_EMPTY) String trace,
                             @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = NoVersion.class) String version) {
    }

    /**
     * Which status versions are left out, by Kafka Connect's rule (its {@code PluginInfo.NoVersionFilter}):
     * the version a worker reports is shown as it is (an empty one too), but "undefined", a plugin's
     * that states none. A version no worker reported (the observation keeps none) is left out too:
     * an observation cannot tell a worker's null from its silence.
     */
    public static final class NoVersion {
        @Override
        public boolean equals(Object version) {
            return version == null || "undefined".equals(version);
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }

    public record ServerInfo(String version, String commit, @JsonProperty("kafka_cluster_id") String kafkaClusterId) {
    }


    public record ErrorMessage(@JsonProperty("error_code") int errorCode, String message) {
    }

    /** The core's view of a connector in Kafka Connect's shape. */
    static ConnectorInfo info(Views.ConnectorView view) {
        List<TaskId> tasks = IntStream.range(0, view.tasks())
                .mapToObj(i -> new TaskId(view.name(), i)).toList();
        return new ConnectorInfo(view.name(), view.config(), tasks, view.type());
    }

    static ConnectorStateInfo status(Views.StatusView view) {
        List<TaskStatus> tasks = view.tasks().stream()
                .map(t -> new TaskStatus(t.id(), t.state(), t.workerId(), t.trace(), t.version())).toList();
        AutoRestartInfo autoRestart = view.autoRestart() == null ? null : new AutoRestartInfo(view.autoRestart().count(),
                view.autoRestart().lastRestart() == null ? null : view.autoRestart().lastRestart().toString());
        Views.ReconcileView r = view.reconcile();
        ReconcileInfo reconcile = r == null ? null : new ReconcileInfo(r.desired(), r.observed(), r.attempts(), r.lastError(),
                r.lastErrorAt().toString(), r.nextAttemptAt() == null ? null : r.nextAttemptAt().toString());
        return new ConnectorStateInfo(view.name(), new ConnectorStatus(view.state(), view.workerId(), view.trace(), view.version()),
                tasks, view.type(), autoRestart, reconcile);
    }

    static TaskStatus taskStatus(Views.TaskStatusView t) {
        return new TaskStatus(t.id(), t.state(), t.workerId(), t.trace(), t.version());
    }

    static TaskInfo taskInfo(Views.TaskConfigView t) {
        return new TaskInfo(new TaskId(t.connector(), t.task()), t.config());
    }
}
