package io.switchboard.dataplane;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limiter.BlockingLimiter;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The pause, resume and stop calls this replica has in flight to one Connect cluster, whatever the
 * reconciler's threads: at least {@link #AT_LEAST} and at most {@link #AT_MOST}, in between as the
 * worker's answers show it takes them. The bound follows the time each call takes (Netflix's
 * gradient limit): while answers come as quickly as before, more calls go at once; once they slow
 * down (the worker's herder or cores are busy) fewer do. Each call is a quick write to the
 * worker's config topic that starts no rebalance, so a burst of them (an incident's 500 pauses)
 * lands as fast as the worker takes them, where a fixed bound of 4 takes about three times as long
 * as a client driving the worker at 16.
 *
 * <p>A thread waits for a place at most {@link #LONGEST_WAIT}, interruptibly; a failed call does
 * not count towards the bound.
 */
final class TargetStateCalls {
    /** The fewest calls in flight the bound goes down to, however slowly the worker answers. */
    static final int AT_LEAST = 4;
    /** The most: what a client driving the worker directly at 16 asks of it. */
    static final int AT_MOST = 16;
    /** The longest a call waits for a place before it fails (and the connector is tried again). */
    static final Duration LONGEST_WAIT = Duration.ofMinutes(5);

    private final SimpleLimiter<Void> limit = SimpleLimiter.newBuilder()
            .limit(Gradient2Limit.newBuilder().initialLimit(AT_LEAST).minLimit(AT_LEAST).maxConcurrency(AT_MOST).build())
            .build();
    private final Limiter<Void> places = BlockingLimiter.wrap(limit, LONGEST_WAIT);

    /** Makes the call once a place is free; answers what it answered. */
    <T> T call(String what, Supplier<T> call) {
        Optional<Limiter.Listener> place = places.acquire(null);
        if (place.isEmpty()) {
            throw new IllegalStateException(Thread.currentThread().isInterrupted()
                    ? "Stopped before " + what : "No place among the calls in flight for " + LONGEST_WAIT.toSeconds() + " s to " + what);
        }
        try {
            T answer = call.get();
            place.get().onSuccess();
            return answer;
        } catch (RuntimeException e) {
            place.get().onIgnore();
            throw e;
        }
    }

    /** How many calls may be in flight now. */
    int bound() {
        return limit.getLimit();
    }
}
