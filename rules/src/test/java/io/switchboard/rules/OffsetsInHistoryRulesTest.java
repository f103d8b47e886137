package io.switchboard.rules;

import io.switchboard.schemas.ConnectorDeleted;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.HistoryEntry;
import io.switchboard.schemas.HistoryOffsets;
import io.switchboard.schemas.OffsetsReset;
import io.switchboard.schemas.OffsetsResult;
import io.switchboard.schemas.RestartRequested;
import io.switchboard.schemas.TargetState;
import io.switchboard.schemas.TargetStateChanged;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which offsets an entry keeps: a pure function of the entry, the event and what the data plane reported. */
class OffsetsInHistoryRulesTest {
    private static final String AT_3 = "{\"offsets\":[{\"partition\":{\"f\":\"a\"},\"offset\":{\"p\":3}}]}";

    private static ConnectorObservation observed(String state, String offsets, Long readAt) {
        return ConnectorObservation.newBuilder().setCluster("default").setConnector("c").setObservedAt(10_000).setState(state)
                .setTasks(List.of()).setOffsets(offsets).setDetailsObservedAt(readAt).build();
    }

    private static HistoryEntry entry(String kind, TargetState target, long at, HistoryOffsets offsets) {
        return HistoryEntry.newBuilder().setSequence(2).setKind(kind).setVersion(2).setOccurredAt(at).setCommandId("cmd")
                .setTargetState(target).setOffsets(offsets).build();
    }

    @Test
    void aPauseAStopAndADeleteKeepTheLastReadingAResumeAndARestartNone() {
        ConnectorObservation last = observed("RUNNING", AT_3, 900L);
        for (Object kept : List.of(new TargetStateChanged(TargetState.RUNNING, TargetState.PAUSED),
                new TargetStateChanged(TargetState.PAUSED, TargetState.STOPPED), new ConnectorDeleted())) {
            assertEquals(new HistoryOffsets(AT_3, 900L, OffsetsInHistory.READ_BEFORE, null, null), OffsetsInHistory.of(kept, last));
        }
        assertNull(OffsetsInHistory.of(new TargetStateChanged(TargetState.PAUSED, TargetState.RUNNING), last));
        assertNull(OffsetsInHistory.of(new RestartRequested(true, false, null), last));
        assertNull(OffsetsInHistory.of(new ConnectorDeleted(), null), "nothing read: nothing kept");
        assertNull(OffsetsInHistory.of(new ConnectorDeleted(), observed("RUNNING", null, null)));
    }

    @Test
    void aResetKeepsNoneSetAndWhatItReplaced() {
        ConnectorObservation answered = ConnectorObservation.newBuilder(observed("STOPPED", AT_3, 900L))
                .setOffsetsApplied(new OffsetsResult("cmd", 200, "reset", AT_3, 1_200L)).build();
        assertEquals(new HistoryOffsets(OffsetsInHistory.NONE, 1_200L, OffsetsInHistory.APPLIED, AT_3, 4L),
                OffsetsInHistory.of(new OffsetsReset("reset", AT_3, 4L), answered));
    }

    @Test
    void aPauseTakesTheFirstReadingMadeAtOrAfterItWithTheWorkerShowingItThenALaterCommitOnly() {
        HistoryEntry pause = entry("TargetStateChanged", TargetState.PAUSED, 1_000, null);
        assertEquals(Optional.empty(), OffsetsInHistory.settled(pause, observed("RUNNING", AT_3, 1_500L)), "not paused yet");
        assertEquals(Optional.empty(), OffsetsInHistory.settled(pause, observed("PAUSED", AT_3, 999L)), "read before the pause");
        assertEquals(Optional.empty(), OffsetsInHistory.settled(pause, observed("PAUSED", null, null)), "not read");
        HistoryOffsets after = OffsetsInHistory.settled(pause, observed("PAUSED", AT_3, 1_000L)).orElseThrow();
        assertEquals(new HistoryOffsets(AT_3, 1_000L, OffsetsInHistory.READ_AFTER, null, null), after);
        HistoryEntry taken = entry("TargetStateChanged", TargetState.PAUSED, 1_000, after);
        assertEquals(Optional.empty(), OffsetsInHistory.settled(taken, observed("PAUSED", AT_3, 5_000L)), "the same offsets read again");
        String at7 = AT_3.replace("3", "7");
        assertEquals(Optional.empty(), OffsetsInHistory.settled(taken, observed("PAUSED", at7, 1_000L)), "not read after the kept one");
        // The worker committed what its tasks produced before they paused after it showed them paused.
        assertEquals(Optional.of(new HistoryOffsets(at7, 1_400L, OffsetsInHistory.READ_AFTER, null, null)),
                OffsetsInHistory.settled(taken, observed("PAUSED", at7, 1_400L)));
        assertEquals(Optional.empty(), OffsetsInHistory.settled(taken, observed("RUNNING", at7, 1_400L)), "resumed since");
        assertEquals(Optional.empty(), OffsetsInHistory.settled(entry("TargetStateChanged", TargetState.RUNNING, 1_000, null),
                observed("RUNNING", AT_3, 5_000L)), "a resume keeps none");
        assertEquals(Optional.empty(), OffsetsInHistory.settled(entry("RestartRequested", TargetState.PAUSED, 1_000, null),
                observed("PAUSED", AT_3, 5_000L)), "only the pause's or the stop's own entry");
        assertTrue(OffsetsInHistory.settled(entry("TargetStateChanged", TargetState.STOPPED, 1_000, null),
                observed("STOPPED", AT_3, 2_000L)).isPresent());
    }

    @Test
    void offsetsPastTheBoundAreKeptAsTheirDigest() {
        String large = "{\"offsets\":[" + "x".repeat(OffsetsInHistory.MAX_CHARS) + "]}";
        assertTrue(HistoryValues.isShortened(OffsetsInHistory.bounded(large)), OffsetsInHistory.bounded(large));
        assertFalse(HistoryValues.isShortened(OffsetsInHistory.bounded(AT_3)));
        assertEquals(AT_3, OffsetsInHistory.bounded(AT_3));
    }
}
