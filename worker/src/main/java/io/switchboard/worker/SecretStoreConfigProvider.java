package io.switchboard.worker;

import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.provider.ConfigProvider;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A Kafka Connect config provider that opens named secrets: a connector config value
 * {@code ${secretsManager:NAME}} becomes the value of secret NAME of the worker's Connect cluster
 * when the connector starts. The provider has no paths: {@code ${secretsManager:PATH:NAME}} (Kafka
 * Connect's three-part form) opens NAME too, whatever PATH is, and Switchboard's secret rules read
 * it as a reference to NAME ({@code ConfigReferences.namedSecrets}). For the embedded worker:
 * configured with {@code config.providers.secretsManager.class=io.switchboard.worker.SecretStoreConfigProvider},
 * {@code ...param.replica.url} and {@code ...param.token}, the replica's secrets channel ({@link SecretsChannelClient}),
 * which opens the named secrets of the worker's cluster only.
 */
public final class SecretStoreConfigProvider implements ConfigProvider {
    private String replicaUrl;
    private String token;

    @Override
    public void configure(Map<String, ?> configs) {
        Object url = configs.get("replica.url");
        Object given = configs.get("token");
        if (url == null || given == null) {
            throw new IllegalStateException("The secretsManager config provider needs replica.url and token");
        }
        replicaUrl = url.toString();
        token = given.toString();
    }

    @Override
    public ConfigData get(String path) {
        return new ConfigData(Map.of());
    }

    /**
     * keys: secret names; a name the cluster does not have is left out (Kafka Connect then keeps the
     * text). path: ignored, as {@code ConfigReferences.namedSecrets} reads it.
     */
    @Override
    public ConfigData get(String path, Set<String> keys) {
        Map<String, String> opened = new HashMap<>(SecretsChannelClient.open(replicaUrl, token, SecretsChannelClient.NAMED, "", keys));
        opened.values().forEach(ResolvedSecrets::remember);
        return new ConfigData(opened);
    }

    @Override
    public void close() {
        // nothing held
    }
}
