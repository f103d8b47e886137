package io.switchboard.query;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fence on a clock the test moves: short pauses change nothing, a long one fences the copies for a while. */
class PauseFenceTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final PauseFence fence = new PauseFence(now::get);

    @Test
    void aRunningJvmIsTrustedAndAShortPauseChangesNothing() {
        for (int i = 0; i < 10; i++) {
            advance(200);
            fence.tick();
            assertTrue(fence.trusted());
        }
        advance(15_000);
        assertTrue(fence.trusted(), "a pause shorter than the threshold");
        fence.tick();
        assertTrue(fence.trusted());
    }

    @Test
    void aLongPauseIsNotTrustedBeforeTheTickerRunsNorForTheFenceAfter() {
        fence.tick();
        advance(50_000);
        // Resumed: a request thread may run before the ticker does, and must not trust the copies.
        assertFalse(fence.trusted());
        fence.tick();
        assertFalse(fence.trusted());
        advance(9_000);
        fence.tick();
        assertFalse(fence.trusted());
        advance(1_500);
        fence.tick();
        assertTrue(fence.trusted());
    }

    private void advance(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }
}
