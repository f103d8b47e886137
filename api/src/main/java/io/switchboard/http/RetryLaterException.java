package io.switchboard.http;

import io.switchboard.connect.ConnectRestException;

/**
 * A request this replica cannot serve right now but can soon (a worker still starting, a bound on
 * concurrent work reached): answered with its status, Kafka Connect's error body and
 * {@code Retry-After}.
 */
public class RetryLaterException extends ConnectRestException {
    private final int retryAfterSeconds;

    public RetryLaterException(int status, String message, int retryAfterSeconds) {
        super(status, message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 503 with {@code Retry-After: 1}. */
    public static RetryLaterException unavailable(String message) {
        return new RetryLaterException(503, message, 1);
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
