package io.switchboard.secrets;

import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.provider.ConfigProvider;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Kafka Connect config provider that opens values Switchboard sealed: the worker stores and
 * shows {@code ${switchboard:KEY-ID:CIPHERTEXT}} and hands the connector the real value when it
 * starts. Configured on a worker with {@code config.providers=switchboard},
 * {@code config.providers.switchboard.class=io.switchboard.secrets.SecretConfigProvider} and
 * either {@code config.providers.switchboard.param.key.file=PATH} (a keyring file) or, for a
 * worker in Switchboard's own process, {@code ...param.keyring.handle} naming the replica's keyring.
 */
public final class SecretConfigProvider implements ConfigProvider {
    private static final Map<String, Keyring> IN_PROCESS = new ConcurrentHashMap<>();
    private SecretBox box;

    /** Makes a keyring known to workers in this process under a handle; answers the handle. */
    public static String register(String handle, Keyring keyring) {
        IN_PROCESS.put(handle, keyring);
        return handle;
    }

    @Override
    public void configure(Map<String, ?> configs) {
        Object handle = configs.get("keyring.handle");
        Object file = configs.get("key.file");
        Keyring keyring;
        if (handle != null) {
            keyring = IN_PROCESS.get(handle.toString());
            if (keyring == null) {
                throw new IllegalStateException("No keyring is registered as " + handle);
            }
        } else if (file != null) {
            keyring = Keyring.loadOrCreate(Path.of(file.toString()));
        } else {
            throw new IllegalStateException("The switchboard config provider needs key.file or keyring.handle");
        }
        box = new SecretBox(keyring);
    }

    @Override
    public ConfigData get(String path) {
        return new ConfigData(Map.of());
    }

    /** path: the key id; keys: ciphertexts. */
    @Override
    public ConfigData get(String path, Set<String> keys) {
        Map<String, String> opened = new HashMap<>();
        for (String ciphertext : keys) {
            String value = box.open(path, ciphertext);
            ResolvedSecrets.remember(value);
            opened.put(ciphertext, value);
        }
        return new ConfigData(opened);
    }

    @Override
    public void close() {
        // nothing held
    }
}
