package io.switchboard;

import io.switchboard.auth.Authenticator;
import io.switchboard.auth.OidcTokens;
import io.switchboard.auth.UsersFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Who the API believes: the credentials configured (API keys, OpenID Connect tokens), or none. */
final class Authentication {
    private static final Logger log = LoggerFactory.getLogger(Authentication.class);

    private Authentication() {
    }

    /**
     * The credentials configured, or null when there are none: then the API is open, which is
     * loud when it listens beyond loopback.
     */
    static Authenticator configured(SecurityOptions security, String bindHost) {
        if (!security.credentialsConfigured()) {
            if (!bindHost.equals("127.0.0.1") && !bindHost.equals("localhost") && !bindHost.equals("::1")) {
                log.warn("**********************************************************************************");
                log.warn("The API listens on {} with NO authentication: anyone who can reach it can do anything.", bindHost);
                log.warn("Give --users-file or --oidc-issuer, or leave --bind-host out to listen on loopback only.");
                log.warn("**********************************************************************************");
            }
            return null;
        }
        UsersFile users = security.usersFile() == null ? null : new UsersFile(security.usersFile().toAbsolutePath());
        OidcTokens tokens = security.oidcIssuer() == null ? null
                : new OidcTokens(security.oidcIssuer(), security.oidcAudience(), security.oidcJwksUrl(), security.oidcRolesClaim());
        return new Authenticator(users, tokens);
    }
}
