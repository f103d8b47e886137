package io.switchboard.console;

import io.javalin.http.Context;
import io.switchboard.auth.AccessCheck;
import io.switchboard.auth.ConsoleSessions;
import io.switchboard.core.ServiceException;
import io.switchboard.http.ProblemException;

/**
 * Signing in to the console with a user's API key, for a session cookie (see {@link ConsoleSessions}),
 * and signing out. The form is posted by the page's htmx, with its {@code HX-Request} header, so
 * that another site cannot sign a browser in under an account of its choosing. A wrong key is
 * counted like a wrong Authorization header and answers 401 with no hint of which part was wrong.
 */
final class SignInPage {
    private final AccessCheck access;

    /** @param access null: the server takes no credentials, so there is nothing to sign in to */
    SignInPage(AccessCheck access) {
        this.access = access;
    }

    void page(Context ctx) {
        boolean signsIn = access != null && access.signsIn();
        String body = signsIn
                ? "<h1>Sign in</h1><form hx-post=\"" + AccessCheck.SIGN_IN + "\" hx-swap=\"none\">"
                + "<p><label>User <input name=\"user\" autocomplete=\"username\" required autofocus></label></p>"
                + "<p><label>API key <input name=\"key\" type=\"password\" autocomplete=\"current-password\" required></label></p>"
                + "<p><button type=\"submit\">Sign in</button></p></form>"
                : "<h1>Sign in</h1><p>This server takes no keys of its own to sign in with: "
                + (access == null ? "it asks for no credentials." : "send an OIDC bearer token with each request.") + "</p>";
        ctx.contentType("text/html; charset=utf-8").result(Html.page("Sign in", "", body));
    }

    void signIn(Context ctx) {
        ConsoleDialect.requireConsolePage(ctx);
        if (access == null || !access.signsIn()) {
            throw new ServiceException.InvalidRequest("This server has no users file, so there is no key to sign in with");
        }
        String cookie = access.signIn(ctx, ctx.formParam("user"), ctx.formParam("key"))
                .orElseThrow(() -> new ProblemException(401, "The user or the key is not valid"));
        ctx.header("Set-Cookie", ConsoleSessions.setCookie(cookie, secure(ctx)));
        ctx.header("HX-Redirect", ConsoleDialect.BASE);
        ctx.status(204);
    }

    void signOut(Context ctx) {
        ConsoleDialect.requireConsolePage(ctx);
        ctx.header("Set-Cookie", ConsoleSessions.clearCookie(secure(ctx)));
        ctx.header("HX-Redirect", AccessCheck.SIGN_IN);
        ctx.status(204);
    }

    private static boolean secure(Context ctx) {
        return "https".equalsIgnoreCase(ctx.scheme());
    }
}
