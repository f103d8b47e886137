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

    /** --secret-key-patterns adds to the built-in rule: passwords stay secret whatever globs are given. */
    @Test
    void operatorGlobsAddToTheBuiltInRule() {
        SecretKeys keys = SecretKeys.fromGlobs("*.pass,*dsn*");
        for (String key : new String[]{"db.pass", "mongo.dsn.url", "database.password", "api.key", "auth.token", "gcp.credentials"}) {
            assertTrue(keys.matches(key), key);
        }
        assertFalse(keys.matches("topic"));
        assertEquals(SecretKeys.REDACTED, keys.hide("database.password", "hunter2"));
        assertTrue(keys.toString().contains("built-in"), keys.toString());
        assertEquals(SecretKeys.DEFAULT, SecretKeys.fromGlobs(" , "));
    }

    /** Only a value that is exactly one reference is a placeholder, shown as it is. */
    @Test
    void aValueShapedLikeAPlaceholderIsHidden() {
        assertEquals(SecretKeys.REDACTED, SecretKeys.redact("db.password", "${env:X}hunter2}"));
        assertEquals(SecretKeys.REDACTED, SecretKeys.redact("db.password", "${env:X}${env:Y}"));
        assertEquals(SecretKeys.REDACTED, SecretKeys.redact("db.password", "${nocolon}"));
        assertEquals("${env:X}", SecretKeys.redact("db.password", "${env:X}"));
        assertEquals("${secretsManager:x:NAME}", SecretKeys.redact("db.password", "${secretsManager:x:NAME}"));
        assertFalse(SecretKeys.isPlaceholder("${env:X}hunter2}"));
        assertFalse(SecretKeys.isPlaceholder("${switchboard:k1:abc}"), "a sealed value is not a placeholder");
    }
}
