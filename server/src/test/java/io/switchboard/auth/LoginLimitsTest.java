package io.switchboard.auth;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Failed logins per client: an IPv6 /64 is one client, and the bounded table drops the quietest first. */
class LoginLimitsTest {
    private final AtomicLong now = new AtomicLong(1_000_000);

    @Test
    void rotatingThroughAnIpv6Slash64IsOneClient() {
        LoginLimits limits = new LoginLimits(now::get);
        for (int i = 0; i < LoginLimits.MAX_FAILURES; i++) {
            limits.failed("2001:db8:1:2::" + Integer.toHexString(i + 1));
        }
        assertTrue(limits.limited("2001:db8:1:2:abcd::1"), "a fresh address of the same /64 was not limited");
        assertFalse(limits.limited("2001:db8:1:3::1"), "another /64 was limited");
    }

    @Test
    void freshAddressesEvictTheQuietestNotTheOneFailing() {
        LoginLimits limits = new LoginLimits(now::get, 100);
        for (int i = 0; i < LoginLimits.MAX_FAILURES; i++) {
            limits.failed("203.0.113.7");
        }
        for (int i = 0; i < 1_000; i++) {
            limits.failed("198.51." + (i / 250) + "." + (i % 250));
            if (i % 50 == 0) {
                limits.failed("203.0.113.7");
            }
        }
        assertTrue(limits.limited("203.0.113.7"), "new addresses wiped the count of an address still failing");
        // The window still ends.
        now.addAndGet(LoginLimits.WINDOW_MILLIS);
        assertFalse(limits.limited("203.0.113.7"));
    }
}
