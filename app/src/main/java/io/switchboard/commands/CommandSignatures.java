package io.switchboard.commands;

import io.switchboard.kafkaio.RecordSignatures;
import io.switchboard.secrets.Keyring;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How replicas sign the commands they write and the processor checks them: with a key derived from
 * each key of the secrets keyring (HMAC-SHA256 of the keyring key over {@value #PURPOSE}), named by
 * the keyring key's id. Every replica holds the same keyring, so every replica signs and verifies
 * alike without reading anything; the keyring's first key signs, and a key id removed from the
 * keyring no longer verifies what it signed.
 */
public final class CommandSignatures {
    /**
     * What the keyring's keys are derived for: a derived key signs commands and nothing else. Version 2
     * signs every header too (the issue time among them): what version 1 signed does not verify.
     */
    static final String PURPOSE = "switchboard command signing v2";

    private CommandSignatures() {
    }

    /** The signatures of commands under this keyring. */
    public static RecordSignatures of(Keyring keyring) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (Keyring.Key key : keyring.all()) {
            keys.put(key.id(), key.key().getEncoded());
        }
        return RecordSignatures.derived(keys, PURPOSE);
    }
}
