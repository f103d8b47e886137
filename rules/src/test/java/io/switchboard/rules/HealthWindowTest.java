package io.switchboard.rules;

import io.switchboard.rules.HealthEvent.Kind;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A connector's health over a window against a hand count of a scripted history (times in seconds):
 * created at 0, running at 10; a task fails at 100, auto-restarted at 110, recovered at 130 (30 s);
 * the connector fails at 200, a restart is asked at 210, recovered at 290 (90 s); a repair asked at
 * 300, drift repaired at 310; a task fails at 400 and the connector is deleted failed at 500 (no
 * recovery); re-created at 600, running at 700.
 */
class HealthWindowTest {
    private static final Duration FLAP = Duration.ofHours(1);

    private static long s(long seconds) {
        return seconds * 1000;
    }

    static List<HealthEvent> scripted() {
        return List.of(
                HealthEvent.created(s(0), "RUNNING"),
                HealthEvent.status(s(10), "RUNNING", List.of("RUNNING")),
                HealthEvent.status(s(100), "RUNNING", List.of("FAILED")),
                HealthEvent.of(s(110), Kind.AUTO_RESTART),
                HealthEvent.status(s(130), "RUNNING", List.of("RUNNING")),
                HealthEvent.status(s(200), "FAILED", List.of()),
                HealthEvent.of(s(210), Kind.ASKED_RESTART),
                HealthEvent.status(s(290), "RUNNING", List.of("RUNNING")),
                HealthEvent.of(s(300), Kind.REPAIR),
                HealthEvent.of(s(310), Kind.DRIFT_REPAIRED),
                HealthEvent.status(s(400), "RUNNING", List.of("RUNNING", "FAILED")),
                HealthEvent.of(s(500), Kind.DELETED),
                HealthEvent.created(s(600), "RUNNING"),
                HealthEvent.status(s(700), "RUNNING", List.of("RUNNING")));
    }

    @Test
    void theWholeHistoryAgreesWithTheHandCount() {
        HealthWindow w = HealthWindow.of(scripted(), s(0), s(1000), FLAP);
        // Existed 0-500 and 600-1000: 900 s; failed 100-130, 200-290, 400-500: 220 s.
        assertEquals(s(900), w.existedMs());
        assertEquals(s(220), w.failedMs());
        assertEquals(680.0 / 900, w.availability(), 1e-9);
        assertEquals(3, w.failures());
        assertEquals(1, w.autoRestarts());
        assertEquals(1, w.askedRestarts());
        assertEquals(1, w.repairs());
        assertEquals(3, w.restarts());
        assertEquals(1, w.driftRepairs());
        // 200 s is 70 s after the recovery at 130; 400 s is 110 s after the one at 290.
        assertEquals(2, w.flaps());
        assertEquals(2, w.recoveries(), "the failure the delete ended is no recovery");
        assertEquals(60.0, w.meanRecoverySeconds(), 1e-9);
        assertEquals(90.0, w.longestRecoverySeconds(), 1e-9);
        assertFalse(w.failingAtEnd());
        assertTrue(w.existsAtEnd());
        assertEquals(s(500), w.deletedAt());
    }

    @Test
    void aWindowInsideCountsOnlyWhatHappenedInIt() {
        HealthWindow w = HealthWindow.of(scripted(), s(120), s(250), FLAP);
        assertEquals(s(130), w.existedMs());
        assertEquals(s(60), w.failedMs(), "120-130 and 200-250");
        assertEquals(1, w.failures());
        assertEquals(1, w.flaps());
        assertEquals(0, w.autoRestarts(), "the auto-restart at 110 is before the window");
        assertEquals(1, w.askedRestarts());
        assertEquals(1, w.recoveries(), "the recovery at 130 counts whole, 30 s");
        assertEquals(30.0, w.longestRecoverySeconds(), 1e-9);
        assertTrue(w.failingAtEnd());
    }

    @Test
    void aShortFlappingWindowCountsNoFlaps() {
        assertEquals(0, HealthWindow.of(scripted(), s(0), s(1000), Duration.ofSeconds(60)).flaps());
    }

    @Test
    void aWindowBeforeTheConnectorExistedSaysWhenItWasCreated() {
        HealthWindow w = HealthWindow.of(scripted(), s(-100), s(-10), FLAP);
        assertEquals(0, w.existedMs());
        assertNull(w.availability());
        assertEquals(0L, w.createdAfter());
        assertFalse(w.existsAtEnd());
    }

    @Test
    void aWindowAfterItsDeletionSaysWhenItWasDeleted() {
        List<HealthEvent> deleted = scripted().subList(0, 12);
        HealthWindow w = HealthWindow.of(deleted, s(600), s(900), FLAP);
        assertEquals(0, w.existedMs());
        assertNull(w.availability());
        assertEquals(s(500), w.deletedAt());
        assertNull(w.createdAfter());
        assertFalse(w.existsAtEnd());
    }

    @Test
    void theOrderEventsAreGivenInDoesNotMatter() {
        List<HealthEvent> shuffled = new ArrayList<>(scripted());
        Collections.reverse(shuffled);
        assertEquals(HealthWindow.of(scripted(), s(0), s(1000), FLAP), HealthWindow.of(shuffled, s(0), s(1000), FLAP));
    }

    @Test
    void theWindowAsStretchesForAPicture() {
        List<HealthWindow.Segment> segments = HealthWindow.segments(scripted(), s(50), s(650));
        assertEquals(List.of(
                new HealthWindow.Segment(s(50), s(100), HealthWindow.Segment.State.OK),
                new HealthWindow.Segment(s(100), s(130), HealthWindow.Segment.State.FAILED),
                new HealthWindow.Segment(s(130), s(200), HealthWindow.Segment.State.OK),
                new HealthWindow.Segment(s(200), s(290), HealthWindow.Segment.State.FAILED),
                new HealthWindow.Segment(s(290), s(400), HealthWindow.Segment.State.OK),
                new HealthWindow.Segment(s(400), s(500), HealthWindow.Segment.State.FAILED),
                new HealthWindow.Segment(s(500), s(600), HealthWindow.Segment.State.ABSENT),
                new HealthWindow.Segment(s(600), s(650), HealthWindow.Segment.State.OK)), segments);
    }

    @Test
    void anEmptyWindowIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> HealthWindow.of(scripted(), s(10), s(10), FLAP));
    }
}
