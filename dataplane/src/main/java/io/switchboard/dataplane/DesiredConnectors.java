package io.switchboard.dataplane;

import io.switchboard.schemas.ConnectorState;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The desired state a {@link Reconciler} makes its cluster match.
 *
 * @param all every desired connector of the cluster
 * @param one one connector's desired state as it is now, by name; with it, a look at a few watched
 *            connectors ({@link Reconciler#READ_ONE_BY_ONE_AT_MOST}) reads them one by one, and a pass
 *            that has run for {@link Reconciler#RECHECK_AFTER_NANOS} checks each connector again before
 *            calling the worker, so that a long pass (500 config updates on a worker that takes seconds
 *            for each) does not carry out what was changed or deleted since it began; empty: a
 *            connector is found in {@code all}
 */
public record DesiredConnectors(Supplier<List<ConnectorState>> all, Optional<Function<String, Optional<ConnectorState>>> one) {
    /** Desired connectors read only all at once. */
    public static DesiredConnectors listed(Supplier<List<ConnectorState>> all) {
        return new DesiredConnectors(all, Optional.empty());
    }

    /** Desired connectors read all at once, or one by one by name. */
    public static DesiredConnectors byName(Supplier<List<ConnectorState>> all, Function<String, Optional<ConnectorState>> one) {
        return new DesiredConnectors(all, Optional.of(one));
    }
}
