package io.switchboard.processor;

import io.switchboard.kafkaio.Topics;
import io.switchboard.rules.ObservedTasks;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorStatusChanged;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.schemas.TargetState;
import io.switchboard.schemas.TaskObservation;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the processor writes for each observation, through the real topology: the statuses store
 * only when something besides the time changed, a status event only when a state or trace did.
 */
class ObservationProcessorTest {
    private static final Topics TOPICS = Topics.DEFAULT;
    private static final String CHANGELOG = TOPICS.applicationId() + "-" + StoreNames.STATUSES + "-changelog";

    private TopologyFixture fixture;
    private TopologyTestDriver driver;
    private TestInputTopic<String, ConnectorObservation> observations;
    private TestOutputTopic<String, LifecycleEvent> lifecycle;
    private KeyValueStore<String, ConnectorObservation> statuses;

    @BeforeEach
    void setUp() {
        fixture = TopologyFixture.withoutHistory();
        driver = fixture.driver;
        observations = fixture.observations();
        lifecycle = fixture.lifecycle();
        statuses = driver.getKeyValueStore(StoreNames.STATUSES);
        ConnectorCommand create = ConnectorCommand.newBuilder().setCommandId("cmd-1").setCluster("default").setConnector("orders")
                .setRequestId("req-1").setPrincipal("alice").setIssuedAt(1_000L)
                .setAction(new CreateConnector(Map.of("connector.class", "FileStreamSource", "topic", "lines"), TargetState.RUNNING, null))
                .build();
        fixture.commands()
                .pipeInput("default/orders", create);
        lifecycle.readValuesToList();
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private static ConnectorObservation observation(long at, String state, String taskState, String workerId, String trace) {
        return ConnectorObservation.newBuilder().setCluster("default").setConnector("orders").setObservedAt(at)
                .setState(state).setWorkerId(workerId).setTrace(trace).setType("source")
                .setTasks(List.of(new TaskObservation(0, taskState, workerId, null, "4.3.1")))
                .setTaskConfigs(List.of(Map.of("task.class", "FileStreamSourceTask"))).build();
    }

    /** The records the statuses store's changelog holds so far, when the driver shows them. */
    private long changelogRecords() {
        if (!driver.producedTopicNames().contains(CHANGELOG)) {
            return 0;
        }
        return driver.createOutputTopic(CHANGELOG, new StringDeserializer(), new StringDeserializer()).getQueueSize();
    }

    private List<ConnectorStatusChanged> statusEvents() {
        return lifecycle.readValuesToList().stream().map(LifecycleEvent::getEvent)
                .filter(ConnectorStatusChanged.class::isInstance).map(ConnectorStatusChanged.class::cast).toList();
    }

    @Test
    void anObservationTheSameButForItsTimeLeavesTheStoreAsItWas() {
        observations.pipeInput("default/orders", observation(20L, "RUNNING", "RUNNING", "w:8083", null));
        long written = changelogRecords();
        observations.pipeInput("default/orders", observation(30L, "RUNNING", "RUNNING", "w:8083", null));

        assertEquals(20L, statuses.get("default/orders").getObservedAt(), "the stored observation is kept as it was");
        assertEquals(written, changelogRecords(), "nothing written to the statuses changelog");
        assertEquals(1, statusEvents().size(), "one status event, for the first observation");

        ConnectorObservation moved = observation(40L, "RUNNING", "RUNNING", "w2:8083", null);
        observations.pipeInput("default/orders", moved);
        assertEquals(moved, statuses.get("default/orders"), "a change besides the time is stored");
        assertTrue(statusEvents().isEmpty(), "a worker id is no change of status");
    }

    @Test
    void aStatusEventIsPublishedOnlyWhenAStateOrTheTraceChanges() {
        observations.pipeInput("default/orders", observation(10L, "RUNNING", "RUNNING", "w:8083", null));
        observations.pipeInput("default/orders", observation(20L, "RUNNING", "RUNNING", "w:8083", null));
        observations.pipeInput("default/orders", observation(30L, "PAUSED", "RUNNING", "w:8083", null));
        observations.pipeInput("default/orders", observation(40L, "PAUSED", "PAUSED", "w:8083", null));
        observations.pipeInput("default/orders", observation(50L, "FAILED", "PAUSED", "w:8083", "boom"));
        observations.pipeInput("default/orders", observation(60L, "FAILED", "PAUSED", "w:8083", "boom again"));
        observations.pipeInput("default/orders", observation(70L, "FAILED", "PAUSED", "w:8083", "boom again"));

        List<ConnectorStatusChanged> events = statusEvents();
        assertEquals(List.of("RUNNING", "PAUSED", "PAUSED", "FAILED", "FAILED"),
                events.stream().map(ConnectorStatusChanged::getCurrent).toList(), "one event per change: " + events);
        assertEquals(Map.of("0", "PAUSED"), events.get(2).getTaskStates());
        assertEquals("boom again", events.get(4).getTrace());
    }

    /**
     * The views show a task once its config is reported too ({@link ObservedTasks}); the worker's
     * status can list a task a moment before. When the config arrives, what the views show
     * changes although no state did: that is a status change, or a live page would keep showing
     * no tasks (a failed task out of sight).
     */
    @Test
    void aTaskWhoseConfigArrivesAfterItsStatusIsAStatusChange() {
        List<TaskObservation> tasks = List.of(new TaskObservation(0, "RUNNING", "w:8083", null, "4.3.1"),
                new TaskObservation(1, "FAILED", "w:8083", "boom", "4.3.1"));
        ConnectorObservation statusOnly = ConnectorObservation.newBuilder().setCluster("default").setConnector("orders")
                .setObservedAt(10L).setState("RUNNING").setWorkerId("w:8083").setType("source").setTasks(tasks).build();
        observations.pipeInput("default/orders", statusOnly);
        assertEquals(Map.of(), statusEvents().get(0).getTaskStates(), "no task shown without its config");

        observations.pipeInput("default/orders", ConnectorObservation.newBuilder(statusOnly).setObservedAt(20L)
                .setTaskConfigs(List.of(Map.of("task.number", "0"), Map.of("task.number", "1"))).build());
        List<ConnectorStatusChanged> events = statusEvents();
        assertEquals(1, events.size(), "the tasks now shown are a change: " + events);
        assertEquals(Map.of("0", "RUNNING", "1", "FAILED"), events.get(0).getTaskStates());
    }
}
