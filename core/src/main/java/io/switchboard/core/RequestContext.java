package io.switchboard.core;

/**
 * Who asked, and the id of the request, carried into every command for audit; the client's
 * Idempotency-Key, if it sent one; and the pipeline the pipeline service acts for, if it is the one
 * asking (never taken from a client's request: only {@code Pipelines} sets it).
 */
public record RequestContext(String requestId, String principal, String idempotencyKey, String pipeline) {
    public RequestContext(String requestId, String principal, String idempotencyKey) {
        this(requestId, principal, idempotencyKey, null);
    }

    public RequestContext(String requestId, String principal) {
        this(requestId, principal, null, null);
    }

    /** The same request, made by the pipeline service for pipeline {@code id}. */
    public RequestContext forPipeline(String id) {
        return new RequestContext(requestId, principal, idempotencyKey, id);
    }
}
