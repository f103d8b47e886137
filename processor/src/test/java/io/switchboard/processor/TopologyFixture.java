package io.switchboard.processor;

import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorPolicy;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.ConnectorTimeline;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.schemas.SetState;
import io.switchboard.schemas.wire.AvroSerde;
import io.switchboard.schemas.wire.InMemorySchemaRegistryClient;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.file.Path;
import java.util.List;
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

    final TopologySerdes serdes;
    final AvroSerde<ConnectorHistory> historySerde;
    final TopologyTestDriver driver;

    private TopologyFixture(HistoryMasking masking, boolean timelines) {
        this(masking, timelines, DecisionObserver.NONE);
    }

    private TopologyFixture(HistoryMasking masking, boolean timelines, DecisionObserver observer) {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        serdes = new TopologySerdes(
                new AvroSerde<>(registry, ConnectorCommand.class, false),
                new AvroSerde<>(registry, ConnectorState.class, false),
                new AvroSerde<>(registry, CommandDecision.class, false),
                new AvroSerde<>(registry, LifecycleEvent.class, false),
                new AvroSerde<>(registry, ConnectorObservation.class, false),
                new AvroSerde<>(registry, SetState.class, false),
                new AvroSerde<>(registry, ConnectorPolicy.class, false));
        historySerde = new AvroSerde<>(registry, ConnectorHistory.class, false);
        Properties props = new Properties();
        props.putAll(StreamsSettings.of(TOPICS, "unused:9092", Path.of(System.getProperty("java.io.tmpdir"),
                "switchboard-ttd-" + System.nanoTime()), "localhost:8083", 0));
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        HistoryRecording recording = masking == null ? null : new HistoryRecording(historySerde, masking.mask(), masking.maxEntries());
        if (timelines) {
            recording = recording.withTimelines(new AvroSerde<>(registry, ConnectorTimeline.class, false));
        }
        driver = new TopologyTestDriver(recording == null ? CommandTopology.build(TOPICS, serdes, observer)
                : CommandTopology.build(TOPICS, serdes, observer, recording), props);
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
        return new TopologyFixture(null, false, observer);
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

    TestInputTopic<String, ConnectorCommand> commands() {
        return driver.createInputTopic(TOPICS.commands(), new StringSerializer(), serdes.commands().serializer());
    }

    /** The command topic as bytes: for records no serializer would write. */
    TestInputTopic<String, byte[]> rawCommands() {
        return driver.createInputTopic(TOPICS.commands(), new StringSerializer(), new ByteArraySerializer());
    }

    TestInputTopic<String, ConnectorObservation> observations() {
        return driver.createInputTopic(TOPICS.observations(), new StringSerializer(), serdes.observations().serializer());
    }

    TestOutputTopic<String, CommandDecision> decisions() {
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
