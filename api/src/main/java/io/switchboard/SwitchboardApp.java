package io.switchboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.auth.AccessCheck;
import io.switchboard.commands.CommandGateway;
import io.switchboard.commands.DecisionListener;
import io.switchboard.core.ClusterDirectory;
import io.switchboard.core.ConnectorConfigValidator;
import io.switchboard.core.ConnectorCore;
import io.switchboard.core.ConnectorPlugins;
import io.switchboard.core.CoreServices;
import io.switchboard.core.SecretKeys;
import io.switchboard.dialects.connect.ConnectDialect;
import io.switchboard.http.Dialect;
import io.switchboard.http.Dialects;
import io.switchboard.dataplane.ConnectClusterClient;
import io.switchboard.dataplane.ConnectClusters;
import io.switchboard.dataplane.EmbeddedConnectWorker;
import io.switchboard.dataplane.Reconciler;
import io.switchboard.dataplane.DecisionFeed;
import io.switchboard.dataplane.ReconcilerLoop;
import io.switchboard.events.EventsResource;
import io.switchboard.ShutdownOrder.Stage;
import io.switchboard.http.HttpServer;
import io.switchboard.kafka.EmbeddedKafka;
import io.switchboard.kafka.TopicSetup;
import io.switchboard.pipelines.SnapshotProgressFeed;
import io.switchboard.processor.CommandTopology;
import io.switchboard.processor.HistoryRecording;
import io.switchboard.processor.StreamsSettings;
import io.switchboard.processor.TopologySerdes;
import io.switchboard.processor.Topics;
import io.switchboard.query.ConnectorQueries;
import io.switchboard.query.InternalResource;
import io.switchboard.query.RemoteStores;
import io.switchboard.query.ReplicaRouter;
import org.apache.kafka.streams.state.HostInfo;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.schemas.registry.EmbeddedSchemaRegistry;
import io.switchboard.schemas.wire.AvroSerde;
import io.switchboard.schemas.wire.HttpSchemaRegistryClient;
import io.switchboard.schemas.wire.SchemaRegistryClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One Switchboard replica: optionally an embedded broker and schema registry, the command
 * processor (Kafka Streams), and the HTTP API. {@link #start} wires them in order and
 * {@link #close} stops them in reverse.
 */
public final class SwitchboardApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SwitchboardApp.class);
    /** The Connect cluster that Kafka Connect's root API works on. */
    public static final String DEFAULT_CLUSTER = ClusterDirectory.DEFAULT_CLUSTER;
    /**
     * One standby copy of every store partition on another replica, so a replica's death hands its
     * partitions to one that is already current. With a single replica there is nowhere to put it
     * and Kafka Streams keeps none.
     */
    static final int STANDBY_REPLICAS = 1;
    /**
     * How long a read waits for some replica to hold a usable copy of its data (a partition moving
     * after a replica's death) before it is answered 503 with Retry-After.
     */
    static final Duration READ_WAIT = Duration.ofSeconds(10);
    /**
     * How often the data plane compares every connector with its worker. Decided changes are
     * reconciled at once; this pass repairs what was changed on the worker directly.
     */
    static final Duration FULL_PASS_EVERY = Duration.ofSeconds(10);

    private final ShutdownOrder shutdown = new ShutdownOrder();
    private final SwitchboardOptions options;
    private String bootstrapServers;
    private String schemaRegistryUrl;
    private KafkaStreams streams;
    private ConnectorQueries queries;
    private final ConnectClusters connectClusters;
    private HttpServer http;
    private io.switchboard.core.ConnectorSecrets secrets;
    private String keyringHandle;
    private io.switchboard.metrics.Metrics metrics;
    private io.switchboard.pipelines.Pipelines pipelines;
    private Map<String, String> kafkaSettings = Map.of();
    private String secretStoreHandle;
    private io.switchboard.core.NamedSecrets namedSecrets;

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
            app.close();
            throw e;
        }
    }

    private void startAll() {
        Path dataDir = options.dataDir().toAbsolutePath();
        createDirectories(dataDir);
        bootstrapServers = options.bootstrapServers();
        if (options.embeddedKafka()) {
            EmbeddedKafka kafka = own(Stage.BROKER, new EmbeddedKafka(dataDir, options.kafkaPort()).start());
            bootstrapServers = kafka.bootstrapServers();
        }
        Topics topics = new Topics(options.topicPrefix(), options.lifecycleTopic());
        // What every Kafka client Switchboard makes gets besides its own settings (SASL, SSL: --kafka-property).
        kafkaSettings = options.security().kafkaSettings();
        Admin admin = own(Stage.PROCESSOR, Admin.create(withKafkaSettings(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))));
        TopicSetup.ensure(admin, topics, options.commandPartitions());
        String kafkaClusterId = clusterId(admin);
        // What is secret, for every place that stores, records or shows a config.
        SecretKeys secretKeys = SecretKeys.fromGlobs(options.secretKeyPatterns());
        io.switchboard.secrets.Keyring keyring = options.secretsKey() != null
                ? io.switchboard.secrets.Keyring.parse(options.secretsKey())
                : io.switchboard.secrets.Keyring.loadOrCreate(options.keyringFile().toAbsolutePath());
        // Replicas sign what they ask each other with a session key they share through Kafka; a
        // replica whose keyring is not its peers' stops here, saying so,
        // before it joins the command processor's group.
        io.switchboard.auth.ReplicaKeys replicaKeys = own(Stage.PROCESSOR, new io.switchboard.auth.ReplicaKeys(bootstrapServers,
                kafkaSettings, topics.replicaKeys(), keyring, Clock.systemUTC())).start();

        schemaRegistryUrl = options.schemaRegistryUrl();
        if (options.embeddedSchemaRegistry()) {
            EmbeddedSchemaRegistry registry = own(Stage.REGISTRY, new EmbeddedSchemaRegistry(bootstrapServers,
                    options.topicPrefix() + "._schemas", options.effectiveBindHost(), options.schemaRegistryPort()).start());
            schemaRegistryUrl = "http://" + loopbackIfWildcard(options.effectiveBindHost()) + ":" + registry.port();
        }
        SchemaRegistryClient registryClient = new HttpSchemaRegistryClient(schemaRegistryUrl);
        TopologySerdes serdes = new TopologySerdes(
                new AvroSerde<>(registryClient, ConnectorCommand.class, false),
                new AvroSerde<>(registryClient, ConnectorState.class, false),
                new AvroSerde<>(registryClient, CommandDecision.class, false),
                new AvroSerde<>(registryClient, LifecycleEvent.class, false),
                new AvroSerde<>(registryClient, ConnectorObservation.class, false));
        AvroSerde<ConnectorHistory> histories = new AvroSerde<>(registryClient, ConnectorHistory.class, false);
        var timelines = new AvroSerde<>(registryClient, io.switchboard.schemas.ConnectorTimeline.class, false);

        // The HTTP port must be known before Kafka Streams starts: it is this replica's address.
        int port = reservePort();
        String advertised = options.advertisedUrl() != null ? options.advertisedUrl()
                : scheme() + "://" + loopbackIfWildcard(options.effectiveBindHost()) + ":" + port;
        URI advertisedUri = URI.create(advertised);

        DecisionListener decisions = own(Stage.PROCESSOR, new DecisionListener(bootstrapServers, kafkaSettings, topics.decisions(),
                serdes.decisions().deserializer()));
        streams = new KafkaStreams(CommandTopology.build(topics, serdes, decisions,
                        new HistoryRecording(histories, secretKeys::hide).withTimelines(timelines)),
                withKafkaSettings(StreamsSettings.of(topics, bootstrapServers, dataDir.resolve("streams"),
                        advertisedUri.getHost() + ":" + advertisedUri.getPort(),
                        STANDBY_REPLICAS)));
        streams.setUncaughtExceptionHandler(e -> {
            log.error("Command processor thread failed; replacing it", e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        // Leave the group on a clean stop, so that a restarted replica does not wait out the old
        // member's session before it gets its partitions back.
        own(Stage.PROCESSOR, () -> streams.close(org.apache.kafka.streams.CloseOptions.timeout(Duration.ofSeconds(10))
                .withGroupMembershipOperation(org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.LEAVE_GROUP)));
        streams.start();

        CommandGateway gateway = own(Stage.PROCESSOR, new CommandGateway(bootstrapServers, kafkaSettings, topics.commands(), serdes.commands().serializer(),
                decisions, options.commandTimeout(), Clock.systemUTC()));
        ConnectorPlugins plugins = ConnectorPlugins.fromClasspath();
        secrets = new io.switchboard.core.ConnectorSecrets(new io.switchboard.secrets.SecretBox(keyring),
                secretKeys);
        keyringHandle = io.switchboard.secrets.SecretConfigProvider.register(
                "replica-" + java.util.UUID.randomUUID(), keyring);
        io.switchboard.secrets.SecretStore secretStore = own(Stage.PROCESSOR, new io.switchboard.secrets.SecretStore(bootstrapServers, kafkaSettings,
                options.topicPrefix() + ".secrets", new io.switchboard.secrets.SecretBox(keyring), admin));
        secretStoreHandle = io.switchboard.secrets.SecretStoreConfigProvider.register(
                "replica-" + java.util.UUID.randomUUID(), secretStore);
        io.switchboard.auth.InternalRequests internalRequests = new io.switchboard.auth.InternalRequests(replicaKeys, Clock.systemUTC());
        ConnectorQueries queries = new ConnectorQueries(streams,
                new ReplicaRouter(streams, new HostInfo(advertisedUri.getHost(), advertisedUri.getPort())),
                new RemoteStores(Duration.ofSeconds(5), internalRequests, options.security().replicaTrust()), serdes.states(), serdes.observations(), histories,
                partitionCount(admin, topics.commands()), READ_WAIT).keepsTimelines(timelines);
        queries.confirmAbsences(decisions.progress(), admin, topics.commands(), topics.applicationId());
        this.queries = queries;
        io.switchboard.query.ObservationWatcher watcher = own(Stage.HTTP, new io.switchboard.query.ObservationWatcher(
                queries::statusNow, options.commandTimeout(), Duration.ofMillis(100)));
        namedSecrets = new io.switchboard.core.NamedSecrets(secretStore, queries, Clock.systemUTC());
        ConnectorCore connectorService = new ConnectorCore(gateway, queries, plugins,
                new ConnectorConfigValidator(plugins, connectClusters::client, secrets.keys()), watcher, secrets, namedSecrets,
                connectClusters);
        CoreServices core = new CoreServices(connectorService, namedSecrets,
                new io.switchboard.core.ClusterFacts(connectClusters, connectorService, secrets.keys(), Clock.systemUTC()), connectClusters, kafkaClusterId);
        ObjectMapper json = new ObjectMapper();
        // The APIs Switchboard speaks, each under its own base paths with its own error shape.
        Dialects dialects = new Dialects(java.util.List.<Dialect>of(
                new ConnectDialect(core, json),
                new io.switchboard.dialects.confluent.ConfluentDialect(core, confluentScopes(kafkaClusterId)),
                new io.switchboard.dialects.redpanda.RedpandaDialect(core, advertised), new io.switchboard.console.ConsoleDialect(core),
                new io.switchboard.dialects.pipelines.PipelinesDialect(pipelines = new io.switchboard.pipelines.Pipelines(connectorService,
                        queries, secrets, new io.switchboard.pipelines.ConnectionCheck(), DEFAULT_CLUSTER, Clock.systemUTC(),
                        own(Stage.PROCESSOR, new SnapshotProgressFeed(bootstrapServers, kafkaSettings, topics.pipelineNotifications())
                                .start())::of, topics.pipelineNotifications()))));
        EventsResource events = new EventsResource(bootstrapServers, topics.lifecycle(), serdes.events().deserializer(), json)
                .withKafkaSettings(kafkaSettings);
        HealthResource health = new HealthResource(new ReplicaHealth(streams, decisions, options.commandTimeout(), connectClusters));
        // The API answers from here on, so that the replica is reachable while the data plane starts;
        // until it is attached, /health and what needs a worker answer 503 saying it is starting.
        plannedClusters().forEach(connectClusters::starting);
        // An external cluster's workers have not Switchboard's config providers: no secret is sent to them.
        options.connectClusterUrls().keySet().forEach(connectClusters::cannotOpenSecrets);
        AccessCheck access = new AccessCheck(authenticator(), internalRequests);
        metrics = own(Stage.PROCESSOR, new io.switchboard.metrics.Metrics(streams));
        metrics.timeDecisions(gateway);
        metrics.watch(decisions.consumer());
        metrics.countConnectors(() -> {
            Map<String, java.util.List<io.switchboard.core.Views.ConnectorDetails>> all = new java.util.LinkedHashMap<>();
            connectClusters.names().forEach(cluster -> all.put(cluster, connectorService.describeAll(new io.switchboard.core.Scope(cluster))));
            return all;
        });
        io.switchboard.http.RateLimits rateLimits = options.security().rateLimit() == null ? null
                : io.switchboard.http.RateLimits.parse(options.security().rateLimit());
        SecurityOptions security = options.security();
        io.switchboard.http.Tls tls = security.tlsKeystore() == null ? null
                : new io.switchboard.http.Tls(security.tlsKeystore(), security.tlsKeystorePassword());
        http = own(Stage.HTTP, new HttpServer(options.effectiveBindHost(), port, json, dialects, tls, config -> {
            // Cross-cutting, in this order: timing; once a route matched, who may do what (as the route
            // declared it), then how much.
            metrics.register(config, dialects);
            config.routes.beforeMatched(access::handle);
            if (rateLimits != null) {
                config.routes.beforeMatched(rateLimits::handle);
            }
            health.register(config);
            new InternalResource(queries).register(config);
            events.register(config);
        }).start());
        // Closed before the HTTP server, so that open event streams end first.
        own(Stage.HTTP, events);
        awaitRunning();
        startDataPlane(topics, serdes);
        log.info("Switchboard API listening on {} (Kafka {}, schema registry {})", url(), bootstrapServers, schemaRegistryUrl);
    }

    /**
     * The Connect clusters Switchboard reconciles: the embedded worker as cluster "default" unless
     * external clusters are given, and a reconciler loop for each.
     */
    private void startDataPlane(Topics topics, TopologySerdes serdes) {
        Map<String, String> clusters = new java.util.LinkedHashMap<>(options.connectClusterUrls());
        Map<String, String> statusTopics = new java.util.HashMap<>(options.connectClusterStatusTopics());
        if (clusters.isEmpty() && options.embeddedWorker()) {
            // The embedded worker opens sealed secrets itself, when a connector starts: its config
            // topic and REST answers keep them sealed.
            EmbeddedConnectWorker worker = own(Stage.WORKER, EmbeddedConnectWorker.start(bootstrapServers, io.switchboard.dataplane.BundledPlugins.withBundled(options.pluginPath()),
                    options.topicPrefix() + "-connect", 0, workerSettings(Map.of(
                            "config.providers", "switchboard,secretsManager",
                            "config.providers.switchboard.class", io.switchboard.secrets.SecretConfigProvider.class.getName(),
                            "config.providers.switchboard.param.keyring.handle", keyringHandle,
                            "config.providers.secretsManager.class", io.switchboard.secrets.SecretStoreConfigProvider.class.getName(),
                            "config.providers.secretsManager.param.store.handle", secretStoreHandle,
                            "config.providers.secretsManager.param.cluster", DEFAULT_CLUSTER))));
            clusters.put(DEFAULT_CLUSTER, worker.url());
            statusTopics.put(DEFAULT_CLUSTER, worker.statusTopic());
            log.info("Embedded Kafka Connect worker listening on {}", worker.url());
        }
        if (clusters.isEmpty()) {
            return;
        }
        KafkaProducer<String, ConnectorObservation> observations = own(Stage.DATA_PLANE, new KafkaProducer<>(withKafkaSettings(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)),
                new StringSerializer(), serdes.observations().serializer()));
        java.util.List<ReconcilerLoop> loops = new java.util.concurrent.CopyOnWriteArrayList<>();
        clusters.forEach((cluster, url) -> {
            // Owned before the loop that calls it, so it stops after the loop does.
            ConnectClusterClient worker = own(Stage.DATA_PLANE, connectClusters.newClient(url));
            Reconciler reconciler = new Reconciler(cluster, worker,
                    () -> queries.connectors(cluster),
                    name -> queries.status(new io.switchboard.processor.ConnectorKey(cluster, name)),
                    observation -> observations.send(new ProducerRecord<>(topics.observations(),
                            cluster + "/" + observation.getConnector(), observation)),
                    Clock.systemUTC(),
                    // Workers get configs as stored: sealed values and named secrets stay references, which only
                    // a worker with Switchboard's config providers opens (the core refuses them for the others).
                    java.util.function.UnaryOperator.identity(),
                    name -> queries.connector(new io.switchboard.processor.ConnectorKey(cluster, name)));
            metrics.watch(cluster, reconciler);
            metrics.watch(cluster, connectClusters.requestsTo(url));
            ReconcilerLoop loop = new ReconcilerLoop(cluster, reconciler, bootstrapServers, kafkaSettings,
                    topics.reconcilerLeases(), options.topicPrefix() + "-reconciler-" + cluster, FULL_PASS_EVERY);
            String statusTopic = statusTopics.get(cluster);
            if (statusTopic != null) {
                // Statuses as the workers write them, rather than by asking the workers for them;
                // a change to a connector the data plane watches is reported at once.
                io.switchboard.dataplane.WorkerStatusFeed feed = new io.switchboard.dataplane.WorkerStatusFeed(
                        bootstrapServers, kafkaSettings, statusTopic);
                feed.onChange(loop.reactive()::statusesChanged);
                reconciler.readStatusesFrom(own(Stage.DATA_PLANE, feed.start()));
            }
            // Owned after its feed, so it stops before the feed does.
            loops.add(own(Stage.DATA_PLANE, loop).start());
            connectClusters.attached(cluster, url);
        });
        // Scheduled pipeline runs start on the replica that holds the lease of the pipelines' cluster.
        own(Stage.DATA_PLANE, new io.switchboard.pipelines.PipelineScheduler(pipelines,
                () -> loops.stream().anyMatch(loop -> loop.cluster().equals(DEFAULT_CLUSTER) && loop.isLeader()), Clock.systemUTC()).start());
        // Each decided change is reconciled at once by the replica that holds its cluster's lease.
        own(Stage.DATA_PLANE, new DecisionFeed(bootstrapServers, kafkaSettings, topics.decisions(), serdes.decisions().deserializer(),
                () -> loops.stream().anyMatch(ReconcilerLoop::isLeader),
                decision -> loops.forEach(loop -> loop.reactive().decided(decision))).start());
    }

    private String scheme() {
        return options.security().tlsKeystore() == null ? "http" : "https";
    }

    /** A Kafka client's own settings over the ones every client gets. */
    private Map<String, Object> withKafkaSettings(Map<String, ?> own) {
        Map<String, Object> all = new java.util.HashMap<>(kafkaSettings);
        all.putAll(own);
        return all;
    }

    private java.util.Properties withKafkaSettings(java.util.Properties own) {
        java.util.Properties all = new java.util.Properties();
        all.putAll(kafkaSettings);
        all.putAll(own);
        return all;
    }

    /** The embedded worker's own clients take the settings as they are, its connectors' clients with their prefixes. */
    private Map<String, String> workerSettings(Map<String, String> own) {
        Map<String, String> all = new java.util.LinkedHashMap<>();
        kafkaSettings.forEach((key, value) -> {
            all.put(key, value);
            for (String prefix : java.util.List.of("producer.", "consumer.", "admin.")) {
                all.put(prefix + key, value);
            }
        });
        all.putAll(own);
        return all;
    }

    /** Confluent's (environment, Kafka cluster) pairs by Connect cluster, with cluster default as env-default and this Kafka cluster's id. */
    private Map<String, String> confluentScopes(String kafkaClusterId) {
        Map<String, String> scopes = new java.util.LinkedHashMap<>(options.confluentScopeMap());
        if (!scopes.containsValue(DEFAULT_CLUSTER)) {
            scopes.putIfAbsent("env-default/" + kafkaClusterId, DEFAULT_CLUSTER);
        }
        return scopes;
    }

    /** The credentials configured, or null when there are none (then the API is open, on loopback unless told otherwise). */
    private io.switchboard.auth.Authenticator authenticator() {
        SecurityOptions security = options.security();
        if (!security.credentialsConfigured()) {
            String host = options.effectiveBindHost();
            if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("::1")) {
                log.warn("**********************************************************************************");
                log.warn("The API listens on {} with NO authentication: anyone who can reach it can do anything.", host);
                log.warn("Give --users-file or --oidc-issuer, or leave --bind-host out to listen on loopback only.");
                log.warn("**********************************************************************************");
            }
            return null;
        }
        io.switchboard.auth.UsersFile users = security.usersFile() == null ? null
                : new io.switchboard.auth.UsersFile(security.usersFile().toAbsolutePath());
        io.switchboard.auth.OidcTokens tokens = security.oidcIssuer() == null ? null
                : new io.switchboard.auth.OidcTokens(security.oidcIssuer(), security.oidcAudience(), security.oidcJwksUrl(),
                        security.oidcRolesClaim());
        return new io.switchboard.auth.Authenticator(users, tokens);
    }

    /** The clusters {@link #startDataPlane} will attach: the external ones, else the embedded worker. */
    private java.util.Set<String> plannedClusters() {
        java.util.Set<String> clusters = options.connectClusterUrls().keySet();
        return clusters.isEmpty() && options.embeddedWorker() ? java.util.Set.of(DEFAULT_CLUSTER) : clusters;
    }

    /** The attached Connect clusters' worker URLs, by cluster. */
    public Map<String, String> connectClusters() {
        return connectClusters.urls();
    }

    private void awaitRunning() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING) {
                throw new IllegalStateException("The command processor stopped while starting: " + streams.state());
            }
            if (System.nanoTime() > deadline) {
                log.warn("The command processor is not running yet ({}); serving anyway", streams.state());
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            if (Thread.currentThread().isInterrupted()) {
                throw new IllegalStateException("Interrupted while the command processor starts");
            }
        }
    }

    private int reservePort() {
        if (options.port() != 0) {
            return options.port();
        }
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The stores have one partition per partition of the command topic. */
    private static int partitionCount(Admin admin, String topic) {
        try {
            return admin.describeTopics(java.util.List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic).partitions().size();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot describe " + topic + ": " + e.getMessage(), e);
        }
    }

    private static String clusterId(Admin admin) {
        try {
            return admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot reach Kafka: " + e.getMessage(), e);
        }
    }

    private static String loopbackIfWildcard(String host) {
        return host == null || host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Cannot create the data directory " + dir, e);
        }
    }

    private <T extends AutoCloseable> T own(Stage stage, T resource) {
        return shutdown.add(stage, resource);
    }

    public String url() {
        return scheme() + "://" + loopbackIfWildcard(options.effectiveBindHost()) + ":" + http.port();
    }

    /** The API's route table: every route with the access it declared. */
    public java.util.List<HttpServer.Route> routes() {
        return http.routes();
    }

    public int port() {
        return http.port();
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String schemaRegistryUrl() {
        return schemaRegistryUrl;
    }

    public KafkaStreams streams() {
        return streams;
    }

    @Override
    public void close() {
        shutdown.close();
    }
}
