package io.switchboard.worker;

import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.provider.ConfigProvider;

import java.util.Map;
import java.util.Set;

/**
 * A Kafka Connect config provider that opens values Switchboard sealed: the worker stores and
 * shows {@code ${switchboard:KEY-ID:CIPHERTEXT}} and hands the connector the real value when it
 * starts. Configured on the embedded worker with {@code config.providers=switchboard},
 * {@code config.providers.switchboard.class=io.switchboard.worker.SecretConfigProvider},
 * {@code ...param.replica.url} and {@code ...param.token}: the replica's secrets channel
 * ({@link SecretsChannelClient}), which opens them with a keyring the worker never holds.
 */
public final class SecretConfigProvider implements ConfigProvider {
    private String replicaUrl;
    private String token;

    @Override
    public void configure(Map<String, ?> configs) {
        Object url = configs.get("replica.url");
        Object given = configs.get("token");
        if (url == null || given == null) {
            throw new IllegalStateException("The switchboard config provider needs replica.url and token");
        }
        replicaUrl = url.toString();
        token = given.toString();
    }

    @Override
    public ConfigData get(String path) {
        return new ConfigData(Map.of());
    }

    /** path: the key id; keys: ciphertexts. */
    @Override
    public ConfigData get(String path, Set<String> keys) {
        Map<String, String> opened = SecretsChannelClient.open(replicaUrl, token, SecretsChannelClient.SEALED, path, keys);
        opened.values().forEach(ResolvedSecrets::remember);
        return new ConfigData(opened);
    }

    @Override
    public void close() {
        // nothing held
    }
}
