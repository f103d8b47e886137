package io.switchboard.core;

import io.switchboard.secrets.Redactor;
import io.switchboard.secrets.Keyring;
import io.switchboard.secrets.SecretBox;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every secret rule reads references as a worker does (ConfigReferences): both forms of a named secret, and whole values only as placeholders. */
class ConnectorSecretsTest {
    private final SecretBox box = new SecretBox(Keyring.parse(Keyring.newKeyLine()));
    private final ConnectorSecrets secrets = new ConnectorSecrets(box, Redactor.DEFAULT);
    private final Map<String, String> store = Map.of("LEAK2", "s3cr3t-value-42", "PW", "named-pw");

    @Test
    void theThreePartFormOfANamedSecretIsScrubbedCheckedAndRefused() {
        Map<String, String> config = Map.of("connector.class", "FileStreamSink", "file", "/nonexistent-dir/${secretsManager:x:LEAK2}");
        assertEquals(Set.of("s3cr3t-value-42"), secrets.quotable(config, name -> Optional.ofNullable(store.get(name))));
        assertEquals(Set.of("LEAK2"), NamedSecrets.references(config), "the in-use check and requireKnown see it");
        ServiceException.InvalidRequest refused = assertThrows(ServiceException.InvalidRequest.class,
                () -> secrets.requireDeliverable("ext", config, false));
        assertTrue(refused.getMessage().contains("cannot open"), refused.getMessage());
        assertDoesNotThrow(() -> secrets.requireDeliverable("default", config, true));
    }

    @Test
    void aPlaceholderShapedSecretIsSealedHiddenAndScrubbed() {
        Map<String, String> config = Map.of("connector.class", "X", "db.password", "${env:X}hunter2}", "api.token", "${env:TOKEN}");
        Map<String, String> sealed = secrets.seal(config, Set.of(), Map.of());
        assertTrue(SecretBox.isSealed(sealed.get("db.password")), sealed.toString());
        assertEquals("${env:X}hunter2}", box.open(sealed.get("db.password")));
        assertEquals("${env:TOKEN}", sealed.get("api.token"), "a placeholder passes untouched");
        assertEquals(Redactor.MASK, secrets.hidden(config).get("db.password"));
        assertEquals(Redactor.MASK, secrets.hidden(sealed).get("db.password"));
        assertTrue(secrets.quotable(config, name -> Optional.empty()).contains("${env:X}hunter2}"));
        assertTrue(secrets.quotable(sealed, name -> Optional.empty()).contains("${env:X}hunter2}"));
        assertThrows(ServiceException.InvalidRequest.class, () -> secrets.requireDeliverable("ext", sealed, false));
    }

    /** Before anything goes to a worker that cannot open secrets: plain secrets by name or declared PASSWORD are refused. */
    @Test
    void beforeSendingRefusesPlainSecretsForWorkersThatCannotOpenThem() {
        Map<String, String> byName = Map.of("connector.class", "X", "db.password", "hunter2");
        assertThrows(ServiceException.InvalidRequest.class, () -> secrets.beforeSending("ext", byName, false).accept(Set.of()));
        Map<String, String> declared = Map.of("connector.class", "X", "echo.phrase", "hunter2");
        assertDoesNotThrow(() -> secrets.beforeSending("ext", declared, false).accept(Set.of()));
        assertThrows(ServiceException.InvalidRequest.class, () -> secrets.beforeSending("ext", declared, false).accept(Set.of("echo.phrase")));
        Map<String, String> placeholder = Map.of("connector.class", "X", "db.password", "${file:/etc/creds:pw}");
        assertDoesNotThrow(() -> secrets.beforeSending("ext", placeholder, false).accept(Set.of()));
        assertEquals(null, secrets.beforeSending("default", byName, true), "nothing to check for workers that open secrets");
    }

