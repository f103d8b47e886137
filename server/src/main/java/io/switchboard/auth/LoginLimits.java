package io.switchboard.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Failed logins counted per client address, whatever name each claims, in one-minute windows: an
 * address past {@value #MAX_FAILURES} failures in its window is limited until the window ends.
 * Checked before any key is hashed, so a limited address costs no bcrypt work, and never counted
 * per name, so nobody can lock a named user out: from a limited address only a key already
 * verified on this replica (remembered, checked without hashing) is let in; from any other address
 * the right key works as always.
 *
 * <p>Bounded: past {@value #MAX_TRACKED_ADDRESSES} addresses the expired windows are dropped, and
 * if that frees nothing the map starts afresh.
 */
final class LoginLimits {
    static final int MAX_FAILURES = 20;
    static final long WINDOW_MILLIS = 60_000;
    private static final int MAX_TRACKED_ADDRESSES = 10_000;

    private final Map<String, long[]> failures = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    LoginLimits(LongSupplier clock) {
        this.clock = clock;
    }

    /** Whether this address is past its failures for the current window. */
    boolean limited(String address) {
        long[] window = failures.get(address);
        if (window == null) {
            return false;
        }
        synchronized (window) {
            return clock.getAsLong() - window[0] < WINDOW_MILLIS && window[1] >= MAX_FAILURES;
        }
    }

    /** Counts one failed login from this address. */
    void failed(String address) {
        long now = clock.getAsLong();
        if (failures.size() >= MAX_TRACKED_ADDRESSES) {
            failures.values().removeIf(w -> now - w[0] >= WINDOW_MILLIS);
            if (failures.size() >= MAX_TRACKED_ADDRESSES) {
                failures.clear();
            }
        }
        long[] window = failures.compute(address, (a, w) -> w == null || now - w[0] >= WINDOW_MILLIS ? new long[] {now, 0} : w);
        synchronized (window) {
            window[1]++;
        }
    }
}
