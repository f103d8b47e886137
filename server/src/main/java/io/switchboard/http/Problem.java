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

    /**
     * The HTTP status most APIs give a domain error: 401, 403, 404, 409 for a conflict with what
     * exists or is under way, 422 for a reused Idempotency-Key, 503 for "not now", the worker's own
     * 4xx for its refusals (a 5xx from it is the request's fault: 400), and 400 for the rest.
     */
    public static int standardStatus(ServiceException e) {
        if (e instanceof ServiceException.Unauthenticated) {
            return 401;
        } else if (e instanceof ServiceException.Forbidden) {
            return 403;
        } else if (e instanceof ServiceException.NotFound) {
            return 404;
        } else if (e instanceof ServiceException.AlreadyExists || e instanceof ServiceException.Busy
                || e instanceof ServiceException.InUse || e instanceof ServiceException.NotInState
                || e instanceof ServiceException.NotTheOwner) {
            return 409;
        } else if (e instanceof ServiceException.IdempotencyConflict) {
            return 422;
        } else if (e instanceof ServiceException.Unavailable) {
            return 503;
        } else if (e instanceof ServiceException.WorkerRefused refused) {
            return refused.status() >= 500 ? 400 : refused.status();
        }
        return 400;
    }

    public static Problem of(int status, String message, ServiceException source) {
        Integer retryAfter = source instanceof ServiceException.Unavailable u ? u.retryAfterSeconds() : null;
        return new Problem(status, message, retryAfter, source);
    }
}
