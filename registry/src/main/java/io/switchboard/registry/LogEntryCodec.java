package io.switchboard.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Log entries as JSON keys and values. A config entry is keyed by its subject, so compaction keeps the
 * latest level of each subject; every other entry is keyed by its nonce, so compaction never drops a
 * schema proposal and replaying the topic gives the same state as reading it live.
 */
final class LogEntryCodec {
    private static final int FORMAT = 1;

    private final ObjectMapper json = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    byte[] key(LogEntry entry) {
        ObjectNode key = json.createObjectNode().put("keytype", entry.type().name());
        if (entry.type() == LogEntry.Type.CONFIG) {
            key.put("subject", entry.subject());
        } else {
            key.put("nonce", entry.nonce());
        }
        key.put("format", FORMAT);
        return bytes(key);
    }

    byte[] value(LogEntry entry) {
        try {
            return json.writeValueAsBytes(entry);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The entry of a record's value; null for a record this registry does not understand. */
    LogEntry decode(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            JsonNode node = json.readTree(value);
            if (node == null || !node.isObject() || !node.path("type").isTextual() || !node.path("nonce").isTextual()) {
                return null;
            }
            return json.treeToValue(node, LogEntry.class);
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private byte[] bytes(JsonNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
