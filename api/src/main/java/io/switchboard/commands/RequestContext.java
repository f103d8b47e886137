package io.switchboard.commands;

/**
 * Who asked, and the id of the request, carried into every command for audit; and the client's
 * Idempotency-Key, if it sent one.
 */
public record RequestContext(String requestId, String principal, String idempotencyKey) {
    public RequestContext(String requestId, String principal) {
        this(requestId, principal, null);
    }
}
