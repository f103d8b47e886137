package io.switchboard.processor;

import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.ConnectorTimeline;
import io.switchboard.schemas.TargetState;
import io.switchboard.schemas.TaskObservation;
import io.switchboard.schemas.wire.AvroSerde;
import io.switchboard.schemas.wire.InMemorySchemaRegistryClient;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Interactive queries read each store as the stream thread last wrote it, so a status read and a
 * timeline read that follows it can fall between the processor's two writes. The timeline's
 * entries are written first: whoever sees a status sees the incidents it made.
 */
class ObservationWriteOrderTest {
    private static final String KEY = "default/orders";

    private final MockProcessorContext<String, Object> context = new MockProcessorContext<>();
    /** How many timeline entries the connector had each time its status was written. */
    private final List<Integer> entriesWhenStatusWritten = new ArrayList<>();

    /** An in-memory store (a registry of its own: each store's values are one subject). */
    private <V extends org.apache.avro.specific.SpecificRecord> KeyValueStore<String, V> store(String name, Class<V> type) {
        KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(),
                new AvroSerde<>(new InMemorySchemaRegistryClient(), type, false)).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        return store;
    }

    @SuppressWarnings("unchecked")
    private KeyValueStore<String, ConnectorObservation> statusesNoting(KeyValueStore<String, ConnectorObservation> statuses,
                                                                      KeyValueStore<String, ConnectorTimeline> timelines) {
        return (KeyValueStore<String, ConnectorObservation>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {KeyValueStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("put")) {
                        ConnectorTimeline timeline = timelines.get(KEY);
                        entriesWhenStatusWritten.add(timeline == null ? 0 : timeline.getEntries().size());
                    }
                    try {
                        return method.invoke(statuses, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static ConnectorObservation observation(long at, String taskState, String trace) {
        return ConnectorObservation.newBuilder().setCluster("default").setConnector("orders").setObservedAt(at)
                .setState("RUNNING").setWorkerId("w1:8083").setType("source")
                .setTasks(List.of(new TaskObservation(0, taskState, "w1:8083", trace, "4.3.1")))
                .setTaskConfigs(List.of(Map.of("task.class", "FileStreamSourceTask"))).build();
    }

    @Test
    void aStatusIsWrittenOnlyOnceTheTimelineHoldsTheIncidentItMade() {
        KeyValueStore<String, ConnectorState> connectors = store(StoreNames.CONNECTORS, ConnectorState.class);
        KeyValueStore<String, ConnectorTimeline> timelines = store(StoreNames.TIMELINE, ConnectorTimeline.class);
        context.addStateStore(connectors);
        context.addStateStore(timelines);
        context.addStateStore(statusesNoting(store(StoreNames.STATUSES, ConnectorObservation.class), timelines));
        connectors.put(KEY, ConnectorState.newBuilder().setCluster("default").setName("orders")
                .setConfig(Map.of("connector.class", "FileStreamSource")).setTargetState(TargetState.RUNNING)
                .setVersion(1L).setCreatedAt(1L).setUpdatedAt(1L).setLastCommandId("c1").build());
        ObservationProcessor processor = new ObservationProcessor(true, false);
        processor.init(context);

        processor.process(new Record<>(KEY, observation(10, "FAILED", "Cannot sign in"), 10));
        processor.process(new Record<>(KEY, observation(20, "FAILED", "Cannot sign in"), 20));
        processor.process(new Record<>(KEY, observation(30, "RUNNING", null), 30));

        // The first report (failed), nothing new (no write), the recovery (out of a failure).
        assertEquals(List.of(1, 2), entriesWhenStatusWritten);
        assertEquals(2, timelines.get(KEY).getEntries().size());
    }
}
