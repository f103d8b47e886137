package io.switchboard.dataplane;

import io.switchboard.api.SharedKafka;
import io.switchboard.kafkaio.Topics;
import io.switchboard.processor.ControlPlanes;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.TargetState;
import io.switchboard.testing.Await;
import io.switchboard.testing.Http;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The policies on a real Kafka Connect worker: the embedded worker's own allow-list of client
 * overrides, whoever sends it a config; and connectors stored before the policies (configs the
 * decider would refuse now), which the data plane reports and gives to no worker rather than delete.
 */
class PolicyOnTheWorkerTest {
    private static final Await WAIT = Await.atMost(Duration.ofSeconds(60));

    @Test
    void theEmbeddedWorkerRefusesAClientOverrideOutsideItsAllowList() {
        String group = SharedKafka.newPrefix() + "-connect";
        try (EmbeddedConnectWorker worker = EmbeddedConnectWorker.start(SharedKafka.broker().bootstrapServers(), null, group, 0, SharedKafka.broker().workerProperties(Map.of()))) {
            String config = Http.json(Map.of("name", "leaky", "config", Map.of(
                    "connector.class", "org.apache.kafka.connect.file.FileStreamSinkConnector", "topics", "orders", "file", "/tmp/switchboard-test-files/leaky.txt",
                    "consumer.override.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required;")));
            Http.Response refused = Http.call(worker.url(), "POST", "/connectors", config);
            assertEquals(400, refused.status(), refused.body());
            assertTrue(refused.body().contains("sasl.jaas.config") && refused.body().contains("Allowlist"), refused.body());
            assertEquals("[]", Http.get(worker.url(), "/connectors").body().replace(" ", ""));

            // What the allow-list keeps is taken.
            String tuned = Http.json(Map.of("name", "tuned", "config", Map.of(
                    "connector.class", "org.apache.kafka.connect.file.FileStreamSinkConnector", "topics", "orders", "file", "/tmp/switchboard-test-files/tuned.txt",
                    "consumer.override.max.poll.records", "10", "consumer.override.auto.offset.reset", "earliest")));
            assertEquals(201, Http.call(worker.url(), "POST", "/connectors", tuned).status());
        }
    }

    @Test
    void aConnectorStoredBeforeThePolicyIsReportedAndStoppedNotRunOrDeleted() {
        String prefix = SharedKafka.newPrefix();
        Topics topics = new Topics(prefix);
        try (EmbeddedConnectWorker worker = EmbeddedConnectWorker.start(SharedKafka.broker().bootstrapServers(), null, prefix + "-worker", 0, SharedKafka.broker().workerProperties(Map.of()));
             ConnectClusterClient client = ConnectClusterClient.of(worker.url(), Optional.empty())) {
            // As an older version left them: one the worker runs already, one it has not got yet.
            Map<String, String> reading = sink(topics.replicaKeys());
            assertEquals(201, Http.call(worker.url(), "POST", "/connectors", Http.json(Map.of("name", "old-sink", "config", reading))).status());
            WAIT.until("old-sink running", () -> Http.get(worker.url(), "/connectors/old-sink/status").json()
                    .path("connector").path("state").asText(), "RUNNING"::equals);
            AtomicReference<List<ConnectorState>> desired = new AtomicReference<>(List.of(
                    state("old-sink", reading, 1), state("old-source", source(topics.commands()), 1)));
            List<ConnectorObservation> reported = new CopyOnWriteArrayList<>();
            Reconciler reconciler = new Reconciler("default", client, DesiredConnectors.listed(desired::get),
                    UnaryOperator.identity(), Reconciler.Reports.to(reported::add), Clock.systemUTC())
                    .policedBy(ControlPlanes.of(topics));

            WAIT.until("old-sink stopped on the worker", () -> {
                reconciler.reconcile();
                return Http.get(worker.url(), "/connectors/old-sink/status").json().path("connector").path("state").asText();
            }, "STOPPED"::equals);
            assertEquals(topics.replicaKeys(), Http.get(worker.url(), "/connectors/old-sink/config").json().path("topics").asText(),
                    "its config is left as it was");
            assertEquals(404, Http.get(worker.url(), "/connectors/old-source").status(), "not given to the worker");
            ConnectorObservation sinkFailure = last(reported, "old-sink");
            assertNotNull(sinkFailure.getReconcileFailure(), "reported");
            assertTrue(sinkFailure.getReconcileFailure().getError().equals("Connector config refused by policy control-plane-topics: topic "
                    + topics.replicaKeys() + " belongs to the control plane (topics)"), sinkFailure.getReconcileFailure().getError());
            ConnectorObservation sourceFailure = last(reported, "old-source");
            assertEquals("UNASSIGNED", sourceFailure.getState());
            assertTrue(sourceFailure.getReconcileFailure().getError().contains("topic " + topics.commands() + " belongs to the control plane"),
                    sourceFailure.getReconcileFailure().getError());

            // Changed to obey: given to the worker, resumed, and no longer failing.
            desired.set(List.of(state("old-sink", sink("orders"), 2)));
            WAIT.until("old-sink running its new config", () -> {
                reconciler.reconcile();
                return Http.get(worker.url(), "/connectors/old-sink/status").json().path("connector").path("state").asText();
            }, "RUNNING"::equals);
            assertEquals("orders", Http.get(worker.url(), "/connectors/old-sink/config").json().path("topics").asText());
            WAIT.until("the failure's end reported", () -> {
                reconciler.reconcile();
                return last(reported, "old-sink").getReconcileFailure() == null;
            });
            assertFalse(Http.get(worker.url(), "/connectors").body().contains("old-source"));
            reconciler.close();
        }
    }

    private static ConnectorObservation last(List<ConnectorObservation> reported, String name) {
        List<ConnectorObservation> of = reported.stream().filter(o -> o.getConnector().equals(name)).toList();
        assertFalse(of.isEmpty(), "nothing reported of " + name);
        return of.get(of.size() - 1);
    }

    private static Map<String, String> sink(String topics) {
        return new TreeMap<>(Map.of("connector.class", "org.apache.kafka.connect.file.FileStreamSinkConnector", "topics", topics,
                "file", "/tmp/switchboard-test-files/policy-sink.txt", "tasks.max", "1"));
    }

    private static Map<String, String> source(String topic) {
        return new TreeMap<>(Map.of("connector.class", "org.apache.kafka.connect.file.FileStreamSourceConnector", "topic", topic,
                "file", "/tmp/switchboard-test-files/policy-source.txt", "tasks.max", "1"));
    }

    private static ConnectorState state(String name, Map<String, String> config, long version) {
        return ConnectorState.newBuilder().setCluster("default").setName(name).setConfig(config).setTargetState(TargetState.RUNNING)
                .setVersion(version).setCreatedAt(1L).setUpdatedAt(version).setLastCommandId("before-" + version).build();
    }
}
