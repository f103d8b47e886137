package io.switchboard;

import io.switchboard.ShutdownOrder.Stage;
import io.switchboard.commands.CommandGateway;
import io.switchboard.commands.CommandSignatures;
import io.switchboard.commands.DecisionChecks;
import io.switchboard.commands.DecisionListener;
import io.switchboard.kafka.KafkaReplicaKeys;
import io.switchboard.kafka.KafkaSecretStore;
import io.switchboard.kafkaio.TopicSetup;
import io.switchboard.kafkaio.Topics;
import io.switchboard.processor.CommandLog;
import io.switchboard.processor.CommandPolls;
import io.switchboard.processor.CommandSource;
import io.switchboard.processor.CommandTopology;
import io.switchboard.processor.HistoryRecording;
import io.switchboard.processor.StreamsSettings;
import io.switchboard.processor.TopologyOutputs;
import io.switchboard.processor.TopologySerdes;
import io.switchboard.processor.TopologySigning;
import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.ConnectorTimeline;
import io.switchboard.schemas.wire.AvroSerde;
import io.switchboard.schemas.wire.SchemaRegistryClient;
import io.switchboard.secrets.Keyring;
import io.switchboard.secrets.Redactor;
import io.switchboard.secrets.SecretBox;
import io.switchboard.secrets.SecretStore;
import io.switchboard.tracing.Tracing;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

/**
 * The command side of a replica: the command processor (Kafka Streams, the single writer of the
 * stores), the gateway that sends commands and waits for their decisions, the one consumer of
 * decisions, the keys replicas sign with (records with the keyring's, requests to each other with the
 * session key they share through Kafka), the named secrets' store, and tracing. {@link #begin} starts
 * the steps that wait on Kafka, at once; {@link #start} starts the processor and the gateway once
 * the replica's address is known. Owns everything it starts; it stops with the processor.
 */
final class CommandAssembly {
    /** What the command processor's threads say is logged under the replica's name. */
    private static final Logger log = LoggerFactory.getLogger(SwitchboardApp.class);
    /** One standby copy of every store partition on another replica, so a replica's death hands its partitions to one
     * that is already current. With a single replica there is nowhere to put it and Kafka Streams keeps none. */
    static final int STANDBY_REPLICAS = 1;

    private final SwitchboardOptions options;
    private final Path dataDir;
    private final Topics topics;
    private final KafkaAssembly kafka;
    private final Keyring keyring;
    private final Redactor secretKeys;
    private final StartupSteps steps;
    private final ShutdownOrder.Part owned;
    private TopologySerdes serdes;
    private TopologySigning signing;
    private AvroSerde<ConnectorHistory> histories;
    private AvroSerde<ConnectorTimeline> timelines;
    private CompletableFuture<KafkaReplicaKeys> replicaKeysStep;
    private CompletableFuture<SecretStore> secretStoreStep;
    private CompletableFuture<Integer> partitionsStep;
    private CompletableFuture<DecisionListener> decisionsStep;
    private DecisionListener decisions;
    private KafkaReplicaKeys replicaKeys;
    private Restorations restorations;
    private Tracing.Started tracing;
    private Properties processorSettings;
    private int commandPartitions;
    private KafkaStreams streams;
    private CommandGateway gateway;

    /**
     * @param secretKeys what is secret in a config, hidden in the histories the processor records
     */
    CommandAssembly(SwitchboardOptions options, Path dataDir, Topics topics, KafkaAssembly kafka, Keyring keyring, Redactor secretKeys,
                    StartupSteps steps, ShutdownOrder.Part owned) {
        this.options = options;
        this.dataDir = dataDir;
        this.topics = topics;
        this.kafka = kafka;
        this.keyring = keyring;
        this.secretKeys = secretKeys;
        this.steps = steps;
        this.owned = owned;
    }

