package io.switchboard.unit;

import io.switchboard.auth.SecretHashes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

/** A users file for the server's tests: each user's key is {@value #KEY}; grants as ROLE@SCOPE[,...]. */
public final class Users {
    public static final String KEY = "pw";

    private Users() {
    }

    public static Path write(Path dir, Map<String, String> grantsByUser) {
        StringBuilder file = new StringBuilder("# test users\n");
        // bcrypt's lowest cost: the product's (12) would spend most of a test's time checking keys.
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
