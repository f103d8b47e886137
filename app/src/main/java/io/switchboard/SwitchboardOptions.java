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
 * @param connectorBounds   {@code tasks.max} of one connector and of a cluster's connectors together
 *                          ({@code --max-tasks-per-connector}, {@code --max-tasks-per-cluster})
 * @param secretBounds      the size of a named secret and the number of a cluster's
 *                          ({@code --max-secret-bytes}, {@code --max-secrets-per-cluster})
 * @param workerHandoffDir  where the embedded worker's settings are handed to a worker in another container
 *                          that shares the directory ({@code --worker-handoff-dir}); null: the replica
 *                          starts the worker's process itself
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

    /** The options of a replica given no flag and no environment variable: the defaults {@link Flag} defines. */
    public static SwitchboardOptions defaults() {
        return new SwitchboardOptions(Flag.PORT.defaultInt(), Path.of(Flag.DATA_DIR.defaultValue()), Flag.KAFKA_PORT.defaultInt(),
                null, null, Flag.SCHEMA_REGISTRY_PORT.defaultInt(), null, null, Flag.TOPIC_PREFIX.defaultValue(),
                Flag.COMMAND_PARTITIONS.defaultInt(), Duration.ofMillis(Flag.COMMAND_TIMEOUT_MS.defaultInt()),
                Boolean.parseBoolean(Flag.EMBEDDED_WORKER.defaultValue()), null, null, null, null, null, null, null,
                SecurityOptions.NONE, null, HealthOptions.DEFAULTS, new Tracing(Flag.TRACING.defaultValue(), null),
                Duration.ofMillis(Flag.FULL_PASS_INTERVAL_MS.defaultInt()), null, null,
                new ResourceBounds(Flag.MAX_TASKS_PER_CONNECTOR.defaultInt(), Flag.MAX_TASKS_PER_CLUSTER.defaultInt()),
                new SecretBounds(Flag.MAX_SECRET_BYTES.defaultInt(), Flag.MAX_SECRETS_PER_CLUSTER.defaultInt()));
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
        SwitchboardOptions d = defaults();
        SwitchboardOptions base = new SwitchboardOptions(d.port, d.dataDir, d.kafkaPort, d.bootstrapServers, d.schemaRegistryUrl,
                d.schemaRegistryPort, d.advertisedUrl, d.bindHost, d.topicPrefix, d.commandPartitions, d.commandTimeout,
                d.embeddedWorker, d.connectClusters, d.pluginPath, d.secretsKeyFile, d.secretsKey, d.secretKeyPatterns,
                d.lifecycleTopic, d.confluentScopes, d.security, d.instanceId, d.health,
                new Tracing(Tracing.defaultMode(env), null), d.fullPassEvery, d.fileConnectorsDir, d.workerHandoffDir,
                d.connectorBounds, d.secretBounds);
        return read(new OptionSource(args, env), base);
    }

    /**
     * These options with what {@code args} set over them, read as {@link #parse} reads flags (no
     * environment variable is read): for options built in code (tests, benchmarks) with a few flags
     * as a replica is given them; a flag {@link Flag} does not define is refused.
     */
    public SwitchboardOptions withFlags(String... args) {
        return read(new OptionSource(args, Map.of()), this);
    }

    /** Each option from its flag or variable in {@code source}, else as it is in {@code base}. */
    private static SwitchboardOptions read(OptionSource source, SwitchboardOptions base) {
        int fullPassMs = source.integer(Flag.FULL_PASS_INTERVAL_MS, (int) base.fullPassEvery().toMillis());
        if (fullPassMs < 100) {
            throw new IllegalArgumentException("--full-pass-interval-ms is at least 100");
        }
        SecurityOptions s = base.security();
        HealthOptions h = base.health();
        String kafkaLines = source.kafkaLines(Flag.KAFKA_CONFIG, Flag.KAFKA_PROPERTY);
        String workerKafkaLines = source.kafkaLines(Flag.WORKER_KAFKA_CONFIG, Flag.WORKER_KAFKA_PROPERTY);
        String tracing = source.string(Flag.TRACING, null);
        SwitchboardOptions options = new SwitchboardOptions(
                source.integer(Flag.PORT, base.port()),
                Path.of(source.string(Flag.DATA_DIR, base.dataDir().toString())),
                source.integer(Flag.KAFKA_PORT, base.kafkaPort()),
                source.string(Flag.BOOTSTRAP_SERVERS, base.bootstrapServers()),
                source.string(Flag.SCHEMA_REGISTRY_URL, base.schemaRegistryUrl()),
                source.integer(Flag.SCHEMA_REGISTRY_PORT, base.schemaRegistryPort()),
                source.string(Flag.ADVERTISED_URL, base.advertisedUrl()),
                source.string(Flag.BIND_HOST, base.bindHost()),
                source.string(Flag.TOPIC_PREFIX, base.topicPrefix()),
                source.integer(Flag.COMMAND_PARTITIONS, base.commandPartitions()),
                Duration.ofMillis(source.integer(Flag.COMMAND_TIMEOUT_MS, (int) base.commandTimeout().toMillis())),
                Boolean.parseBoolean(source.string(Flag.EMBEDDED_WORKER, String.valueOf(base.embeddedWorker()))),
                source.string(Flag.CONNECT_CLUSTER, base.connectClusters()),
                source.string(Flag.PLUGIN_PATH, base.pluginPath()),
                path(source, Flag.SECRETS_KEY_FILE, base.secretsKeyFile()),
                source.string(Flag.SECRETS_KEY, base.secretsKey()),
                source.string(Flag.SECRET_KEY_PATTERNS, base.secretKeyPatterns()),
                source.string(Flag.LIFECYCLE_TOPIC, base.lifecycleTopic()),
                source.string(Flag.CONFLUENT_SCOPE, base.confluentScopes()),
                new SecurityOptions(path(source, Flag.USERS_FILE, s.usersFile()),
                        source.string(Flag.OIDC_ISSUER, s.oidcIssuer()), source.string(Flag.OIDC_AUDIENCE, s.oidcAudience()),
                        source.string(Flag.OIDC_JWKS_URL, s.oidcJwksUrl()), source.string(Flag.OIDC_ROLES_CLAIM, s.oidcRolesClaim()),
                        source.string(Flag.RATE_LIMIT, s.rateLimit()),
                        kafkaLines != null ? kafkaLines : s.kafkaProperties(),
                        path(source, Flag.TLS_KEYSTORE, s.tlsKeystore()),
                        source.string(Flag.TLS_KEYSTORE_PASSWORD, s.tlsKeystorePassword()),
                        path(source, Flag.TLS_TRUSTSTORE, s.tlsTruststore()),
                        source.string(Flag.TLS_TRUSTSTORE_PASSWORD, s.tlsTruststorePassword()),
                        source.string(Flag.OIDC_CLIENT_ID, s.oidcClientId()),
                        source.string(Flag.TRUSTED_PROXIES, s.trustedProxies()),
                        workerKafkaLines != null ? workerKafkaLines : s.workerKafkaProperties(),
                        source.integer(Flag.IPV6_LIMIT_PREFIX, s.ipv6LimitPrefix())),
                source.string(Flag.INSTANCE_ID, base.instanceId()),
                HealthOptions.of(source.integer(Flag.HEALTH_MAX_CONNECTORS, h.maxConnectors()),
                        source.integer(Flag.HEALTH_FLAPPING_WINDOW_S, (int) h.flapping().window().toSeconds()),
                        source.integer(Flag.HEALTH_FLAPPING_FAILURES, h.flapping().failures()),
                        source.integer(Flag.HEALTH_SINK_LAG_INTERVAL_S, (int) h.sinkLagEvery().toSeconds()))
                        .withSinkLagAgePartitions(source.integer(Flag.HEALTH_SINK_LAG_AGE_PARTITIONS, h.sinkLagAgePartitions()))
                        .following(Boolean.parseBoolean(source.string(Flag.HEALTH_SERIES, String.valueOf(h.follow())))),
                tracing == null ? base.tracing() : new Tracing(tracing, null),
                Duration.ofMillis(fullPassMs),
                Optional.ofNullable(source.string(Flag.FILE_CONNECTORS_DIR, null)).map(String::trim).map(Path::of)
                        .orElse(base.fileConnectorsDir()),
                Optional.ofNullable(source.string(Flag.WORKER_HANDOFF_DIR, null)).map(String::trim).filter(dir -> !dir.isEmpty())
                        .map(Path::of).orElse(base.workerHandoffDir()),
                new ResourceBounds(source.integer(Flag.MAX_TASKS_PER_CONNECTOR, base.connectorBounds().maxTasksPerConnector()),
                        source.integer(Flag.MAX_TASKS_PER_CLUSTER, base.connectorBounds().maxTasksPerCluster())),
                new SecretBounds(source.integer(Flag.MAX_SECRET_BYTES, base.secretBounds().maxSecretBytes()),
                        source.integer(Flag.MAX_SECRETS_PER_CLUSTER, base.secretBounds().maxSecretsPerCluster())));
        // A proxy list that does not read stops the start here, as any other flag that does not.
        options.security().clientAddresses();
        return options;
    }

    private static Path path(OptionSource source, Flag flag, Path fallback) {
        return Optional.ofNullable(source.string(flag, null)).map(Path::of).orElse(fallback);
    }

    public boolean embeddedKafka() {
        return bootstrapServers == null || bootstrapServers.isBlank();
    }

    public boolean embeddedSchemaRegistry() {
        return schemaRegistryUrl == null || schemaRegistryUrl.isBlank();
    }
}
