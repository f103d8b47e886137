package io.switchboard.metrics;

import io.switchboard.core.SinkLagReadings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each sink's last readings: oldest first, at most {@link SinkLagHistory#KEPT}, forgotten when the sink is no longer read. */
class SinkLagHistoryTest {

    @Test
    void keepsTheLastReadingsOfEachSinkAndForgetsOneNoLongerRead() {
        SinkLagHistory history = new SinkLagHistory(Duration.ofSeconds(30));
        Instant t = Instant.parse("2026-11-27T05:00:00Z");
        for (int i = 0; i < SinkLagHistory.KEPT + 5; i++) {
            history.record(Map.of("default", Map.of("drain", (long) i, "other", 7L)), t.plusSeconds(30L * i));
        }
        List<SinkLagReadings.Reading> drain = history.readings("default", "drain");
        assertEquals(SinkLagHistory.KEPT, drain.size());
        assertEquals(new SinkLagReadings.Reading(t.plusSeconds(30L * 5), 5), drain.get(0));
        assertEquals(new SinkLagReadings.Reading(t.plusSeconds(30L * (SinkLagHistory.KEPT + 4)), SinkLagHistory.KEPT + 4),
                drain.get(drain.size() - 1));
        assertEquals(List.of(), history.readings("prod", "drain"));

        history.record(Map.of("default", Map.of("drain", 1L)), t.plusSeconds(3600));
        assertEquals(List.of(), history.readings("default", "other"), "a sink no longer read is forgotten");
        assertEquals(SinkLagHistory.KEPT, history.readings("default", "drain").size());
    }
}
