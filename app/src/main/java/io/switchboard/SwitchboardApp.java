package io.switchboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.ShutdownOrder.Stage;
import io.switchboard.auth.InternalRequests;
import io.switchboard.commands.CommandGateway;
import io.switchboard.commands.DecisionListener;
import io.switchboard.core.ClusterDirectory;
import io.switchboard.core.ClusterFacts;
import io.switchboard.core.LifecycleViews;
import io.switchboard.core.ConnectorConfigValidator;
import io.switchboard.core.ConnectorCore;
import io.switchboard.core.ConnectorPlugins;
import io.switchboard.core.ConnectorSecrets;
import io.switchboard.core.ConnectorSets;
import io.switchboard.core.CoreServices;
import io.switchboard.core.Policies;
import io.switchboard.core.Rollouts;
import io.switchboard.core.NamedSecrets;
import io.switchboard.core.Scope;
import io.switchboard.secrets.Redactor;
import io.switchboard.dataplane.ConnectClusters;
import io.switchboard.dataplane.ReconcilerLoop;
import io.switchboard.events.EventsResource;
import io.switchboard.auth.AccessCheck;
import io.switchboard.http.Dialects;
import io.switchboard.http.HttpServer;
import io.switchboard.kafka.KafkaLifecycleLog;
import io.switchboard.kafka.KafkaReplicaKeys;
import io.switchboard.kafkaio.KafkaClients;
import io.switchboard.metrics.Metrics;
import io.switchboard.metrics.SinkLagHistory;
import io.switchboard.pipelines.ConnectionCheck;
import io.switchboard.pipelines.Pipelines;
import io.switchboard.pipelines.SnapshotProgressFeed;
import io.switchboard.processor.StoreNames;
import io.switchboard.kafkaio.Topics;
import io.switchboard.tracing.Tracing;
import io.switchboard.processor.TopologySerdes;
import io.switchboard.processor.TopologySigning;
import io.switchboard.query.ConnectorQueries;
import io.switchboard.query.PolicyQueries;
import io.switchboard.query.ObservationWatcher;
import io.switchboard.query.RemoteStores;
import io.switchboard.query.SessionTimers;
import io.switchboard.query.ReplicaRouter;
import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.ConnectorTimeline;
import io.switchboard.schemas.wire.AvroSerde;
import io.switchboard.schemas.wire.SchemaRegistryClient;
import io.switchboard.secrets.Keyring;
import io.switchboard.secrets.SecretBox;
import io.switchboard.secrets.SecretStore;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;

/**
 * One Switchboard replica: optionally an embedded broker and schema registry, the command
 * processor (Kafka Streams), and the HTTP API. {@link #start} wires them in order and
 * {@link #close} stops them in reverse.
 */