    /** Starts the steps that each wait on Kafka and need none of the others' results, at once, each on a thread of its own. */
    CommandAssembly begin(SchemaRegistryClient registry) {
        String bootstrapServers = kafka.bootstrapServers();
        // The Avro serdes of the processor's topics, each schema registered and looked up in the registry.
        serdes = TopologySerdes.avro(registry);
        // Replicas sign commands, the processor the states, decisions and policies it writes, the data plane its
        // observations, each with keys derived from the keyring; each reader acts only on what verifies, and counts the rest.
        signing = CommandSignatures.forTopology(keyring, topics);
        // Replicas sign what they ask each other with a session key they share through Kafka; a
        // replica whose keyring is not its peers' stops here, saying so,
        // before it joins the command processor's group (Kafka Streams starts once this step is done).
        replicaKeysStep = steps.async("replica keys", () -> owned.add(Stage.PROCESSOR, new KafkaReplicaKeys(bootstrapServers,
                kafka.clients().common(), topics.replicaKeys(), keyring, Clock.systemUTC())).start());
        // Reads only until a change is asked for: it may start before the keyring is checked.
        secretStoreStep = steps.async("secret store", () -> owned.add(Stage.PROCESSOR, new KafkaSecretStore(kafka.clients(),
                topics.secrets(), new SecretBox(keyring))));
        partitionsStep = steps.async("command partitions", () -> TopicSetup.partitionCount(kafka.admin(), topics.commands()));
        // Its start positions are fixed before any command is sent, so no decision can be missed.
        decisionsStep = steps.async("decisions consumer", () -> owned.add(Stage.PROCESSOR,
                new DecisionListener(bootstrapServers, kafka.clients().common(), topics.decisions(), serdes.decisions().deserializer(),
                        topics.connectorsChangelog(), serdes.states().deserializer(),
                        new DecisionChecks(topics.decisions(), signing.records(), signing.states(), signing.refusedRecords()))));
        histories = new AvroSerde<>(registry, ConnectorHistory.class, false);
        timelines = new AvroSerde<>(registry, ConnectorTimeline.class, false);
        return this;
    }

    /** Starts the command processor, as the replica at {@code address}, and the gateway. */
    CommandAssembly start(ReplicaAddress address) {
        decisions = StartupSteps.join(decisionsStep);
        restorations = new Restorations();
        // Tracing, off by default: a span per hop of each command (docs/configuration.md#tracing).
        tracing = owned.add(Stage.PROCESSOR, options.tracing().start());
        processorSettings = CommandPolls.follow(StaticMembership.apply(options.instanceId(), kafka.clients().properties(StreamsSettings.of(
                topics, kafka.bootstrapServers(), dataDir.resolve("streams"), address.hostAndPort(), STANDBY_REPLICAS))),
                decisions.progress(), topics.commands());
        // A command is decided only in the partition its key names, of this many.
        commandPartitions = StartupSteps.join(partitionsStep);
        CommandLog commandLog = owned.add(Stage.PROCESSOR, CommandLog.of(kafka.clients(), topics.commands()));
        streams = steps.time("command processor created", () -> {
            KafkaStreams created = new KafkaStreams(CommandTopology.build(topics, DataPlaneAssembly.controlPlane(options, topics), serdes,
                    signing,
                    new CommandSource(commandPartitions, commandLog), new TopologyOutputs(decisions,
                    new HistoryRecording(histories, secretKeys::hide).withTimelines(timelines), tracing.decisions())), processorSettings);
            created.setGlobalStateRestoreListener(restorations);
            created.setUncaughtExceptionHandler(e -> StaticMembership.onThreadFailure(e, log));
            return created;
        });
        // On a clean stop, leave the group: its partitions move at once to the replicas holding their standby copies.
        owned.add(Stage.PROCESSOR, () -> streams.close(CloseOptions.timeout(Duration.ofSeconds(10))
                .withGroupMembershipOperation(StaticMembership.onClose())));
        replicaKeys = StartupSteps.join(replicaKeysStep);
        streams.start();

        gateway = owned.add(Stage.PROCESSOR, new CommandGateway(kafka.bootstrapServers(), kafka.clients().common(), topics.commands(),
                DataPlaneAssembly.controlPlane(options, topics), serdes.commands().serializer(), signing.commands(), commandPartitions,
                decisions, options.commandTimeout(), Clock.systemUTC()));
        tracing.commands(gateway);
        return this;
    }

    /** The named secrets' store, once it has started (it started with {@link #begin}). */
    SecretStore secretStore() {
        return StartupSteps.join(secretStoreStep);
    }

    TopologySerdes serdes() {
        return serdes;
    }

    TopologySigning signing() {
        return signing;
    }

    AvroSerde<ConnectorHistory> histories() {
        return histories;
    }

    AvroSerde<ConnectorTimeline> timelines() {
        return timelines;
    }

    /** The replica's one consumer of decisions. */
    DecisionListener decisions() {
        return decisions;
    }

    /** The session keys replicas share through Kafka. */
    KafkaReplicaKeys replicaKeys() {
        return replicaKeys;
    }

    /** The stores Kafka Streams is restoring. */
    Restorations restorations() {
        return restorations;
    }

    Tracing.Started tracing() {
        return tracing;
    }

    /** The command processor's settings: its group session, which the query side's lease and pause fence follow. */
    Properties processorSettings() {
        return processorSettings;
    }

    /** The command topic's partitions: a command is decided only in the one its key names. */
    int commandPartitions() {
        return commandPartitions;
    }

    KafkaStreams streams() {
        return streams;
    }

    CommandGateway gateway() {
        return gateway;
    }
}
