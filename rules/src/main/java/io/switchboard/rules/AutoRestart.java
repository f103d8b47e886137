package io.switchboard.rules;

import java.time.Duration;
import java.util.Map;

/**
 * Auto-restart, opt-in per connector with {@code switchboard.auto.restart.enabled=true} (and an
 * optional {@code switchboard.auto.restart.max.restarts}). A failed connector or task is restarted
 * after a back-off that grows as Strimzi's does, n(n+1) minutes after the n-th restart (0, 2, 6,
 * 12, 20 ... minutes), capped at 60; the count starts again once the connector is healthy.
 */
public final class AutoRestart {
    public static final String ENABLED = "switchboard.auto.restart.enabled";
    public static final String MAX_RESTARTS = "switchboard.auto.restart.max.restarts";
    private static final Duration CAP = Duration.ofMinutes(60);

    private AutoRestart() {
    }

    public static boolean enabled(Map<String, String> config) {
        return "true".equalsIgnoreCase(config.get(ENABLED));
    }

    /** The most restarts allowed, or -1 for no limit. */
    public static int maxRestarts(Map<String, String> config) {
        try {
            return config.containsKey(MAX_RESTARTS) ? Integer.parseInt(config.get(MAX_RESTARTS).trim()) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** How long to wait after the given number of restarts before the next one. */
    public static Duration backoff(int restartsSoFar) {
        long minutes = (long) restartsSoFar * (restartsSoFar + 1);
        Duration wait = Duration.ofMinutes(minutes);
        return wait.compareTo(CAP) > 0 ? CAP : wait;
    }

    /** Whether a connector with this many restarts, the last at {@code last}, may be restarted at {@code now}. */
    public static boolean due(int restartsSoFar, Long last, long now, int maxRestarts) {
        if (maxRestarts >= 0 && restartsSoFar >= maxRestarts) {
            return false;
        }
        return last == null || now - last >= backoff(restartsSoFar).toMillis();
    }
}
