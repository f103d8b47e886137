package io.switchboard.processor;

import io.switchboard.rules.OffsetsInHistory;
import io.switchboard.schemas.ChangeTargetState;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.DeleteConnector;
import io.switchboard.schemas.HistoryEntry;
import io.switchboard.schemas.HistoryOffsets;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.schemas.ModifyOffsets;
import io.switchboard.schemas.OffsetsAltered;
import io.switchboard.schemas.OffsetsResult;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.TargetState;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Offsets in a connector's history, through the real topology: a pause, a stop and a delete keep the
 * offsets the data plane last read, a pause or a stop then takes the reading made once the worker
 * showed it, an offsets change is an entry with what it set and replaced, and a restore with
 * offsets is one decided change.
 */
class OffsetsHistoryTopologyTest {
    private static final Map<String, String> CONFIG = Map.of(
            "connector.class", "FileStreamSource", "file", "/tmp/in.txt", "topic", "lines", "name", "orders");
    private static final String AT_3 = "{\"offsets\":[{\"partition\":{\"filename\":\"/tmp/in.txt\"},\"offset\":{\"position\":3}}]}";
    private static final String AT_9 = "{\"offsets\":[{\"partition\":{\"filename\":\"/tmp/in.txt\"},\"offset\":{\"position\":9}}]}";

    private TopologyFixture fixture;
    private TestInputTopic<String, ConnectorObservation> observations;
    private KeyValueStore<String, ConnectorHistory> history;

