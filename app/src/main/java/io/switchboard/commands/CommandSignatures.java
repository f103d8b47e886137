package io.switchboard.commands;

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

    /**
     * What the keyring's keys are derived for to sign the connectors store's states, and nothing else. Version 2
     * binds a state to its partition of the changelog and its sequence: what version 1 signed does not verify.
     */
    static final String STATES_PURPOSE = "switchboard state signing v2";

    /**
     * What the keyring's keys are derived for to sign the records replicas write for each other to act on,
     * and nothing else: decisions, the policies and their versions (the processor's), observations (the data
     * plane's). Each signature covers its topic's name, so one topic's record verifies on no other.
     */
    static final String RECORDS_PURPOSE = "switchboard record signing v1";

    private CommandSignatures() {
    }

    /** The signatures of the connectors store's states under this keyring, for its changelog {@code changelog}. */
    public static SignedStates states(Keyring keyring, String changelog) {
        return new SignedStates(RecordSignatures.derived(baseKeys(keyring), STATES_PURPOSE), changelog);
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
        return RecordSignatures.derived(baseKeys(keyring), RECORDS_PURPOSE);
    }

    /** The signatures of commands under this keyring. */
    /** Every signature the command topology makes and checks, from the keyring's keys, with counters of what it refuses. */
    public static TopologySigning forTopology(Keyring keyring, Topics topics) {
        return new TopologySigning(of(keyring), states(keyring, topics.connectorsChangelog()), records(keyring), new RecordRefusals(),
                new CommandRefusals());
    }

    public static RecordSignatures of(Keyring keyring) {
        return RecordSignatures.derived(baseKeys(keyring), PURPOSE);
    }
}
