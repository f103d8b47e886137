package io.switchboard.rules;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AutoRestartTest {

    @Test
    void backoffGrowsAsStrimzisAndIsCappedAtAnHour() {
        assertEquals(Duration.ZERO, AutoRestart.backoff(0));
        assertEquals(Duration.ofMinutes(2), AutoRestart.backoff(1));
        assertEquals(Duration.ofMinutes(6), AutoRestart.backoff(2));
        assertEquals(Duration.ofMinutes(12), AutoRestart.backoff(3));
        assertEquals(Duration.ofMinutes(60), AutoRestart.backoff(10));
    }

    @Test
    void dueAfterTheBackoffAndNeverPastTheMaximum() {
        long minute = 60_000;
        assertTrue(AutoRestart.due(0, null, 0, -1));
        assertFalse(AutoRestart.due(1, 0L, minute, -1));
        assertTrue(AutoRestart.due(1, 0L, 2 * minute, -1));
        assertFalse(AutoRestart.due(3, 0L, 1000 * minute, 3));
    }

    @Test
    void optInAndLimitComeFromTheConnectorsConfig() {
        assertTrue(AutoRestart.enabled(Map.of(AutoRestart.ENABLED, "TRUE")));
        assertFalse(AutoRestart.enabled(Map.of()));
        assertEquals(5, AutoRestart.maxRestarts(Map.of(AutoRestart.MAX_RESTARTS, "5")));
        assertEquals(-1, AutoRestart.maxRestarts(Map.of(AutoRestart.MAX_RESTARTS, "many")));
    }
}
