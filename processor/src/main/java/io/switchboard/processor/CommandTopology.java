package io.switchboard.processor;

import io.switchboard.rules.ControlPlane;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * commands → decide (connectors store) → decisions + lifecycle events;
 * observations → observe (statuses store) → lifecycle events when a status changes.
 */
public final class CommandTopology {

    private CommandTopology() {
    }

    public static Topology build(Topics topics, TopologySerdes serdes) {
        return build(topics, serdes, DecisionObserver.NONE);
    }

    public static Topology build(Topics topics, TopologySerdes serdes, DecisionObserver observer) {
        return build(topics, serdes, observer, null);
    }

    /**
     * With a history recording, each lifecycle event the decider emits is also appended to the
     * connector's history in the history store, in the same task as the connectors store; and,
     * when it keeps timelines, each incident to the connector's {@link Timeline}.
     */
    public static Topology build(Topics topics, TopologySerdes serdes, DecisionObserver observer, HistoryRecording history) {
        Topology topology = new Topology();
        topology.addSource("commands", new StringDeserializer(), serdes.commands().deserializer(), topics.commands());
        boolean timeline = history != null && history.timelines() != null;
        ControlPlane controlPlane = topics.controlPlane();
        topology.addProcessor("decide", () -> new CommandProcessor(controlPlane, observer, history != null, timeline), "commands");
        topology.addSource("observations", new StringDeserializer(), serdes.observations().deserializer(), topics.observations());
        topology.addProcessor("observe", () -> new ObservationProcessor(timeline), "observations");
        topology.addStateStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.CONNECTORS),
                        Serdes.String(), serdes.states()),
                "decide", "observe");
        topology.addStateStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.STATUSES),
                        Serdes.String(), serdes.observations()),
                "decide", "observe");
        topology.addStateStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.IDEMPOTENCY),
                        Serdes.String(), serdes.decisions()),
                "decide");
        topology.addStateStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.SETS),
                        Serdes.String(), serdes.sets()),
                "decide");
        topology.addStateStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.POLICY_HEADS),
                        Serdes.String(), serdes.policies()),
                "decide");
        topology.addSink(CommandProcessor.POLICIES, topics.policies(),
                new StringSerializer(), serdes.policies().serializer(), "decide");
        topology.addSink(CommandProcessor.POLICY_VERSIONS, topics.policyVersions(),
                new StringSerializer(), serdes.policies().serializer(), "decide");
        // Every replica holds every policy: a connector's decider reads its cluster's, whatever partition decides it.
        globalPolicies(topology, StoreNames.POLICIES, topics.policies(), serdes);
        globalPolicies(topology, StoreNames.POLICY_VERSIONS, topics.policyVersions(), serdes);
        // Into the topology's own input: a set change's commands are decided like any other, after it.
        topology.addSink(CommandProcessor.DERIVED, topics.commands(),
                new StringSerializer(), serdes.commands().serializer(), "decide");
        topology.addSink(CommandProcessor.DECISIONS, topics.decisions(),
                new StringSerializer(), serdes.decisions().serializer(), "decide");
        topology.addSink(CommandProcessor.LIFECYCLE, topics.lifecycle(),
                new StringSerializer(), serdes.events().serializer(), "decide", "observe");
        if (history != null) {
            topology.addProcessor(CommandProcessor.HISTORY, () -> new HistoryProcessor(history), "decide");
            topology.addStateStore(
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.HISTORY),
                            Serdes.String(), history.serde()),
                    CommandProcessor.HISTORY);
            topology.connectProcessorAndStateStores(CommandProcessor.HISTORY, StoreNames.CONNECTORS);
        }
        if (timeline) {
            // Written where the events it records are made: observations, and the repairs asked for.
            topology.addStateStore(
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.TIMELINE),
                            Serdes.String(), history.timelines()),
                    "decide", "observe");
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
