package io.switchboard.auth;

import io.switchboard.access.Role;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * API keys from a file, one principal a line: {@code NAME:SECRET_HASH:ROLE@SCOPE[,ROLE@SCOPE...]}
 * ({@code #} comments and blank lines allowed; hashes from {@code switchboard.jar hash-secret}).
 * The file is looked at again at most once a second and re-read when it changed; a file that no
 * longer reads keeps the last good one in force and is logged once. A key checked once is
 * remembered (by a digest, never the key) until the file changes, so a client that sends its key
 * on every request pays the slow hash once. A name the file does not hold costs what a wrong key
 * of its costliest user costs, so that names cannot be told from keys by timing.
 */
public final class UsersFile {
    private static final Logger log = LoggerFactory.getLogger(UsersFile.class);
    private static final int MAX_REMEMBERED = 10_000;

    private record User(String name, String hash, Map<String, Role> grants) {
    }

    /** The users, and the cost an unknown name is made to pay: the highest of their hashes'. */
    private record Users(Map<String, User> byName, int decoyCost) {
        User get(String name) {
            return byName.get(name);
        }
    }

    private final Path file;
    private volatile Users users;
    private volatile long checkedAt;
    private volatile String version;
    private volatile String lastProblem;
    private final Map<String, Principal> verified = new ConcurrentHashMap<>();

    /** Reads the file; a file that does not read refuses to start. */
    public UsersFile(Path file) {
        this.file = file;
        this.users = read(file);
        this.version = version(file);
        this.checkedAt = System.nanoTime();
    }

    /** The principal whose key this is, if it is one. */
    public Optional<Principal> authenticate(String name, String secret) {
        reloadIfChanged();
        User user = users.get(name);
        if (user == null) {
            // As slow as a wrong key, so that names cannot be told from timing.
            SecretHashes.checkDecoy(secret, users.decoyCost());
            return Optional.empty();
        }
        String remembered = digest(name + "\u0000" + secret + "\u0000" + user.hash());
        Principal known = verified.get(remembered);
        if (known != null) {
            return Optional.of(known);
        }
        if (!SecretHashes.matches(secret, user.hash())) {
            return Optional.empty();
        }
        Principal principal = new Principal(user.name(), user.grants());
        if (verified.size() >= MAX_REMEMBERED) {
            verified.clear();
        }
        verified.put(remembered, principal);
        return Optional.of(principal);
    }

    /**
     * The principal whose key this is if it was verified before and the file has not changed since:
     * checked by a digest, without the slow hash (for an address that is limited, see {@link LoginLimits}).
     */
    public Optional<Principal> remembered(String name, String secret) {
        reloadIfChanged();
        User user = users.get(name);
        return user == null ? Optional.empty()
                : Optional.ofNullable(verified.get(digest(name + "\u0000" + secret + "\u0000" + user.hash())));
    }

    /**
     * The principal of a console session signed for this name, with the grants the file gives it
     * now, while its key is still the one the session was signed against ({@code keyStamp}).
     */
    Optional<Principal> sessionPrincipal(String name, String keyStamp) {
        reloadIfChanged();
        User user = users.get(name);
        return user == null || !MessageDigest.isEqual(keyStamp(user).getBytes(StandardCharsets.UTF_8),
                keyStamp.getBytes(StandardCharsets.UTF_8)) ? Optional.empty() : Optional.of(new Principal(user.name(), user.grants()));
    }

    /** What a session signs of its user's key: a new key in the file ends the user's sessions. */
    Optional<String> keyStamp(String name) {
        User user = users.get(name);
        return user == null ? Optional.empty() : Optional.of(keyStamp(user));
    }

    private static String keyStamp(User user) {
        return digest("session\u0000" + user.hash()).substring(0, 16);
    }

    private void reloadIfChanged() {
        long now = System.nanoTime();
        if (now - checkedAt < 1_000_000_000L) {
            return;
        }
        synchronized (this) {
            if (now - checkedAt < 1_000_000_000L) {
                return;
            }
            checkedAt = now;
            String current = version(file);
            if (current.equals(version)) {
                return;
            }
            try {
                users = read(file);
                verified.clear();
                version = current;
                lastProblem = null;
                log.info("Re-read the users file {}: {} principal(s)", file, users.byName().size());
            } catch (IllegalArgumentException e) {
                if (!e.getMessage().equals(lastProblem)) {
                    lastProblem = e.getMessage();
                    log.error("The users file {} no longer reads, so the previous one stays in force: {}", file, e.getMessage());
                }
            }
        }
    }

    /** What an unknown name is made to cost (bcrypt's cost), as a wrong key of the costliest user. */
    int decoyCost() {
        return users.decoyCost();
    }

    static Users read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
        Map<String, User> users = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split(":", 3);
            if (parts.length != 3 || parts[0].isBlank() || !parts[1].startsWith("$2")) {
                throw new IllegalArgumentException("line " + (i + 1) + " of " + file + " is not NAME:SECRET_HASH:ROLE@SCOPE[,...]");
            }
            try {
                users.put(parts[0].trim(), new User(parts[0].trim(), parts[1].trim(), Principal.grants(parts[2])));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (i + 1) + " of " + file + ": " + e.getMessage());
            }
        }
        int decoyCost = users.values().stream().mapToInt(u -> SecretHashes.cost(u.hash())).max().orElse(SecretHashes.COST);
        // Made now, so that the first unknown name does not take longer than the next by making it.
        SecretHashes.decoy(decoyCost);
        return new Users(Map.copyOf(users), decoyCost);
    }

    private static String version(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis() + "/" + Files.size(file);
        } catch (IOException e) {
            return "unreadable";
        }
    }

    private static String digest(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
