package io.switchboard.testing;

import io.switchboard.auth.SecretHashes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

/** A users file for tests: each user's key is "pw"; grants as ROLE@SCOPE[,...]. */
public final class TestUsers {
    public static final String KEY = "pw";

    private TestUsers() {
    }

    public static Path write(Path dir, Map<String, String> grantsByUser) {
        StringBuilder file = new StringBuilder("# test users\n");
        // bcrypt's lowest cost: each hash carries its cost, and the product's (12) would spend a
        // fifth of the suite's CPU on checking keys.
        String hash = SecretHashes.hash(KEY, 4);
        grantsByUser.forEach((user, grants) -> file.append(user).append(':').append(hash).append(':').append(grants).append('\n'));
        try {
            Files.createDirectories(dir);
            return Files.writeString(dir.resolve("users"), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String basic(String user) {
        return basic(user, KEY);
    }

    public static String basic(String user, String key) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + key).getBytes(StandardCharsets.UTF_8));
    }
}
