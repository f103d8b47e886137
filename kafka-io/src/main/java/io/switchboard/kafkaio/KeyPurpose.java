package io.switchboard.kafkaio;

/**
 * Every purpose a key is derived for from the keyring's keys ({@link Hmacs#derive}), in one place, so
 * that no two uses share a derived key: a key derived for one purpose signs or opens nothing valid
 * for another. A purpose's text is part of every key derived for it: changing it invalidates all that
 * was signed with the old one (hence the versions in the texts).
 */
public enum KeyPurpose {
    /**
     * The replicas' signatures of the commands they write. Version 2 signs every header too (the issue
     * time among them): what version 1 signed does not verify.
     */
    COMMANDS("switchboard command signing v2"),
    /**
     * The processor's signatures of the states the connectors store holds. Version 2 binds a state to its
     * partition of the changelog and its sequence: what version 1 signed does not verify.
     */
    STATES("switchboard state signing v2"),
    /**
     * The signatures of the records replicas write for each other to act on: decisions, the policies and
     * their versions (the processor's), observations (the data plane's). Each signature covers its
     * topic's name, so one topic's record verifies on no other.
     */
    RECORDS("switchboard record signing v1"),
    /** The password with which replicas write schemas to the embedded schema registry. */
    REGISTRY_WRITES("switchboard schema registry writes v1"),
    /** The token with which a replica calls its embedded worker's REST API. */
    WORKER_REST("switchboard embedded worker REST v1"),
    /** The console's session cookies, under the replicas' shared session key. */
    CONSOLE_SESSIONS("switchboard console sessions v1"),
    /** The nonces of sealed values (a MAC of the field and the value). */
    SEALING_NONCES("switchboard-nonce");

    private final String text;

    KeyPurpose(String text) {
        this.text = text;
    }

    /** The text a key for this purpose is derived over. */
    public String text() {
        return text;
    }
}
