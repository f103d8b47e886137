package io.switchboard.faults;

import java.util.List;

/**
 * One client operation as the fault run recorded it: what was asked, of which connector, through
 * which replica and dialect, when it was invoked and when its outcome came back, and what came back.
 * Every attempt carries its own {@code X-Request-Id} ({@link #requestIds}); the history a replica
 * answers names the request that made each version, which is how a version is traced to its op.
 * An op with an {@link #idempotencyKey} may have been sent more than once (a retry after a timeout
 * or a 5xx); one without was sent once.
 *
 * @param marker   for a create, config update or patch: the value of {@link #MARKER_KEY} it wrote,
 *                 unique to the op, so that the version it made can be told apart from every other
 * @param target   for a pause, resume or stop: the target state it asked for
 * @param seen     for a read: what it read ({@link State})
 */
public record Op(long id, String client, String connector, Kind kind, String dialect, String replica,
                 List<String> requestIds, String idempotencyKey, long invokedNanos, long completedNanos,
                 Outcome outcome, int status, String marker, String target, State seen, String answer) {

    /** The config key every write of the fault run sets to a value unique to the write. */
    public static final String MARKER_KEY = "fault.marker";

    public enum Kind {
        CREATE, CONFIG, PATCH, PAUSE, RESUME, STOP, RESTART, DELETE, OFFSETS_RESET, SECRET, READ;

        /** Whether it is a command whose acceptance makes a version in the connector's history. */
        boolean versioned() {
            return this != READ && this != OFFSETS_RESET && this != SECRET;
        }

        /** Whether an accepted command of this kind may change nothing (and so make no version). */
        boolean mayChangeNothing() {
            return this == PAUSE || this == RESUME || this == STOP;
        }
    }

    /** The outcome as a client can know it. */
    public enum Outcome {
        /** 2xx: acknowledged, so it must be applied exactly once. */
        OK,
        /** 4xx: refused, so it must never be applied. */
        REFUSED,
        /** A 5xx, a timeout or a reset connection: it may have been applied, at most once. */
        UNKNOWN
    }

    /**
     * A connector as a read saw it or as a history version left it: whether it exists, its
     * {@link #MARKER_KEY} and its target state.
     */
    public record State(boolean exists, String marker, String target) {
        public static final State ABSENT = new State(false, null, null);

        @Override
        public String toString() {
            return exists ? marker + "/" + target : "absent";
        }
    }

    public boolean acknowledged() {
        return outcome == Outcome.OK;
    }

    @Override
    public String toString() {
        return "op " + id + " " + kind + " " + connector + " by " + client + " via " + replica + "/" + dialect
                + " -> " + outcome + " " + status;
    }
}
