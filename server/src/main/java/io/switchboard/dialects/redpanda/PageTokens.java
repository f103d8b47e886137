package io.switchboard.dialects.redpanda;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Page tokens for lists sorted by name: the token names the last item of the page, so the next page
 * starts after it whatever was added or removed in between (each item that exists throughout is
 * listed exactly once). Opaque to clients (base64url of a versioned form); one not made here is an
 * INVALID_ARGUMENT.
 */
final class PageTokens {
    private static final String VERSION = "v1:";

    private PageTokens() {
    }

    static String after(String lastName) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((VERSION + lastName).getBytes(StandardCharsets.UTF_8));
    }

    /** The name a token says the next page starts after; null for no token (the first page). */
    static String lastName(String token) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw RedpandaErrors.invalid("page_token", "page_token is not a token this server made");
        }
        if (!decoded.startsWith(VERSION) || decoded.length() == VERSION.length()) {
            throw RedpandaErrors.invalid("page_token", "page_token is not a token this server made");
        }
        return decoded.substring(VERSION.length());
    }
}