    @BeforeEach
    void setUp() {
        fixture = TopologyFixture.withHistory();
        observations = fixture.observations();
        history = fixture.store(StoreNames.HISTORY);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private CommandDecision send(Object action) {
        return fixture.decide("orders", action, null);
    }

    private List<HistoryEntry> entries() {
        return HistoryLayout.read(history, "default/orders").getEntries();
    }

    private static ConnectorObservation observed(String state, long at, String offsets, Long readAt) {
        return ConnectorObservation.newBuilder().setCluster("default").setConnector("orders").setObservedAt(at)
                .setState(state).setTasks(List.of()).setOffsets(offsets).setDetailsObservedAt(readAt).build();
    }

    @Test
    void aPauseKeepsTheLastReadingThenTheOnesMadeOnceItShows() {
        send(new CreateConnector(CONFIG, TargetState.RUNNING, null));
        observations.pipeInput("default/orders", observed("RUNNING", 1_500, AT_3, 1_500L));
        send(new ChangeTargetState(TargetState.PAUSED)); // issued at 2 s

        HistoryOffsets before = entries().get(1).getOffsets();
        assertNotNull(before, "the pause keeps the offsets last read");
        assertEquals(AT_3, before.getOffsets());
        assertEquals(OffsetsInHistory.READ_BEFORE, before.getReading());
        assertEquals(1_500L, before.getObservedAt());
        assertNull(entries().get(0).getOffsets(), "a create keeps none");

        // Still running when read: not the pause's offsets.
        observations.pipeInput("default/orders", observed("RUNNING", 2_100, AT_9, 2_100L));
        assertEquals(OffsetsInHistory.READ_BEFORE, entries().get(1).getOffsets().getReading());
        // Paused, but the offsets were read before the pause.
        observations.pipeInput("default/orders", observed("PAUSED", 2_200, AT_9, 1_900L));
        assertEquals(AT_3, entries().get(1).getOffsets().getOffsets());
        // Paused and read after it: the pause's offsets, once.
        observations.pipeInput("default/orders", observed("PAUSED", 2_300, AT_9, 2_300L));
        HistoryOffsets after = entries().get(1).getOffsets();
        assertEquals(AT_9, after.getOffsets());
        assertEquals(OffsetsInHistory.READ_AFTER, after.getReading());
        assertEquals(2_300L, after.getObservedAt());
        observations.pipeInput("default/orders", observed("PAUSED", 8_000, AT_9, 8_000L));
        assertEquals(2_300L, entries().get(1).getOffsets().getObservedAt(), "the same offsets read again do not move the pause's");
        // A commit after the pause (what the task sent before it, flushed later) replaces the reading.
        String at12 = AT_9.replace("9", "12");
        observations.pipeInput("default/orders", observed("PAUSED", 9_000, at12, 9_000L));
        assertEquals(at12, entries().get(1).getOffsets().getOffsets(), "a later commit while paused");
        assertEquals(OffsetsInHistory.READ_AFTER, entries().get(1).getOffsets().getReading());

        send(new ChangeTargetState(TargetState.RUNNING));
        assertNull(entries().get(2).getOffsets(), "a resume keeps none");
    }

    @Test
    void aDeleteKeepsTheLastReadingAndLongOffsetsAreKeptAsADigest() {
        send(new CreateConnector(CONFIG, TargetState.RUNNING, null));
        StringBuilder many = new StringBuilder("{\"offsets\":[");
        for (int i = 0; i < 2_000; i++) {
            many.append(i == 0 ? "" : ",").append("{\"partition\":{\"f\":\"").append(i).append("\"},\"offset\":{\"p\":1}}");
        }
        String large = many.append("]}").toString();
        observations.pipeInput("default/orders", observed("RUNNING", 1_500, large, 1_500L));
        send(new DeleteConnector());
        HistoryOffsets kept = entries().get(1).getOffsets();
        assertNotNull(kept, "the delete keeps the offsets last read");
        assertTrue(kept.getOffsets().startsWith("<" + large.length() + " characters, sha-256 "), kept.getOffsets());
        assertEquals(OffsetsInHistory.READ_BEFORE, kept.getReading());
    }

    @Test
    void anOffsetsChangeIsAnEntryWithWhatItSetAndReplaced() {
        send(new CreateConnector(CONFIG, TargetState.STOPPED, null));
        CommandDecision asked = send(new ModifyOffsets(AT_3, false, null, null));
        assertEquals(Outcome.UPDATED, asked.getOutcome());
        assertEquals(1, entries().size(), "recorded once the worker made it");
        OffsetsResult made = OffsetsResult.newBuilder().setId(asked.getCommandId()).setCode(200).setMessage("altered")
                .setPreviousOffsets(AT_9).setAppliedAt(2_500L).build();
        observations.pipeInput("default/orders", ConnectorObservation.newBuilder(observed("STOPPED", 2_500, AT_3, 2_500L))
                .setOffsetsApplied(made).build());
        List<HistoryEntry> entries = entries();
        assertEquals(2, entries.size());
        HistoryEntry altered = entries.get(1);
        assertEquals("OffsetsAltered", altered.getKind());
        assertEquals(TargetState.STOPPED, altered.getTargetState());
        assertEquals(asked.getCommandId(), altered.getCommandId());
        assertEquals(new HistoryOffsets(AT_3, 2_500L, OffsetsInHistory.APPLIED, AT_9, null), altered.getOffsets());
    }

    /**
     * An observation without the worker's offsets result (a replica's that lost its lease, sent as
     * it resumes) between two that carry it does not make the same result new again: one entry.
     */
    @Test
    void anOffsetsChangeIsOneEntryThoughObservationsWithoutItComeBetween() {
        send(new CreateConnector(CONFIG, TargetState.STOPPED, null));
        CommandDecision asked = send(new ModifyOffsets(AT_3, false, null, null));
        OffsetsResult made = OffsetsResult.newBuilder().setId(asked.getCommandId()).setCode(200).setMessage("altered")
                .setPreviousOffsets(AT_9).setAppliedAt(2_500L).build();
        observations.pipeInput("default/orders", ConnectorObservation.newBuilder(observed("STOPPED", 2_500, AT_3, 2_500L))
                .setOffsetsApplied(made).build());
        observations.pipeInput("default/orders", observed("STOPPED", 2_600, AT_3, 2_600L));
        observations.pipeInput("default/orders", ConnectorObservation.newBuilder(observed("STOPPED", 2_700, AT_3, 2_700L))
                .setOffsetsApplied(made).build());
        observations.pipeInput("default/orders", observed("RUNNING", 2_800, AT_3, 2_800L));
        observations.pipeInput("default/orders", ConnectorObservation.newBuilder(observed("STOPPED", 2_900, AT_3, 2_900L))
                .setOffsetsApplied(made).build());
        assertEquals(1, entries().stream().filter(e -> e.getKind().equals("OffsetsAltered")).count(), entries().toString());
    }

    @Test
    void aRestoreWithOffsetsIsOneChangeOfConfigAndOffsets() {
        send(new CreateConnector(CONFIG, TargetState.RUNNING, null));
        Map<String, String> older = Map.of("connector.class", "FileStreamSource", "file", "/tmp/in.txt", "topic", "old", "name", "orders");
        List<LifecycleEvent> events = fixture.lifecycle().readValuesToList();
        assertEquals(1, events.size());
        CommandDecision restored = send(new ModifyOffsets(AT_3, true, older, 2L));
        assertEquals(Outcome.UPDATED, restored.getOutcome());
        ConnectorState state = fixture.<ConnectorState>store(StoreNames.CONNECTORS).get("default/orders");
        assertEquals(older, state.getConfig());
        assertEquals(2L, state.getVersion(), "the config is a new version");
        assertEquals(AT_3, state.getPendingOffsets().getOffsets());
        assertTrue(state.getPendingOffsets().getStopFirst(), "the data plane stops it for the change");
        assertEquals(2L, state.getPendingOffsets().getRestoredFrom());
        assertEquals(TargetState.RUNNING, state.getTargetState(), "and returns it to its target state");
        assertEquals("ConnectorConfigChanged", entries().get(1).getKind());

        // One at a time: another restore before the worker answered is refused whole.
        CommandDecision again = send(new ModifyOffsets(AT_9, true, CONFIG, 1L));
        assertEquals(Outcome.CONFLICT, again.getOutcome());
        assertEquals(older, fixture.<ConnectorState>store(StoreNames.CONNECTORS).get("default/orders").getConfig());

        OffsetsResult made = OffsetsResult.newBuilder().setId(restored.getCommandId()).setCode(200).setMessage("altered")
                .setPreviousOffsets(AT_9).setAppliedAt(4_000L).build();
        observations.pipeInput("default/orders", ConnectorObservation.newBuilder(observed("STOPPED", 4_000, AT_3, 4_000L))
                .setOffsetsApplied(made).build());
        HistoryEntry altered = entries().get(2);
        assertEquals("OffsetsAltered", altered.getKind());
        assertEquals(2L, altered.getOffsets().getRestoredFrom());
        OffsetsAltered event = assertInstanceOf(OffsetsAltered.class, fixture.lifecycle().readValuesToList().stream()
                .filter(e -> e.getEvent() instanceof OffsetsAltered).findFirst().orElseThrow().getEvent());
        assertEquals(AT_9, event.getPreviousOffsets());
        assertEquals(2L, event.getRestoredFrom());
    }

    @Test
    void aRestoreWithTheSameConfigChangesOnlyTheOffsets() {
        send(new CreateConnector(CONFIG, TargetState.PAUSED, null));
        CommandDecision restored = send(new ModifyOffsets(null, true, CONFIG, 1L));
        assertEquals(Outcome.UPDATED, restored.getOutcome());
        ConnectorState state = fixture.<ConnectorState>store(StoreNames.CONNECTORS).get("default/orders");
        assertEquals(1L, state.getVersion(), "no new version: the config is the same");
        assertNull(state.getPendingOffsets().getOffsets(), "none kept: a reset");
        assertEquals(1, entries().size());
    }
}
