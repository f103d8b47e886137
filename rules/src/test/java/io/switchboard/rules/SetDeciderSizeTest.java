package io.switchboard.rules;

import io.switchboard.schemas.ApplySetChange;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.SetItem;
import io.switchboard.schemas.SetState;
import io.switchboard.schemas.TargetState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A set's record stays under Kafka's 1 MiB record limit whatever its changes hold: the oldest
 * changes are let go first, and a change that alone would pass the bound is refused whole.
 */
class SetDeciderSizeTest {
    private int sequence;

    private SetDecider.SetDecision apply(SetState current, long version, int valueBytes, int connectors) {
        List<SetItem> items = new java.util.ArrayList<>();
        for (int i = 0; i < connectors; i++) {
            // The padding spread over keys of at most 64 KiB each, as the resource-bounds policy takes them.
            Map<String, String> config = new java.util.HashMap<>(Map.of("connector.class", "FileStreamSink", "topics", "t"));
            for (int left = valueBytes, part = 0; left > 0; left -= ResourceBounds.MAX_VALUE_BYTES, part++) {
                config.put("padding" + part, String.valueOf((char) ('a' + sequence % 26)).repeat(Math.min(left, ResourceBounds.MAX_VALUE_BYTES)));
            }
            items.add(SetItem.newBuilder().setConnector("c" + i).setLabels(Map.of()).setConfig(config).setTargetState(TargetState.RUNNING)
                    .setPreviousConfig(null).setPreviousTargetState(null).setAdopt(true).build());
        }
        ConnectorCommand command = ConnectorCommand.newBuilder().setCommandId("change-" + (++sequence)).setCluster("default")
                .setConnector(SetDecider.PREFIX + "big").setIssuedAt(sequence).setAction(new ApplySetChange(version, Map.of(), items))
                .build();
        return SetDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, current, command);
    }

    @Test
    void theOldestChangesGoFirstSoThatTheRecordStaysUnderItsBound() {
        SetState set = null;
        // Each change holds about 200 KiB: five of them would pass 900 KiB.
        for (int n = 1; n <= 6; n++) {
            SetDecider.SetDecision decided = apply(set, n - 1, 50 * 1024, 4);
            assertTrue(decided.changed(), decided.message());
            set = decided.next();
            long size = SetDecider.encodedSize(set);
            System.out.println("[size] after change " + n + ": " + set.getChanges().size() + " changes kept, " + size + " bytes");
            assertTrue(size <= SetDecider.MAX_STATE_BYTES, "the set's record is " + size + " bytes");
        }
        assertEquals(4, set.getChanges().size(), "four changes of about 200 KiB fit under 900 KiB, not five");
        assertEquals("change-6", set.getChanges().get(set.getChanges().size() - 1).getChangeId(), "the latest is kept");
    }

    @Test
    void aChangeThatAloneWouldPassTheBoundIsRefusedWhole() {
        // Just under the bound is accepted; just over, refused with nothing changed.
        SetDecider.SetDecision under = apply(null, 0, 220 * 1024, 4);
        assertTrue(under.changed(), under.message());
        System.out.println("[size] a change alone: " + SetDecider.encodedSize(under.next()) + " bytes");
        SetDecider.SetDecision over = apply(null, 0, 230 * 1024, 4);
        assertEquals(Outcome.REJECTED, over.outcome());
        assertTrue(over.message().contains("too large for the set's record"), over.message());
        assertTrue(over.derived().isEmpty(), "a refusal writes no connector command");
    }
}
