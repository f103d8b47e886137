package io.switchboard.console;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.switchboard.auth.AccessCheck;
import io.switchboard.auth.ConsoleSessions;
import io.switchboard.auth.OidcSignIn;
import io.switchboard.core.ServiceException;
import io.switchboard.http.ProblemException;
import io.switchboard.http.SmallBodies;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Signing in to the console with a user's API key, for a session cookie (see {@link ConsoleSessions}),
 * or at the OIDC issuer (see {@link OidcSignIn}), and signing out. The form is posted by the page's htmx, with its {@code HX-Request} header, so
 * that another site cannot sign a browser in under an account of its choosing. A wrong key is
 * counted like a wrong Authorization header and answers 401 with no hint of which part was wrong.
 */
final class SignInPage {
    /** Sign-in forms are small and sent by anyone: see {@link SmallBodies}. */
    private final SmallBodies bodies = new SmallBodies(4096, 5_000);
    private final AccessCheck access;

    /** @param access null: the server takes no credentials, so there is nothing to sign in to */
    SignInPage(AccessCheck access) {
        this.access = access;
    }

    void page(Context ctx) {
        boolean signsIn = access != null && access.signsIn();
        boolean atIssuer = access != null && access.oidcSignIn().isPresent();
        String body = "<h1>Sign in</h1>" + (atIssuer
                ? "<p><a class=\"button\" href=\"" + OidcSignIn.START + "\">Sign in with your identity provider</a></p>" : "")
                + (signsIn
                ? "<form hx-post=\"" + AccessCheck.SIGN_IN + "\" hx-swap=\"none\">"
                + "<p><label>User <input name=\"user\" autocomplete=\"username\" required autofocus></label></p>"
                + "<p><label>API key <input name=\"key\" type=\"password\" autocomplete=\"current-password\" required></label></p>"
                + "<p><button type=\"submit\">Sign in</button></p></form>"
                : atIssuer ? "" : "<p>This server takes no keys of its own to sign in with: "
                + (access == null ? "it asks for no credentials." : "send an OIDC bearer token with each request.") + "</p>");
        ctx.contentType("text/html; charset=utf-8").result(Html.page("Sign in", "", body));
    }

    /** Sends the browser to the issuer, with the flow's state and code challenge. */
    void startAtIssuer(Context ctx) {
        OidcSignIn oidc = issuer();
        OidcSignIn.Start start = oidc.start(callback(ctx), secure(ctx));
        ctx.header("Set-Cookie", start.flowCookie());
        ctx.header("Cache-Control", "no-store");
        ctx.redirect(start.location(), HttpStatus.SEE_OTHER);
    }

    /**
     * The issuer's redirect back: the code exchanged for a session. The answer is a page that goes
     * on to the console itself, so that the browser's next request is made from this site and
     * carries the new SameSite=Strict cookie (a redirect would still count as the issuer's).
     */
    void returnFromIssuer(Context ctx) {
        OidcSignIn oidc = issuer();
        String error = ctx.queryParam("error");
        if (error != null) {
            throw new ServiceException.InvalidRequest("The identity provider did not sign you in: "
                    + (error.length() > 100 ? error.substring(0, 100) : error));
        }
        OidcSignIn.Finish finish = oidc.finish(ctx.queryParam("code"), ctx.queryParam("state"),
                ctx.cookie(OidcSignIn.FLOW_COOKIE), callback(ctx), secure(ctx));
        OidcSignIn.clearCookies(secure(ctx)).stream().filter(c -> c.startsWith(OidcSignIn.FLOW_COOKIE))
                .forEach(c -> ctx.res().addHeader("Set-Cookie", c));
        if (finish.refusal() != null) {
            throw new ProblemException(401, finish.refusal());
        }
        ctx.res().addHeader("Set-Cookie", finish.sessionCookie());
        ctx.header("Cache-Control", "no-store");
        ctx.contentType("text/html; charset=utf-8").result("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta http-equiv=\"refresh\" content=\"0;url=" + ConsoleDialect.BASE + "\"><title>Signed in · Switchboard</title>"
                + "</head><body><p>Signed in. <a href=\"" + ConsoleDialect.BASE + "\">Go on to the console</a></p></body></html>");
    }

    private OidcSignIn issuer() {
        return (access == null ? Optional.<OidcSignIn>empty() : access.oidcSignIn()).orElseThrow(() ->
                new ProblemException(404, "This server offers no sign-in at an identity provider (no --oidc-client-id)"));
    }

    /** Where the issuer sends the browser back: this server as the browser reached it. */
    private static String callback(Context ctx) {
        return ctx.scheme() + "://" + ctx.host() + OidcSignIn.CALLBACK;
    }

    void signIn(Context ctx) {
        ConsoleDialect.requireConsolePage(ctx);
        if (access == null || !access.signsIn()) {
            throw new ServiceException.InvalidRequest("This server has no users file, so there is no key to sign in with");
        }
        Map<String, String> form = form(bodies.read(ctx));
        String cookie = access.signIn(ctx, form.get("user"), form.get("key"))
                .orElseThrow(() -> new ProblemException(401, "The user or the key is not valid"));
        ctx.header("Set-Cookie", ConsoleSessions.setCookie(cookie, secure(ctx)));
        ctx.header("HX-Redirect", ConsoleDialect.BASE);
        ctx.status(204);
    }

    /** The first value of each field of a form body (application/x-www-form-urlencoded). */
    static Map<String, String> form(byte[] body) {
        Map<String, String> fields = new HashMap<>();
        for (String pair : new String(body, StandardCharsets.ISO_8859_1).split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            try {
                fields.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new ServiceException.InvalidRequest("The form is not valid URL-encoded text");
            }
        }
        return fields;
    }

    void signOut(Context ctx) {
        ConsoleDialect.requireConsolePage(ctx);
        if (access != null) {
            access.signOut(ctx.cookie(ConsoleSessions.COOKIE), ctx.cookie(OidcSignIn.SESSION_COOKIE));
        }
        ctx.header("Set-Cookie", ConsoleSessions.clearCookie(secure(ctx)));
        OidcSignIn.clearCookies(secure(ctx)).forEach(c -> ctx.res().addHeader("Set-Cookie", c));
        ctx.header("HX-Redirect", AccessCheck.SIGN_IN);
        ctx.status(204);
    }

    private static boolean secure(Context ctx) {
        return "https".equalsIgnoreCase(ctx.scheme());
    }
}
