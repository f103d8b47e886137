package io.switchboard.secrets;

import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.provider.ConfigProvider;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Kafka Connect config provider that opens named secrets: a connector config value
 * {@code ${secretsManager:NAME}} becomes the value of secret NAME of the worker's Connect cluster
 * when the connector starts. The provider has no paths: {@code ${secretsManager:PATH:NAME}} (Kafka
 * Connect's three-part form) opens NAME too, whatever PATH is, and Switchboard's secret rules read
 * it as a reference to NAME ({@link ConfigReferences#namedSecrets}). For a worker in Switchboard's own process: configured with
 * {@code config.providers.secretsManager.class=io.switchboard.secrets.SecretStoreConfigProvider},
 * {@code ...param.store.handle} naming the replica's store and {@code ...param.cluster}.
 */
public final class SecretStoreConfigProvider implements ConfigProvider {
    private static final Map<String, SecretStore> IN_PROCESS = new ConcurrentHashMap<>();
    private SecretStore store;
    private String cluster;

    /** Makes a store known to workers in this process under a handle; answers the handle. */
    public static String register(String handle, SecretStore store) {
        IN_PROCESS.put(handle, store);
        return handle;
    }

    @Override
    public void configure(Map<String, ?> configs) {
        Object handle = configs.get("store.handle");
        Object named = configs.get("cluster");
        store = handle == null ? null : IN_PROCESS.get(handle.toString());
        if (store == null || named == null) {
            throw new IllegalStateException("The secretsManager config provider needs store.handle and cluster");
        }
        cluster = named.toString();
    }

    @Override
    public ConfigData get(String path) {
        return new ConfigData(Map.of());
    }

    /**
     * keys: secret names; a name the cluster does not have is left out (Kafka Connect then keeps the
     * text). path: ignored, as {@link ConfigReferences#namedSecrets} reads it.
     */
    @Override
    public ConfigData get(String path, Set<String> keys) {
        Map<String, String> opened = new HashMap<>();
        for (String name : keys) {
            store.open(cluster, name).ifPresent(value -> {
                ResolvedSecrets.remember(value);
                opened.put(name, value);
            });
        }
        return new ConfigData(opened);
    }

    @Override
    public void close() {
    }
}
