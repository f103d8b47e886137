package io.switchboard;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Everything a Switchboard replica is started with. Each option comes from a command-line flag or
 * a {@code SWITCHBOARD_*} environment variable (the flag wins).
 *
 * @param port              the HTTP API port
 * @param dataDir           where the embedded broker, registry and state stores keep their data
 * @param kafkaPort         the embedded broker's port
 * @param bootstrapServers  an external Kafka; when set, no broker is started
 * @param schemaRegistryUrl an external Confluent-compatible registry; when unset, one is embedded
 * @param schemaRegistryPort the embedded registry's port
 * @param advertisedUrl     this replica's address as other replicas reach it
 * @param topicPrefix       prefix of every topic Switchboard owns
 * @param commandTimeout    how long a request waits for its command's decision
 */
public record SwitchboardOptions(int port, Path dataDir, int kafkaPort, String bootstrapServers,
                                 String schemaRegistryUrl, int schemaRegistryPort, String advertisedUrl,
                                 String bindHost, String topicPrefix, int commandPartitions,
                                 Duration commandTimeout) {

    public static SwitchboardOptions defaults() {
        return new SwitchboardOptions(8083, Path.of("data"), 9092, null, null, 8081, null,
                "0.0.0.0", "switchboard", 6, Duration.ofSeconds(30));
    }

    public SwitchboardOptions withPort(int port) {
        return new SwitchboardOptions(port, dataDir, kafkaPort, bootstrapServers, schemaRegistryUrl,
                schemaRegistryPort, advertisedUrl, bindHost, topicPrefix, commandPartitions, commandTimeout);
    }

    public SwitchboardOptions withDataDir(Path dataDir) {
        return new SwitchboardOptions(port, dataDir, kafkaPort, bootstrapServers, schemaRegistryUrl,
                schemaRegistryPort, advertisedUrl, bindHost, topicPrefix, commandPartitions, commandTimeout);
    }

    public SwitchboardOptions withKafkaPort(int kafkaPort) {
        return new SwitchboardOptions(port, dataDir, kafkaPort, bootstrapServers, schemaRegistryUrl,
                schemaRegistryPort, advertisedUrl, bindHost, topicPrefix, commandPartitions, commandTimeout);
    }

    public SwitchboardOptions withBootstrapServers(String bootstrapServers) {
        return new SwitchboardOptions(port, dataDir, kafkaPort, bootstrapServers, schemaRegistryUrl,
                schemaRegistryPort, advertisedUrl, bindHost, topicPrefix, commandPartitions, commandTimeout);
    }

    public SwitchboardOptions withSchemaRegistryUrl(String schemaRegistryUrl) {
        return new SwitchboardOptions(port, dataDir, kafkaPort, bootstrapServers, schemaRegistryUrl,
                schemaRegistryPort, advertisedUrl, bindHost, topicPrefix, commandPartitions, commandTimeout);
    }

    public SwitchboardOptions withSchemaRegistryPort(int schemaRegistryPort) {
        return new SwitchboardOptions(port, dataDir, kafkaPort, bootstrapServers, schemaRegistryUrl,
                schemaRegistryPort, advertisedUrl, bindHost, topicPrefix, commandPartitions, commandTimeout);
    }

    public SwitchboardOptions withAdvertisedUrl(String advertisedUrl) {
        return new SwitchboardOptions(port, dataDir, kafkaPort, bootstrapServers, schemaRegistryUrl,
                schemaRegistryPort, advertisedUrl, bindHost, topicPrefix, commandPartitions, commandTimeout);
    }

    public SwitchboardOptions withTopicPrefix(String topicPrefix) {
        return new SwitchboardOptions(port, dataDir, kafkaPort, bootstrapServers, schemaRegistryUrl,
                schemaRegistryPort, advertisedUrl, bindHost, topicPrefix, commandPartitions, commandTimeout);
    }

    public SwitchboardOptions withCommandTimeout(Duration commandTimeout) {
        return new SwitchboardOptions(port, dataDir, kafkaPort, bootstrapServers, schemaRegistryUrl,
                schemaRegistryPort, advertisedUrl, bindHost, topicPrefix, commandPartitions, commandTimeout);
    }

    /** Reads flags ({@code --port 8083} or {@code --port=8083}) over environment variables over defaults. */
    public static SwitchboardOptions parse(String[] args, Map<String, String> env) {
        OptionSource source = new OptionSource(args, env);
        SwitchboardOptions d = defaults();
        return new SwitchboardOptions(
                source.integer("port", d.port()),
                Path.of(source.string("data-dir", d.dataDir().toString())),
                source.integer("kafka-port", d.kafkaPort()),
                source.string("bootstrap-servers", null),
                source.string("schema-registry-url", null),
                source.integer("schema-registry-port", d.schemaRegistryPort()),
                source.string("advertised-url", null),
                source.string("bind-host", d.bindHost()),
                source.string("topic-prefix", d.topicPrefix()),
                source.integer("command-partitions", d.commandPartitions()),
                Duration.ofMillis(source.integer("command-timeout-ms", (int) d.commandTimeout().toMillis())));
    }

    public boolean embeddedKafka() {
        return bootstrapServers == null || bootstrapServers.isBlank();
    }

    public boolean embeddedSchemaRegistry() {
        return schemaRegistryUrl == null || schemaRegistryUrl.isBlank();
    }
}
