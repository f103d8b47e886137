package io.switchboard.query;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fence on a clock the test moves, under the processor's session (10 s, a heartbeat every 2 s):
 * pauses under 6 s change nothing, a longer one fences the copies for 10 s.
 */
class PauseFenceTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final PauseFence fence = new PauseFence(now::get, new SessionTimers(10_000, 2_000));

    @Test
    void aRunningJvmIsTrustedAndAShortPauseChangesNothing() {
        for (int i = 0; i < 10; i++) {
            advance(200);
            fence.tick();
            assertTrue(fence.trusted());
        }
        advance(5_500);
        assertTrue(fence.trusted(), "a pause shorter than the threshold");
        fence.tick();
        assertTrue(fence.trusted());
    }

    @Test
    void aLongPauseIsNotTrustedBeforeTheTickerRunsNorForTheFenceAfter() {
        fence.tick();
        advance(12_000);
        // Resumed: a request thread may run before the ticker does, and must not trust the copies.
        assertFalse(fence.trusted());
        fence.tick();
        assertFalse(fence.trusted());
        advance(5_000);
        fence.tick();
        assertFalse(fence.trusted());
        advance(4_000);
        fence.tick();
        assertFalse(fence.trusted(), "9 s after the pause, inside the 10 s fence");
        advance(1_500);
        fence.tick();
        assertTrue(fence.trusted());
    }

    @Test
    void eachFenceJudgesByItsOwnSession() {
        PauseFence kafkaDefaults = new PauseFence(now::get, SessionTimers.kafkaDefaults());
        fence.tick();
        kafkaDefaults.tick();
        advance(12_000);
        fence.tick();
        kafkaDefaults.tick();
        assertFalse(fence.trusted(), "12 s is past a 10 s session");
        assertTrue(kafkaDefaults.trusted(), "12 s is well inside a 45 s session");
    }

    private void advance(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }
}
