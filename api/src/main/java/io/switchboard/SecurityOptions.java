package io.switchboard;

import java.nio.file.Path;

/**
 * Who may use the API and how much.
 *
 * @param usersFile      API keys (HTTP Basic): NAME:SECRET_HASH:ROLE@SCOPE[,...] a line; null: none
 * @param oidcIssuer     an OpenID Connect issuer whose bearer tokens are accepted; null: none
 * @param oidcAudience   the audience tokens must name
 * @param oidcJwksUrl    where the issuer's keys are; null: {@code <issuer>/.well-known/jwks.json}
 * @param oidcRolesClaim the claim holding "role@scope" grants; null: {@code switchboard_roles}
 * @param rateLimit      "REQUESTS/SECONDS" per principal (per client address when anonymous); null: none
 */
public record SecurityOptions(Path usersFile, String oidcIssuer, String oidcAudience, String oidcJwksUrl, String oidcRolesClaim,
                              String rateLimit) {
    public static final SecurityOptions NONE = new SecurityOptions(null, null, null, null, null, null);

    public boolean credentialsConfigured() {
        return usersFile != null || oidcIssuer != null;
    }

    public SecurityOptions withUsersFile(Path file) {
        return new SecurityOptions(file, oidcIssuer, oidcAudience, oidcJwksUrl, oidcRolesClaim, rateLimit);
    }

    public SecurityOptions withOidc(String issuer, String audience, String jwksUrl) {
        return new SecurityOptions(usersFile, issuer, audience, jwksUrl, oidcRolesClaim, rateLimit);
    }

    public SecurityOptions withRateLimit(String limit) {
        return new SecurityOptions(usersFile, oidcIssuer, oidcAudience, oidcJwksUrl, oidcRolesClaim, limit);
    }
}
