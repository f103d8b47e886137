package io.switchboard.processor;

import io.switchboard.kafkaio.Topics;
import io.switchboard.rules.DecisionReasons;
import io.switchboard.rules.HistoryReplay;
import io.switchboard.rules.PipelineOwnership;
import io.switchboard.schemas.ChangeTargetState;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.HistoryEntry;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.PipelinePhaseChanged;
import io.switchboard.schemas.RecordPipelinePhase;
import io.switchboard.schemas.TargetState;
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
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pipeline's phase changes, through the real topology (history kept) in a TopologyTestDriver:
 * each is recorded once, as a lifecycle event and a history entry; a stale or repeated one is
 * refused; none changes the connector's version, config or target state.
 */
class PipelinePhaseTopologyTest {
    private static final Topics TOPICS = Topics.DEFAULT;
    private static final String SOURCE = "pipeline-p1-source";
    private static final String KEY = "default/" + SOURCE;
    private static final Map<String, String> OWNED = Map.of("connector.class", "PostgresSource", PipelineOwnership.PIPELINE_ID, "p1");

    private TopologyFixture fixture;
    private TopologyTestDriver driver;
    private CommandInput commands;
    private Announced decisions;
    private TestOutputTopic<String, LifecycleEvent> lifecycle;
    private KeyValueStore<String, ConnectorState> store;
    private KeyValueStore<String, ConnectorHistory> history;
    private int sequence;

