package io.switchboard.processor;

import io.switchboard.kafkaio.Topics;
import io.switchboard.kafkaio.RecordRefusals;
import io.switchboard.kafkaio.RecordSignatures;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorPolicy;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.ConnectorTimeline;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.schemas.SetState;
import io.switchboard.schemas.SignedStates;
import io.switchboard.schemas.wire.AvroSerde;
import io.switchboard.schemas.wire.InMemorySchemaRegistryClient;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BinaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The real command topology in a {@link TopologyTestDriver}, with serdes on an in-memory schema
 * registry: what every topology test starts from. Closed after each test.
 */
final class TopologyFixture implements AutoCloseable {
    private int sequence;
    static final Topics TOPICS = Topics.DEFAULT;
    /** The replicas' keys: ids k2 (which signs) and k1. */
    static final Map<String, byte[]> KEYRING = keys("k2", 2, "k1", 1);
    static final RecordSignatures SIGNATURES = RecordSignatures.derived(KEYRING, io.switchboard.kafkaio.KeyPurpose.COMMANDS);
    /** The processor's signatures of the states it stores, from the same keyring. */
    static final SignedStates STATES = new SignedStates(RecordSignatures.derived(KEYRING, io.switchboard.kafkaio.KeyPurpose.STATES),
            TOPICS.connectorsChangelog());
    /** The replicas' signatures of decisions, policies and observations, from the same keyring. */
    static final RecordSignatures RECORDS = RecordSignatures.derived(KEYRING, io.switchboard.kafkaio.KeyPurpose.RECORDS);

