package io.switchboard;

import io.switchboard.ShutdownOrder.Stage;
import io.switchboard.kafkaio.Topics;
import io.switchboard.registry.EmbeddedSchemaRegistry;
import io.switchboard.schemas.wire.HttpSchemaRegistryClient;
import io.switchboard.schemas.wire.SchemaRegistryClient;
import io.switchboard.secrets.Keyring;

/**
 * The schema registry the processor's topics' Avro schemas are registered in: the embedded one (on
 * the loopback, its schemas in a topic of the deployment's, written only with the credentials the
 * keyring gives, {@link RegistryCredentials}) when the replica runs it, else the one at
 * {@code --schema-registry-url}; and the replica's client of it. Owns the embedded registry.
 */
final class RegistryAssembly {
    private final SwitchboardOptions options;
    private final KafkaAssembly kafka;
    private final Topics topics;
    private final Keyring keyring;
    private final StartupSteps steps;
    private final ShutdownOrder.Part owned;
    private String url;
    private SchemaRegistryClient client;

    RegistryAssembly(SwitchboardOptions options, KafkaAssembly kafka, Topics topics, Keyring keyring, StartupSteps steps,
                     ShutdownOrder.Part owned) {
        this.options = options;
        this.kafka = kafka;
        this.topics = topics;
        this.keyring = keyring;
        this.steps = steps;
        this.owned = owned;
    }

    /** Starts the embedded registry when there is one, and makes the client. */
    RegistryAssembly start() {
        client = steps.time("schema registry", () -> {
            url = options.schemaRegistryUrl();
            if (options.embeddedSchemaRegistry()) {
                EmbeddedSchemaRegistry registry = owned.add(Stage.REGISTRY, new EmbeddedSchemaRegistry(new EmbeddedSchemaRegistry.Settings(
                        kafka.bootstrapServers(), kafka.clients().common(), topics.schemas(), EmbeddedSchemaRegistry.LOOPBACK,
                        options.schemaRegistryPort(), RegistryCredentials.accepted(keyring))).start());
                url = "http://" + EmbeddedSchemaRegistry.LOOPBACK + ":" + registry.port();
            }
            return HttpSchemaRegistryClient.authenticated(url, RegistryCredentials.userInfo(keyring));
        });
        return this;
    }

    String url() {
        return url;
    }

    SchemaRegistryClient client() {
        return client;
    }
}
