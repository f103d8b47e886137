package io.switchboard.processor;

import io.switchboard.kafkaio.Topics;
import io.switchboard.rules.ControlPlane;
import io.switchboard.kafkaio.RecordSignatures;
import io.switchboard.schemas.SignedStates;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * commands → verify (only what a replica signed, in its key's partition, fresh, not decided before) → decide (connectors store) → decisions + lifecycle
 * events, and a set's commands, signed, back to the commands; what no replica signed → the dead-letter topic;
 * observations → observe (statuses store) → lifecycle events when a status changes.
 */
public final class CommandTopology {
    static final String DECIDE = "decide";
    static final String OBSERVE = "observe";

    private CommandTopology() {
    }

    /**
     * Only commands signed with {@code signatures} (the replicas'), in the partition their key names of
     * {@code commandPartitions}, fresh and not decided before ({@link CommandAdmission}) are decided;
     * the others are counted in {@code refusals} and go to the dead-letter topic. The commands the
     * processor writes back to the command topic are signed with them too.
     * With a history recording, each lifecycle event the decider emits is also appended to the
     * connector's history in the history store, in the same task as the connectors store; and,
     * when it keeps timelines, each incident to the connector's {@link Timeline}. A span for each
     * decision, in the trace its command's record header names ({@link DecisionSpans}).
     *
     * @param controlPlane      the deployment's topics, and where its embedded worker's file connectors may go
     * @param states            signs every state the connectors store holds, as what acts on its changelog verifies
     * @param commandPartitions the command topic's partitions
     */
    public static Topology build(Topics topics, ControlPlane controlPlane, TopologySerdes serdes, RecordSignatures signatures,
                                 SignedStates states, int commandPartitions, CommandRefusals refusals, DecisionObserver observer,
                                 HistoryRecording history, DecisionSpans spans) {
        Topology topology = new Topology();
        // Bytes as they are on the topic: the signature is checked on them before the command is read.
        topology.addSource("commands", new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.commands());
        topology.addProcessor(CommandVerifier.NAME, () -> new CommandVerifier(topics, signatures, serdes.commands().deserializer(),
                refusals, observer, commandPartitions), "commands");
        topology.addStateStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.DECIDED_COMMANDS), Serdes.String(), Serdes.Long()),
                CommandVerifier.NAME);
        topology.addSink(CommandVerifier.REFUSED, topics.deadLetters(), new ByteArraySerializer(), new ByteArraySerializer(),
                CommandVerifier.NAME);
        boolean timeline = history != null && history.timelines() != null;
        topology.addProcessor(DECIDE, () -> new CommandProcessor(controlPlane, states, observer, history != null, timeline, spans),
                CommandVerifier.NAME);
        topology.addSource("observations", new StringDeserializer(), serdes.observations().deserializer(), topics.observations());
        topology.addProcessor(OBSERVE, () -> new ObservationProcessor(timeline, history != null), "observations");
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
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.POLICY_HEADS),
                        Serdes.String(), serdes.policies()),
                DECIDE);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.POLICIES_IN_FORCE),
                        Serdes.String(), serdes.policies()),
                DECIDE);
        topology.addSink(CommandProcessor.POLICIES, topics.policies(),
                new StringSerializer(), serdes.policies().serializer(), DECIDE);
        topology.addSink(CommandProcessor.POLICY_VERSIONS, topics.policyVersions(),
                new StringSerializer(), serdes.policies().serializer(), DECIDE);
        // Every replica holds every policy, for the API's reads (lists, dry runs, a set's plan); the deciders read their own copy.
        globalPolicies(topology, StoreNames.POLICIES, topics.policies(), serdes);
        globalPolicies(topology, StoreNames.POLICY_VERSIONS, topics.policyVersions(), serdes);
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
        topology.addSink(CommandProcessor.DECISIONS, topics.decisions(),
                new StringSerializer(), serdes.decisions().serializer(), DECIDE);
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

    private static void globalPolicies(Topology topology, String store, String topic, TopologySerdes serdes) {
        topology.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store), Serdes.String(), serdes.policies()).withLoggingDisabled(),
                store + "-source", new StringDeserializer(), serdes.policies().deserializer(), topic, store + "-update",
                () -> new GlobalStoreUpdate<>(store));
    }
}
