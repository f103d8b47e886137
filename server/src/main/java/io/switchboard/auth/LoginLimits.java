package io.switchboard.auth;

import io.switchboard.http.ClientAddresses;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Failed logins counted per client ({@link ClientAddresses#limitKey}: an IPv4 address, an IPv6
 * /64), whatever name each claims, in one-minute windows: a client past {@value #MAX_FAILURES}
 * failures in its window is limited until the window ends. Checked before any key is hashed, so a
 * limited client costs no bcrypt work, and never counted per name, so nobody can lock a named user
 * out: from a limited address only a key already verified on this replica (remembered, checked
 * without hashing) is let in; from any other address the right key works as always.
 *
 * <p>Bounded: at most {@value #MAX_TRACKED_ADDRESSES} clients, the one that failed longest ago
 * dropped first, so that fresh addresses never wipe the count of one still failing.
 */
final class LoginLimits {
    static final int MAX_FAILURES = 20;
    static final long WINDOW_MILLIS = 60_000;
    static final int MAX_TRACKED_ADDRESSES = 10_000;

    private final Map<String, long[]> failures;
    private final LongSupplier clock;

    LoginLimits(LongSupplier clock) {
        this(clock, MAX_TRACKED_ADDRESSES);
    }

    LoginLimits(LongSupplier clock, int maxTracked) {
        this.clock = clock;
        // Access order: a failure moves its client to the end; the eldest is the longest quiet.
        this.failures = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
                return size() > maxTracked;
            }
        };
    }

    /** Whether this client is past its failures for the current window. */
    boolean limited(String address) {
        String key = ClientAddresses.limitKey(address);
        synchronized (failures) {
            long[] window = failures.get(key);
            return window != null && clock.getAsLong() - window[0] < WINDOW_MILLIS && window[1] >= MAX_FAILURES;
        }
    }

    /** Counts one failed login from this client. */
    void failed(String address) {
        String key = ClientAddresses.limitKey(address);
        long now = clock.getAsLong();
        synchronized (failures) {
            long[] window = failures.get(key);
            if (window == null || now - window[0] >= WINDOW_MILLIS) {
                window = new long[] {now, 0};
            }
            window[1]++;
            failures.put(key, window);
        }
    }
}
