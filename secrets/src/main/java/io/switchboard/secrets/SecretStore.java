package io.switchboard.secrets;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Named secrets per Connect cluster, with their values sealed by the keyring: what is stored never
 * holds a value in plain text. The store keeps every secret in memory, keyed {@code <cluster>/<name>},
 * as its log's records give them ({@link #applyRecord}); only {@link #open} gives a value back, for
 * the worker that needs it. Where the log lives, and how one change at a time is decided against
 * every change before it, is its adapter's ({@code KafkaSecretStore}: a compacted topic with one
 * transactional writer).
 */
public abstract class SecretStore implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A secret as stored: its value sealed, never in plain text. */
    public record StoredSecret(String cluster, String name, Map<String, String> labels,
                               @JsonProperty("sealed") String sealedValue, long createdAt, long updatedAt) {
    }

    /**
     * How a secret changes, decided against the secret as the whole log has it (null: there is
     * none). Answers the secret to write, or null to delete it; throws to refuse, and then nothing
     * is written. It may be called again (after another replica wrote), so it must not act.
     */
    @FunctionalInterface
    public interface Change {
        StoredSecret decide(StoredSecret current);
    }

    /** The store cannot be read or written now. */
    public static final class StoreUnavailable extends RuntimeException {
        public StoreUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final SecretBox box;
    private final Map<String, StoredSecret> secrets = new ConcurrentHashMap<>();

    protected SecretStore(SecretBox box) {
        this.box = box;
    }

    public Optional<StoredSecret> get(String cluster, String name) {
        return Optional.ofNullable(secrets.get(key(cluster, name)));
    }

    /** The cluster's secrets, by name. */
    public List<StoredSecret> list(String cluster) {
        Map<String, StoredSecret> sorted = new TreeMap<>();
        secrets.values().stream().filter(s -> s.cluster().equals(cluster)).forEach(s -> sorted.put(s.name(), s));
        return new ArrayList<>(sorted.values());
    }

    /** A secret with this value sealed: a new one ({@code current} null), or a new value and labels for {@code current}. */
    public StoredSecret sealed(String cluster, String name, Map<String, String> labels, String value, StoredSecret current, long now) {
        return new StoredSecret(cluster, name, Map.copyOf(labels), box.seal("secret:" + cluster + "/" + name, value),
                current == null ? now : current.createdAt(), now);
    }

    /** The secret's value in plain text, for the worker that starts a connector using it; empty when there is none. */
    public Optional<String> open(String cluster, String name) {
        return get(cluster, name).map(s -> box.open(s.sealedValue()));
    }

    /**
     * Decides a change of one secret against every record written before it, by any replica, and
     * writes what it decided; answers what was written (null: deleted) once this replica reads it.
     * What {@code change} throws is thrown, and nothing is written.
     */
    public abstract StoredSecret change(String cluster, String name, Change change);

    /**
     * Waits (bounded) until this replica has read every secret the log holds now: before a worker
     * that opens secrets with it starts its connectors. Throws {@link StoreUnavailable} past the bound.
     */
    public abstract void awaitCaughtUp();

    @Override
    public abstract void close();

    /** The secret as the store has read it so far (null: none), for a change to decide against. */
    protected final StoredSecret current(String key) {
        return secrets.get(key);
    }

    /**
     * One record of the log: a secret ({@link #encode}d) under its key, or a tombstone (null).
     * Answers false for a record that is not a secret, which is skipped.
     */
    protected final boolean applyRecord(String key, String value) {
        if (value == null) {
            secrets.remove(key);
            return true;
        }
        try {
            secrets.put(key, JSON.readValue(value, StoredSecret.class));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A secret as its log's record holds it. */
    protected static String encode(StoredSecret secret) {
        try {
            return JSON.writeValueAsString(secret);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key of a secret in the log: {@code <cluster>/<name>}. */
    protected static String key(String cluster, String name) {
        return cluster + "/" + name;
    }
}
