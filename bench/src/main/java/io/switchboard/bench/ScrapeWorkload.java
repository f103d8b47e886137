package io.switchboard.bench;

import io.switchboard.schemas.AutoRestarted;
import io.switchboard.schemas.ConnectorConfigChanged;
import io.switchboard.schemas.ConnectorCreated;
import io.switchboard.schemas.ConnectorDeleted;
import io.switchboard.schemas.ConnectorStatusChanged;
import io.switchboard.schemas.DriftRepaired;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.schemas.ReconcileRequested;
import io.switchboard.schemas.RestartRequested;
import io.switchboard.schemas.TargetState;
import io.switchboard.schemas.TargetStateChanged;
import io.switchboard.schemas.wire.AvroSerializer;
import io.switchboard.schemas.wire.HttpSchemaRegistryClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The lifecycle events of N connectors over a few clusters, as the processor and the data plane
 * write them to the lifecycle topic (key {@code cluster/connector}, the product's Avro records and
 * serializer), so that a replica's health feed folds them as it folds real ones. Over the last six
 * hours: every connector created and reported RUNNING with 1 to 3 tasks; 1 in 10 had a task fail,
 * was auto-restarted and recovered (30 s to 10 min later); 1 in 100 is FAILED now (20 minutes);
 * 1 in 500 failed and recovered three times in the last hour (flapping); 1 in 20 was paused; 1 in
 * 50 was restarted on request; 1 in 200 was repaired on request and had drift put back; 1 in 10 had
 * its config changed (an event health does not count); and N/100 more were created and deleted, so
 * that deletes are folded too. Counts what the series must then add up to.
 */
final class ScrapeWorkload {
    static final String TOPIC = "switchboard.lifecycle";
    private static final long MINUTE = 60_000;

    /** What the series of all connectors must add up to once every event was folded. */
    record Expected(int connectors, long failures, long restarts, long flapping, long failedNow, long events) {
    }

    private final int connectors;
    private final List<String> clusters;
    private final long now;

    ScrapeWorkload(int connectors, List<String> clusters, long now) {
        this.connectors = connectors;
        this.clusters = clusters;
        this.now = now;
    }

    static String name(int i) {
        return String.format("c-%06d", i);
    }

    String cluster(int i) {
        return clusters.get(i % clusters.size());
    }

