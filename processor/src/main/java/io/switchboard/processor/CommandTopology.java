package io.switchboard.processor;

import io.switchboard.kafkaio.Topics;
import io.switchboard.rules.ControlPlane;
import io.switchboard.kafkaio.RecordRefusals;
import io.switchboard.kafkaio.RecordSignatures;
import io.switchboard.schemas.SignedStates;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * commands → verify (only what a replica signed, in its key's partition, fresh, not decided before) → decide (connectors store) → decisions
 * (signed) + lifecycle events, and a set's commands, signed, back to the commands; what no replica signed → the dead-letter topic;
 * observations → verify (only what a replica's data plane signed) → observe (statuses store) → lifecycle events when a status changes;
 * a policy stored → the policies and policy-versions topics (signed) → every replica's global stores (only what verifies).
 */
public final class CommandTopology {
    static final String DECIDE = "decide";
    static final String OBSERVE = "observe";
    static final String VERIFY_OBSERVATIONS = "verify-observations";
    static final String DECISIONS_SINK = "decisions-sink";
    static final String POLICIES_SINK = "policies-sink";
    static final String POLICY_VERSIONS_SINK = "policy-versions-sink";

    private CommandTopology() {
    }

    /**
     * Only commands signed with the replicas' signatures ({@link TopologySigning#commands}), in the
     * partition their key names, fresh and not decided before ({@link CommandAdmission}) are decided;
     * the others are counted ({@link TopologySigning#refusedCommands}) and go to the dead-letter topic.
     * The commands the processor writes back to the command topic are signed with them too.
     * With a history recording, each lifecycle event the decider emits is also appended to the
     * connector's history in the history store, in the same task as the connectors store; and,
     * when it keeps timelines, each incident to the connector's {@link Timeline}. A span for each
     * decision, in the trace its command's record header names ({@link DecisionSpans}).
     *
     * @param controlPlane the deployment's topics, and where its embedded worker's file connectors may go
     */
    public static Topology build(Topics topics, ControlPlane controlPlane, TopologySerdes serdes, TopologySigning signing,
                                 CommandSource input, TopologyOutputs outputs) {
        RecordSignatures signatures = signing.commands();
        SignedStates states = signing.states();
        RecordSignatures records = signing.records();
        RecordRefusals refused = signing.refusedRecords();
        CommandRefusals refusals = signing.refusedCommands();
        int commandPartitions = input.partitions();
        CommandLog commandLog = input.log();
        DecisionObserver observer = outputs.observer();
        HistoryRecording history = outputs.history();
        DecisionSpans spans = outputs.spans();
        Topology topology = new Topology();
        // Bytes as they are on the topic: the signature is checked on them before the command is read.
        topology.addSource("commands", new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.commands());
        topology.addProcessor(CommandVerifier.NAME, () -> new CommandVerifier(topics, signatures, serdes.commands().deserializer(),
                refusals, observer, commandPartitions, commandLog), "commands");
        // Rebuilt from the command topic when a task starts (CommandVerifier): no changelog of its own.
        topology.addStateStore(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StoreNames.DECIDED_COMMANDS), Serdes.String(), Serdes.Long())
                        .withLoggingDisabled(),
                CommandVerifier.NAME);
        topology.addSink(CommandVerifier.REFUSED, topics.deadLetters(), new ByteArraySerializer(), new ByteArraySerializer(),
                CommandVerifier.NAME);
        boolean timeline = history != null && history.timelines() != null;
        topology.addProcessor(DECIDE, () -> new CommandProcessor(controlPlane, states, observer, history != null, timeline, spans),
                CommandVerifier.NAME);
        // Bytes as they are on the topic: the data plane's signature is checked on them before the observation is read.
        topology.addSource("observations", new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.observations());
        topology.addProcessor(VERIFY_OBSERVATIONS, () -> new RecordVerifier<>(topics.observations(), RecordRefusals.OBSERVATIONS, records,
                serdes.observations().deserializer(), refused, OBSERVE), "observations");
        topology.addProcessor(OBSERVE, () -> new ObservationProcessor(timeline, history != null), VERIFY_OBSERVATIONS);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.CONNECTORS),
                        Serdes.String(), serdes.states()),
                DECIDE, OBSERVE);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.STATUSES),
                        Serdes.String(), serdes.observations()),
                DECIDE, OBSERVE);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.IDEMPOTENCY),
                        Serdes.String(), serdes.decisions()),
                DECIDE);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.SETS),
                        Serdes.String(), serdes.sets()),
                DECIDE);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.ROLLOUTS),
                        Serdes.String(), serdes.rollouts()),
                DECIDE);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.POLICY_HEADS),
                        Serdes.String(), serdes.policies()),
                DECIDE);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.POLICIES_IN_FORCE),
                        Serdes.String(), serdes.policies()),
                DECIDE);
        signed(topology, CommandProcessor.POLICIES, POLICIES_SINK, topics.policies(), records, serdes.policies().serializer());
        signed(topology, CommandProcessor.POLICY_VERSIONS, POLICY_VERSIONS_SINK, topics.policyVersions(), records,
                serdes.policies().serializer());
        // Every replica holds every policy, for the API's reads (lists, dry runs, a set's plan); the deciders read their own copy.
        globalPolicies(topology, StoreNames.POLICIES, topics.policies(), RecordRefusals.POLICIES, records, refused, serdes);
        globalPolicies(topology, StoreNames.POLICY_VERSIONS, topics.policyVersions(), RecordRefusals.POLICY_VERSIONS, records, refused,
                serdes);
        // Into the topology's own input, signed: a set change's commands, and a move's next steps, are decided like any other, after it.
        topology.addProcessor(CommandProcessor.DERIVED, () -> new DerivedCommandSigner(topics, signatures, serdes.commands().serializer(),
                DerivedCommandSigner.SINK), DECIDE, OBSERVE);
        topology.addSink(DerivedCommandSigner.SINK, topics.commands(), new ByteArraySerializer(), new ByteArraySerializer(),
                DerivedCommandSigner::keyed, CommandProcessor.DERIVED);
        // A policy's version stored, to every partition: each decider takes it in order with the commands it decides.
        topology.addProcessor(CommandProcessor.POLICY_IN_FORCE, () -> new DerivedCommandSigner(topics, signatures,
                serdes.commands().serializer(), DerivedCommandSigner.EVERY_PARTITION_SINK), DECIDE);
        topology.addSink(DerivedCommandSigner.EVERY_PARTITION_SINK, topics.commands(), new ByteArraySerializer(), new ByteArraySerializer(),
                DerivedCommandSigner::everyPartition, CommandProcessor.POLICY_IN_FORCE);
        signed(topology, CommandProcessor.DECISIONS, DECISIONS_SINK, topics.decisions(), records, serdes.decisions().serializer());
        topology.addSink(CommandProcessor.LIFECYCLE, topics.lifecycle(),
                new StringSerializer(), serdes.events().serializer(), DECIDE, OBSERVE);
        if (history != null) {
            // Offsets changes the worker made are entries too; the observations settle a pause's or a stop's offsets.
            topology.addProcessor(CommandProcessor.HISTORY, () -> new HistoryProcessor(history), DECIDE, OBSERVE);
            topology.addStateStore(
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.HISTORY),
                            Serdes.String(), history.serde()),
                    CommandProcessor.HISTORY, OBSERVE);
            topology.connectProcessorAndStateStores(CommandProcessor.HISTORY, StoreNames.CONNECTORS, StoreNames.STATUSES);
        }
        if (timeline) {
            // Written where the events it records are made: observations, and the repairs asked for.
            topology.addStateStore(
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.TIMELINE),
                            Serdes.String(), history.timelines()),
                    DECIDE, OBSERVE);
        }
        return topology;
    }

    /** The decider's records for {@code topic} go through a signer, named {@code signer}, to the sink {@code sink}. */
    private static <V> void signed(Topology topology, String signer, String sink, String topic, RecordSignatures records,
                                   org.apache.kafka.common.serialization.Serializer<V> values) {
        topology.addProcessor(signer, () -> new RecordSigner<>(topic, records, values, sink), DECIDE);
        topology.addSink(sink, topic, new ByteArraySerializer(), new ByteArraySerializer(), signer);
    }

    private static void globalPolicies(Topology topology, String store, String topic, String counted, RecordSignatures records,
                                       RecordRefusals refused, TopologySerdes serdes) {
        topology.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store), Serdes.String(), serdes.policies()).withLoggingDisabled(),
                store + "-source", new ByteArrayDeserializer(), new ByteArrayDeserializer(), topic, store + "-update",
                () -> new GlobalStoreUpdate(store, topic, counted, records, serdes.policies().deserializer(), refused));
    }
}
