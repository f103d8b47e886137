package io.switchboard.dialects.redpanda;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.switchboard.core.Views.ConnectorView;
import io.switchboard.core.Views.StatusView;
import io.switchboard.core.Views.TaskStatusView;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** The JSON bodies of Redpanda's Kafka Connect API (snake_case, as its specification names fields). */
final class RedpandaEntities {
    private RedpandaEntities() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ConnectorSpec(String name, Map<String, String> config, List<TaskInfo> tasks, String type) {
    }

    record TaskInfo(String connector, int task) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ConnectorStatus(String name, ConnectorState connector, List<TaskStatus> tasks, String type,
                           @JsonProperty("holistic_state") String holisticState, List<ConnectorError> errors) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ConnectorState(String state, @JsonProperty("worker_id") String workerId, String trace) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record TaskStatus(int id, String state, @JsonProperty("worker_id") String workerId, String trace) {
    }

    record ConnectorError(String type, String title, String content) {
    }

    record ConnectorInfoStatus(String name, ConnectorSpec info, ConnectorStatus status) {
    }

    record ListConnectorsResponse(List<ConnectorInfoStatus> connectors, @JsonProperty("next_page_token") String nextPageToken) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ConnectCluster(String name, String address, ClusterInfo info, List<Plugin> plugins) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ClusterInfo(String version, String commit, @JsonProperty("kafka_cluster_id") String kafkaClusterId) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Plugin(@JsonProperty("class") String className, String type, String version) {
    }

    record ListConnectClustersResponse(List<ConnectCluster> clusters) {
    }

    record Topics(List<String> topics) {
    }

    static ConnectorSpec spec(ConnectorView view) {
        List<TaskInfo> tasks = IntStream.range(0, view.tasks()).mapToObj(i -> new TaskInfo(view.name(), i)).toList();
        return new ConnectorSpec(view.name(), view.config(), tasks, view.type());
    }

    static ConnectorStatus status(StatusView view) {
        List<TaskStatus> tasks = view.tasks().stream()
                .map(t -> new TaskStatus(t.id(), t.state(), t.workerId(), emptyToNull(t.trace()))).toList();
        return new ConnectorStatus(view.name(), new ConnectorState(view.state(), view.workerId(), emptyToNull(view.trace())),
                tasks, view.type(), holisticState(view), errors(view));
    }

    /**
     * The connector's state taking its tasks into account, as Redpanda documents it: PAUSED,
     * RESTARTING, STOPPED and UNASSIGNED as the connector is; a FAILED connector is UNHEALTHY; a
     * RUNNING one is HEALTHY when it has tasks and all run, UNASSIGNED when a task is unassigned,
     * RESTARTING when one restarts, DEGRADED when some but not all failed, UNHEALTHY when it has no
     * task or all failed; anything else is UNKNOWN.
     */
    static String holisticState(StatusView view) {
        String state = view.state() == null ? "UNASSIGNED" : view.state();
        String holistic = switch (state) {
            case "PAUSED", "RESTARTING", "STOPPED", "UNASSIGNED", "DESTROYED" -> state;
            case "FAILED" -> "UNHEALTHY";
            case "RUNNING" -> running(view.tasks());
            default -> "UNKNOWN";
        };
        return "CONNECTOR_HOLISTIC_STATE_" + holistic;
    }

    private static String running(List<TaskStatusView> tasks) {
        if (tasks.isEmpty()) {
            return "UNHEALTHY";
        }
        long failed = tasks.stream().filter(t -> "FAILED".equals(t.state())).count();
        if (tasks.stream().anyMatch(t -> "UNASSIGNED".equals(t.state()))) {
            return "UNASSIGNED";
        }
        if (tasks.stream().anyMatch(t -> "RESTARTING".equals(t.state()))) {
            return "RESTARTING";
        }
        if (failed == tasks.size()) {
            return "UNHEALTHY";
        }
        if (failed > 0) {
            return "DEGRADED";
        }
        return tasks.stream().allMatch(t -> "RUNNING".equals(t.state())) ? "HEALTHY" : "UNKNOWN";
    }

    /** One error per trace the connector or a task has: its first line as the title, its causes as the content. */
    static List<ConnectorError> errors(StatusView view) {
        List<ConnectorError> errors = new ArrayList<>();
        if (view.trace() != null && !view.trace().isBlank()) {
            errors.add(error("Connector error", view.trace()));
        }
        for (TaskStatusView task : view.tasks()) {
            if (task.trace() != null && !task.trace().isBlank()) {
                errors.add(error("Task " + task.id() + " error", task.trace()));
            }
        }
        return errors;
    }

    /**
     * A trace read as a person would: "org.x.SomeException: message" becomes the title "what:
     * message", and the content is that line and every "Caused by" line, without stack frames.
     */
    static ConnectorError error(String what, String trace) {
        String[] lines = trace.split("\\R");
        String first = lines[0].trim();
        StringBuilder content = new StringBuilder(first);
        for (String line : lines) {
            String trimmed = line.trim();
            if (trimmed.startsWith("Caused by:")) {
                content.append('\n').append(trimmed);
            }
        }
        String message = first;
        int colon = first.indexOf(": ");
        if (colon > 0 && first.substring(0, colon).matches("[\\w.$]+")) {
            message = first.substring(colon + 2);
        }
        String title = what + ": " + (message.length() > 200 ? message.substring(0, 200) + "..." : message);
        return new ConnectorError("TYPE_ERROR", title, content.toString());
    }

    private static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }
}
