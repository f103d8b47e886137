package io.switchboard.console;

import io.switchboard.core.SinkLagReadings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The overview's health words and order, and the sink-lag sparkline, as pure functions. */
class HealthPicturesTest {

    @Test
    void leastHealthyFirstPutsFailedNowFirstThenLowAvailabilityThenMoreFailures() {
        OverviewHealth.Health fine = new OverviewHealth.Health(1.0, 0, 0, false);
        OverviewHealth.Health twice = new OverviewHealth.Health(0.99, 2, 1, false);
        OverviewHealth.Health once = new OverviewHealth.Health(0.99, 1, 0, false);
        OverviewHealth.Health worse = new OverviewHealth.Health(0.5, 1, 0, false);
        OverviewHealth.Health now = new OverviewHealth.Health(0.999, 1, 0, true);
        OverviewHealth.Health none = new OverviewHealth.Health(null, 0, 0, false);
        List<OverviewHealth.Health> all = new ArrayList<>(List.of(fine, none, once, twice, worse, now));
        all.sort(OverviewHealth.Health.LEAST_HEALTHY_FIRST);
        assertEquals(List.of(now, worse, twice, once, fine, none), all);

        assertEquals("no failure this week", fine.words());
        assertEquals("good", fine.grade());
        assertEquals("99.00% available · 2 failures · 1 flap", twice.words());
        assertEquals("warn", twice.grade());
        assertEquals("failed now · 99.90% available · 1 failure", now.words());
        assertEquals("bad", now.grade());
        assertEquals("no figures", none.words());
        assertTrue(OverviewHealth.cell(now).startsWith("<td class=\"health bad\"><svg class=\"mark\""), OverviewHealth.cell(now));
        assertEquals("<td class=\"health none\">not computed</td>", OverviewHealth.cell(null));
    }

    @Test
    void theSparklineDrawsEveryReadingAndSaysTheLastAndTheHighest() {
        Instant t = Instant.parse("2026-11-27T05:00:00Z");
        List<SinkLagReadings.Reading> readings = List.of(new SinkLagReadings.Reading(t, 0),
                new SinkLagReadings.Reading(t.plusSeconds(30), 40), new SinkLagReadings.Reading(t.plusSeconds(60), 30));
        String svg = LagSparkline.svg(readings, Duration.ofSeconds(30));
        assertTrue(svg.contains("points=\"0.0,38.0 150.0,2.0 300.0,11.0\""), svg);
        assertTrue(svg.contains("<strong class=\"lag-now\">30 records</strong>"), svg);
        assertTrue(svg.contains("highest 40 over the last 90 s"), svg);
        String flat = LagSparkline.svg(List.of(new SinkLagReadings.Reading(t, 0)), Duration.ofSeconds(30));
        assertTrue(flat.contains("<strong class=\"lag-now\">0 records</strong>") && flat.contains("highest 0"), flat);
        assertTrue(LagSparkline.svg(List.of(), Duration.ofSeconds(30)).contains("No lag read yet"));
    }

    @Test
    void theSparklineSaysHowOldTheOldestUnconsumedRecordIsWhileTheSinkLags() {
        Instant t = Instant.parse("2026-11-27T05:00:00Z");
        String old = LagSparkline.svg(List.of(new SinkLagReadings.Reading(t, 30, Duration.ofSeconds(754))), Duration.ofSeconds(30));
        assertTrue(old.contains("30 records</strong>, the oldest not consumed <strong class=\"lag-age\">12 min old</strong> (read at"), old);
        String fresh = LagSparkline.svg(List.of(new SinkLagReadings.Reading(t, 2, Duration.ofMillis(4_500))), Duration.ofSeconds(30));
        assertTrue(fresh.contains("<strong class=\"lag-age\">4 s old</strong>"), fresh);
        String unknown = LagSparkline.svg(List.of(new SinkLagReadings.Reading(t, 2)), Duration.ofSeconds(30));
        assertFalse(unknown.contains("oldest"), "no age when the records carry no time: " + unknown);
        String caughtUp = LagSparkline.svg(List.of(new SinkLagReadings.Reading(t, 0, Duration.ZERO)), Duration.ofSeconds(30));
        assertFalse(caughtUp.contains("oldest"), caughtUp);
    }
}
