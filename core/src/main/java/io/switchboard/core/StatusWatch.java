package io.switchboard.core;

import io.switchboard.rules.ConnectorKey;
import io.switchboard.schemas.ConnectorObservation;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** Waits, bounded, for what the data plane reports of a connector (the outcome of an offsets request). */
public interface StatusWatch {

    /** Refuses a request ({@link ServiceException.Unavailable}) when too many wait already; called before it changes anything. */
    void requireRoom();

    /** The first non-null value {@code extract} finds in the connector's reports, or empty after the wait. */
    <T> CompletableFuture<Optional<T>> await(ConnectorKey key, Function<ConnectorObservation, T> extract);
}
