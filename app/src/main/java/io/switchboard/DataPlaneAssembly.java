package io.switchboard;

import io.switchboard.kafkaio.KafkaClients;
import io.switchboard.commands.DecisionListener;
import io.switchboard.ShutdownOrder.Stage;
import io.switchboard.core.ConnectorSecrets;
import io.switchboard.dataplane.ConnectClusterClient;
import io.switchboard.dataplane.ConnectClusters;
import io.switchboard.dataplane.DesiredConnectors;
import io.switchboard.dataplane.DesiredStateChangelog;
import io.switchboard.dataplane.DesiredStateFeed;
import io.switchboard.schemas.SignedStates;
import io.switchboard.kafkaio.CommandRecords;
import io.switchboard.kafkaio.RecordSignatures;
import io.switchboard.dataplane.Reconciler;
import io.switchboard.dataplane.ReconcilerLoop;
import io.switchboard.core.CommandBus;
import io.switchboard.core.RolloutDriver;
import io.switchboard.dataplane.WorkerConfigFeed;
import io.switchboard.dataplane.WorkerOffsetsFeed;
import io.switchboard.dataplane.WorkerStatusFeed;
import io.switchboard.dataplane.WorkerTopics;
import io.switchboard.dataplane.WorkerProcess;
import io.switchboard.core.ConnectorService;
import io.switchboard.core.ReadConsistency;
import io.switchboard.core.RequestContext;
import io.switchboard.core.Scope;
import io.switchboard.schemas.TargetState;
import io.switchboard.metrics.Metrics;
import io.switchboard.pipelines.PipelinePhaseWatcher;
import io.switchboard.pipelines.PipelineScheduler;
import io.switchboard.pipelines.Pipelines;
import io.switchboard.processor.StoreNames;
import io.switchboard.kafkaio.Topics;
import io.switchboard.processor.ControlPlanes;
import io.switchboard.processor.TopologySerdes;
import io.switchboard.query.ConnectorQueries;
import io.switchboard.rules.ConnectorKey;
import io.switchboard.rules.ControlPlane.FileConnectors;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.secrets.Redactor;
import io.switchboard.secrets.SecretStore;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The data plane of one replica, assembled: the embedded worker ({@link WorkerAssembly}) as cluster
 * "default" unless external clusters are given, and for each cluster a reconciler, its loop (which
 * runs only on the replica holding the cluster's lease), its status feed, and the feeds of decisions
 * and pipeline runs. Owns everything it starts, which stops with the data plane, in reverse.
 */
record DataPlaneAssembly(SwitchboardOptions options, String bootstrapServers, KafkaClients kafka, ConnectClusters connectClusters,
                         ConnectorQueries queries, ConnectorSecrets secrets, SecretStore secretStore, Metrics metrics,
                         Pipelines pipelines, ConnectorService connectors, ShutdownOrder.Part owned) {
    private static final Logger log = LoggerFactory.getLogger(DataPlaneAssembly.class);
    /** The principal the quarantine's stop commands are made by. */
    static final String QUARANTINE = "switchboard:quarantine";
    /** Whether the data plane runs the embedded worker: no external cluster is given, and it is not turned off. */
    static boolean embedsWorker(SwitchboardOptions options) {
        return options.connectClusterUrls().isEmpty() && options.embeddedWorker();
    }

    /**
     * The control plane the policies decide for: the deployment's topics, and, with the embedded
     * worker, where its FileStream connectors may read and write ({@code --file-connectors-dir},
     * checked as {@code FileConnectorsDirectory} says: refused, at start, unless private to the
     * service user and apart from the data directory; without it they are off), and the bounds on {@code tasks.max}. Every replica of a deployment
     * must be given the same directory and bounds.
     */
    static io.switchboard.rules.ControlPlane controlPlane(SwitchboardOptions options, Topics topics) {
        return ControlPlanes.of(topics, embedsWorker(options) ? FileConnectors.embedded(options.fileConnectorsDir(), keptApart(options))
                : FileConnectors.NOT_EMBEDDED).withBounds(options.connectorBounds());
    }

    /** What the file connectors' directory may be neither inside nor above: the data directory, the keyring, the users file. */
    private static java.util.List<java.nio.file.Path> keptApart(SwitchboardOptions options) {
        java.util.List<java.nio.file.Path> kept = new java.util.ArrayList<>(java.util.List.of(options.dataDir(), options.keyringFile()));
        if (options.security().usersFile() != null) {
            kept.add(options.security().usersFile());
        }
        return kept;
    }

    /**
     * Tells {@code connectClusters}, before the API answers, the clusters the data plane will attach
     * (the external ones, else the embedded worker), each starting until it is attached: until then,
     * /health and what needs its worker answer 503 saying it is starting. An external cluster's
     * workers have not Switchboard's config providers: no secret is sent to them.
     */
    static void plan(SwitchboardOptions options, ConnectClusters connectClusters) {
        (embedsWorker(options) ? java.util.Set.of(SwitchboardApp.DEFAULT_CLUSTER) : options.connectClusterUrls().keySet())
                .forEach(connectClusters::starting);
        options.connectClusterUrls().keySet().forEach(connectClusters::cannotOpenSecrets);
    }

    /**
     * The Connect clusters whose workers' consumer groups are on Switchboard's Kafka: the embedded
     * worker's, or the external clusters configured with their status or config topic here. Another
     * cluster's {@code connect-<name>} groups are on its own Kafka, so a group of that name here is
     * not its sink's.
     */
    static java.util.Set<String> clustersOnSwitchboardKafka(SwitchboardOptions options) {
        if (DataPlaneAssembly.embedsWorker(options)) {
            return java.util.Set.of(SwitchboardApp.DEFAULT_CLUSTER);
        }
        java.util.Set<String> here = new java.util.TreeSet<>(options.connectClusterStatusTopics().keySet());
        here.addAll(options.connectClusterConfigTopics().keySet());
        return here;
    }

    /**
     * Stops a connector the embedded worker's quarantine names, as a command the processor decides:
     * its history shows {@value #QUARANTINE} stopped it. Refused (a connector deleted since), it is
     * logged and left.
     */
    private void quarantine(String connector) {
        connectors.changeTargetState(new Scope(SwitchboardApp.DEFAULT_CLUSTER), connector, TargetState.STOPPED,
                        new RequestContext(java.util.UUID.randomUUID().toString(), QUARANTINE))
                .whenComplete((done, failed) -> {
                    if (failed != null) {
                        log.warn("Cannot stop quarantined connector {}: {}", connector, failed.getMessage());
                    }
                });
    }

    /**
     * Starts the data plane, with the embedded worker {@code embedded} gives when {@link #embedsWorker}.
     * Answers each cluster's loop.
     */
    List<ReconcilerLoop> start(Topics topics, TopologySerdes serdes, SignedStates signedStates, RecordSignatures records,
                               DecisionListener decisions, Supplier<WorkerProcess> embedded, CommandBus bus) {
        Map<String, String> clusters = new LinkedHashMap<>(options.connectClusterUrls());
        Map<String, String> statusTopics = new HashMap<>(options.connectClusterStatusTopics());
        Map<String, String> configTopics = new HashMap<>(options.connectClusterConfigTopics());
        Map<String, String> offsetsTopics = new HashMap<>(options.connectClusterOffsetsTopics());
        if (embedsWorker(options)) {
            WorkerProcess worker = embedded.get();
            clusters.put(SwitchboardApp.DEFAULT_CLUSTER, worker.url());
            statusTopics.put(SwitchboardApp.DEFAULT_CLUSTER, worker.statusTopic());
            configTopics.put(SwitchboardApp.DEFAULT_CLUSTER, worker.configTopic());
            offsetsTopics.put(SwitchboardApp.DEFAULT_CLUSTER, worker.offsetsTopic());
            log.info("Embedded Kafka Connect worker listening on {}", worker.url());
            worker.quarantine().onQuarantine(this::quarantine);
        }
        if (clusters.isEmpty()) {
            return List.of();
        }
        KafkaProducer<byte[], byte[]> observations = owned.add(Stage.DATA_PLANE, kafka.producer(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new ByteArraySerializer(), new ByteArraySerializer()));
        // Signed, as the processor takes only observations a replica's data plane wrote.
        Serializer<ConnectorObservation> observationValues = serdes.observations().serializer();
        Function<String, Consumer<ConnectorObservation>> observe = cluster -> observation -> {
            String topic = topics.observations();
            Headers headers = new RecordHeaders();
            byte[] key = (cluster + "/" + observation.getConnector()).getBytes(StandardCharsets.UTF_8);
            byte[] value = observationValues.serialize(topic, headers, observation);
            CommandRecords.stampAndSign(records, topic, key, value, headers, System.currentTimeMillis());
            observations.send(new ProducerRecord<>(topic, null, key, value, headers));
        };
        List<ReconcilerLoop> loops = new CopyOnWriteArrayList<>();
        // One reader of the connectors store's changelog for every cluster's desired state: owned before
        // the feeds, so it stops after them.
        DesiredStateChangelog changelog = owned.add(Stage.DATA_PLANE, new DesiredStateChangelog(bootstrapServers, kafka.common(),
                topics.changelog(StoreNames.CONNECTORS)));
        clusters.forEach((cluster, url) -> {
            // Owned before the loop that calls it, so it stops after the loop does.
            ConnectClusterClient worker = owned.add(Stage.DATA_PLANE, connectClusters.newClient(url));
            // The desired state, on the replica holding the lease, from the connectors store's changelog
            // rather than from the replicas that own its partitions; the store until the feed has read it.
            DesiredStateFeed desired = owned.add(Stage.DATA_PLANE, new DesiredStateFeed(cluster, changelog,
                    serdes.states().deserializer(), signedStates,
                    () -> queries.connectors(cluster, ReadConsistency.LINEARIZABLE),
                    name -> queries.connector(new ConnectorKey(cluster, name), ReadConsistency.LINEARIZABLE)));
            Reconciler reconciler = new Reconciler(cluster, worker,
                    DesiredConnectors.byName(desired::connectors, desired::connector),
                    // Workers get configs as stored: sealed values and named secrets stay references, which only
                    // a worker with Switchboard's config providers opens (the core refuses them for the others).
                    UnaryOperator.identity(),
                    new Reconciler.Reports(name -> queries.status(new ConnectorKey(cluster, name), ReadConsistency.LINEARIZABLE),
                            observe.apply(cluster),
                            wanted -> text -> Redactor.scrub(text, secrets.quotable(wanted.getConfig(),
                                    secret -> secretStore.open(cluster, secret)))),
                    Clock.systemUTC())
                    // A config stored before a policy existed is reported, not given to the worker.
                    .policedBy(controlPlane(options, topics));
            metrics.watch(cluster, reconciler);
            metrics.watch(cluster, connectClusters.requestsTo(url));
            ReconcilerLoop loop = new ReconcilerLoop(cluster, reconciler, bootstrapServers, kafka.common(),
                    topics.reconcilerLeases(), topics.reconcilerGroup(cluster), options.fullPassEvery())
                    .onLease(desired::active);
            // The cluster's own topics, read by one consumer for all its feeds: a change its workers write
            // to several of them (a pause writes a target state and statuses) is one fetch per broker.
            WorkerTopics workerTopics = new WorkerTopics(cluster, bootstrapServers, kafka.common());
            String statusTopic = statusTopics.get(cluster);
            if (statusTopic != null) {
                // Statuses as the workers write them, rather than by asking the workers for them;
                // a change to a connector the data plane watches is reported at once.
                WorkerStatusFeed feed = new WorkerStatusFeed(workerTopics, statusTopic);
                feed.onChange(loop.reactive()::statusesChanged);
                reconciler.readStatusesFrom(feed);
            }
            String configTopic = configTopics.get(cluster);
            if (configTopic != null) {
                // Task configs as the workers commit them, rather than by asking a worker after each
                // create or task change; a committed change is reported at once, like a status.
                WorkerConfigFeed feed = new WorkerConfigFeed(workerTopics, configTopic);
                feed.onChange(loop.reactive()::statusesChanged);
                reconciler.readTaskConfigsFrom(feed);
            }
            String offsetsTopic = offsetsTopics.get(cluster);
            if (offsetsTopic != null) {
                // Source offsets as the workers commit them, rather than by asking a worker (which reads
                // the whole topic for each request); a paused connector's change is reported.
                WorkerOffsetsFeed feed = new WorkerOffsetsFeed(workerTopics, offsetsTopic);
                feed.onChange(names -> loop.reactive().statusesChanged(reconciler.paused(names)));
                reconciler.readSourceOffsetsFrom(feed);
            }
            owned.add(Stage.DATA_PLANE, workerTopics.start());
            // Owned after its feeds, so it stops before they do.
            loops.add(owned.add(Stage.DATA_PLANE, loop).start());
            connectClusters.attached(cluster, url);
        });
        // Scheduled pipeline runs start, and pipeline phase changes are recorded, on the replica that
        // holds the lease of the pipelines' cluster.
        BooleanSupplier pipelinesLeader =
                () -> loops.stream().anyMatch(loop -> loop.cluster().equals(SwitchboardApp.DEFAULT_CLUSTER) && loop.isLeader());
        owned.add(Stage.DATA_PLANE, new PipelineScheduler(pipelines, pipelinesLeader, Clock.systemUTC()).start());
        PipelinePhaseWatcher phases = owned.add(Stage.DATA_PLANE, new PipelinePhaseWatcher(pipelines, pipelinesLeader).start());
        // Each decided change is reconciled at once by the replica that holds its cluster's lease.
        // The API's consumer of the decisions topic tells the data plane too: one per replica.
        // The consumer tells only of decisions a replica's processor signed, once (DecisionChecks).
        decisions.alsoTell(() -> loops.stream().anyMatch(ReconcilerLoop::isLeader), decision -> {
            loops.forEach(loop -> loop.reactive().decided(decision));
            phases.decided(decision);
        });
        owned.add(Stage.DATA_PLANE, () -> decisions.alsoTell(() -> false, decision -> { }));
        // Rollouts are carried forward by the replica that holds their cluster's lease, from what the stores hold.
        owned.add(Stage.DATA_PLANE, new RolloutDriver(bus, queries, options.health().flapping().window(), Clock.systemUTC())
                .start(() -> loops.stream().filter(ReconcilerLoop::isLeader).map(ReconcilerLoop::cluster).toList()));
        return List.copyOf(loops);
    }
}