public final class SwitchboardApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SwitchboardApp.class);
    /** The Connect cluster that Kafka Connect's root API works on. */
    public static final String DEFAULT_CLUSTER = ClusterDirectory.DEFAULT_CLUSTER;
    /** How long a read waits for some replica to hold a usable copy of its data (a partition moving after a replica's
     * death) before it is answered 503 with Retry-After. */
    static final Duration READ_WAIT = Duration.ofSeconds(10);

    private final ShutdownOrder shutdown = new ShutdownOrder();
    /** What the replica starts here, beside what its assemblies own. */
    private ShutdownOrder.Part owned;
    private final StartupSteps steps = new StartupSteps();
    private final SwitchboardOptions options;
    /** The HTTP side: access, dialects and server. */
    private final HttpAssembly httpSide;
    /** Where the API listens, and the address the other replicas reach this one at. */
    private ReplicaAddress address;
    private KafkaAssembly kafkaSide;
    private RegistryAssembly registry;
    private CommandAssembly command;
    private String bootstrapServers;
    private KafkaStreams streams;
    private ConnectorQueries queries;
    private final ConnectClusters connectClusters;
    private HttpServer http;
    private ConnectorSecrets secrets;
    private Metrics metrics;
    /** Each sink's recent lag readings, kept by the sink-lag reader and drawn by the console. */
    private SinkLagHistory lagHistory;
    private Pipelines pipelines;
    private KafkaClients kafka;
    private NamedSecrets namedSecrets;
    private SecretStore secretStore;
    private RemoteStores remoteStores;
    private volatile List<ReconcilerLoop> reconcilerLoops = List.of();

    private SwitchboardApp(SwitchboardOptions options) {
        this.options = options;
        this.httpSide = new HttpAssembly(options);
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
        kafkaSide = new KafkaAssembly(options, dataDir, topics, steps, shutdown.part()).start();
        bootstrapServers = kafkaSide.bootstrapServers();
        kafka = kafkaSide.clients();
        Admin admin = kafkaSide.admin();
        String kafkaClusterId = kafkaSide.clusterId();
        // What is secret, for every place that stores, records or shows a config.
        Redactor secretKeys = Redactor.fromGlobs(options.secretKeyPatterns());
        Keyring keyring = steps.time("keyring", () -> options.secretsKey() != null
                ? Keyring.parse(options.secretsKey())
                : Keyring.loadOrCreate(options.keyringFile().toAbsolutePath()));
        // The embedded registry creates its topic and reads it at once: it starts before the steps
        // below, whose topics' creation would otherwise keep the broker from serving it yet.
        registry = new RegistryAssembly(options, kafkaSide, topics, keyring, steps, shutdown.part()).start();
        SchemaRegistryClient registryClient = registry.client();
        command = new CommandAssembly(options, dataDir, topics, kafkaSide, keyring, secretKeys, steps, shutdown.part()).begin(registryClient);
        // The HTTP port must be known before Kafka Streams starts: it is this replica's address.
        address = ReplicaAddress.reserve(options);
        command.start(address);
        owned = shutdown.part();
        TopologySerdes serdes = command.serdes();
        TopologySigning signing = command.signing();
        DecisionListener decisions = command.decisions();
        AvroSerde<ConnectorHistory> histories = command.histories();
        AvroSerde<ConnectorTimeline> timelines = command.timelines();
        Restorations restorations = command.restorations();
        Tracing.Started tracing = command.tracing();
        Properties processorSettings = command.processorSettings();
        int commandPartitions = command.commandPartitions();
        streams = command.streams();
        KafkaReplicaKeys replicaKeys = command.replicaKeys();
        CommandGateway gateway = command.gateway();
        ConnectorPlugins plugins = steps.time("plugins", ConnectorPlugins::fromClasspath);
        secrets = new ConnectorSecrets(new SecretBox(keyring),
                secretKeys);
        secretStore = command.secretStore();
        // The embedded worker needs nothing of the command processor: it starts while the processor joins.
        WorkerAssembly worker = new WorkerAssembly(options, kafkaSide, connectClusters, steps, shutdown.part())
                .start(secretStore, keyring);
        InternalRequests internalRequests = new InternalRequests(replicaKeys, address.hostAndPort(), Clock.systemUTC());
        ConnectorQueries queries = new ConnectorQueries(streams,
                new ReplicaRouter(streams, address.hostInfo()),
                remoteStores = new RemoteStores(Duration.ofSeconds(5), internalRequests::sign, options.security().replicaTrust()), serdes.states(), serdes.observations(), histories,
                commandPartitions, READ_WAIT, ConnectorQueries.MAX_WAITING_READS,
                // The lease and the pause fence follow the processor's own group session.
                SessionTimers.of(processorSettings)).keepsTimelines(timelines, serdes.sets()).keepsRollouts(serdes.rollouts());
        queries.checkCoverage(decisions.progress(), admin, topics.commands(), topics.applicationId());
        // Its threads stop with the processor's stage, after the HTTP server and the data plane that read through it.
        this.queries = own(Stage.PROCESSOR, queries);
        ObservationWatcher watcher = own(Stage.HTTP, new ObservationWatcher(
                queries::statusNow, options.commandTimeout(), Duration.ofMillis(100)));
        namedSecrets = new NamedSecrets(secretStore, queries, Clock.systemUTC(), options.secretBounds());
        ConnectorConfigValidator validator = new ConnectorConfigValidator(plugins, connectClusters::client, secrets.keys());
        ConnectorCore connectorService = new ConnectorCore(gateway, queries, plugins, validator, watcher, secrets, namedSecrets,
                connectClusters);
        PolicyQueries policyQueries = new PolicyQueries(streams);
        ClusterFacts facts = new ClusterFacts(connectClusters, connectorService, secrets, validator, gateway::controlPlane, Clock.systemUTC());
        CoreServices core = new CoreServices(connectorService, namedSecrets, facts, connectClusters, kafkaClusterId,
                new ConnectorSets(gateway, queries, validator, secrets, namedSecrets, connectClusters, connectorService.preflight(), policyQueries),
                new Policies(gateway, policyQueries, queries), new Rollouts(gateway, queries, facts::installed, connectorService.preflight()));
        ObjectMapper json = new ObjectMapper();
        AccessCheck access = httpSide.access(internalRequests, replicaKeys);
        lagHistory = new SinkLagHistory(options.health().sinkLagEvery());
        pipelines = new Pipelines(connectorService, queries, secrets, new ConnectionCheck(), DEFAULT_CLUSTER, Clock.systemUTC(),
                own(Stage.PROCESSOR, new SnapshotProgressFeed(bootstrapServers, kafka.common(), topics.pipelineNotifications()).start())::of,
                topics.pipelineNotifications());
        Dialects dialects = httpSide.dialects(core, pipelines, kafkaClusterId, address.advertised().toString(), json, access, lagHistory);
        EventsResource events = new EventsResource(new KafkaLifecycleLog(kafka, topics.lifecycle(), serdes.events().deserializer()), json)
                .withSets(core.sets()).withViews(
                        // A viewer's traces are shaped with the connector's current config, as the status routes shape them.
                        new LifecycleViews(secretKeys, key -> queries.connector(key).map(ConnectorState::getConfig)));
        HealthResource health = new HealthResource(new ReplicaHealth(streams, decisions, options.commandTimeout(), connectClusters,
                restorations));
        // The API answers from here on, so that the replica is reachable while the data plane starts;
        // until it is attached, /health and what needs a worker answer 503 saying it is starting.
        DataPlaneAssembly.plan(options, connectClusters);

        metrics = own(Stage.PROCESSOR, new Metrics(streams));
        metrics.timeDecisions(gateway);
        metrics.countRefusedCommands(signing.refusedCommands());
        metrics.countRefusedRecords(signing.refusedRecords());
        metrics.watchWorkerPrincipal(this::workerMayWriteCommands);
        metrics.watch(decisions.reader().client());
        metrics.watchReplicaReads(remoteStores::reads, List.of(StoreNames.CONNECTORS, StoreNames.STATUSES, StoreNames.HISTORY,
                StoreNames.TIMELINE, StoreNames.SETS, StoreNames.ROLLOUTS));
        if (options.health().follow()) {
            own(Stage.PROCESSOR, metrics.followHealth(bootstrapServers, kafka.common(), topics.lifecycle(), serdes.events().deserializer(), admin, options.health(),
                    lagHistory, DataPlaneAssembly.clustersOnSwitchboardKafka(options)));
        }
        metrics.countPolicyViolations(() -> perCluster(core.policies()::violationCounts));
        metrics.countConnectors(() -> perCluster(connectorService::describeAll));
        http = steps.time("http server", () -> own(Stage.HTTP, httpSide.server(address.port(), json, dialects, access, tracing, metrics, health,
                queries, events).start()));
        // Closed before the HTTP server, so that open event streams end first.
        own(Stage.HTTP, events);
        steps.time("command processor running", () -> ReplicaHealth.awaitRunning(streams, log));
        reconcilerLoops = steps.time("data plane", () -> new DataPlaneAssembly(options, bootstrapServers, kafka, connectClusters, queries, secrets, secretStore, metrics, pipelines,
                connectorService, shutdown.part()).start(topics, serdes, signing.states(), signing.records(), decisions, worker::process, gateway));
        steps.ready();
        log.info("Switchboard API listening on {} (Kafka {}{}, schema registry {})", url(), bootstrapServers,
                kafkaSide.settingsFiles(), registry.url());
    }

    /** What {@code each} answers of every attached Connect cluster, by cluster. */
    private <T> Map<String, T> perCluster(Function<Scope, T> each) {
        Map<String, T> all = new LinkedHashMap<>();
        connectClusters.names().forEach(cluster -> all.put(cluster, each.apply(new Scope(cluster))));
        return all;
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

    private <T extends AutoCloseable> T own(Stage stage, T resource) {
        return owned.add(stage, resource);
    }

    public String url() {
        return address.url();
    }

    /** The API's route table: every route with the access it declared. */
    public List<HttpServer.Route> routes() {
        return http.routes();
    }

    public int port() {
        return http.port();
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String schemaRegistryUrl() {
        return registry.url();
    }

    /** Whether the Connect worker's Kafka principal may write the command topic (checked at start; it should not). */
    public boolean workerMayWriteCommands() {
        return kafkaSide.workerMayWriteCommands();
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** The data plane's loop of each attached Connect cluster: whether this replica reconciles it, and its full passes. */
    public List<ReconcilerLoop> reconcilerLoops() {
        return reconcilerLoops;
    }

    /** Reads this replica has made of another replica's copies of {@code store} ({@link StoreNames}) since it started. */
    public long replicaReads(String store) {
        return remoteStores.reads(store);
    }

    @Override
    public void close() {
        shutdown.close();
    }
}
