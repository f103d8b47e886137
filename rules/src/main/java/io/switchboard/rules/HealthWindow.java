package io.switchboard.rules;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A connector's health over a window [from, to) of its history, by a pure function of its events:
 * how long it existed in the window and how long of that it was failed (the connector or a task),
 * the failures that began in the window, the restarts by reason and drift repairs in it, the flaps
 * (failures that began within the flapping window after a recovery), and the recoveries that ended
 * in it with their durations (a failure that began before the window counts whole). A failure a
 * delete ended is no recovery. Times are epoch milliseconds.
 *
 * @param createdAt when the connector was first created, if its history says so (null: unknown)
 * @param createdAfter when it was created after the window, if it did not exist before (null: not so)
 * @param deletedAt when it was last deleted before the window's end, if it was (null: it was not)
 */
public record HealthWindow(long from, long to, long existedMs, long failedMs, int failures, int autoRestarts,
                           int askedRestarts, int repairs, int driftRepairs, int flaps, int recoveries,
                           long recoveryMsSum, long recoveryMsMax, boolean failingAtEnd, boolean existsAtEnd,
                           Long createdAt, Long createdAfter, Long deletedAt) {

    /** The share of the time the connector existed in the window that it was not failed; null if it never existed in it. */
    public Double availability() {
        return existedMs == 0 ? null : (double) (existedMs - failedMs) / existedMs;
    }

    public int restarts() {
        return autoRestarts + askedRestarts + repairs;
    }

    /** The mean time to recover of the recoveries in the window; null for none. */
    public Double meanRecoverySeconds() {
        return recoveries == 0 ? null : recoveryMsSum / 1000.0 / recoveries;
    }

    public Double longestRecoverySeconds() {
        return recoveries == 0 ? null : recoveryMsMax / 1000.0;
    }

    /**
     * The window's health from the connector's events (any order: they are sorted by time, a
     * stable sort keeping the order of events of the same millisecond).
     */
    public static HealthWindow of(List<HealthEvent> events, long from, long to, Duration flapWindow) {
        if (to <= from) {
            throw new IllegalArgumentException("The window's end must be after its start");
        }
        List<HealthEvent> sorted = events.stream().sorted(Comparator.comparingLong(HealthEvent::at)).toList();
        long existedMs = 0;
        long failedMs = 0;
        int failures = 0;
        int auto = 0;
        int asked = 0;
        int repairs = 0;
        int drift = 0;
        int flaps = 0;
        int recoveries = 0;
        long sum = 0;
        long max = 0;
        boolean exists = false;
        boolean failing = false;
        long failingSince = 0;
        Long lastRecovery = null;
        Long createdAt = null;
        Long createdAfter = null;
        Long deletedAt = null;
        long previous = Long.MIN_VALUE;
        for (HealthEvent event : sorted) {
            long at = event.at();
            if (at >= to) {
                if (event.kind() == HealthEvent.Kind.CREATED && !exists && createdAfter == null) {
                    createdAfter = at;
                }
                continue;
            }
            long overlap = overlap(previous, at, from, to);
            existedMs += exists ? overlap : 0;
            failedMs += exists && failing ? overlap : 0;
            previous = at;
            boolean inWindow = at >= from;
            switch (event.kind()) {
                case CREATED -> {
                    exists = true;
                    failing = false;
                    createdAt = createdAt == null ? at : createdAt;
                }
                case DELETED -> {
                    exists = false;
                    failing = false;
                    deletedAt = at;
                }
                case STATUS -> {
                    if (!exists && createdAt == null) {
                        // Its create is older than what is kept: it existed from its first report on.
                        exists = true;
                    }
                    boolean failingNow = event.failing();
                    if (failingNow && !failing) {
                        failing = true;
                        failingSince = at;
                        if (inWindow) {
                            failures++;
                            if (lastRecovery != null && at - lastRecovery <= flapWindow.toMillis()) {
                                flaps++;
                            }
                        }
                    } else if (!failingNow && failing) {
                        failing = false;
                        lastRecovery = at;
                        if (inWindow) {
                            recoveries++;
                            sum += at - failingSince;
                            max = Math.max(max, at - failingSince);
                        }
                    }
                }
                case AUTO_RESTART -> auto += inWindow ? 1 : 0;
                case ASKED_RESTART -> asked += inWindow ? 1 : 0;
                case REPAIR -> repairs += inWindow ? 1 : 0;
                case DRIFT_REPAIRED -> drift += inWindow ? 1 : 0;
                case TARGET_CHANGED -> {
                }
            }
        }
        long overlap = overlap(previous, to, from, to);
        existedMs += exists ? overlap : 0;
        failedMs += exists && failing ? overlap : 0;
        return new HealthWindow(from, to, existedMs, failedMs, failures, auto, asked, repairs, drift, flaps, recoveries,
                sum, max, exists && failing, exists, createdAt, createdAfter, deletedAt);
    }

    /** A stretch of the window: the connector did not exist ({@code ABSENT}), was failed, or was not. */
    public record Segment(long from, long to, State state) {
        public enum State { ABSENT, OK, FAILED }
    }

    /**
     * The window as consecutive stretches of one state each, for a picture: by the same rules as
     * {@link #of} (failed when the connector or a task is, absent outside its life).
     */
    public static List<Segment> segments(List<HealthEvent> events, long from, long to) {
        List<HealthEvent> sorted = events.stream().sorted(Comparator.comparingLong(HealthEvent::at)).toList();
        List<Segment> segments = new ArrayList<>();
        boolean exists = false;
        boolean failing = false;
        boolean created = false;
        Segment.State state = Segment.State.ABSENT;
        long since = Long.MIN_VALUE;
        for (HealthEvent event : sorted) {
            if (event.at() >= to) {
                break;
            }
            switch (event.kind()) {
                case CREATED -> {
                    exists = true;
                    failing = false;
                    created = true;
                }
                case DELETED -> {
                    exists = false;
                    failing = false;
                }
                case STATUS -> {
                    exists = exists || !created;
                    failing = event.failing();
                }
                default -> {
                }
            }
            Segment.State now = !exists ? Segment.State.ABSENT : failing ? Segment.State.FAILED : Segment.State.OK;
            if (now != state) {
                clipped(segments, since, event.at(), state, from, to);
                state = now;
                since = event.at();
            }
        }
        clipped(segments, since, to, state, from, to);
        return segments;
    }

    private static void clipped(List<Segment> segments, long start, long end, Segment.State state, long from, long to) {
        long a = Math.max(start, from);
        long b = Math.min(end, to);
        if (b > a) {
            segments.add(new Segment(a, b, state));
        }
    }

    /** How much of [start, end) lies in [from, to). */
    private static long overlap(long start, long end, long from, long to) {
        long a = Math.max(start, from);
        long b = Math.min(end, to);
        return Math.max(0, b - a);
    }
}
