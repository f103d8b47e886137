package io.switchboard.rules;

import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.TaskObservation;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The status shows a task only when /tasks can show its config too: both come from one observation. */
class ObservedTasksTest {

    private static ConnectorObservation observed(int tasks, int configs) {
        List<TaskObservation> statuses = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            statuses.add(new TaskObservation(i, "RUNNING", "w1", null, "1.0"));
        }
        List<Map<String, String>> taskConfigs = new ArrayList<>();
        for (int i = 0; i < configs; i++) {
            taskConfigs.add(Map.of("task.class", "T"));
        }
        return ConnectorObservation.newBuilder().setCluster("default").setConnector("c").setObservedAt(1).setState("RUNNING")
                .setTasks(statuses).setTaskConfigs(taskConfigs).build();
    }

    @Test
    void aRunningTaskWhoseConfigIsNotReportedYetIsNotShown() {
        assertEquals(List.of(), ObservedTasks.shown(observed(2, 0)));
    }

    @Test
    void tasksWithTheirConfigsAreShown() {
        assertEquals(List.of(0, 1), ObservedTasks.shown(observed(2, 2)).stream().map(TaskObservation::getId).toList());
        assertEquals(List.of(0), ObservedTasks.shown(observed(2, 1)).stream().map(TaskObservation::getId).toList());
    }

    @Test
    void configsOfTasksThatHaveNotStartedShowNoStatus() {
        assertEquals(List.of(0), ObservedTasks.shown(observed(1, 3)).stream().map(TaskObservation::getId).toList());
    }
}
