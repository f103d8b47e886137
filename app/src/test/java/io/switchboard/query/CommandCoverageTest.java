package io.switchboard.query;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When a copy holds every decision a read must see, from a reading of the command topic made after the read arrived. */
class CommandCoverageTest {

    @Test
    void anOwnersCopyCountsOnceEveryCommandBeforeTheReadWasProcessedHereOrCommitted() {
        CommandCoverage.Reading reading = new CommandCoverage.Reading(Map.of(0, 10L, 1, 7L), Map.of(0, 8L, 1, 7L), 1);
        assertFalse(reading.covers(0, 9), "the command at 9 is neither processed here nor committed");
        assertTrue(reading.covers(0, 10), "processed here, not yet committed: the active copy holds it");
        assertTrue(reading.covers(1, 0), "an owner that processed nothing yet, restored to what the group committed");
        assertFalse(reading.covers(2, 100), "a partition the reading does not know");
        assertFalse(CommandCoverage.Reading.NONE.covers(0, 100), "no reading: nothing is confirmed");
    }

    @Test
    void aStandbysCopyCountsOnlyOnceEveryCommandBeforeTheReadIsCommitted() {
        CommandCoverage.Reading reading = new CommandCoverage.Reading(Map.of(0, 10L, 1, 7L), Map.of(0, 8L, 1, 7L), 1);
        assertFalse(reading.covers(0, 0), "the commands at 8 and 9 may be decided and answered, not committed");
        assertTrue(reading.covers(1, 0), "every command committed: the changelog holds every decision");
    }
}
