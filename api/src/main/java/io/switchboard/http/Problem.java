package io.switchboard.http;

import io.switchboard.core.ServiceException;

/**
 * An error answer before it is put in a dialect's shape.
 *
 * @param retryAfterSeconds sent as Retry-After when not null
 * @param source            the domain error it came from, when it did (for dialects that show details)
 */
public record Problem(int status, String message, Integer retryAfterSeconds, ServiceException source) {

    public Problem(int status, String message) {
        this(status, message, null, null);
    }

    public static Problem of(int status, String message, ServiceException source) {
        Integer retryAfter = source instanceof ServiceException.Unavailable u ? u.retryAfterSeconds() : null;
        return new Problem(status, message, retryAfter, source);
    }
}
