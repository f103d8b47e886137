package io.switchboard.processor;

import io.switchboard.rules.DecisionReasons;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.Outcome;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The first decision for each (connector, Idempotency-Key), kept in the idempotency store for
 * {@link #RETENTION}: a command that repeats a key is answered with that decision again instead of
 * being decided anew, and one that reuses a key for a different request is refused.
 */
final class IdempotentAnswers {
    static final Duration RETENTION = Duration.ofHours(24);
    /** Fields that say how a request was checked, not what it asks: the same request sent again may differ in them. */
    private static final Set<String> NOT_ASKED = Set.of("baseVersion");
    private final KeyValueStore<String, CommandDecision> store;

    IdempotentAnswers(KeyValueStore<String, CommandDecision> store) {
        this.store = store;
    }

    private static String storeKey(String connectorKey, String idempotencyKey) {
        return connectorKey + "\u0000" + idempotencyKey;
    }

    /** The answer for a command whose key was seen before, or null when it must be decided. */
    CommandDecision replay(String connectorKey, ConnectorCommand command) {
        if (command.getIdempotencyKey() == null) {
            return null;
        }
        CommandDecision first = store.get(storeKey(connectorKey, command.getIdempotencyKey()));
        if (first == null) {
            return null;
        }
        if (fingerprint(command).equals(first.getRequestFingerprint())) {
            return CommandDecision.newBuilder(first).setCommandId(command.getCommandId()).setReplayed(true).build();
        }
        return CommandDecision.newBuilder()
                .setCommandId(command.getCommandId())
                .setCluster(command.getCluster())
                .setConnector(command.getConnector())
                .setOutcome(Outcome.IDEMPOTENCY_CONFLICT)
                .setReason(DecisionReasons.IDEMPOTENCY_KEY_REUSED)
                .setMessage("Idempotency-Key " + command.getIdempotencyKey() + " was already used for a different request to connector "
                        + command.getConnector())
                .setIssuedAt(command.getIssuedAt())
                .build();
    }

    /** Keeps a decision as the answer to its command's idempotency key, if it has one. */
    CommandDecision remember(String connectorKey, ConnectorCommand command, CommandDecision decided) {
        if (command.getIdempotencyKey() == null || DecisionReasons.CHANGED_MEANWHILE.equals(decided.getReason())) {
            // A patch refused as validated against an old version is sent again by the API under the same key.
            return decided;
        }
        CommandDecision kept = CommandDecision.newBuilder(decided)
                .setRequestFingerprint(fingerprint(command))
                .setIssuedAt(command.getIssuedAt())
                .build();
        store.put(storeKey(connectorKey, command.getIdempotencyKey()), kept);
        return kept;
    }

    /** Forgets answers to commands issued more than {@link #RETENTION} before {@code now}. */
    void forgetBefore(long now) {
        long cutoff = now - RETENTION.toMillis();
        List<String> old = new ArrayList<>();
        try (KeyValueIterator<String, CommandDecision> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, CommandDecision> entry = all.next();
                Long issued = entry.value.getIssuedAt();
                if (issued != null && issued < cutoff) {
                    old.add(entry.key);
                }
            }
        }
        old.forEach(store::delete);
    }

    /** A digest of what the command asks, independent of map order. */
    static String fingerprint(ConnectorCommand command) {
        String canonical = command.getAction().getClass().getSimpleName() + canonical(command.getAction());
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String canonical(Object value) {
        if (value instanceof SpecificRecord record) {
            StringBuilder out = new StringBuilder("{");
            for (Schema.Field field : record.getSchema().getFields()) {
                if (NOT_ASKED.contains(field.name())) {
                    continue;
                }
                out.append(field.name()).append('=').append(canonical(record.get(field.pos()))).append(';');
            }
            return out.append('}').toString();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, String> sorted = new TreeMap<>();
            map.forEach((k, v) -> sorted.put(String.valueOf(k), canonical(v)));
            return sorted.toString();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(IdempotentAnswers::canonical).toList().toString();
        }
        return value == null ? "null" : "\"" + value + "\"";
    }
}
