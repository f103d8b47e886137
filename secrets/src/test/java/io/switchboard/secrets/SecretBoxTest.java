package io.switchboard.secrets;

import io.switchboard.worker.SecretConfigProvider;
import io.switchboard.worker.SecretStoreConfigProvider;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretBoxTest {
    private final String oldLine = Keyring.newKeyLine();
    private final String newLine = Keyring.newKeyLine();

    @Test
    void sealingIsDeterministicPerKeyNameAndOpensBack() {
        SecretBox box = new SecretBox(Keyring.parse(oldLine));
        String sealed = box.seal("db.password", "hunter2");
        assertTrue(SecretBox.isSealed(sealed), sealed);
        assertFalse(sealed.contains("hunter2"));
        assertEquals(sealed, box.seal("db.password", "hunter2"), "the same value seals the same way");
        assertNotEquals(sealed, box.seal("other.password", "hunter2"));
        assertNotEquals(sealed, box.seal("db.password", "hunter3"));
        assertEquals("hunter2", box.open(sealed));
        assertEquals(oldLine.substring(0, oldLine.indexOf('=')), SecretBox.keyIdOf(sealed));
    }

    @Test
    void aRotatedKeyringSealsWithTheNewKeyAndOpensWithBoth() {
        String sealedOld = new SecretBox(Keyring.parse(oldLine)).seal("k", "v1");
        SecretBox rotated = new SecretBox(Keyring.parse("# rotated\n" + newLine + "\n" + oldLine + "\n"));
        assertEquals("v1", rotated.open(sealedOld));
        String sealedNew = rotated.seal("k", "v1");
        assertEquals(newLine.substring(0, newLine.indexOf('=')), SecretBox.keyIdOf(sealedNew));
        SecretBox withoutOld = new SecretBox(Keyring.parse(newLine));
        SecretBox.SecretException gone = assertThrows(SecretBox.SecretException.class, () -> withoutOld.open(sealedOld));
        assertFalse(gone.getMessage().contains("v1"));
    }

    @Test
    void alteredOrMalformedValuesDoNotOpen() {
        SecretBox box = new SecretBox(Keyring.parse(oldLine));
        String sealed = box.seal("k", "value");
        int at = sealed.lastIndexOf(':') + 3;
        String altered = sealed.substring(0, at) + (sealed.charAt(at) == 'A' ? 'B' : 'A') + sealed.substring(at + 1);
        assertThrows(SecretBox.SecretException.class, () -> box.open(altered));
        assertThrows(SecretBox.SecretException.class, () -> box.open("${switchboard:nokey}"));
        assertThrows(SecretBox.SecretException.class, () -> box.open("plain"));
        assertThrows(SecretBox.SecretException.class, () -> box.open(SecretBox.PREFIX + "x:!!!}"));
    }

    @Test
    void keyringsRefuseBadLinesWithoutQuotingThem() {
        for (String bad : new String[]{"", "# only a comment", "nokey", "id=notbase64!!", "id=" + "QUJD", "bad id=" + oldLine.split("=", 2)[1]}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Keyring.parse(bad), bad);
            assertFalse(bad.length() > 8 && e.getMessage().contains(bad.substring(bad.indexOf('=') + 1)), e.getMessage());
        }
    }

    @Test
    void theConfigProviderOpensWhatTheBoxSealed() {
        Keyring keyring = Keyring.parse(oldLine);
        String sealed = new SecretBox(keyring).seal("k", "opened by the worker");
        String body = sealed.substring(SecretBox.PREFIX.length(), sealed.length() - 1);
        String id = body.substring(0, body.indexOf(':'));
        String ciphertext = body.substring(body.indexOf(':') + 1);
        try (WorkerSecretsChannel channel = WorkerSecretsChannel.start(new SecretBox(keyring), name -> java.util.Optional.empty())) {
            SecretConfigProvider provider = new SecretConfigProvider();
            provider.configure(Map.of("replica.url", channel.url(), "token", channel.token()));
            assertEquals("opened by the worker", provider.get(id, Set.of(ciphertext)).data().get(ciphertext));
            assertEquals(Map.of(), provider.get(id, Set.of("not-a-ciphertext")).data(), "what does not open is left out");
        }
    }

    @Test
    void theChannelOpensForItsOwnWorkerOnlyAndNamedSecretsOfItsCluster() {
        Keyring keyring = Keyring.parse(oldLine);
        try (WorkerSecretsChannel channel = WorkerSecretsChannel.start(new SecretBox(keyring),
                name -> "DB".equals(name) ? java.util.Optional.of("named value") : java.util.Optional.empty())) {
            assertTrue(channel.url().startsWith("http://127.0.0.1:"), channel.url());
            SecretStoreConfigProvider named = new SecretStoreConfigProvider();
            named.configure(Map.of("replica.url", channel.url(), "token", channel.token()));
            assertEquals(Map.of("DB", "named value"), named.get("", Set.of("DB", "OTHER")).data());
            SecretStoreConfigProvider forged = new SecretStoreConfigProvider();
            forged.configure(Map.of("replica.url", channel.url(), "token", channel.token().substring(1) + "A"));
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> forged.get("", Set.of("DB")));
            assertTrue(refused.getMessage().contains("401"), refused.getMessage());
        }
    }

    @Test
    void whatIsSealedForTheControlPlaneOpensForItsPurposeOnlyAndNeverThroughTheWorkersChannel() {
        Keyring keyring = Keyring.parse(oldLine);
        SecretBox box = new SecretBox(keyring);
        String session = box.sealFor("switchboard replica session key", "the session key");
        assertEquals("the session key", box.openFor("switchboard replica session key", session));
        assertThrows(SecretBox.SecretException.class, () -> box.openFor("another purpose", session));
        // The same key sealed before purposes existed (still in a replica-keys topic) opens for the replica, not for a worker.
        String legacy = box.seal(SecretBox.LEGACY_SESSION_KEY_FIELD, "the session key");
        assertEquals("the session key", box.openFor("switchboard replica session key", legacy));
        String connectorValue = box.seal("database.password", "the session key");
        for (String sealed : List.of(session, legacy, connectorValue)) {
            String body = sealed.substring(SecretBox.PREFIX.length(), sealed.length() - 1);
            String id = body.substring(0, body.indexOf(':'));
            String ciphertext = body.substring(body.indexOf(':') + 1);
            try (WorkerSecretsChannel channel = WorkerSecretsChannel.start(box, name -> java.util.Optional.empty())) {
                SecretConfigProvider provider = new SecretConfigProvider();
                provider.configure(Map.of("replica.url", channel.url(), "token", channel.token()));
                Map<String, String> opened = provider.get(id, Set.of(ciphertext)).data();
                if (sealed.equals(connectorValue)) {
                    assertEquals("the session key", opened.get(ciphertext), "a connector's value opens");
                } else {
                    assertEquals(Map.of(), opened, "the channel opens nothing sealed for the control plane: " + sealed);
                }
            }
        }
    }
}
