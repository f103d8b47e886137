package io.switchboard.worker;

import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.provider.ConfigProvider;

import java.util.Map;
import java.util.Set;

/**
 * A Kafka Connect config provider that asks the replica's secrets channel ({@link SecretsChannelClient})
 * to open what a connector names: configured with {@code ...param.replica.url} and
 * {@code ...param.token}; every value it resolves is remembered for the log's mask
 * ({@link ResolvedSecrets}). A key that does not open is left out, as Kafka Connect expects.
 */
abstract class ChannelProvider implements ConfigProvider {
    private final String kind;
    private final String name;
    private String replicaUrl;
    private String token;

    /**
     * @param kind what the channel opens ({@link SecretsChannelClient#SEALED} or {@link SecretsChannelClient#NAMED})
     * @param name the provider's name, for a configuration error
     */
    ChannelProvider(String kind, String name) {
        this.kind = kind;
        this.name = name;
    }

    @Override
    public void configure(Map<String, ?> configs) {
        Object url = configs.get("replica.url");
        Object given = configs.get("token");
        if (url == null || given == null) {
            throw new IllegalStateException("The " + name + " config provider needs replica.url and token");
        }
        replicaUrl = url.toString();
        token = given.toString();
    }

    @Override
    public ConfigData get(String path) {
        return new ConfigData(Map.of());
    }

    /** The path as the channel reads it for this kind. */
    abstract String path(String path);

    @Override
    public ConfigData get(String path, Set<String> keys) {
        Map<String, String> opened = SecretsChannelClient.open(replicaUrl, token, kind, path(path), keys);
        opened.values().forEach(ResolvedSecrets::remember);
        return new ConfigData(opened);
    }

    @Override
    public void close() {
        // nothing held
    }
}
