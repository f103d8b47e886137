package io.switchboard.rules;

import io.switchboard.rules.HealthEvent.Kind;
import io.switchboard.rules.HealthTracker.Figures;
import io.switchboard.rules.HealthTracker.Snapshot;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each connector's figures follow its events: a failure, an auto-restart, a repair, a recovery, a delete; the bounds hold. */
class HealthTrackerTest {
    private static final HealthTally.Flapping FLAPPING = new HealthTally.Flapping(Duration.ofMinutes(10), 2);

    private static Figures only(HealthTracker tracker, long now) {
        List<Figures> all = tracker.snapshot(cluster -> true, 100, now).connectors();
        assertEquals(1, all.size(), all.toString());
        return all.get(0);
    }

    @Test
    void theFiguresFollowTheEvents() {
        HealthTracker tracker = new HealthTracker(FLAPPING, 100);
        tracker.apply("a", "c", HealthEvent.created(1_000, "RUNNING"));
        assertEquals(9.0, only(tracker, 10_000).notAsAskedSeconds(), "not as asked until it is reported running");
        tracker.apply("a", "c", HealthEvent.status(2_000, "RUNNING", List.of("RUNNING")));
        Figures running = only(tracker, 10_000);
        assertEquals("RUNNING", running.state());
        assertEquals(0.0, running.notAsAskedSeconds());
        assertEquals(0, running.failures());

        tracker.apply("a", "c", HealthEvent.status(20_000, "RUNNING", List.of("FAILED")));
        Figures failed = only(tracker, 50_000);
        assertEquals(1, failed.failures());
        assertEquals(20_000, failed.lastFailureAt());
        assertEquals(30.0, failed.notAsAskedSeconds());
        assertEquals(List.of("FAILED"), failed.taskStates());
        assertFalse(failed.flapping(), "one failure of two");

        tracker.apply("a", "c", HealthEvent.of(25_000, Kind.AUTO_RESTART));
        tracker.apply("a", "c", HealthEvent.status(80_000, "RUNNING", List.of("RUNNING")));
        assertEquals(1, only(tracker, 90_000).autoRestarts());
        Snapshot recovered = tracker.snapshot(cluster -> true, 100, 90_000);
        HealthTracker.Recoveries recoveries = recovered.recoveries().get("a");
        assertEquals(1, recoveries.count());
        assertEquals(60.0, recoveries.sumSeconds(), 1e-9);
        assertEquals(1, recoveries.buckets()[2], "60 s is in the bucket up to 60 s");

        tracker.apply("a", "c", HealthEvent.of(90_000, Kind.REPAIR));
        tracker.apply("a", "c", HealthEvent.of(91_000, Kind.DRIFT_REPAIRED));
        tracker.apply("a", "c", HealthEvent.of(92_000, Kind.ASKED_RESTART));
        tracker.apply("a", "c", HealthEvent.status(100_000, "FAILED", List.of()));
        Figures again = only(tracker, 100_000);
        assertEquals(1, again.repairs());
        assertEquals(1, again.driftRepairs());
        assertEquals(1, again.askedRestarts());
        assertEquals(2, again.failures());
        assertTrue(again.flapping(), "two failures in ten minutes");
        assertFalse(only(tracker, 20_000 + Duration.ofMinutes(10).toMillis() + 1).flapping(), "the first failure left the window");

        tracker.apply("a", "c", HealthEvent.of(110_000, Kind.DELETED));
        assertEquals(List.of(), tracker.snapshot(cluster -> true, 100, 110_000).connectors(), "a delete removes its series");
        assertEquals(0, tracker.tracked());
        tracker.apply("a", "c", HealthEvent.created(120_000, "PAUSED"));
        Figures recreated = only(tracker, 120_000);
        assertEquals(0, recreated.failures(), "a re-created connector counts from its create");
    }

    @Test
    void aScrapeShowsOnlyTheClustersItMaySee() {
        HealthTracker tracker = new HealthTracker(FLAPPING, 100);
        tracker.apply("a", "one", HealthEvent.created(0, "RUNNING"));
        tracker.apply("b", "two", HealthEvent.created(0, "RUNNING"));
        tracker.apply("b", "two", HealthEvent.status(1, "FAILED", List.of()));
        tracker.apply("b", "two", HealthEvent.status(2, "RUNNING", List.of()));
        Snapshot a = tracker.snapshot("a"::equals, 100, 10);
        assertEquals(List.of("one"), a.connectors().stream().map(Figures::connector).toList());
        assertEquals(List.of(), List.copyOf(a.recoveries().keySet()), "nor the recoveries of another cluster");
    }

    @Test
    void tenThousandConnectorsStayWithinTheBounds() {
        HealthTracker tracker = new HealthTracker(FLAPPING, 10_000);
        for (int i = 0; i < 12_000; i++) {
            tracker.apply("c" + (i % 3), String.format("conn-%05d", i), HealthEvent.created(i, "RUNNING"));
            tracker.apply("c" + (i % 3), String.format("conn-%05d", i), HealthEvent.status(i + 1, "RUNNING", List.of("RUNNING")));
        }
        assertEquals(10_000, tracker.tracked(), "at most 10,000 followed");
        assertEquals(2_000 * 2, tracker.snapshot(cluster -> true, 100, 0).notFollowed(), "the others' events are counted");
        Snapshot bounded = tracker.snapshot(cluster -> true, 2_500, 100_000);
        assertEquals(2_500, bounded.connectors().size());
        assertEquals(7_500, bounded.omitted());
        assertEquals("c0", bounded.connectors().get(0).cluster(), "by cluster, then name: the same on every replica");
        assertEquals("conn-00000", bounded.connectors().get(0).connector());
        tracker.reset();
        assertEquals(0, tracker.tracked(), "a reader that starts again starts from nothing");
        assertEquals(List.of(), tracker.snapshot(cluster -> true, 100, 0).connectors());
    }
}
