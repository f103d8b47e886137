package io.switchboard.worker;

/**
 * A Kafka Connect config provider that opens named secrets: a connector config value
 * {@code ${secretsManager:NAME}} becomes the value of secret NAME of the worker's Connect cluster
 * when the connector starts. The provider has no paths: {@code ${secretsManager:PATH:NAME}} (Kafka
 * Connect's three-part form) opens NAME too, whatever PATH is, and Switchboard's secret rules read
 * it as a reference to NAME ({@code ConfigReferences.namedSecrets}). For the embedded worker:
 * configured with {@code config.providers.secretsManager.class=io.switchboard.worker.SecretStoreConfigProvider},
 * {@code ...param.replica.url} and {@code ...param.token}, the replica's secrets channel, which
 * opens the named secrets of the worker's cluster only; a name the cluster does not have is left
 * out (Kafka Connect then keeps the text).
 */
public final class SecretStoreConfigProvider extends ChannelProvider {
    public SecretStoreConfigProvider() {
        super(SecretsChannelClient.NAMED, "secretsManager");
    }

    @Override
    String path(String path) {
        return "";
    }
}
