package io.switchboard.auth;

import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.router.Endpoint;
import io.switchboard.access.Access;
import io.switchboard.access.Action;
import io.switchboard.access.Role;
import io.switchboard.core.ServiceException;
import io.switchboard.http.ClientAddresses;
import io.switchboard.http.ProblemException;
import io.switchboard.http.RequestContexts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
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
 * are logged without the secret, once a minute per client address, and counted per address whatever
 * name they claim ({@link LoginLimits}), before any key is hashed: a limited address gets 429 for
 * any key not already verified, so it costs no bcrypt work, and a right key is never refused for
 * its name's sake.
 *
 * <p>Without an Authorization header, the console's routes and the event stream take a console
 * session cookie ({@link ConsoleSessions}, or the token of an {@link OidcSignIn}); a console page a browser asks for without either is
 * sent to the sign-in form (303) instead of being challenged for Basic credentials.
 */
public final class AccessCheck {
    private static final Logger log = LoggerFactory.getLogger(AccessCheck.class);
    /** The console's sign-in page. */
    public static final String SIGN_IN = "/console/sign-in";
    private static final int MAX_TRACKED_ADDRESSES = 10_000;

    private final Authenticator authenticator;
    private final InternalRequests internal;
    private final ConsoleSessions sessions;
    private final OidcSignIn oidc;
    private final LoginLimits limits = new LoginLimits(System::currentTimeMillis);
    /** What every request is charged once its caller is known, before its access is decided (a rate limit). */
    private volatile java.util.function.Consumer<Context> charge = ctx -> {
    };
    /** When each address last had a failed login logged: at most one line a minute per address, whatever names it tries. */
    private final Map<String, Long> logged = new ConcurrentHashMap<>();

    /** With no credentials configured: every request is let through (what replicas ask each other is still signed). */
    public static AccessCheck open(InternalRequests internal) {
        return new AccessCheck(null, internal, null, null);
    }

    /**
     * @param authenticator who is who, by the credentials configured ({@link #open} where there are none)
     * @param sessions      the console's sessions; null: the console takes headers only
     * @param oidc          signing in to the console at the OIDC issuer; null: not offered
     */
    public AccessCheck(Authenticator authenticator, InternalRequests internal, ConsoleSessions sessions, OidcSignIn oidc) {
        this.authenticator = authenticator;
        this.internal = internal;
        this.sessions = sessions;
        this.oidc = authenticator == null ? null : oidc;
    }

    /** Signing in at the OIDC issuer, if the console offers it. */
    public Optional<OidcSignIn> oidcSignIn() {
        return Optional.ofNullable(oidc);
    }

    /** Whether the console can sign users in with a key, for a session cookie. */
    public boolean signsIn() {
        return authenticator != null && sessions != null;
    }

