package io.switchboard;

import io.switchboard.auth.AccessCheck;
import io.switchboard.core.ClusterDirectory;
import io.switchboard.core.ConnectorPlugins;
import io.switchboard.core.ConnectorSecrets;
import io.switchboard.dataplane.ConnectClusters;
import io.switchboard.dataplane.ReconcilerLoop;
import io.switchboard.http.HttpServer;
import io.switchboard.kafkaio.Topics;
import io.switchboard.processor.StoreNames;
import io.switchboard.secrets.Keyring;
import io.switchboard.secrets.Redactor;
import io.switchboard.secrets.SecretBox;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One Switchboard replica, composed of assemblies that each start what they own: Kafka (optionally
 * an embedded broker), the schema registry (optionally embedded), the command side (Kafka Streams),
 * the embedded worker, the query side, the connector service, the metrics, the HTTP API and the data
 * plane. {@link #start} starts them in that order and {@link #close} stops them in reverse, stage by
 * stage ({@link ShutdownOrder}).
 */
public final class SwitchboardApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SwitchboardApp.class);
    /** The Connect cluster that Kafka Connect's root API works on. */
    public static final String DEFAULT_CLUSTER = ClusterDirectory.DEFAULT_CLUSTER;

    private final ShutdownOrder shutdown = new ShutdownOrder();
    private final StartupSteps steps = new StartupSteps();
    private final SwitchboardOptions options;
    private final ConnectClusters connectClusters;
    private KafkaAssembly kafka;
    private RegistryAssembly registry;
    private CommandAssembly command;
    private QueryAssembly query;
    private HttpAssembly http;
    private volatile List<ReconcilerLoop> reconcilerLoops = List.of();

    private SwitchboardApp(SwitchboardOptions options) {
        this.options = options;
        this.connectClusters = new ConnectClusters(options.security().workerTrust());
    }

    public static SwitchboardApp start(SwitchboardOptions options) {
        SwitchboardApp app = new SwitchboardApp(options);
        try {
            app.startAll();
            return app;
        } catch (RuntimeException e) {
            // What a concurrent step still starts is owned once it ends, and then closed with the rest.
            app.steps.settle();
            app.close();
            throw e;
        }
    }

    private void startAll() {
        Path dataDir = options.dataDir().toAbsolutePath();
        createDirectories(dataDir);
        Topics topics = new Topics(options.topicPrefix(), options.lifecycleTopic());
        kafka = new KafkaAssembly(options, dataDir, topics, steps, shutdown.part()).start();
        // What is secret, for every place that stores, records or shows a config.
        Redactor secretKeys = Redactor.fromGlobs(options.secretKeyPatterns());
        Keyring keyring = steps.time("keyring", () -> options.secretsKey() != null
                ? Keyring.parse(options.secretsKey())
                : Keyring.loadOrCreate(options.keyringFile().toAbsolutePath()));
        // The embedded registry creates its topic and reads it at once: it starts before the command
        // side's steps, whose topics' creation would otherwise keep the broker from serving it yet.
        registry = new RegistryAssembly(options, kafka, topics, keyring, steps, shutdown.part()).start();
        command = new CommandAssembly(options, dataDir, topics, kafka, keyring, secretKeys, steps, shutdown.part()).begin(registry.client());
        // The HTTP port must be known before Kafka Streams starts: it is this replica's address.
        ReplicaAddress address = ReplicaAddress.reserve(options);
        command.start(address);
        ConnectorPlugins plugins = steps.time("plugins", ConnectorPlugins::fromClasspath);
        ConnectorSecrets secrets = new ConnectorSecrets(new SecretBox(keyring), secretKeys);
        // The embedded worker needs nothing of the command processor: it starts while the processor joins.
        WorkerAssembly worker = new WorkerAssembly(options, kafka, connectClusters, steps, shutdown.part())
                .start(command.secretStore(), keyring);
        query = new QueryAssembly(options, topics, kafka, command, address, shutdown.part()).start();
        // Who may call what, read before the core and the server are made: a users file or OIDC
        // settings that cannot be taken stop the start here.
        AccessCheck access = HttpAssembly.access(options, query.internalRequests(), command.replicaKeys());
        CoreAssembly core = new CoreAssembly(options, topics, kafka, command, query, connectClusters, shutdown.part()).start(plugins, secrets);
        // The API answers from here on, so that the replica is reachable while the data plane starts;
        // until it is attached, /health and what needs a worker answer 503 saying it is starting.
        DataPlaneAssembly.plan(options, connectClusters);
        MetricsAssembly metrics = new MetricsAssembly(options, topics, kafka, command, query, core, connectClusters, shutdown.part()).start();
        http = new HttpAssembly(options, address, topics, connectClusters, steps, shutdown.part())
                .start(access, kafka, command, query, core, metrics);
        steps.time("command processor running", () -> ReplicaHealth.awaitRunning(command.streams(), log));
        reconcilerLoops = steps.time("data plane", () -> new DataPlaneAssembly(options, kafka.bootstrapServers(), kafka.clients(), connectClusters,
                query.queries(), secrets, command.secretStore(), metrics.metrics(), core.pipelines(), core.connectors(), shutdown.part())
                .start(topics, command.serdes(), command.signing().states(), command.signing().records(), command.decisions(), worker::process,
                        command.gateway()));
        steps.ready();
        log.info("Switchboard API listening on {} (Kafka {}{}, schema registry {})", url(), kafka.bootstrapServers(),
                kafka.settingsFiles(), registry.url());
    }

    /** The attached Connect clusters' worker URLs, by cluster. */
    public Map<String, String> connectClusters() {
        return connectClusters.urls();
    }

    /** How the embedded worker of {@code cluster} is walled off from this replica; empty for external workers. */
    public java.util.Optional<io.switchboard.dataplane.WorkerWall.Isolation> workerIsolation(String cluster) {
        return connectClusters.isolation(cluster);
    }

    private static void createDirectories(Path dir) {
        try {
            ownerOnly(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the data directory " + dir, e);
        }
    }

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    /**
     * The data directory, made owner-only (0700): created so, or narrowed to it when it is there from
     * before and this user owns it. What the replica keeps below it (the broker's logs and segments,
     * the Streams state, the keys and settings) is then closed to other local users, whatever
     * permissions the broker or Streams give their own files (a Java process has no umask of its own).
     */
    static void ownerOnly(Path dir) throws IOException {
        if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectories(dir);
            return;
        }
        if (!Files.isDirectory(dir)) {
            Path parent = dir.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // made meanwhile: narrowed below
            }
        }
        if (!Files.getPosixFilePermissions(dir).equals(OWNER_ONLY)) {
            try {
                Files.setPosixFilePermissions(dir, OWNER_ONLY);
            } catch (java.nio.file.FileSystemException notOurs) {
                log.warn("The data directory {} is not this user's and stays {}: other local users may read what the replica keeps there",
                        dir, PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
            }
        }
    }

    public String url() {
        return http.url();
    }

    /** The API's route table: every route with the access it declared. */
    public List<HttpServer.Route> routes() {
        return http.server().routes();
    }

    public int port() {
        return http.server().port();
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String schemaRegistryUrl() {
        return registry.url();
    }

    /** Whether the Connect worker's Kafka principal may write the command topic (checked at start; it should not). */
    public boolean workerMayWriteCommands() {
        return kafka.workerMayWriteCommands();
    }

    public KafkaStreams streams() {
        return command.streams();
    }

    /** The data plane's loop of each attached Connect cluster: whether this replica reconciles it, and its full passes. */
    public List<ReconcilerLoop> reconcilerLoops() {
        return reconcilerLoops;
    }

    /** Reads this replica has made of another replica's copies of {@code store} ({@link StoreNames}) since it started. */
    public long replicaReads(String store) {
        return query.remoteStores().reads(store);
    }

    @Override
    public void close() {
        shutdown.close();
    }
}
