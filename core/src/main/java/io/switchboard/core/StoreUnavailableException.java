package io.switchboard.core;

/** The store cannot answer now (starting, rebalancing, restoring); the request can be retried. */
public class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
