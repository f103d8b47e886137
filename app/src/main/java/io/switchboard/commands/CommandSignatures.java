package io.switchboard.commands;

import io.switchboard.kafkaio.KeyPurpose;
import io.switchboard.kafkaio.RecordRefusals;
import io.switchboard.kafkaio.RecordSignatures;
import io.switchboard.kafkaio.Topics;
import io.switchboard.processor.CommandRefusals;
import io.switchboard.processor.TopologySigning;
import io.switchboard.schemas.SignedStates;
import io.switchboard.secrets.Keyring;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How replicas sign the commands they write and the processor checks them (and how the processor signs the
 * states it stores, which the data plane checks: {@link #states}; and the other records replicas act on:
 * {@link #records}): with a key derived from
 * each key of the secrets keyring (HMAC-SHA256 of the keyring key over {@link KeyPurpose#COMMANDS}'s text), named by
 * the keyring key's id. Every replica holds the same keyring, so every replica signs and verifies
 * alike without reading anything; the keyring's first key signs, and a key id removed from the
 * keyring no longer verifies what it signed.
 */
public final class CommandSignatures {
    private CommandSignatures() {
    }

    /** The signatures of the connectors store's states under this keyring, for its changelog {@code changelog}. */
    public static SignedStates states(Keyring keyring, String changelog) {
        return new SignedStates(RecordSignatures.derived(baseKeys(keyring), KeyPurpose.STATES), changelog);
    }

    private static Map<String, byte[]> baseKeys(Keyring keyring) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (Keyring.Key key : keyring.all()) {
            keys.put(key.id(), key.key().getEncoded());
        }
        return keys;
    }

    /** The signatures of decisions, policies, policy versions and observations under this keyring. */
    public static RecordSignatures records(Keyring keyring) {
        return RecordSignatures.derived(baseKeys(keyring), KeyPurpose.RECORDS);
    }

    /** The signatures of commands under this keyring. */
    /** Every signature the command topology makes and checks, from the keyring's keys, with counters of what it refuses. */
    public static TopologySigning forTopology(Keyring keyring, Topics topics) {
        return new TopologySigning(of(keyring), states(keyring, topics.connectorsChangelog()), records(keyring), new RecordRefusals(),
                new CommandRefusals());
    }

    public static RecordSignatures of(Keyring keyring) {
        return RecordSignatures.derived(baseKeys(keyring), KeyPurpose.COMMANDS);
    }
}
