package io.switchboard;

import io.switchboard.http.ClientAddresses;
import io.switchboard.metrics.HealthOptions;
import io.switchboard.rules.ResourceBounds;
import io.switchboard.secrets.SecretBounds;
import io.switchboard.tracing.Tracing;

import java.nio.file.Path;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

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
 * @param embeddedWorker    whether to run a Kafka Connect worker in this process as cluster "default"
 * @param connectClusters   external Connect clusters, "NAME=URL" separated by commas, each maybe with
 *                          ";status-topic=TOPIC" (its status.storage.topic, on Switchboard's Kafka) and
 *                          ";config-topic=TOPIC" (its config.storage.topic)
 * @param pluginPath        plugin directories for the embedded worker
 * @param secretsKeyFile    the keyring that seals secret config values; null: {@code <dataDir>/secrets.key}
 * @param secretsKey        the keyring itself (its text), instead of a file
 * @param secretKeyPatterns config keys holding secrets, as comma-separated globs; null: the built-in rule
 * @param lifecycleTopic    the public lifecycle topic; null: {@code <topicPrefix>.lifecycle}
 * @param confluentScopes   Confluent Cloud scopes, "CLUSTER=ENVIRONMENT_ID/KAFKA_CLUSTER_ID" separated by commas
 * @param security          who may use the API and how much
 * @param instanceId        this replica's stable identity in the command processor's group (Kafka's
 *                          static membership, {@code group.instance.id}); null: a new member each start
 * @param health            how the per-connector health series are exported
 * @param tracing           whether each command is traced with OpenTelemetry, and where to ({@code --tracing})
 * @param fullPassEvery     how often the data plane compares every connector of a cluster with its worker (a full
 *                          pass): decided changes are reconciled at once; the pass repairs what was changed on the
 *                          worker directly ({@code --full-pass-interval-ms})
 * @param fileConnectorsDir the directory the embedded worker's FileStream connectors may read and write under
 *                          ({@code --file-connectors-dir}); null: they are off
 * @param workerHandoffDir  where the embedded worker's settings are handed to a worker in another container
 *                          that shares the directory ({@code --worker-handoff-dir}); null: the replica
 *                          starts the worker's process itself
 * @param connectorBounds   {@code tasks.max} of one connector and of a cluster's connectors together
 *                          ({@code --max-tasks-per-connector}, {@code --max-tasks-per-cluster})
 * @param secretBounds      the size of a named secret and the number of a cluster's
 *                          ({@code --max-secret-bytes}, {@code --max-secrets-per-cluster})
 */
public record SwitchboardOptions(int port, Path dataDir, int kafkaPort, String bootstrapServers,
                                 String schemaRegistryUrl, int schemaRegistryPort, String advertisedUrl,
                                 String bindHost, String topicPrefix, int commandPartitions,
                                 Duration commandTimeout, boolean embeddedWorker, String connectClusters,
                                 String pluginPath, Path secretsKeyFile, String secretsKey, String secretKeyPatterns,
                                 String lifecycleTopic, String confluentScopes, SecurityOptions security,
                                 String instanceId, HealthOptions health, Tracing tracing, Duration fullPassEvery,
                                 Path fileConnectorsDir, Path workerHandoffDir, ResourceBounds connectorBounds,
                                 SecretBounds secretBounds) {

    public static SwitchboardOptions defaults() {
        return new SwitchboardOptions(8083, Path.of("data"), 9092, null, null, 8081, null,
                null, "switchboard", 6, Duration.ofSeconds(30), true, null, null, null, null, null, null, null, SecurityOptions.NONE, null,
                HealthOptions.DEFAULTS, Tracing.OFF, Duration.ofSeconds(10), null, null,
                ResourceBounds.DEFAULT, SecretBounds.DEFAULT);
    }

    /** The keyring file: the one given, else {@code secrets.key} under the data directory. */
    public Path keyringFile() {
        return secretsKeyFile != null ? secretsKeyFile : dataDir.resolve("secrets.key");
    }

    /** External Connect clusters by name, from "NAME=URL,NAME=URL" (each maybe followed by ";status-topic=TOPIC" and ";config-topic=TOPIC"). */
    public Map<String, String> connectClusterUrls() {
        Map<String, String> clusters = new LinkedHashMap<>();
        connectClusterEntries().forEach((name, parts) -> clusters.put(name, parts[0]));
        return clusters;
    }

    /**
     * The status topic ({@code status.storage.topic}) of each external Connect cluster that names
     * one ("NAME=URL;status-topic=TOPIC"): the data plane then reads the cluster's statuses from it,
     * as they are written, instead of asking its workers. The topic must be on Switchboard's Kafka.
     */
    public Map<String, String> connectClusterStatusTopics() {
        Map<String, String> topics = new LinkedHashMap<>();
        connectClusterEntries().forEach((name, parts) -> {
            if (parts[1] != null) {
                topics.put(name, parts[1]);
            }
        });
        return topics;
    }

    /**
     * The config topic ({@code config.storage.topic}) of each external Connect cluster that names
     * one ("NAME=URL;config-topic=TOPIC"): the data plane then reads the cluster's task configs from
     * it, as they are committed, instead of asking its workers after each create or task change. The
     * topic must be on Switchboard's Kafka.
     */
    public Map<String, String> connectClusterConfigTopics() {
        Map<String, String> topics = new LinkedHashMap<>();
        connectClusterEntries().forEach((name, parts) -> {
            if (parts[2] != null) {
                topics.put(name, parts[2]);
            }
        });
        return topics;
    }

    /**
     * The offsets topic ({@code offset.storage.topic}, on Switchboard's Kafka) of each external
     * Connect cluster that names one ({@code NAME=URL;offsets-topic=TOPIC}): source connectors'
     * committed offsets are then read from it rather than by asking a worker.
     */
    public Map<String, String> connectClusterOffsetsTopics() {
        Map<String, String> topics = new LinkedHashMap<>();
        connectClusterEntries().forEach((name, parts) -> {
            if (parts[3] != null) {
                topics.put(name, parts[3]);
            }
        });
        return topics;
    }

    /** Each cluster's {URL, status topic or null, config topic or null, offsets topic or null}, by name. */
    private Map<String, String[]> connectClusterEntries() {
        Map<String, String[]> clusters = new LinkedHashMap<>();
        if (connectClusters == null || connectClusters.isBlank()) {
            return clusters;
        }
        for (String entry : connectClusters.split(",")) {
            String[] parts = entry.split(";");
            int eq = parts[0].indexOf('=');
            if (eq <= 0 || eq == parts[0].length() - 1) {
                throw new IllegalArgumentException("--connect-cluster takes NAME=URL[;status-topic=TOPIC][;config-topic=TOPIC][;offsets-topic=TOPIC], not '" + entry + "'");
            }
            String name = parts[0].substring(0, eq).trim();
            if (name.contains("/")) {
                throw new IllegalArgumentException("A Connect cluster name cannot contain '/': " + name);
            }
            String statusTopic = null;
            String configTopic = null;
            String offsetsTopic = null;
            for (int i = 1; i < parts.length; i++) {
                String option = parts[i].trim();
                if (option.startsWith("status-topic=") && option.length() > "status-topic=".length()) {
                    statusTopic = option.substring("status-topic=".length()).trim();
                } else if (option.startsWith("config-topic=") && option.length() > "config-topic=".length()) {
                    configTopic = option.substring("config-topic=".length()).trim();
                } else if (option.startsWith("offsets-topic=") && option.length() > "offsets-topic=".length()) {
                    offsetsTopic = option.substring("offsets-topic=".length()).trim();
                } else {
                    throw new IllegalArgumentException("--connect-cluster takes NAME=URL[;status-topic=TOPIC][;config-topic=TOPIC][;offsets-topic=TOPIC]; '"
                            + option + "' is none of them");
                }
            }
            clusters.put(name, new String[]{parts[0].substring(eq + 1).trim(), statusTopic, configTopic, offsetsTopic});
        }
        return clusters;
    }

    /**
     * The address the API binds to: the one given; else, with credentials configured, every
     * interface; without, loopback only, so that an open API is not reachable from elsewhere by default.
     */
    public String effectiveBindHost() {
        if (bindHost != null && !bindHost.isBlank()) {
            return bindHost;
        }
        return security.credentialsConfigured() ? "0.0.0.0" : "127.0.0.1";
    }

    /**
     * Confluent Cloud scopes: which Connect cluster each (environment id, Kafka cluster id) pair of
     * connect/v1's paths names, from "CLUSTER=ENVIRONMENT_ID/KAFKA_CLUSTER_ID,...". Empty when none is given.
     */
    public Map<String, String> confluentScopeMap() {
        Map<String, String> scopes = new LinkedHashMap<>();
        if (confluentScopes == null || confluentScopes.isBlank()) {
            return scopes;
        }
        for (String entry : confluentScopes.split(",")) {
            int eq = entry.indexOf('=');
            int slash = entry.indexOf('/', eq + 1);
            if (eq <= 0 || slash <= eq + 1 || slash == entry.length() - 1 || entry.indexOf('/', slash + 1) >= 0) {
                throw new IllegalArgumentException("--confluent-scope takes CLUSTER=ENVIRONMENT_ID/KAFKA_CLUSTER_ID, not '"
                        + entry + "'");
            }
            String pair = entry.substring(eq + 1).trim();
            if (scopes.containsKey(pair)) {
                throw new IllegalArgumentException("--confluent-scope names " + pair + " twice");
            }
            scopes.put(pair, entry.substring(0, eq).trim());
        }
        return scopes;
    }

    /** Reads flags ({@code --port 8083} or {@code --port=8083}) over environment variables over defaults. */
    public static SwitchboardOptions parse(String[] args, Map<String, String> env) {
        SwitchboardOptions options = read(new OptionSource(args, env), env);
        // A proxy list that does not read stops the start here, as any other flag that does not.
        options.security().clientAddresses();
        return options;
    }

    private static SwitchboardOptions read(OptionSource source, Map<String, String> env) {
        SwitchboardOptions d = defaults();
        int fullPassMs = source.integer("full-pass-interval-ms", (int) d.fullPassEvery().toMillis());
        if (fullPassMs < 100) {
            throw new IllegalArgumentException("--full-pass-interval-ms is at least 100");
        }
        return new SwitchboardOptions(
                source.integer("port", d.port()),
                Path.of(source.string("data-dir", d.dataDir().toString())),
                source.integer("kafka-port", d.kafkaPort()),
                source.string("bootstrap-servers", null),
                source.string("schema-registry-url", null),
                source.integer("schema-registry-port", d.schemaRegistryPort()),
                source.string("advertised-url", null),
                source.string("bind-host", null),
                source.string("topic-prefix", d.topicPrefix()),
                source.integer("command-partitions", d.commandPartitions()),
                Duration.ofMillis(source.integer("command-timeout-ms", (int) d.commandTimeout().toMillis())),
                Boolean.parseBoolean(source.string("embedded-worker", "true")),
                source.string("connect-cluster", null),
                source.string("plugin-path", null),
                Optional.ofNullable(source.string("secrets-key-file", null)).map(Path::of).orElse(null),
                source.string("secrets-key", null),
                source.string("secret-key-patterns", null),
                source.string("lifecycle-topic", null),
                source.string("confluent-scope", null),
                new SecurityOptions(Optional.ofNullable(source.string("users-file", null)).map(Path::of).orElse(null),
                        source.string("oidc-issuer", null), source.string("oidc-audience", null), source.string("oidc-jwks-url", null),
                        source.string("oidc-roles-claim", null), source.string("rate-limit", null),
                        source.kafkaLines("kafka-config", "kafka-property"),
                        Optional.ofNullable(source.string("tls-keystore", null)).map(Path::of).orElse(null),
                        source.string("tls-keystore-password", null),
                        Optional.ofNullable(source.string("tls-truststore", null)).map(Path::of).orElse(null),
                        source.string("tls-truststore-password", null), source.string("oidc-client-id", null),
                        source.string("trusted-proxies", null),
                        source.kafkaLines("worker-kafka-config", "worker-kafka-property"),
                        source.integer("ipv6-limit-prefix", ClientAddresses.DEFAULT_IPV6_PREFIX)),
                source.string("instance-id", null),
                HealthOptions.of(source.integer("health-max-connectors", d.health().maxConnectors()),
                        source.integer("health-flapping-window-s", (int) d.health().flapping().window().toSeconds()),
                        source.integer("health-flapping-failures", d.health().flapping().failures()),
                        source.integer("health-sink-lag-interval-s", (int) d.health().sinkLagEvery().toSeconds()))
                        .withSinkLagAgePartitions(source.integer("health-sink-lag-age-partitions", d.health().sinkLagAgePartitions()))
                        .following(Boolean.parseBoolean(source.string("health-series", "true"))),
                new Tracing(source.string("tracing", Tracing.defaultMode(env)), null),
                Duration.ofMillis(fullPassMs),
                Optional.ofNullable(source.string("file-connectors-dir", null)).map(String::trim).map(Path::of).orElse(null),
                Optional.ofNullable(source.string("worker-handoff-dir", null)).map(String::trim).filter(dir -> !dir.isEmpty()).map(Path::of).orElse(null),
                new ResourceBounds(source.integer("max-tasks-per-connector", d.connectorBounds().maxTasksPerConnector()),
                        source.integer("max-tasks-per-cluster", d.connectorBounds().maxTasksPerCluster())),
                new SecretBounds(source.integer("max-secret-bytes", d.secretBounds().maxSecretBytes()),
                        source.integer("max-secrets-per-cluster", d.secretBounds().maxSecretsPerCluster())));
    }

    public boolean embeddedKafka() {
        return bootstrapServers == null || bootstrapServers.isBlank();
    }

    public boolean embeddedSchemaRegistry() {
        return schemaRegistryUrl == null || schemaRegistryUrl.isBlank();
    }
}
