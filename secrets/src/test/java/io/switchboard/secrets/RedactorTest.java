package io.switchboard.secrets;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedactorTest {

    @Test
    void secretKeysAreRecognisedByName() {
        for (String key : new String[]{"database.password", "password", "sasl.jaas.secret", "aws.secret.access.key",
                "api.key", "confluent.apiKey", "gcp.credentials.json", "private.key", "auth.token"}) {
            assertTrue(Redactor.DEFAULT.matches(key), key);
        }
        for (String key : new String[]{"topic", "tasks.max", "connector.class", "file", "key.converter", "tokenizer.mode"}) {
            assertFalse(Redactor.DEFAULT.matches(key), key);
        }
    }

    @Test
    void valuesAreHiddenButPlaceholdersAreNot() {
        assertEquals(Redactor.MASK, Redactor.DEFAULT.hide("database.password", "hunter2"));
        assertEquals("${file:/secrets.properties:db.password}",
                Redactor.DEFAULT.hide("database.password", "${file:/secrets.properties:db.password}"));
        assertEquals("orders", Redactor.DEFAULT.hide("topic", "orders"));
        assertFalse(Redactor.DEFAULT.hideAll(Map.of("database.password", "hunter2")).toString().contains("hunter2"));
    }

    /** --secret-key-patterns adds to the built-in rule: passwords stay secret whatever globs are given. */
    @Test
    void operatorGlobsAddToTheBuiltInRule() {
        Redactor keys = Redactor.fromGlobs("*.pass,*dsn*");
        for (String key : new String[]{"db.pass", "mongo.dsn.url", "database.password", "api.key", "auth.token", "gcp.credentials"}) {
            assertTrue(keys.matches(key), key);
        }
        assertFalse(keys.matches("topic"));
        assertEquals(Redactor.MASK, keys.hide("database.password", "hunter2"));
        assertTrue(keys.toString().contains("built-in"), keys.toString());
        assertEquals(Redactor.DEFAULT, Redactor.fromGlobs(" , "));
    }

    /** Only a value that is exactly one reference is a placeholder, shown as it is. */
    @Test
    void aValueShapedLikeAPlaceholderIsHidden() {
        assertEquals(Redactor.MASK, Redactor.DEFAULT.hide("db.password", "${env:X}hunter2}"));
        assertEquals(Redactor.MASK, Redactor.DEFAULT.hide("db.password", "${env:X}${env:Y}"));
        assertEquals(Redactor.MASK, Redactor.DEFAULT.hide("db.password", "${nocolon}"));
        assertEquals("${env:X}", Redactor.DEFAULT.hide("db.password", "${env:X}"));
        assertEquals("${secretsManager:x:NAME}", Redactor.DEFAULT.hide("db.password", "${secretsManager:x:NAME}"));
        assertFalse(Redactor.isPlaceholder("${env:X}hunter2}"));
        assertFalse(Redactor.isPlaceholder("${switchboard:k1:abc}"), "a sealed value is not a placeholder");
    }
}
