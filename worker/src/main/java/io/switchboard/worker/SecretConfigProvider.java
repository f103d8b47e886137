package io.switchboard.worker;

/**
 * A Kafka Connect config provider that opens values Switchboard sealed: the worker stores and
 * shows {@code ${switchboard:KEY-ID:CIPHERTEXT}} and hands the connector the real value when it
 * starts. Configured on the embedded worker with {@code config.providers=switchboard},
 * {@code config.providers.switchboard.class=io.switchboard.worker.SecretConfigProvider},
 * {@code ...param.replica.url} and {@code ...param.token}: the replica's secrets channel, which
 * opens them with a keyring the worker never holds. Path: the key id; keys: ciphertexts.
 */
public final class SecretConfigProvider extends ChannelProvider {
    public SecretConfigProvider() {
        super(SecretsChannelClient.SEALED, "switchboard");
    }

    @Override
    String path(String path) {
        return path;
    }
}