    /** Keys by id, each 32 bytes of its seed, in order. */
    static Map<String, byte[]> keys(Object... idsAndSeeds) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (int i = 0; i < idsAndSeeds.length; i += 2) {
            byte[] key = new byte[32];
            Arrays.fill(key, (byte) (int) (Integer) idsAndSeeds[i + 1]);
            keys.put((String) idsAndSeeds[i], key);
        }
        return keys;
    }

    final TopologySerdes serdes;
    final AvroSerde<ConnectorHistory> historySerde;
    final TopologyTestDriver driver;
    final CommandRefusals refusals = new CommandRefusals();
    /** The records of the other topics the topology refused. */
    final RecordRefusals refused = new RecordRefusals();
    /** The command topic as read again when a task starts: a driver's task starts at its first record, with nothing before it. */
    private final CommandLog commandLog = (partition, since, before, each) -> { };

    private TopologyFixture(HistoryMasking masking, boolean timelines) {
        this(masking, timelines, DecisionObserver.NONE, 1);
    }

    /** Every decision the topology made and no test read yet, in order ({@link #decisions}). */
    private final List<CommandDecision> decided = new ArrayList<>();

    /** @param partitions the command topic's partitions as the topology is told them (the driver has one, partition 0) */
    private TopologyFixture(HistoryMasking masking, boolean timelines, DecisionObserver given, int partitions) {
        DecisionObserver observer = new DecisionObserver() {
            @Override
            public void decided(CommandDecision decision) {
                synchronized (decided) {
                    decided.add(decision);
                }
                given.decided(decision);
            }

            @Override
            public void processed(int partition, long offset) {
                given.processed(partition, offset);
            }

            @Override
            public void released(int partition) {
                given.released(partition);
            }
        };
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        serdes = new TopologySerdes(
                new AvroSerde<>(registry, ConnectorCommand.class, false),
                new AvroSerde<>(registry, ConnectorState.class, false),
                new AvroSerde<>(registry, CommandDecision.class, false),
                new AvroSerde<>(registry, LifecycleEvent.class, false),
                new AvroSerde<>(registry, ConnectorObservation.class, false),
                new AvroSerde<>(registry, SetState.class, false),
                new AvroSerde<>(registry, ConnectorPolicy.class, false),
                new AvroSerde<>(registry, io.switchboard.schemas.RolloutState.class, false));
        historySerde = new AvroSerde<>(registry, ConnectorHistory.class, false);
        Properties props = new Properties();
        props.putAll(StreamsSettings.of(TOPICS, "unused:9092", Path.of(System.getProperty("java.io.tmpdir"),
                "switchboard-ttd-" + System.nanoTime()), "localhost:8083", 0));
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        HistoryRecording recording = masking == null ? null : new HistoryRecording(historySerde, masking.mask(), masking.maxEntries());
        if (timelines) {
            recording = recording.withTimelines(new AvroSerde<>(registry, ConnectorTimeline.class, false));
        }
        driver = new TopologyTestDriver(CommandTopology.build(TOPICS, ControlPlanes.of(TOPICS), serdes,
                new TopologySigning(SIGNATURES, STATES, RECORDS, refused, refusals), new CommandSource(partitions, commandLog),
                new TopologyOutputs(observer, recording, DecisionSpans.NONE)), props);
    }

    /** How history hides values and how many entries it keeps. */
    record HistoryMasking(BinaryOperator<String> mask, int maxEntries) {
    }

    /** The topology as it runs without history recording. */
    static TopologyFixture withoutHistory() {
        return new TopologyFixture(null, false);
    }

    /** The topology without history, telling {@code observer} of each decision as a replica's listener is told. */
    static TopologyFixture observedBy(DecisionObserver observer) {
        return new TopologyFixture(null, false, observer, 1);
    }

    /**
     * The topology without history, told the command topic has {@code partitions}: the driver's records
     * are all in partition 0, so a command whose key names another is in the wrong one.
     */
    static TopologyFixture withPartitions(int partitions) {
        return new TopologyFixture(null, false, DecisionObserver.NONE, partitions);
    }

    /** The topology recording each connector's history, values as they are, at the default bound. */
    static TopologyFixture withHistory() {
        return withHistory((key, value) -> value, HistoryRecording.DEFAULT_MAX_ENTRIES);
    }

    /** The topology recording history with this masking of values and this bound on entries. */
    static TopologyFixture withHistory(BinaryOperator<String> mask, int maxEntries) {
        return new TopologyFixture(new HistoryMasking(mask, maxEntries), false);
    }

    /** The topology recording history and each connector's incident timeline, as a replica runs it. */
    static TopologyFixture withHistoryAndTimelines() {
        return new TopologyFixture(new HistoryMasking((key, value) -> value, HistoryRecording.DEFAULT_MAX_ENTRIES), true);
    }

    /** The command topic, each command signed as a replica signs it. */
    CommandInput commands() {
        return new CommandInput(driver.createInputTopic(TOPICS.commands(), new ByteArraySerializer(), new ByteArraySerializer()),
                TOPICS.commands(), serdes.commands().serializer(), SIGNATURES);
    }

    /** The dead-letter topic, as bytes. */
    TestOutputTopic<byte[], byte[]> deadLetters() {
        return driver.createOutputTopic(TOPICS.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The observations topic, each observation signed as a replica's data plane signs it. */
    TestInputTopic<String, ConnectorObservation> observations() {
        return observations(RECORDS);
    }

    /** The observations topic, each observation signed with these signatures (another key, say). */
    TestInputTopic<String, ConnectorObservation> observations(RecordSignatures by) {
        return SignedInput.topic(driver, TOPICS.observations(), serdes.observations().serializer(), by);
    }

    /** The observations topic, unsigned. */
    TestInputTopic<String, ConnectorObservation> unsignedObservations() {
        return driver.createInputTopic(TOPICS.observations(), new StringSerializer(), serdes.observations().serializer());
    }

    /** The decisions made, each checked to be announced on Kafka as {@link AnnouncedDecisions} says. */
    Announced decisions() {
        return new Announced(decided, decisionRecords(), driver.createOutputTopic(TOPICS.connectorsChangelog(), new StringDeserializer(),
                serdes.states().deserializer()));
    }

    /** The decisions topic itself. */
    TestOutputTopic<String, CommandDecision> decisionRecords() {
        return driver.createOutputTopic(TOPICS.decisions(), new StringDeserializer(), serdes.decisions().deserializer());
    }

    TestOutputTopic<String, LifecycleEvent> lifecycle() {
        return driver.createOutputTopic(TOPICS.lifecycle(), new StringDeserializer(), serdes.events().deserializer());
    }

    /**
     * Sends a command about connector {@code name} of cluster default, as alice (for {@code pipeline},
     * or from elsewhere when null), and answers its decision, checking that there is exactly one.
     * The n-th command is issued at n seconds.
     */
    CommandDecision decide(String name, Object action, String pipeline) {
        ConnectorCommand command = ConnectorCommand.newBuilder()
                .setPipeline(pipeline)
                .setCommandId("cmd-" + (++sequence))
                .setCluster("default")
                .setConnector(name)
                .setRequestId("req-" + sequence)
                .setPrincipal("alice")
                .setIssuedAt(1_000L * sequence)
                .setAction(action)
                .build();
        commands().pipeInput("default/" + name, command);
        List<CommandDecision> out = decisions().readValuesToList();
        assertEquals(1, out.size(), "exactly one decision per command");
        assertEquals(command.getCommandId(), out.get(0).getCommandId());
        return out.get(0);
    }

    <V> KeyValueStore<String, V> store(String name) {
        return driver.getKeyValueStore(name);
    }

    @Override
    public void close() {
        driver.close();
    }
}