    /**
     * Checks a user's key given to the console's sign-in form, counted against the same limit of
     * failed logins as a header; answers the new session's cookie value, or empty for a wrong key.
     */
    public Optional<String> signIn(Context ctx, String user, String key) {
        if (!signsIn() || user == null || key == null || user.isEmpty() || user.length() > 256 || key.length() > 1024) {
            return Optional.empty();
        }
        String authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + key).getBytes(StandardCharsets.UTF_8));
        Optional<Principal> principal = check(ctx, authorization);
        if (principal.isEmpty()) {
            failed(ClientAddresses.of(ctx), ctx, authorization);
            return Optional.empty();
        }
        return Optional.of(sessions.issue(principal.get().name()));
    }

    /**
     * Ends the console session these cookies hold (an API key's, an OIDC one's), and every other of
     * its user, on every replica.
     */
    public void signOut(String sessionCookie, String oidcCookie) {
        if (sessions != null && sessionCookie != null) {
            sessions.signOut(sessionCookie);
        }
        if (oidc != null && oidcCookie != null) {
            oidc.signOut(oidcCookie);
        }
    }

    /**
     * Charges every request once its caller is known (the principal, else the client's address) and
     * before its access is decided: a request refused 403, or refused later by what its work needs,
     * costs its caller as much as one let through.
     */
    public AccessCheck charging(java.util.function.Consumer<Context> charge) {
        this.charge = java.util.Objects.requireNonNull(charge, "charge");
        return this;
    }

    /** The {@code beforeMatched} handler. */
    public void handle(Context ctx) {
        Access access = Access.declaredBy(ctx.routeRoles(), route(ctx));
        switch (access.kind()) {
            case OPEN -> {
                charge.accept(ctx);
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
                // What a principal is shown is theirs alone: kept by no cache, the browser's neither.
                ctx.header("Cache-Control", "no-store");
                if (authenticator == null) {
                    charge.accept(ctx);
                    return;
                }
                Principal principal = authenticate(ctx);
                ctx.attribute(RequestContexts.PRINCIPAL_ATTRIBUTE, principal.name());
                charge.accept(ctx);
                authorize(ctx, access, principal);
            }
        }
    }

    private Principal authenticate(Context ctx) {
        String address = ClientAddresses.of(ctx);
        String authorization = ctx.header("Authorization");
        Principal principal = authorization == null ? null : check(ctx, authorization).orElse(null);
        if (principal != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.attribute(RequestContexts.IDENTITY_PROVIDER_ATTRIBUTE, true);
        }
        if (principal == null && authorization == null && (sessions != null || oidc != null)
                && ConsoleSessions.counts(ctx.method().name(), ctx.path())) {
            if (sessions != null) {
                principal = sessions.principal(ctx.cookie(ConsoleSessions.COOKIE)).orElse(null);
            }
            if (principal == null && oidc != null) {
                principal = oidc.principal(ctx.cookie(OidcSignIn.SESSION_COOKIE)).orElse(null);
                if (principal != null) {
                    ctx.attribute(RequestContexts.IDENTITY_PROVIDER_ATTRIBUTE, true);
                }
            }
            if (principal == null && isPageRequest(ctx)) {
                // A person at a browser: the sign-in form, not the browser's own credentials dialog.
                ctx.header("Location", SIGN_IN);
                throw new HttpResponseException(303, "Sign in at " + SIGN_IN);
            }
        }
        if (principal == null) {
            if (authorization != null) {
                failed(address, ctx, authorization);
            }
            ctx.header("WWW-Authenticate", authenticator.challenge());
            throw new ServiceException.Unauthenticated(authorization == null
                    ? "Credentials are required" : "The credentials are not valid");
        }
        return principal;
    }

    /**
     * The route's own action first, before anything of the request's content is read or worked on,
     * in the same words whatever the cluster (known or not) and whatever the content; then what the
     * parsed request asks beyond it; what the route's work asks later goes through {@link Access#raiseOf}.
     */
    private static void authorize(Context ctx, Access access, Principal principal) {
        Access.Target target = access.target().of(ctx);
        require(principal, target, access.action());
        Action action = access.actionFor(ctx);
        if (action != access.action()) {
            require(principal, target, action);
        }
        Access.leaveRaise(ctx, (needed, everywhere) -> require(principal, everywhere ? Access.Target.EVERYWHERE : target, needed));
        String environment = target.environment();
        ctx.attribute(RequestContexts.MAY_VIEW_ATTRIBUTE, (Predicate<String>) cluster ->
                principal.may(Action.VIEW, cluster, environment));
        // A viewer sees a config's keys, not its values; an operator and up see values (secrets stay sealed).
        ctx.attribute(RequestContexts.SEES_VALUES_ATTRIBUTE, (Predicate<String>) cluster ->
                principal.may(Action.OPERATE, cluster, environment));
        ctx.attribute(RequestContexts.MAY_EDIT_ATTRIBUTE, (Predicate<String>) cluster ->
                principal.may(Action.EDIT, cluster, environment));
    }

    private static void require(Principal principal, Access.Target target, Action action) {
        boolean allowed = switch (target.breadth()) {
            case ANY_GRANTED -> principal.grants().values().stream().anyMatch(role -> role.allows(action));
            case EVERYWHERE -> allows(principal.grants().get("*"), action);
            case CLUSTER -> allows(principal.roleFor(target.cluster(), target.environment()), action);
        };
        if (!allowed) {
            throw new ServiceException.Forbidden(principal.name() + " may not " + action.name().toLowerCase(Locale.ROOT)
                    + " " + target.describe());
        }
    }

    /** A page a browser navigates to (not a fragment htmx asks for, nor the event stream). */
    private static boolean isPageRequest(Context ctx) {
        String accept = ctx.header("Accept");
        return "GET".equals(ctx.method().name()) && ctx.header("HX-Request") == null && ctx.path().startsWith("/console")
                && accept != null && accept.contains("text/html");
    }

    /** The template of the route the request matched, such as {@code /connectors/{connector}}. */
    private static String route(Context ctx) {
        Endpoint matched = ctx.endpoints().matchedHttpEndpoint();
        return matched == null ? "(unmatched)" : matched.path;
    }

    private static boolean allows(Role role, Action action) {
        return role != null && role.allows(action);
    }

    /**
     * The principal of a header, limited per address before any hashing: from an address past its
     * failed logins only a key verified before passes, and anything else is refused with 429.
     */
    private Optional<Principal> check(Context ctx, String authorization) {
        if (!limits.limited(ClientAddresses.limitKeyOf(ctx))) {
            return authenticator.authenticate(authorization);
        }
        Optional<Principal> known = authenticator.authenticateWithoutHashing(authorization);
        if (known.isEmpty()) {
            ctx.header("Retry-After", String.valueOf(LoginLimits.WINDOW_MILLIS / 1000));
            throw new ProblemException(429, "Too many failed logins from this address; retry in a minute");
        }
        return known;
    }

    private void failed(String address, Context ctx, String authorization) {
        if (authenticator.checksCredentials(authorization)) {
            limits.failed(ClientAddresses.limitKeyOf(ctx));
        }
        long now = System.currentTimeMillis();
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
