package io.switchboard.processor;

import io.switchboard.kafkaio.Topics;
import io.switchboard.rules.AutoRestart;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorTimeline;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.DeleteConnector;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.PutConnectorConfig;
import io.switchboard.schemas.ReconcileConnector;
import io.switchboard.schemas.ReconcileRequested;
import io.switchboard.schemas.TargetState;
import io.switchboard.schemas.TaskObservation;
import io.switchboard.schemas.TimelineEntry;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The incident timeline through the real topology: each status change keeps the traces the worker
 * reported then and the connector version live then; an auto-restart keeps its back-off; a repair
 * asked for is decided, changes no version and goes to the timeline; a long timeline keeps its
 * newest entries; a deleted connector's timeline goes with it.
 */
class TimelineTest {
    private static final Topics TOPICS = Topics.DEFAULT;
    private TopologyFixture fixture;
    private TopologyTestDriver driver;
    private CommandInput commands;
    private TestInputTopic<String, ConnectorObservation> observations;
    private Announced decisions;
    private TestOutputTopic<String, LifecycleEvent> lifecycle;
    private KeyValueStore<String, ConnectorTimeline> timelines;
    private int sequence;

    @BeforeEach
    void setUp() {
        fixture = TopologyFixture.withHistoryAndTimelines();
        driver = fixture.driver;
        commands = fixture.commands();
        observations = fixture.observations();
        decisions = fixture.decisions();
        lifecycle = fixture.lifecycle();
        timelines = driver.getKeyValueStore(StoreNames.TIMELINE);
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private CommandDecision send(Object action, long at) {
        commands.pipeInput("default/orders", ConnectorCommand.newBuilder().setCommandId("cmd-" + (++sequence))
                .setCluster("default").setConnector("orders").setPrincipal("otto").setIssuedAt(at).setAction(action).build());
        List<CommandDecision> decided = decisions.readValuesToList();
        return decided.get(decided.size() - 1);
    }

    private static Map<String, String> config(String topic, String... more) {
        Map<String, String> config = new HashMap<>(Map.of("connector.class", "FileStreamSource", "topic", topic));
        for (int i = 0; i + 1 < more.length; i += 2) {
            config.put(more[i], more[i + 1]);
        }
        return config;
    }

    private void observe(long at, String state, String trace, String taskState, String taskTrace, int autoRestarts, Long lastAutoRestart) {
        observations.pipeInput("default/orders", ConnectorObservation.newBuilder().setCluster("default").setConnector("orders")
                .setObservedAt(at).setState(state).setWorkerId("w:8083").setTrace(trace).setType("source")
                .setAutoRestarts(autoRestarts).setLastAutoRestart(lastAutoRestart)
                .setTasks(List.of(new TaskObservation(0, "RUNNING", "w:8083", null, "1"),
                        new TaskObservation(1, taskState, "w:8083", taskTrace, "1")))
                .setTaskConfigs(List.of(Map.of("task.number", "0"), Map.of("task.number", "1"))).build());
    }

    private List<TimelineEntry> entries() {
        return timelines.get("default/orders").getEntries();
    }

    @Test
    void aFailureKeepsItsTracesAndTheVersionLiveThenAfterTheWorkerReportsOtherwise() {
        send(new CreateConnector(config("lines", AutoRestart.ENABLED, "true"), TargetState.RUNNING, null), 1_000L);
        observe(2_000L, "RUNNING", null, "RUNNING", null, 0, null);
        send(new PutConnectorConfig(config("lines-v2", AutoRestart.ENABLED, "true")), 3_000L);
        observe(4_000L, "RUNNING", null, "FAILED", "java.lang.IllegalStateException: connection refused", 0, null);
        observe(5_000L, "RUNNING", null, "RUNNING", null, 1, 5_000L);

        List<TimelineEntry> entries = entries();
        assertEquals(List.of("ConnectorStatusChanged", "ConnectorStatusChanged", "AutoRestarted", "ConnectorStatusChanged"),
                entries.stream().map(TimelineEntry::getKind).toList());
        TimelineEntry failed = entries.get(1);
        assertEquals(2L, failed.getVersion(), "the config version live when it failed");
        assertEquals(4_000L, failed.getOccurredAt());
        assertEquals("FAILED", failed.getTasks().get(1).getState());
        assertEquals("java.lang.IllegalStateException: connection refused", failed.getTasks().get(1).getTrace(),
                "kept though the worker now reports the task running");
        TimelineEntry restarted = entries.get(2);
        assertEquals(1, restarted.getRestarts());
        assertEquals(5_000L + AutoRestart.backoff(1).toMillis(), restarted.getNextRestartAt(), "the back-off before the next");
        assertEquals(List.of(1L, 2L, 3L, 4L), entries.stream().map(TimelineEntry::getSequence).toList());
    }

    @Test
    void aPauseAndAResumeThatGoWellAreNotIncidentsAndWriteNothingToTheTimeline() {
        send(new CreateConnector(config("lines"), TargetState.RUNNING, null), 1_000L);
        observe(2_000L, "RUNNING", null, "RUNNING", null, 0, null);
        observe(3_000L, "PAUSED", null, "PAUSED", null, 0, null);
        observe(4_000L, "RUNNING", null, "RUNNING", null, 0, null);

        assertEquals(List.of("ConnectorStatusChanged"), entries().stream().map(TimelineEntry::getKind).toList(),
                "the first report only: the pause and resume are in the history, and cost the timeline nothing");
        assertEquals(2_000L, entries().get(0).getOccurredAt());
    }

    @Test
    void aRepairIsDecidedChangesNoVersionAndIsRecorded() {
        assertEquals(Outcome.NOT_FOUND, send(new ReconcileConnector(), 500L).getOutcome(), "nothing to repair");
        assertTrue(timelines.get("default/orders") == null);
        send(new CreateConnector(config("lines"), TargetState.RUNNING, null), 1_000L);
        lifecycle.readValuesToList();
        CommandDecision repair = send(new ReconcileConnector(), 2_000L);

        assertEquals(Outcome.UPDATED, repair.getOutcome());
        assertEquals(1L, repair.getState().getVersion(), "config and target state are as they were");
        assertEquals(repair.getCommandId(), repair.getState().getLastCommandId(),
                "decided anew, which the data plane takes as a desired state to make true at once");
        LifecycleEvent event = lifecycle.readValuesToList().get(0);
        assertInstanceOf(ReconcileRequested.class, event.getEvent());
        assertEquals("otto", event.getPrincipal());
        TimelineEntry entry = entries().get(0);
        assertEquals("ReconcileRequested", entry.getKind());
        assertEquals("otto", entry.getPrincipal());

        send(new DeleteConnector(), 3_000L);
        assertNull(timelines.get("default/orders"), "the timeline goes with the connector");
    }

    @Test
    void aLongTimelineKeepsItsNewestEntriesAndLongTracesAreShortened() {
        send(new CreateConnector(config("lines", AutoRestart.ENABLED, "true", AutoRestart.MAX_RESTARTS, "1"), TargetState.RUNNING, null),
                1_000L);
        String longTrace = "x".repeat(Timeline.MAX_TRACE_CHARS * 3);
        for (int i = 0; i < Timeline.MAX_ENTRIES + 10; i++) {
            observe(2_000L + i, i % 2 == 0 ? "FAILED" : "RUNNING", i % 2 == 0 ? longTrace : null, "RUNNING", null, 0, null);
        }
        List<TimelineEntry> entries = entries();
        assertTrue(entries.size() <= Timeline.MAX_ENTRIES, "bounded: " + entries.size());
        assertEquals(Timeline.MAX_ENTRIES + 10L, entries.get(entries.size() - 1).getSequence(), "the newest kept");
        assertEquals(entries.get(0).getSequence() - 1, timelines.get("default/orders").getDropped());
        assertTrue(entries.stream().allMatch(e -> e.getTrace() == null || e.getTrace().length() < Timeline.MAX_TRACE_CHARS + 100));

        observe(9_000L, "RUNNING", null, "RUNNING", null, 1, 9_000L);
        TimelineEntry last = entries().get(entries().size() - 1);
        assertEquals("AutoRestarted", last.getKind());
        assertEquals(1, last.getRestarts());
        assertNull(last.getNextRestartAt(), "the connector's limit of one restart is reached: no next one");
    }
}
