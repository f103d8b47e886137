package io.switchboard.processor;

import io.switchboard.rules.CommandDecider;
import io.switchboard.rules.DecisionReasons;
import io.switchboard.rules.PipelineOwnership;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.HistoryEntry;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.PipelineTableLeftOut;
import io.switchboard.schemas.PutConnectorConfig;
import io.switchboard.schemas.RecordPipelineTableLeftOut;
import io.switchboard.schemas.TargetState;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A table a pipeline leaves out, through the real topology (history kept): recorded once per table
 * and reason, as a lifecycle event and a history entry, without a new version; a new config (a new
 * run) records them anew; only the owning pipeline records; the record is bounded.
 */
class PipelineTableLeftOutTopologyTest {
    private static final String SOURCE = "pipeline-p1-source";
    private static final String KEY = "default/" + SOURCE;
    private static final Map<String, String> OWNED = Map.of("connector.class", "PostgresSource", PipelineOwnership.PIPELINE_ID, "p1");

    private TopologyTestDriver driver;
    private CommandInput commands;
    private Announced decisions;
    private TestOutputTopic<String, LifecycleEvent> lifecycle;
    private KeyValueStore<String, ConnectorState> store;
    private KeyValueStore<String, ConnectorHistory> history;
    private int sequence;

    @BeforeEach
    void setUp() {
        TopologyFixture fixture = TopologyFixture.withHistory();
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

    private CommandDecision send(String name, Object action, String pipeline) {
        ConnectorCommand command = ConnectorCommand.newBuilder().setCommandId("cmd-" + (++sequence)).setCluster("default")
                .setConnector(name).setPrincipal("system").setIssuedAt(1_000L * sequence).setAction(action).setPipeline(pipeline).build();
        commands.pipeInput("default/" + name, command);
        List<CommandDecision> out = decisions.readValuesToList();
        assertEquals(1, out.size());
        return out.get(0);
    }

    private Outcome leftOut(String table, String reason) {
        return send(SOURCE, new RecordPipelineTableLeftOut(table, reason, "fix " + table), "p1").getOutcome();
    }

    @Test
    void eachTableAndReasonIsRecordedOnceAsAnEventAndAHistoryEntryWithoutANewVersion() {
        assertEquals(Outcome.CREATED, send(SOURCE, new CreateConnector(OWNED, TargetState.RUNNING, null), "p1").getOutcome());
        lifecycle.readValuesToList();
        ConnectorState before = store.get(KEY);

        assertEquals(Outcome.UPDATED, leftOut("public.log", "no primary key"));
        assertEquals(Outcome.UPDATED, leftOut("public.v", "a view"));
        assertEquals(Outcome.UNCHANGED, leftOut("public.log", "no primary key"), "sent again (every few seconds, or by a second replica)");
        assertEquals(Outcome.UPDATED, leftOut("public.log", "owned by another role"), "a new reason is news");

        List<LifecycleEvent> events = lifecycle.readValuesToList();
        assertEquals(List.of("public.log:no primary key", "public.v:a view", "public.log:owned by another role"), events.stream().map(e -> {
            PipelineTableLeftOut event = assertInstanceOf(PipelineTableLeftOut.class, e.getEvent());
            assertEquals("p1", event.getPipeline());
            assertEquals("fix " + event.getTable(), event.getFix());
            assertEquals(before.getVersion(), e.getVersion(), "no version");
            return event.getTable() + ":" + event.getReason();
        }).toList());
        ConnectorState after = store.get(KEY);
        assertEquals(Map.of("public.log", "owned by another role", "public.v", "a view"), after.getPipelineTablesLeftOut());
        assertEquals(before.getVersion(), after.getVersion());
        assertEquals(before.getConfig(), after.getConfig());
        assertEquals(before.getLastCommandId(), after.getLastCommandId(), "nothing new for the data plane to make true");

        List<HistoryEntry> entries = HistoryLayout.read(history, KEY).getEntries();
        assertEquals(4, entries.size());
        HistoryEntry v = entries.get(2);
        assertEquals("PipelineTableLeftOut", v.getKind());
        assertEquals("public.v", v.getTableLeftOut().getTable());
        assertEquals("a view", v.getTableLeftOut().getReason());
        assertEquals("fix public.v", v.getTableLeftOut().getFix());
        assertEquals(TargetState.RUNNING, v.getTargetState());
        assertTrue(v.getValues().isEmpty() && v.getAdded().isEmpty() && v.getRemoved().isEmpty());

        // A new config (the pipeline's new run): its tables left out are recorded anew.
        Map<String, String> newRun = new HashMap<>(OWNED);
        newRun.put("switchboard.pipeline.run_id", "r2");
        assertEquals(Outcome.UPDATED, send(SOURCE, new PutConnectorConfig(newRun), "p1").getOutcome());
        assertTrue(store.get(KEY).getPipelineTablesLeftOut().isEmpty());
        assertEquals(Outcome.UPDATED, leftOut("public.v", "a view"));
    }

    @Test
    void onlyTheOwningPipelineRecordsAndTheRecordIsBounded() {
        assertEquals(Outcome.CREATED, send(SOURCE, new CreateConnector(OWNED, TargetState.RUNNING, null), "p1").getOutcome());
        assertEquals(Outcome.CONFLICT, send(SOURCE, new RecordPipelineTableLeftOut("public.t", "r", ""), "p2").getOutcome());
        assertEquals(Outcome.NOT_FOUND, send("pipeline-p3-source", new RecordPipelineTableLeftOut("public.t", "r", ""), "p3").getOutcome());
        for (int i = 0; i < CommandDecider.MAX_TABLES_LEFT_OUT; i++) {
            assertEquals(Outcome.UPDATED, leftOut("public.t" + i, "no primary key"));
        }
        CommandDecision full = send(SOURCE, new RecordPipelineTableLeftOut("public.one_more", "no primary key", ""), "p1");
        assertEquals(Outcome.REJECTED, full.getOutcome());
        assertEquals(DecisionReasons.TABLES_LEFT_OUT_FULL, full.getReason());
        assertEquals(Outcome.UPDATED, leftOut("public.t0", "a view"), "a table recorded already takes a new reason");
        assertEquals(CommandDecider.MAX_TABLES_LEFT_OUT, store.get(KEY).getPipelineTablesLeftOut().size());
    }
}
