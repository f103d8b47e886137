package io.switchboard.secrets;

import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.provider.ConfigProvider;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A Kafka Connect config provider that opens values Switchboard sealed: the worker stores and
 * shows {@code ${switchboard:KEY-ID:CIPHERTEXT}} and hands the connector the real value when it
 * starts. Configured on a worker with {@code config.providers=switchboard},
 * {@code config.providers.switchboard.class=io.switchboard.secrets.SecretConfigProvider} and
 * either {@code config.providers.switchboard.param.key.file=PATH} (a keyring file), or, for the
 * embedded worker, {@code ...param.replica.url} and {@code ...param.token}: the replica's
 * {@link WorkerSecretsChannel}, which opens them with a keyring the worker never holds.
 */
public final class SecretConfigProvider implements ConfigProvider {
    private SecretBox box;
    private String replicaUrl;
    private String token;

    @Override
    public void configure(Map<String, ?> configs) {
        Object url = configs.get("replica.url");
        Object file = configs.get("key.file");
        if (url != null && configs.get("token") != null) {
            replicaUrl = url.toString();
            token = configs.get("token").toString();
        } else if (file != null) {
            box = new SecretBox(Keyring.loadOrCreate(Path.of(file.toString())));
        } else {
            throw new IllegalStateException("The switchboard config provider needs key.file, or replica.url and token");
        }
    }

    @Override
    public ConfigData get(String path) {
        return new ConfigData(Map.of());
    }

    /** path: the key id; keys: ciphertexts. */
    @Override
    public ConfigData get(String path, Set<String> keys) {
        Map<String, String> opened = new HashMap<>();
        if (box == null) {
            opened.putAll(WorkerSecretsChannel.open(replicaUrl, token, WorkerSecretsChannel.SEALED, path, keys));
        } else {
            for (String ciphertext : keys) {
                opened.put(ciphertext, box.open(path, ciphertext));
            }
        }
        opened.values().forEach(ResolvedSecrets::remember);
        return new ConfigData(opened);
    }

    @Override
    public void close() {
        // nothing held
    }
}
