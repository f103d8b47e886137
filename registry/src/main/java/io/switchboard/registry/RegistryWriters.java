package io.switchboard.registry;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Set;

/**
 * Who may change the registry: a request other than GET, HEAD or OPTIONS must carry HTTP Basic
 * credentials of the writer, with one of its passwords (compared in constant time), or is answered
 * 401 in Confluent's error shape ({@code {"error_code":40101,"message":...}}) with a
 * {@code WWW-Authenticate} challenge. Reads need nothing.
 */
final class RegistryWriters {
    private final String user;
    private final Set<String> passwords;

    RegistryWriters(String user, Set<String> passwords) {
        this.user = user;
        this.passwords = passwords;
    }

    void require(Context ctx) {
        HandlerType method = ctx.method();
        if (method == HandlerType.GET || method == HandlerType.HEAD || method == HandlerType.OPTIONS) {
            return;
        }
        if (!allowed(ctx.header("Authorization"))) {
            ctx.header("WWW-Authenticate", "Basic realm=\"schema-registry\"");
            throw new RegistryError(401, 40101, "Unauthorized: changes to this registry need the writer's credentials (HTTP Basic)");
        }
    }

    private boolean allowed(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        byte[] presented;
        try {
            presented = Base64.getDecoder().decode(authorization.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        boolean allowed = false;
        for (String password : passwords) {
            allowed |= MessageDigest.isEqual((user + ":" + password).getBytes(StandardCharsets.UTF_8), presented);
        }
        return allowed;
    }
}
