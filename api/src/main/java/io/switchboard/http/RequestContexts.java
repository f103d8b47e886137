package io.switchboard.http;

import io.javalin.http.Context;
import io.switchboard.commands.RequestContext;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/** Who made a request and its id: the caller's X-Request-Id, or a fresh one echoed back. */
public final class RequestContexts {
    public static final String REQUEST_ID_HEADER = "X-Request-Id";
    public static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
    /** Set by the authentication filter: the authenticated principal's name. */
    public static final String PRINCIPAL_ATTRIBUTE = "switchboard.principal";
    /** Set by the authentication filter: which clusters the principal may see (a Predicate of cluster names). */
    public static final String MAY_VIEW_ATTRIBUTE = "switchboard.mayView";
    /** Set by the authentication filter for a viewer: config values in the answer are redacted. */
    public static final String REDACT_ATTRIBUTE = "switchboard.redact";

    private RequestContexts() {
    }

    public static RequestContext of(Context ctx) {
        // Only an authenticated principal is recorded: a name a header merely claims would let anyone forge the audit trail.
        return new RequestContext(requestId(ctx), ctx.attribute(PRINCIPAL_ATTRIBUTE), idempotencyKey(ctx.header(IDEMPOTENCY_KEY_HEADER)));
    }

    /** Whether the caller may see a cluster (always, without authentication). */
    public static boolean mayView(Context ctx, String cluster) {
        java.util.function.Predicate<String> may = ctx.attribute(MAY_VIEW_ATTRIBUTE);
        return may == null || may.test(cluster);
    }

    /**
     * The request's id, given to every request before any route sees it and sent back on every
     * answer: the caller's X-Request-Id when it is one, else a new one.
     */
    public static String requestId(Context ctx) {
        String assigned = ctx.attribute(REQUEST_ID_HEADER);
        if (assigned != null) {
            return assigned;
        }
        String requestId = ctx.header(REQUEST_ID_HEADER);
        if (requestId == null || requestId.isBlank() || requestId.length() > 200
                || !requestId.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            requestId = UUID.randomUUID().toString();
        }
        ctx.attribute(REQUEST_ID_HEADER, requestId);
        ctx.header(REQUEST_ID_HEADER, requestId);
        return requestId;
    }

    /** The client's key for retrying a write safely: 1 to 255 visible ASCII characters. */
    static String idempotencyKey(String header) {
        if (header == null) {
            return null;
        }
        if (header.isEmpty() || header.length() > 255 || !header.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw new io.switchboard.core.ServiceException.InvalidRequest(IDEMPOTENCY_KEY_HEADER,
                    "The Idempotency-Key header must be 1 to 255 visible ASCII characters");
        }
        return header;
    }

}
