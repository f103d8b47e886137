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
 * A request's consistency travels in its {@link Scope} and is given to every read of the
 * {@link ConnectorStore} made for it; a read no request asked for (and every check a write makes)
 * is {@link #LINEARIZABLE}.
 */
public enum ReadConsistency {
    LINEARIZABLE, LOCAL;

    /** The query parameter that asks for a consistency. */
    public static final String PARAMETER = "consistency";

    /** The consistency a parameter's value names ({@code linearizable} or {@code local}; absent: the default); empty for any other value. */
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