    @BeforeEach
    void setUp() {
        fixture = TopologyFixture.withHistory();
        driver = fixture.driver;
        commands = fixture.commands();
        decisions = fixture.decisions();
        lifecycle = fixture.lifecycle();
        store = driver.getKeyValueStore(StoreNames.CONNECTORS);
        history = driver.getKeyValueStore(StoreNames.HISTORY);
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private CommandDecision send(String name, Object action, String pipeline, String principal) {
        ConnectorCommand command = ConnectorCommand.newBuilder().setCommandId("cmd-" + (++sequence)).setCluster("default")
                .setConnector(name).setPrincipal(principal).setIssuedAt(1_000L * sequence).setAction(action).setPipeline(pipeline).build();
        commands.pipeInput("default/" + name, command);
        List<CommandDecision> out = decisions.readValuesToList();
        assertEquals(1, out.size());
        return out.get(0);
    }

    private CommandDecision phase(String previous, String phase, String cause) {
        return send(SOURCE, new RecordPipelinePhase(previous, phase, cause), "p1", "system");
    }

    private List<HistoryEntry> entries() {
        return HistoryLayout.read(history, KEY).getEntries();
    }

    private void createSource() {
        assertEquals(Outcome.CREATED, send(SOURCE, new CreateConnector(OWNED, TargetState.RUNNING, null), "p1", "alice").getOutcome());
        lifecycle.readValuesToList();
    }

    @Test
    void eachChangeIsRecordedOnceAsAnEventAndAHistoryEntryWithoutANewVersion() {
        createSource();
        ConnectorState before = store.get(KEY);

        assertEquals(Outcome.UPDATED, phase(null, "initialize", null).getOutcome());
        assertEquals(Outcome.UPDATED, phase("initialize", "snapshot", null).getOutcome());
        assertEquals(Outcome.UPDATED, phase("snapshot", "realtime", null).getOutcome());
        assertEquals(Outcome.UPDATED, phase("realtime", "failed", "sink: column 'product' is missing").getOutcome());

        List<LifecycleEvent> events = lifecycle.readValuesToList();
        assertEquals(4, events.size());
        List<String> moves = events.stream().map(e -> {
            PipelinePhaseChanged changed = assertInstanceOf(PipelinePhaseChanged.class, e.getEvent());
            assertEquals("p1", changed.getPipeline());
            assertEquals("system", e.getPrincipal());
            assertEquals(before.getVersion(), e.getVersion(), "a phase is no version");
            return changed.getPrevious() + ">" + changed.getPhase();
        }).toList();
        assertEquals(List.of("null>initialize", "initialize>snapshot", "snapshot>realtime", "realtime>failed"), moves);
        assertEquals("sink: column 'product' is missing", ((PipelinePhaseChanged) events.get(3).getEvent()).getCause());

        ConnectorState after = store.get(KEY);
        assertEquals("failed", after.getPipelinePhase());
        assertEquals(before.getVersion(), after.getVersion());
        assertEquals(before.getConfig(), after.getConfig());
        assertEquals(before.getTargetState(), after.getTargetState());
        assertEquals(before.getLastCommandId(), after.getLastCommandId(), "nothing new for the data plane to make true");
        assertEquals(before.getUpdatedAt(), after.getUpdatedAt());

        List<HistoryEntry> entries = entries();
        assertEquals(5, entries.size());
        HistoryEntry failed = entries.get(4);
        assertEquals("PipelinePhaseChanged", failed.getKind());
        assertEquals("system", failed.getPrincipal());
        assertEquals(5_000L, failed.getOccurredAt(), "the time it was seen");
        assertEquals("realtime", failed.getPhase().getPrevious());
        assertEquals("failed", failed.getPhase().getPhase());
        assertEquals("sink: column 'product' is missing", failed.getPhase().getCause());
        assertEquals(before.getVersion(), failed.getVersion());
        assertTrue(failed.getValues().isEmpty() && failed.getAdded().isEmpty() && failed.getRemoved().isEmpty());
        // Replayed, a phase entry leaves config and target state as they were.
        List<HistoryReplay.Step> steps = HistoryReplay.replay(HistoryLayout.read(history, KEY));
        for (HistoryReplay.Step step : steps.subList(1, steps.size())) {
            assertEquals(OWNED, step.configAfter());
            assertEquals(step.configBefore(), step.configAfter());
            assertEquals(TargetState.RUNNING, step.targetStateAfter());
        }
    }

    @Test
    void aStaleOrRepeatedChangeIsRefusedAndRecordsNothing() {
        createSource();
        assertEquals(Outcome.UPDATED, phase(null, "initialize", null).getOutcome());
        assertEquals(Outcome.UPDATED, phase("initialize", "snapshot", null).getOutcome());
        lifecycle.readValuesToList();
        int entries = entries().size();

        // The same change seen by a second sender, or sent again after a restart: stale now.
        CommandDecision again = phase("initialize", "snapshot", null);
        assertEquals(Outcome.CONFLICT, again.getOutcome());
        assertEquals(DecisionReasons.PHASE_CHANGED_MEANWHILE, again.getReason());
        CommandDecision stale = phase(null, "realtime", null);
        assertEquals(Outcome.CONFLICT, stale.getOutcome());
        // From the phase recorded to itself: nothing to record.
        assertEquals(Outcome.UNCHANGED, phase("snapshot", "snapshot", null).getOutcome());

        assertTrue(lifecycle.isEmpty(), "no event for a refused or empty change");
        assertEquals(entries, entries().size(), "no history entry either");
        assertEquals("snapshot", store.get(KEY).getPipelinePhase());
    }

    @Test
    void onlyThePipelineThatOwnsTheConnectorRecordsItsPhase() {
        createSource();
        assertEquals(Outcome.CONFLICT, send(SOURCE, new RecordPipelinePhase(null, "realtime", null), null, "mallory").getOutcome());
        assertEquals(Outcome.CONFLICT, send(SOURCE, new RecordPipelinePhase(null, "realtime", null), "p2", "system").getOutcome());
        assertEquals(Outcome.CREATED, send("plain", new CreateConnector(Map.of("connector.class", "FileStreamSource"),
                TargetState.RUNNING, null), null, "alice").getOutcome());
        CommandDecision notAPipeline = send("plain", new RecordPipelinePhase(null, "realtime", null), null, "alice");
        assertEquals(Outcome.REJECTED, notAPipeline.getOutcome());
        assertEquals(DecisionReasons.NOT_A_PIPELINE, notAPipeline.getReason());
        assertEquals(Outcome.NOT_FOUND, send("pipeline-p3-source", new RecordPipelinePhase(null, "realtime", null), "p3", "system")
                .getOutcome());
        assertNull(store.get(KEY).getPipelinePhase());
    }

    @Test
    void theRecordedPhaseOutlivesConfigAndTargetStateChanges() {
        createSource();
        assertEquals(Outcome.UPDATED, phase(null, "realtime", null).getOutcome());
        assertEquals(Outcome.UPDATED, send(SOURCE, new ChangeTargetState(TargetState.STOPPED), "p1", "alice").getOutcome());
        assertEquals("realtime", store.get(KEY).getPipelinePhase(), "kept across a version");
        assertEquals(Outcome.UPDATED, phase("realtime", "disabling", null).getOutcome());
        assertEquals(Outcome.UPDATED, phase("disabling", "disabled", null).getOutcome());
        List<String> kinds = entries().stream().map(e -> e.getKind() + (e.getPhase() == null ? "" : ":" + e.getPhase().getPhase())).toList();
        assertEquals(List.of("ConnectorCreated", "PipelinePhaseChanged:realtime", "TargetStateChanged",
                "PipelinePhaseChanged:disabling", "PipelinePhaseChanged:disabled"), kinds);
        assertEquals(TargetState.STOPPED, entries().get(4).getTargetState());
        assertEquals(2L, entries().get(4).getVersion());
    }
}
