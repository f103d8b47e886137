package io.switchboard.http;

import io.javalin.http.Context;
import io.switchboard.core.ReadConsistency;
import io.switchboard.core.RequestContext;
import io.switchboard.core.Scope;
import io.switchboard.core.ServiceException;
import io.switchboard.core.Visibility;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Who made a request and its id (the caller's X-Request-Id, or a fresh one echoed back), and the
 * scope of a request about a cluster: the caller's visibility and the consistency the request asked for.
 */
public final class RequestContexts {
    public static final String REQUEST_ID_HEADER = "X-Request-Id";
    public static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
    /** Set by the authentication filter: the authenticated principal's name. */
    public static final String PRINCIPAL_ATTRIBUTE = "switchboard.principal";
    /** Set by the authentication filter: true when the principal is the identity provider's (OIDC), not an API key's. */
    public static final String IDENTITY_PROVIDER_ATTRIBUTE = "switchboard.identityProvider";
    /** Set by the access check: which clusters the principal may see (a Predicate of cluster names). */
    public static final String MAY_VIEW_ATTRIBUTE = "switchboard.mayView";
    /** Set by the access check: in which clusters the principal sees config values, not only keys (a Predicate). */
    public static final String SEES_VALUES_ATTRIBUTE = "switchboard.seesValues";
    /** Set by the access check: in which clusters the principal may edit (create, change, delete) connectors (a Predicate). */
    public static final String MAY_EDIT_ATTRIBUTE = "switchboard.mayEdit";
    /** Set by the server before any route runs: the {@link ReadConsistency} the request asked for. */
    static final String CONSISTENCY_ATTRIBUTE = "switchboard.readConsistency";

    private RequestContexts() {
    }

    public static RequestContext of(Context ctx) {
        // Only an authenticated principal is recorded: a name a header merely claims would let anyone forge the audit trail.
        return new RequestContext(requestId(ctx), ctx.attribute(PRINCIPAL_ATTRIBUTE), idempotencyKey(ctx.header(IDEMPOTENCY_KEY_HEADER)));
    }

    /** Whether the caller may see a cluster (always, without authentication). */
    public static boolean mayView(Context ctx, String cluster) {
        return mayView(ctx).test(cluster);
    }

    /** Which clusters the caller may see (every one, without authentication). */
    public static Predicate<String> mayView(Context ctx) {
        Predicate<String> may = ctx.attribute(MAY_VIEW_ATTRIBUTE);
        return may == null ? cluster -> true : may;
    }

    /** In which clusters the caller sees config values, not only keys (every one, without authentication). */
    public static Predicate<String> seesValues(Context ctx) {
        Predicate<String> sees = ctx.attribute(SEES_VALUES_ATTRIBUTE);
        return sees == null ? cluster -> true : sees;
    }

    /** Whether the caller may operate (pause, resume, stop, restart) a cluster's connectors (always, without authentication). */
    public static boolean mayOperate(Context ctx, String cluster) {
        // Seeing values and operating go together: both are the operator's and up.
        return seesValues(ctx).test(cluster);
    }

    /** Whether the caller may edit (create, change, delete) a cluster's connectors (always, without authentication). */
    public static boolean mayEdit(Context ctx, String cluster) {
        Predicate<String> may = ctx.attribute(MAY_EDIT_ATTRIBUTE);
        return may == null || may.test(cluster);
    }

    /** How much of a cluster's configs the caller sees (everything, without authentication). */
    public static Visibility visibility(Context ctx, String cluster) {
        return seesValues(ctx).test(cluster) ? Visibility.FULL : Visibility.KEYS_ONLY;
    }

    /** The scope of a request about a cluster: shaped for the caller, read with the consistency the request asked for. */
    public static Scope scope(Context ctx, String cluster) {
        return new Scope(cluster, visibility(ctx, cluster), consistency(ctx));
    }

    /** The consistency the request asked for with its {@code consistency} parameter ({@link ReadConsistency#LINEARIZABLE} when none). */
    public static ReadConsistency consistency(Context ctx) {
        ReadConsistency asked = ctx.attribute(CONSISTENCY_ATTRIBUTE);
        return asked == null ? ReadConsistency.LINEARIZABLE : asked;
    }

    /** Keeps the consistency the request asked for, which its scopes then carry. */
    static void keepConsistency(Context ctx, ReadConsistency consistency) {
        ctx.attribute(CONSISTENCY_ATTRIBUTE, consistency);
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
            throw new ServiceException.InvalidRequest(IDEMPOTENCY_KEY_HEADER,
                    "The Idempotency-Key header must be 1 to 255 visible ASCII characters");
        }
        return header;
    }

}
