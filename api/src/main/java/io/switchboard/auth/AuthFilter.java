package io.switchboard.auth;

import io.javalin.http.Context;
import io.switchboard.core.ServiceException;
import io.switchboard.http.RequestContexts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may do what, before any route runs: every request is classified ({@link AccessRules}),
 * replicas' internal requests must carry a valid signature, and, when credentials are configured,
 * every other request needs a principal with the role its action needs in the cluster it
 * addresses: else 401 (with WWW-Authenticate) or 403, in the shape of the dialect that owns the
 * path. Failed logins are logged without the secret, once a minute per client address, and a
 * client address past {@value #MAX_FAILURES} failures a minute is refused (429) until the minute ends.
 */
public final class AuthFilter {
    private static final Logger log = LoggerFactory.getLogger(AuthFilter.class);
    static final int MAX_FAILURES = 20;
    private static final int MAX_TRACKED_ADDRESSES = 10_000;

    private final AccessRules rules;
    private final Authenticator authenticator;
    private final InternalRequests internal;
    private final Map<String, long[]> failures = new ConcurrentHashMap<>();

    /** @param authenticator null: no credentials configured, so every request is let through (internal ones still signed) */
    public AuthFilter(AccessRules rules, Authenticator authenticator, InternalRequests internal) {
        this.rules = rules;
        this.authenticator = authenticator;
        this.internal = internal;
    }

    public void handle(Context ctx) {
        String method = ctx.method().name();
        AccessRules.Need need = rules.need(method, ctx.path(), () -> new String(ctx.bodyAsBytes(), java.nio.charset.StandardCharsets.UTF_8));
        switch (need.kind()) {
            case OPEN -> {
                return;
            }
            case INTERNAL -> {
                String target = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
                if (!internal.verify(method, target, ctx.header(InternalRequests.SIGNATURE), ctx.header(InternalRequests.TIMESTAMP))) {
                    throw new ServiceException.Forbidden("Internal endpoints are for Switchboard's replicas only");
                }
                return;
            }
            default -> {
            }
        }
        if (authenticator == null) {
            return;
        }
        String address = ctx.ip();
        if (blocked(address)) {
            ctx.header("Retry-After", "60");
            throw new io.switchboard.http.ProblemException(429, "Too many failed logins from this address; retry in a minute");
        }
        Principal principal = authenticator.authenticate(ctx.header("Authorization")).orElse(null);
        if (principal == null) {
            if (ctx.header("Authorization") != null) {
                failed(address, ctx);
            }
            ctx.header("WWW-Authenticate", authenticator.challenge());
            throw new ServiceException.Unauthenticated(ctx.header("Authorization") == null
                    ? "Credentials are required" : "The credentials are not valid");
        }
        ctx.attribute(RequestContexts.PRINCIPAL_ATTRIBUTE, principal.name());
        ctx.attribute(RequestContexts.MAY_VIEW_ATTRIBUTE, (java.util.function.Predicate<String>) cluster ->
                principal.may(Action.VIEW, cluster, null));
        String cluster = need.cluster();
        if ("".equals(cluster)) {
            // A list across clusters: whoever has a role somewhere sees the clusters they have it on.
            if (principal.grants().isEmpty()) {
                throw forbidden(principal, need);
            }
            return;
        }
        if (cluster == null && ctx.path().equals("/events") && ctx.queryParam("cluster") != null) {
            cluster = ctx.queryParam("cluster");
        }
        Role role = cluster == null ? principal.grants().get("*") : principal.roleFor(cluster, need.environment());
        if (role == null || !role.allows(need.action())) {
            throw forbidden(principal, need);
        }
        if (role == Role.VIEWER) {
            ctx.attribute(RequestContexts.REDACT_ATTRIBUTE, true);
        }
    }

    private static ServiceException forbidden(Principal principal, AccessRules.Need need) {
        return new ServiceException.Forbidden(principal.name() + " may not " + need.action().name().toLowerCase(java.util.Locale.ROOT)
                + (need.cluster() == null || need.cluster().isEmpty() ? " here" : " in Connect cluster " + need.cluster()));
    }

    private boolean blocked(String address) {
        long[] window = failures.get(address);
        return window != null && System.currentTimeMillis() - window[0] < 60_000 && window[1] >= MAX_FAILURES;
    }

    private void failed(String address, Context ctx) {
        if (failures.size() > MAX_TRACKED_ADDRESSES) {
            failures.clear();
        }
        long now = System.currentTimeMillis();
        long[] window = failures.compute(address, (a, w) -> w == null || now - w[0] >= 60_000 ? new long[] {now, 0} : w);
        synchronized (window) {
            window[1]++;
            if (window[1] == 1) {
                // The scheme only: never the credentials.
                String scheme = ctx.header("Authorization").split(" ", 2)[0];
                log.warn("Failed login ({} credentials) from {} for {} {}", scheme, address, ctx.method(), ctx.path());
            }
        }
    }
}
