package io.switchboard.core;

import io.switchboard.secrets.SecretBox;
import io.switchboard.secrets.SecretStore;

/**
 * The named secrets' store with its log in memory, for the unit tier: each change is decided
 * against every change before it, one at a time, as the Kafka adapter's one transactional writer
 * decides them.
 */
public final class InMemorySecretStore extends SecretStore {
    public InMemorySecretStore(SecretBox box) {
        super(box);
    }

    @Override
    public synchronized StoredSecret change(String cluster, String name, Change change) {
        String key = key(cluster, name);
        StoredSecret decided = change.decide(current(key));
        applyRecord(key, decided == null ? null : encode(decided));
        return decided;
    }

    @Override
    public void awaitCaughtUp() {
    }

    @Override
    public void close() {
    }
}