    /**
     * Writes every event (acks=all) and answers what the series must show.
     *
     * @param registryUserInfo the replicas' registry writer credentials ({@code USER:PASSWORD})
     */
    Expected write(String bootstrap, String registryUrl, String registryUserInfo) throws Exception {
        Map<String, Object> settings = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 262_144);
        long failures = 0;
        long restarts = 0;
        long flapping = 0;
        long failedNow = 0;
        long events = 0;
        try (KafkaProducer<String, LifecycleEvent> producer = new KafkaProducer<>(settings, new StringSerializer(),
                new AvroSerializer<>(HttpSchemaRegistryClient.authenticated(registryUrl, registryUserInfo), LifecycleEvent.class, false))) {
            for (int i = 0; i < connectors; i++) {
                Events e = new Events(cluster(i), name(i));
                long t0 = now - 6 * 60 * MINUTE + i;
                int tasks = 1 + i % 3;
                e.add(t0, new ConnectorCreated(config(e.connector, tasks), TargetState.RUNNING));
                e.add(t0 + 5_000, status(null, "RUNNING", tasks, "RUNNING", -1));
                if (i % 10 == 2) {
                    e.add(t0 + 30 * MINUTE, new ConnectorConfigChanged(config(e.connector, tasks), List.of(), List.of(), List.of("batch.size")));
                }
                if (i % 10 == 1) {
                    long failedAt = t0 + 60 * MINUTE + (i % 600) * 1_000L;
                    e.add(failedAt, status("RUNNING", "RUNNING", tasks, "RUNNING", 0));
                    e.add(failedAt + 10_000, new AutoRestarted(1));
                    e.add(failedAt + 30_000 + (i % 570) * 1_000L, status("RUNNING", "RUNNING", tasks, "RUNNING", -1));
                    failures++;
                    restarts++;
                }
                if (i % 20 == 5) {
                    e.add(t0 + 120 * MINUTE, new TargetStateChanged(TargetState.RUNNING, TargetState.PAUSED));
                    e.add(t0 + 120 * MINUTE + 2_000, status("RUNNING", "PAUSED", tasks, "PAUSED", -1));
                }
                if (i % 50 == 13) {
                    e.add(t0 + 180 * MINUTE, new RestartRequested(true, false, null));
                    e.add(t0 + 180 * MINUTE + 500, status("RUNNING", "RESTARTING", tasks, "RESTARTING", -1));
                    e.add(t0 + 180 * MINUTE + 4_000, status("RESTARTING", "RUNNING", tasks, "RUNNING", -1));
                    restarts++;
                }
                if (i % 200 == 17) {
                    e.add(t0 + 240 * MINUTE, new ReconcileRequested());
                    e.add(t0 + 240 * MINUTE + 1_000, new DriftRepaired(List.of("config")));
                    restarts++;
                }
                if (i % 500 == 11) {
                    for (int f = 0; f < 3; f++) {
                        long failedAt = now - (50 - 10 * f) * MINUTE;
                        e.add(failedAt, status("RUNNING", "FAILED", tasks, "FAILED", -1));
                        e.add(failedAt + MINUTE, status("FAILED", "RUNNING", tasks, "RUNNING", -1));
                    }
                    failures += 3;
                    flapping++;
                }
                if (i % 100 == 7) {
                    e.add(now - 20 * MINUTE, status("RUNNING", "FAILED", tasks, "FAILED", -1));
                    failures++;
                    failedNow++;
                }
                events += e.send(producer);
            }
            // Connectors created and deleted: their series are gone, but their events are folded.
            for (int i = 0; i < connectors / 100; i++) {
                Events e = new Events(cluster(i), "gone-" + name(i));
                long t0 = now - 5 * 60 * MINUTE + i;
                e.add(t0, new ConnectorCreated(config(e.connector, 1), TargetState.RUNNING));
                e.add(t0 + 5_000, status(null, "RUNNING", 1, "RUNNING", -1));
                e.add(t0 + 60 * MINUTE, new ConnectorDeleted());
                events += e.send(producer);
            }
            producer.flush();
        }
        return new Expected(connectors, failures, restarts, flapping, failedNow, events);
    }

    private static Map<String, String> config(String name, int tasks) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "org.apache.kafka.connect.file.FileStreamSourceConnector");
        config.put("tasks.max", String.valueOf(tasks));
        config.put("file", "/var/data/" + name + ".txt");
        config.put("topic", "scrape-" + name.hashCode() % 100);
        config.put("name", name);
        return config;
    }

    /** A status report: the connector in {@code state}, its tasks in {@code taskState}, task {@code failedTask} FAILED (-1: none). */
    private static ConnectorStatusChanged status(String previous, String state, int tasks, String taskState, int failedTask) {
        Map<String, String> taskStates = new LinkedHashMap<>();
        for (int t = 0; t < tasks; t++) {
            taskStates.put(String.valueOf(t), t == failedTask ? "FAILED" : taskState);
        }
        boolean failed = "FAILED".equals(state) || failedTask >= 0;
        return ConnectorStatusChanged.newBuilder().setPrevious(previous).setCurrent(state).setWorkerId("10.0.0.7:8083")
                .setTrace(failed ? "org.apache.kafka.connect.errors.ConnectException: could not read /var/data/input.txt" : null)
                .setTaskStates(taskStates).build();
    }

    /** One connector's events, in the order they occurred, with its version counted from 1. */
    private static final class Events {
        private record At(long at, Object event) {
        }

        final String cluster;
        final String connector;
        final List<At> list = new ArrayList<>();

        Events(String cluster, String connector) {
            this.cluster = cluster;
            this.connector = connector;
        }

        void add(long at, Object event) {
            list.add(new At(at, event));
        }

        int send(KafkaProducer<String, LifecycleEvent> producer) {
            list.sort((a, b) -> Long.compare(a.at(), b.at()));
            int version = 0;
            for (At at : list) {
                LifecycleEvent event = LifecycleEvent.newBuilder().setCommandId(UUID.randomUUID().toString()).setCluster(cluster)
                        .setConnector(connector).setVersion(++version).setOccurredAt(at.at()).setPrincipal("bench")
                        .setEvent(at.event()).build();
                producer.send(new ProducerRecord<>(TOPIC, cluster + "/" + connector, event));
            }
            return list.size();
        }
    }
}
