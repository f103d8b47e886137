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

    private RequestContexts() {
    }

    public static RequestContext of(Context ctx) {
        return new RequestContext(requestId(ctx), principal(ctx.header("Authorization")), idempotencyKey(ctx.header(IDEMPOTENCY_KEY_HEADER)));
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

    /** The user of HTTP Basic credentials, when there are any; the password is never kept. */
    static String principal(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? decoded : decoded.substring(0, colon);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