    @Test
    void anEmbeddedSealedValueIsHiddenAndOpenedForScrubbing() {
        String sealed = box.seal("file", "hidden-path");
        Map<String, String> config = Map.of("file", "/dir/" + sealed);
        assertEquals(Redactor.MASK, secrets.hidden(config).get("file"));
        assertTrue(secrets.quotable(config, name -> Optional.empty()).contains("hidden-path"));
        assertFalse(secrets.quotable(config, name -> Optional.empty()).contains("/dir/"));
    }

    /** N10: a viewer's trace has the config's values hidden, but for the connector's name and short words. */
    @Test
    void aViewersTraceHasTheConfigValuesHidden() {
        Map<String, String> config = Map.of("name", "sink-one", "file", "/nonexistent-dir/${secretsManager:x:LEAK2}",
                "topics", "orders-topic", "tasks.max", "1");
        String trace = "ConnectException: Couldn't find or create file '/nonexistent-dir/****************' for sink-one"
                + " reading orders-topic\n\tat Task.start(Task.java:1)";
        String shown = Visibility.KEYS_ONLY.shapeText(trace, config);
        assertFalse(shown.contains("/nonexistent-dir/"), shown);
        assertFalse(shown.contains("orders-topic"), shown);
        assertTrue(shown.contains("sink-one"), shown);
        assertTrue(shown.contains("Task.java:1"), shown);
        assertEquals(trace, Visibility.FULL.shapeText(trace, config));
    }

    /** N10: what a worker quotes changed (case, a host parsed out of a URL, one item of a list) and short words are hidden too. */
    @Test
    void aViewersTraceHasTransformedAndShortValuesHidden() {
        Map<String, String> config = Map.of("name", "pg-sink", "connection.url", "jdbc:postgresql://db-7.payments.internal:5432/ledger",
                "topics", "orders-eu,orders-us", "db.name", "pay", "tasks.max", "1");
        String trace = "PSQLException: Connection to DB-7.PAYMENTS.INTERNAL refused; database \"ledger\" for orders-us; role pay"
                + " denied\n\tat Task.start(Task.java:1) for pg-sink (repayment)";
        String shown = Visibility.KEYS_ONLY.shapeText(trace, config);
        assertFalse(shown.toLowerCase(java.util.Locale.ROOT).contains("db-7.payments.internal"), shown);
        assertFalse(shown.contains("ledger"), shown);
        assertFalse(shown.contains("orders-us"), shown);
        assertFalse(shown.contains("role pay "), shown);
        assertTrue(shown.contains("(repayment)"), () -> "a short value hidden inside a longer word: " + shown);
        assertTrue(shown.contains("Task.java:1") && shown.contains("pg-sink"), shown);
    }

    /** G6: a sealed text given is kept only when the connector holds it already; one copied from elsewhere is refused. */
    @Test
    void aSealedValueIsKeptNeverGiven() {
        String held = box.seal("db.password", "the connector's own");
        String copied = box.seal("db.password", "another connector's, or the control plane's");
        Map<String, String> current = Map.of("connector.class", "X", "db.password", held);
        assertDoesNotThrow(() -> secrets.requireHeld(Map.of("db.password", held), () -> current), "sent back unchanged");
        ServiceException.InvalidRequest refused = assertThrows(ServiceException.InvalidRequest.class,
                () -> secrets.requireHeld(Map.of("database.password", copied), () -> current));
        assertTrue(refused.getMessage().contains("never given"), refused.getMessage());
        assertFalse(refused.getMessage().contains(copied.substring(SecretBox.PREFIX.length())), "the refusal quotes no ciphertext");
        assertThrows(ServiceException.InvalidRequest.class, () -> secrets.requireHeld(Map.of("url", "jdbc:x?p=" + copied), Map::of),
                "inside a longer value too, and with no connector at all (a validation)");
        assertDoesNotThrow(() -> secrets.requireHeld(Map.of("db.password", "plain"), () -> {
            throw new AssertionError("the current config is read only when a sealed value is given");
        }));
    }
}
