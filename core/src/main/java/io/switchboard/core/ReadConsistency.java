package io.switchboard.core;

import java.util.Locale;
import java.util.Optional;

/**
 * How current a read must be, as the request asked with its {@code consistency} query parameter
 * (docs/reads.md):
 * <ul>
 *   <li>{@link #LINEARIZABLE}, the default: the answer holds every change acknowledged before the
 *       read arrived;</li>
 *   <li>{@link #LOCAL}: the answer of the replica's own copy of the connector's partition as it is,
 *       which may trail acknowledged changes by the copy's lag (for dashboards that accept that);
 *       a replica that holds no copy answers as for {@link #LINEARIZABLE}.</li>
 * </ul>
 * The HTTP server sets it for the thread that handles each request, before any route runs, and the
 * store reads it ({@link ConnectorStore}); every other thread reads {@link #LINEARIZABLE}.
 */
public enum ReadConsistency {
    LINEARIZABLE, LOCAL;

    /** The query parameter that asks for a consistency. */
    public static final String PARAMETER = "consistency";

    private static final ThreadLocal<ReadConsistency> CURRENT = new ThreadLocal<>();

    /** What the request handled on this thread asked for; {@link #LINEARIZABLE} when nothing was set. */
    public static ReadConsistency current() {
        ReadConsistency set = CURRENT.get();
        return set == null ? LINEARIZABLE : set;
    }

    /** Sets what the request about to be handled on this thread asked for (null: the default). */
    public static void set(ReadConsistency consistency) {
        if (consistency == null || consistency == LINEARIZABLE) {
            CURRENT.remove();
        } else {
            CURRENT.set(consistency);
        }
    }

    /** The consistency a parameter's value names ({@code linearizable} or {@code local}); empty for any other value. */
    public static Optional<ReadConsistency> named(String value) {
        if (value == null) {
            return Optional.of(LINEARIZABLE);
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "linearizable" -> Optional.of(LINEARIZABLE);
            case "local" -> Optional.of(LOCAL);
            default -> Optional.empty();
        };
    }
}
