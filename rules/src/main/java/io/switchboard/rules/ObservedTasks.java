package io.switchboard.rules;

import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.TaskObservation;

import java.util.List;

/**
 * Which of a connector's tasks the views show: those whose config the data plane has reported too.
 * The worker's status and its task configs are read separately (the configs wait on its herder
 * thread, so they may come a pass later); a status that listed a task whose config is not known yet
 * would answer RUNNING for a task that {@code .../tasks} does not have. Kafka Connect shows a task
 * only once it exists; so do the views, from one observation, so that they always agree. The
 * processor publishes a status change when what is shown changes (a task's config arriving after
 * its status shows the task), so that a live view is told.
 */
public final class ObservedTasks {
    private ObservedTasks() {
    }

    /** The task statuses to show: each task whose config the same observation holds. */
    public static List<TaskObservation> shown(ConnectorObservation observed) {
        int configs = observed.getTaskConfigs().size();
        return observed.getTasks().stream().filter(task -> task.getId() >= 0 && task.getId() < configs).toList();
    }
}
