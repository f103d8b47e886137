package io.switchboard.events;

import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.HistoryEntry;
import io.switchboard.schemas.HistoryPhase;
import io.switchboard.schemas.TargetState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A pipeline's phase change in a connector's history: the version as it was, an empty config diff, and the phase. */
class HistoryJsonTest {

    private static HistoryEntry.Builder entry(long sequence, String kind) {
        return HistoryEntry.newBuilder().setSequence(sequence).setKind(kind).setVersion(1).setOccurredAt(1_000L * sequence)
                .setCommandId("c" + sequence).setTargetState(TargetState.RUNNING).setValues(new TreeMap<>())
                .setAdded(new ArrayList<>()).setRemoved(new ArrayList<>()).setChanged(new ArrayList<>());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aPhaseChangeKeepsTheConfigAndShowsThePhase() {
        ConnectorHistory history = ConnectorHistory.newBuilder().setCluster("default").setConnector("pipeline-p1-source")
                .setEntries(List.of(
                        entry(1, "ConnectorCreated").setValues(new TreeMap<>(Map.of("connector.class", "Pg"))).setAdded(List.of("connector.class")).build(),
                        entry(2, "PipelinePhaseChanged").setPrincipal("system").setPhase(new HistoryPhase(null, "initialize", null)).build(),
                        entry(3, "PipelinePhaseChanged").setPrincipal("system")
                                .setPhase(new HistoryPhase("initialize", "failed", "sink: database missing")).build()))
                .build();
        List<Map<String, Object>> versions = (List<Map<String, Object>>) HistoryJson.of(history).get("versions");
        assertFalse(versions.get(0).containsKey("phase"));
        Map<String, Object> failed = versions.get(2);
        assertEquals(Map.of("connector.class", "Pg"), failed.get("config"));
        assertEquals("RUNNING", failed.get("target_state"));
        Map<String, Object> phase = (Map<String, Object>) failed.get("phase");
        assertEquals("initialize", phase.get("previous"));
        assertEquals("failed", phase.get("phase"));
        assertEquals("sink: database missing", phase.get("cause"));
        Map<String, Object> diff = (Map<String, Object>) failed.get("diff");
        assertTrue(((Map<?, ?>) diff.get("added")).isEmpty() && ((Map<?, ?>) diff.get("changed")).isEmpty()
                && ((Map<?, ?>) diff.get("removed")).isEmpty());
        assertFalse(diff.containsKey("target_state"));
        assertEquals("failed", ((Map<?, ?>) diff.get("phase")).get("new"));
        assertNull(((Map<?, ?>) ((Map<String, Object>) versions.get(1).get("diff")).get("phase")).get("old"));
    }
}
