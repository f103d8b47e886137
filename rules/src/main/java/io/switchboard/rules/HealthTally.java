package io.switchboard.rules;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;

/**
 * One connector's health as it stands, folded from its events in their order: its state and its
 * tasks', the failures, restarts by reason and drift repairs counted so far, its last failure,
 * since when it is not as asked, and its recent failures (as many as make it flapping). No clock
 * and no I/O: the same events give the same tally on every replica; "now" is an argument.
 */
public final class HealthTally {
    /** What makes a connector flapping: at least {@code failures} failures within {@code window}. */
    public record Flapping(Duration window, int failures) {
        public static final Flapping DEFAULT = new Flapping(Duration.ofHours(1), 3);

        public Flapping {
            if (window.isNegative() || window.isZero() || failures < 1) {
                throw new IllegalArgumentException("A flapping window is positive and counts at least one failure");
            }
        }
    }

    /** A failure ended: when it began and when the connector recovered (epoch ms). */
    public record Recovery(long failedAt, long recoveredAt) {
        public long millis() {
            return recoveredAt - failedAt;
        }
    }

    private final Flapping flapping;
    private String target = "RUNNING";
    private String state;
    private List<String> taskStates = List.of();
    private boolean failing;
    private long failingSince;
    private long notAsAskedSince;
    private long failures;
    private long autoRestarts;
    private long askedRestarts;
    private long repairs;
    private long driftRepairs;
    private long lastFailureAt = -1;
    /** The times of the last failures, oldest first, at most {@link Flapping#failures} of them. */
    private final ArrayDeque<Long> recentFailures = new ArrayDeque<>();

    /** A connector first seen at {@code at} (created then, or known since then). */
    public HealthTally(Flapping flapping, long at) {
        this.flapping = flapping;
        this.notAsAskedSince = at;
    }

    /**
     * Applies the connector's next event (a delete is its owner's business: it drops the tally).
     * Answers the recovery this event made, if it ended a failure, else null.
     */
    public Recovery apply(HealthEvent event) {
        Recovery recovered = null;
        switch (event.kind()) {
            case CREATED, TARGET_CHANGED -> target = event.target();
            case STATUS -> {
                state = event.state();
                taskStates = event.taskStates();
                boolean failingNow = event.failing();
                if (failingNow && !failing) {
                    failing = true;
                    failingSince = event.at();
                    failures++;
                    lastFailureAt = event.at();
                    recentFailures.addLast(event.at());
                    while (recentFailures.size() > flapping.failures()) {
                        recentFailures.removeFirst();
                    }
                } else if (!failingNow && failing) {
                    failing = false;
                    recovered = new Recovery(failingSince, event.at());
                }
            }
            case AUTO_RESTART -> autoRestarts++;
            case ASKED_RESTART -> askedRestarts++;
            case REPAIR -> repairs++;
            case DRIFT_REPAIRED -> driftRepairs++;
            case DELETED -> {
            }
        }
        boolean asAsked = state != null && state.equals(target) && !failing;
        if (asAsked) {
            notAsAskedSince = -1;
        } else if (notAsAskedSince < 0) {
            notAsAskedSince = event.at();
        }
        return recovered;
    }

    /** The connector's state as last reported; null before the first report. */
    public String state() {
        return state;
    }

    public List<String> taskStates() {
        return taskStates;
    }

    public String target() {
        return target;
    }

    public boolean failing() {
        return failing;
    }

    public long failures() {
        return failures;
    }

    public long autoRestarts() {
        return autoRestarts;
    }

    public long askedRestarts() {
        return askedRestarts;
    }

    public long repairs() {
        return repairs;
    }

    public long driftRepairs() {
        return driftRepairs;
    }

    /** Epoch ms of the last failure; -1 for none. */
    public long lastFailureAt() {
        return lastFailureAt;
    }

    /** How long the connector has not been as asked at {@code now} (0 when it is): its state is not its target state, or something of it failed. */
    public Duration notAsAsked(long now) {
        return notAsAskedSince < 0 ? Duration.ZERO : Duration.ofMillis(Math.max(0, now - notAsAskedSince));
    }

    /** Whether the connector failed at least {@link Flapping#failures} times within the window before {@code now}. */
    public boolean flapping(long now) {
        return recentFailures.size() >= flapping.failures()
                && recentFailures.peekFirst() > now - flapping.window().toMillis();
    }
}
