package io.switchboard.auth;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.switchboard.core.ServiceException;
import io.switchboard.http.ProblemException;
import io.switchboard.http.RequestContexts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The one access decision, made before a matched route runs, from the {@link Access} the route
 * declared where it was registered and the request as parsed (its path parameters, and for a few
 * routes its parsed body). Replicas' requests must carry a valid signature; with credentials
 * configured, every other request that is not open needs a principal whose role in the request's
 * target allows the action: else 401 (with WWW-Authenticate) or 403, in the shape of the dialect
 * that owns the path. Without credentials everything but replicas' routes is let through.
 *
 * <p>What the principal may see is left on the request for the routes to hand to the core: which
 * clusters it may view, and in which it sees config values (a viewer sees only keys). Failed logins
 * are logged without the secret, once a minute per client address, and an address
 * past {@value #MAX_FAILURES} failures a minute for one name is refused (429) for that name until the
 * minute ends. The map of attempts is bounded: past {@value #MAX_TRACKED_ADDRESSES} it starts afresh.
 */
public final class AccessCheck {
    private static final Logger log = LoggerFactory.getLogger(AccessCheck.class);
    static final int MAX_FAILURES = 20;
    private static final int MAX_TRACKED_ADDRESSES = 10_000;

    private final Authenticator authenticator;
    private final InternalRequests internal;
    private final Map<String, long[]> failures = new ConcurrentHashMap<>();
    /** When each address last had a failed login logged: at most one line a minute per address, whatever names it tries. */
    private final Map<String, Long> logged = new ConcurrentHashMap<>();

    /** @param authenticator null: no credentials configured, so every request is let through (replicas' still signed) */
    public AccessCheck(Authenticator authenticator, InternalRequests internal) {
        this.authenticator = authenticator;
        this.internal = internal;
    }

    /** The {@code beforeMatched} handler. */
    public void handle(Context ctx) {
        Access access = Access.declaredBy(ctx.routeRoles(), route(ctx));
        switch (access.kind()) {
            case OPEN -> {
                return;
            }
            case REPLICAS -> {
                String target = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
                if (!internal.verify(ctx.req().getMethod(), target, ctx.header(InternalRequests.SIGNATURE),
                        ctx.header(InternalRequests.TIMESTAMP))) {
                    throw new ServiceException.Forbidden("Internal endpoints are for Switchboard's replicas only");
                }
                return;
            }
            case PRINCIPAL -> {
                if (authenticator != null) {
                    authorize(ctx, access, authenticate(ctx));
                }
            }
        }
    }

    private Principal authenticate(Context ctx) {
        String address = ctx.ip();
        String authorization = ctx.header("Authorization");
        // Counted by address and the name claimed: a guesser is stopped without locking out everyone behind the same address.
        String attempt = address + " " + authenticator.claimedName(authorization);
        if (blocked(attempt)) {
            ctx.header("Retry-After", "60");
            throw new ProblemException(429, "Too many failed logins from this address for this name; retry in a minute");
        }
        Principal principal = authenticator.authenticate(authorization).orElse(null);
        if (principal == null) {
            if (authorization != null) {
                failed(attempt, address, ctx, authorization);
            }
            ctx.header("WWW-Authenticate", authenticator.challenge());
            throw new ServiceException.Unauthenticated(authorization == null
                    ? "Credentials are required" : "The credentials are not valid");
        }
        return principal;
    }

    private static void authorize(Context ctx, Access access, Principal principal) {
        Access.Target target = access.target().of(ctx);
        Action action = access.actionFor(ctx);
        boolean allowed = switch (target.breadth()) {
            case ANY_GRANTED -> principal.grants().values().stream().anyMatch(role -> role.allows(action));
            case EVERYWHERE -> allows(principal.grants().get("*"), action);
            case CLUSTER -> allows(principal.roleFor(target.cluster(), target.environment()), action);
        };
        if (!allowed) {
            throw new ServiceException.Forbidden(principal.name() + " may not " + action.name().toLowerCase(Locale.ROOT)
                    + " " + target.describe());
        }
        String environment = target.environment();
        ctx.attribute(RequestContexts.PRINCIPAL_ATTRIBUTE, principal.name());
        ctx.attribute(RequestContexts.MAY_VIEW_ATTRIBUTE, (Predicate<String>) cluster ->
                principal.may(Action.VIEW, cluster, environment));
        // A viewer sees a config's keys, not its values; an operator and up see values (secrets stay sealed).
        ctx.attribute(RequestContexts.SEES_VALUES_ATTRIBUTE, (Predicate<String>) cluster ->
                principal.may(Action.OPERATE, cluster, environment));
        ctx.attribute(RequestContexts.MAY_EDIT_ATTRIBUTE, (Predicate<String>) cluster ->
                principal.may(Action.EDIT, cluster, environment));
    }

    /** The template of the route the request matched, such as {@code /connectors/{connector}}. */
    private static String route(Context ctx) {
        Endpoint matched = ctx.endpoints().matchedHttpEndpoint();
        return matched == null ? "(unmatched)" : matched.path;
    }

    private static boolean allows(Role role, Action action) {
        return role != null && role.allows(action);
    }

    private boolean blocked(String attempt) {
        long[] window = failures.get(attempt);
        return window != null && System.currentTimeMillis() - window[0] < 60_000 && window[1] >= MAX_FAILURES;
    }

    private void failed(String attempt, String address, Context ctx, String authorization) {
        if (failures.size() > MAX_TRACKED_ADDRESSES) {
            failures.clear();
        }
        long now = System.currentTimeMillis();
        long[] window = failures.compute(attempt, (a, w) -> w == null || now - w[0] >= 60_000 ? new long[] {now, 0} : w);
        synchronized (window) {
            window[1]++;
        }
        if (logged.size() > MAX_TRACKED_ADDRESSES) {
            logged.clear();
        }
        boolean[] due = new boolean[1];
        logged.compute(address, (a, last) -> {
            due[0] = last == null || now - last >= 60_000;
            return due[0] ? now : last;
        });
        if (due[0]) {
            // The scheme only: never the credentials.
            String scheme = authorization.split(" ", 2)[0];
            log.warn("Failed login ({} credentials) from {} for {} {}", scheme.length() > 16 ? "unknown" : scheme,
                    address, ctx.req().getMethod(), route(ctx));
        }
    }
}
