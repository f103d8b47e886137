package io.switchboard.testing;

import io.switchboard.SecurityOptions;
import io.switchboard.SwitchboardOptions;
import io.switchboard.metrics.HealthOptions;
import io.switchboard.rules.ResourceBounds;
import io.switchboard.secrets.SecretBounds;
import io.switchboard.tracing.Tracing;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A test's or a benchmark's replica options, set one at a time over options given (the product's
 * defaults, or {@link TestReplicas#defaults()}); a replica in production gets its options from its
 * flags and environment ({@link SwitchboardOptions#parse}), and {@link #flags} sets options as those
 * flags do. Each setter changes this builder and returns it; {@link #build()} makes the options.
 * Security options (users, OIDC, TLS, rate limits, Kafka credentials) have no setter: they are
 * given as flags, so that a test's are read as a replica's are.
 */
public final class OptionsBuilder {
    private int port;
    private Path dataDir;
    private int kafkaPort;
    private String bootstrapServers;
    private String schemaRegistryUrl;
    private int schemaRegistryPort;
    private String advertisedUrl;
    private String bindHost;
    private String topicPrefix;
    private int commandPartitions;
    private Duration commandTimeout;
    private boolean embeddedWorker;
    private String connectClusters;
    private String pluginPath;
    private Path secretsKeyFile;
    private String secretsKey;
    private String secretKeyPatterns;
    private String lifecycleTopic;
    private String confluentScopes;
    private SecurityOptions security;
    private String instanceId;
    private HealthOptions health;
    private Tracing tracing;
    private Duration fullPassEvery;
    private Path fileConnectorsDir;
    private Path workerHandoffDir;
    private ResourceBounds connectorBounds;
    private SecretBounds secretBounds;

    private OptionsBuilder(SwitchboardOptions options) {
        load(options);
    }

    private void load(SwitchboardOptions options) {
        port = options.port();
        dataDir = options.dataDir();
        kafkaPort = options.kafkaPort();
        bootstrapServers = options.bootstrapServers();
        schemaRegistryUrl = options.schemaRegistryUrl();
        schemaRegistryPort = options.schemaRegistryPort();
        advertisedUrl = options.advertisedUrl();
        bindHost = options.bindHost();
        topicPrefix = options.topicPrefix();
        commandPartitions = options.commandPartitions();
        commandTimeout = options.commandTimeout();
        embeddedWorker = options.embeddedWorker();
        connectClusters = options.connectClusters();
        pluginPath = options.pluginPath();
        secretsKeyFile = options.secretsKeyFile();
        secretsKey = options.secretsKey();
        secretKeyPatterns = options.secretKeyPatterns();
        lifecycleTopic = options.lifecycleTopic();
        confluentScopes = options.confluentScopes();
        security = options.security();
        instanceId = options.instanceId();
        health = options.health();
        tracing = options.tracing();
        fullPassEvery = options.fullPassEvery();
        fileConnectorsDir = options.fileConnectorsDir();
        workerHandoffDir = options.workerHandoffDir();
        connectorBounds = options.connectorBounds();
        secretBounds = options.secretBounds();
    }

    /** A builder that starts from these options. */
    public static OptionsBuilder from(SwitchboardOptions options) {
        return new OptionsBuilder(options);
    }

    /** A builder that starts from the product's defaults ({@link SwitchboardOptions#defaults()}). */
    public static OptionsBuilder defaults() {
        return from(SwitchboardOptions.defaults());
    }

    /**
     * Sets what these flags set, read as a replica reads its flags ({@link SwitchboardOptions#withFlags}):
     * {@code flags("--tracing", "otlp")}. A flag the product does not define ({@link io.switchboard.Flag})
     * fails here, as it would fail the replica's start; what no flag names stays as it is.
     */
    public OptionsBuilder flags(String... args) {
        load(build().withFlags(args));
        return this;
    }

    public SwitchboardOptions build() {
        return new SwitchboardOptions(port, dataDir, kafkaPort, bootstrapServers, schemaRegistryUrl, schemaRegistryPort,
                advertisedUrl, bindHost, topicPrefix, commandPartitions, commandTimeout, embeddedWorker, connectClusters,
                pluginPath, secretsKeyFile, secretsKey, secretKeyPatterns, lifecycleTopic, confluentScopes, security,
                instanceId, health, tracing, fullPassEvery, fileConnectorsDir, workerHandoffDir, connectorBounds,
                secretBounds);
    }

    /** {@code --max-tasks-per-connector} and {@code --max-tasks-per-cluster}. */
    public OptionsBuilder connectorBounds(ResourceBounds connectorBounds) {
        this.connectorBounds = connectorBounds;
        return this;
    }

    /** {@code --max-secret-bytes} and {@code --max-secrets-per-cluster}. */
    public OptionsBuilder secretBounds(SecretBounds secretBounds) {
        this.secretBounds = secretBounds;
        return this;
    }

    public OptionsBuilder port(int port) {
        this.port = port;
        return this;
    }

    public OptionsBuilder dataDir(Path dataDir) {
        this.dataDir = dataDir;
        return this;
    }

    public OptionsBuilder kafkaPort(int kafkaPort) {
        this.kafkaPort = kafkaPort;
        return this;
    }

    public OptionsBuilder bootstrapServers(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        return this;
    }

    public OptionsBuilder schemaRegistryUrl(String schemaRegistryUrl) {
        this.schemaRegistryUrl = schemaRegistryUrl;
        return this;
    }

    public OptionsBuilder schemaRegistryPort(int schemaRegistryPort) {
        this.schemaRegistryPort = schemaRegistryPort;
        return this;
    }

    public OptionsBuilder topicPrefix(String topicPrefix) {
        this.topicPrefix = topicPrefix;
        return this;
    }

    public OptionsBuilder commandTimeout(Duration commandTimeout) {
        this.commandTimeout = commandTimeout;
        return this;
    }

    public OptionsBuilder embeddedWorker(boolean embeddedWorker) {
        this.embeddedWorker = embeddedWorker;
        return this;
    }

    public OptionsBuilder connectClusters(String connectClusters) {
        this.connectClusters = connectClusters;
        return this;
    }

    public OptionsBuilder secretsKeyFile(Path secretsKeyFile) {
        this.secretsKeyFile = secretsKeyFile;
        return this;
    }

    public OptionsBuilder secretKeyPatterns(String secretKeyPatterns) {
        this.secretKeyPatterns = secretKeyPatterns;
        return this;
    }

    public OptionsBuilder confluentScopes(String confluentScopes) {
        this.confluentScopes = confluentScopes;
        return this;
    }

    public OptionsBuilder instanceId(String instanceId) {
        this.instanceId = instanceId;
        return this;
    }

    public OptionsBuilder health(HealthOptions health) {
        this.health = health;
        return this;
    }

    public OptionsBuilder tracing(Tracing tracing) {
        this.tracing = tracing;
        return this;
    }

    public OptionsBuilder fullPassEvery(Duration fullPassEvery) {
        this.fullPassEvery = fullPassEvery;
        return this;
    }

    public OptionsBuilder fileConnectorsDir(Path fileConnectorsDir) {
        this.fileConnectorsDir = fileConnectorsDir;
        return this;
    }

    /** {@code --plugin-path}: plugin directories for the embedded worker, beside the bundled ones. */
    public OptionsBuilder pluginPath(String pluginPath) {
        this.pluginPath = pluginPath;
        return this;
    }

    public OptionsBuilder workerHandoffDir(Path workerHandoffDir) {
        this.workerHandoffDir = workerHandoffDir;
        return this;
    }
}
