package io.switchboard.core;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretKeysTest {

    @Test
    void secretKeysAreRecognisedByName() {
        for (String key : new String[]{"database.password", "password", "sasl.jaas.secret", "aws.secret.access.key",
                "api.key", "confluent.apiKey", "gcp.credentials.json", "private.key", "auth.token"}) {
            assertTrue(SecretKeys.isSecret(key), key);
        }
        for (String key : new String[]{"topic", "tasks.max", "connector.class", "file", "key.converter", "tokenizer.mode"}) {
            assertFalse(SecretKeys.isSecret(key), key);
        }
    }

    @Test
    void valuesAreHiddenButPlaceholdersAreNot() {
        assertEquals(SecretKeys.REDACTED, SecretKeys.redact("database.password", "hunter2"));
        assertEquals("${file:/secrets.properties:db.password}",
                SecretKeys.redact("database.password", "${file:/secrets.properties:db.password}"));
        assertEquals("orders", SecretKeys.redact("topic", "orders"));
        assertFalse(SecretKeys.redacted(Map.of("database.password", "hunter2")).toString().contains("hunter2"));
    }
}
