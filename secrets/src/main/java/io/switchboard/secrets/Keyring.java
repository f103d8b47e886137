package io.switchboard.secrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-256 keys that seal secret config values, by id. Written one per line as
 * {@code id=base64-of-32-bytes}; the first line is the key that seals new values, the others
 * only open values sealed before a rotation. Lines starting with {@code #} are comments.
 */
public final class Keyring {
    /** One key: its id travels in every value it sealed. */
    public record Key(String id, SecretKeySpec key) {
        @Override
        public String toString() {
            return "Key[" + id + "]";
        }
    }

    private final Map<String, Key> keys;
    private final Key current;

    private Keyring(List<Key> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("A keyring needs at least one key");
        }
        this.keys = new LinkedHashMap<>();
        keys.forEach(k -> this.keys.put(k.id(), k));
        this.current = keys.get(0);
    }

    /** Reads a keyring from its text form; the message of a failure never quotes key material. */
    public static Keyring parse(String text) {
        List<Key> keys = new ArrayList<>();
        int line = 0;
        for (String raw : text.split("\\R")) {
            line++;
            String entry = raw.trim();
            if (entry.isEmpty() || entry.startsWith("#")) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("Keyring line " + line + " is not id=base64-key");
            }
            String id = entry.substring(0, eq).trim();
            if (!id.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("Keyring line " + line + ": a key id has only letters, digits, '.', '_' and '-'");
            }
            byte[] material;
            try {
                material = Base64.getDecoder().decode(entry.substring(eq + 1).trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Keyring line " + line + ": the key is not base64");
            }
            if (material.length != 32) {
                throw new IllegalArgumentException("Keyring line " + line + ": a key is 32 bytes (AES-256), not " + material.length);
            }
            keys.add(new Key(id, new SecretKeySpec(material, "AES")));
        }
        return new Keyring(keys);
    }

    /** Reads the keyring file, creating it with one new key (readable by its owner only) when it does not exist. */
    public static Keyring loadOrCreate(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                String text = "# Keys that seal secret connector config values. The first seals; keep older ones to open old values.\n"
                        + newKeyLine() + "\n";
                Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system
                }
            }
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the secrets keyring " + file, e);
        }
    }

    /** Prints a line for a new random key, to put first in a keyring when rotating. */
    public static void main(String[] args) {
        System.out.println(newKeyLine());
    }

    /** A line for a new random key, {@code id=base64}. */
    public static String newKeyLine() {
        byte[] material = new byte[32];
        SecureRandom random = new SecureRandom();
        random.nextBytes(material);
        byte[] id = new byte[4];
        random.nextBytes(id);
        return "k" + HexFormat.of().formatHex(id) + "=" + Base64.getEncoder().encodeToString(material);
    }

    public Key current() {
        return current;
    }

    /** Every key, the current one first. */
    public Collection<Key> all() {
        return Collections.unmodifiableCollection(keys.values());
    }

    public Optional<Key> byId(String id) {
        return Optional.ofNullable(keys.get(id));
    }

    @Override
    public String toString() {
        return "Keyring" + keys.keySet();
    }
}
