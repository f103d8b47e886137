package io.switchboard.query;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When an owner's copy may say a connector is absent, from a reading of the command topic made after the read arrived. */
class OwnerAbsenceTest {

    @Test
    void anAbsenceCountsOnceEveryCommandBeforeTheReadWasProcessedHereOrCommitted() {
        OwnerAbsence.Reading reading = new OwnerAbsence.Reading(Map.of(0, 10L, 1, 7L), Map.of(0, 8L, 1, 7L), 1);
        assertFalse(reading.covers(0, 9), "the command at 9 is neither processed here nor committed");
        assertTrue(reading.covers(0, 10), "processed here, not yet committed: the active copy holds it");
        assertTrue(reading.covers(1, 0), "an owner that processed nothing yet, restored to what the group committed");
        assertFalse(reading.covers(2, 100), "a partition the reading does not know");
        assertFalse(OwnerAbsence.Reading.NONE.covers(0, 100), "no reading: nothing is confirmed");
    }
}
