package io.switchboard.dataplane;

import io.switchboard.api.SharedKafka;
import io.switchboard.testing.SecuredKafka;
import io.switchboard.testing.TestReplicas;
import io.switchboard.SwitchboardApp;
import java.util.Map;
import io.switchboard.processor.StoreNames;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.OffsetsRequest;
import io.switchboard.schemas.OffsetsResult;
import io.switchboard.testing.ApiContract;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static io.switchboard.dataplane.Probe.call;
import static io.switchboard.dataplane.Probe.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An external Connect cluster: its plugin validates configs, and while its worker is down the
 * control plane keeps accepting commands, which reach the worker once it is back, in order: an
 * offsets change asked of a stopped connector is made before the connector runs again.
 */
class WorkerOutageTest {
    @Test
    void commandsAreAcceptedWhileTheWorkerIsDownAndAppliedWhenItReturns() throws Exception {
        Path dir = Files.createTempDirectory("switchboard-outage");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        // The test JVM's broker, which stays up throughout (the outage is the worker's): the replica
        // keeps to a prefix of its own, the worker to a group of its own, its connectors to topics under the prefix.
        SecuredKafka kafka = SharedKafka.broker();
        String prefix = SharedKafka.newPrefix();
        String group = prefix + "-outage-connect";
        try {
            EmbeddedConnectWorker worker = EmbeddedConnectWorker.start(kafka.bootstrapServers(), null, group, port, kafka.workerProperties(Map.of()));
            try (SwitchboardApp app = SwitchboardApp.start(kafka.replica(TestReplicas.defaults().port(0).schemaRegistryPort(0)
                    .dataDir(dir.resolve("replica")).topicPrefix(prefix)
                    .connectClusters("default=" + worker.url()).build()))) {
                ApiContract.watch(app.url());
                String config = "{\"connector.class\":\"FileStreamSource\",\"file\":\"/tmp/switchboard-test-files/outage.txt\",\"topic\":\""
                        + prefix + "-outage\"}";

                // The plugin validates: a null value gets the worker's own two complaints.
                Probe.Answer invalid = call(app.url(), "POST", "/connectors",
                        "{\"name\":\"bad\",\"config\":" + config.replace("{", "{\"tasks.max\":null,") + "}");
                assertEquals(400, invalid.status(), invalid.body());
                assertEquals("Connector configuration is invalid and contains the following 2 error(s):\n"
                        + "Invalid value null for configuration tasks.max: Value must be non-null\n"
                        + "Null value can not be supplied as the configuration value.\n"
                        + "You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`",
                        invalid.json().path("message").asText());

                assertEquals(201, call(app.url(), "POST", "/connectors", "{\"name\":\"before\",\"config\":" + config + "}").status());
                eventually("before RUNNING", () -> call(app.url(), "GET", "/connectors/before/status", null)
                        .json().path("connector").path("state").asText(), "RUNNING"::equals);
                // Active topics and offsets are not read after a create (the worker is asked only what a
                // direct client asks it); they are read when a connector stops, when they change, and
                // every 5 minutes. A stop and a resume, then, for a reading to answer from below.
                assertEquals(204, call(app.url(), "PUT", "/connectors/before/stop", null).status());
                eventually("before's active topics and offsets read", () -> statusStoreHasDetails(app, "default/before"),
                        Boolean::booleanValue);
                assertEquals(202, call(app.url(), "PUT", "/connectors/before/resume", null).status());
                eventually("before RUNNING again", () -> call(app.url(), "GET", "/connectors/before/status", null)
                        .json().path("connector").path("state").asText(), "RUNNING"::equals);
                String heldConfig = "{\"connector.class\":\"FileStreamSource\",\"file\":\"/tmp/switchboard-test-files/held.txt\",\"topic\":\""
                        + prefix + "-held\"}";
                assertEquals(201, call(app.url(), "POST", "/connectors", "{\"name\":\"held\",\"config\":" + heldConfig + "}").status());
                eventually("held RUNNING", () -> call(app.url(), "GET", "/connectors/held/status", null)
                        .json().path("connector").path("state").asText(), "RUNNING"::equals);

                worker.close();
                Probe.Answer during = call(app.url(), "POST", "/connectors", "{\"name\":\"during\",\"config\":" + config + "}");
                assertEquals(201, during.status(), "the control plane accepts commands while the worker is down: " + during.body());
                assertEquals(202, call(app.url(), "PUT", "/connectors/before/pause", null).status());
                Probe.Answer status = call(app.url(), "GET", "/connectors/before/status", null);
                assertEquals(200, status.status());
                assertEquals("RUNNING", status.json().path("connector").path("state").asText(),
                        "status shows what was last observed");
                // Active topics and offsets: the worker cannot say, so the last reading answers.
                Probe.Answer topics = call(app.url(), "GET", "/connectors/before/topics", null);
                assertEquals(200, topics.status(), topics.body());
                assertTrue(topics.json().path("before").path("topics").isArray(), topics.body());
                Probe.Answer offsets = call(app.url(), "GET", "/connectors/before/offsets", null);
                assertEquals(200, offsets.status(), offsets.body());
                assertTrue(offsets.json().path("offsets").isArray(), offsets.body());
                Probe.Answer plugins = call(app.url(), "GET", "/connector-plugins", null);
                assertEquals(503, plugins.status(), "nothing observed to answer with: " + plugins.body());

                // Stopped, its offsets reset, then resumed before the worker could do either: the
                // connector stays stopped for the reset, which the worker makes before it runs again.
                assertEquals(204, call(app.url(), "PUT", "/connectors/held/stop", null).status());
                CompletableFuture<Probe.Answer> reset = CompletableFuture.supplyAsync(
                        () -> call(app.url(), "DELETE", "/connectors/held/offsets", null));
                String resetId = eventually("the reset recorded", () -> Optional.ofNullable(WorkerOutageTest.<ConnectorState>stored(
                                app, StoreNames.CONNECTORS, "default/held")).map(ConnectorState::getPendingOffsets)
                        .map(OffsetsRequest::getId).orElse(null), Objects::nonNull);
                Probe.Answer another = call(app.url(), "PATCH", "/connectors/held/offsets", "{\"offsets\":[{\"partition\":"
                        + "{\"filename\":\"/tmp/switchboard-test-files/held.txt\"},\"offset\":{\"position\":0}}]}");
                assertEquals(409, another.status(), "one offsets request at a time: " + another.body());
                assertEquals(409, another.json().path("error_code").asInt(), another.body());
                assertTrue(another.json().path("message").asText().contains("under way"), another.body());
                assertEquals(202, call(app.url(), "PUT", "/connectors/held/resume", null).status());

                worker = EmbeddedConnectWorker.start(kafka.bootstrapServers(), null, group, port, kafka.workerProperties(Map.of()));
                String url = worker.url();
                eventually("during created on the returned worker", () -> call(url, "GET", "/connectors/during", null).status(),
                        s -> s == 200);
                eventually("before paused on the returned worker", () -> call(url, "GET", "/connectors/before/status", null)
                        .json().path("connector").path("state").asText(), "PAUSED"::equals);
                eventually("the pause observed", () -> call(app.url(), "GET", "/connectors/before/status", null)
                        .json().path("connector").path("state").asText(), "PAUSED"::equals);
                OffsetsResult answered = eventually("the worker's answer to the reset", () -> Optional.ofNullable(
                        WorkerOutageTest.<ConnectorObservation>stored(app, StoreNames.STATUSES, "default/held"))
                        .map(ConnectorObservation::getOffsetsApplied).filter(r -> r.getId().equals(resetId)).orElse(null), Objects::nonNull);
                assertEquals(200, answered.getCode(), answered.toString());
                assertEquals("The offsets for this connector have been reset successfully", answered.getMessage());
                eventually("held RUNNING after the reset", () -> call(app.url(), "GET", "/connectors/held/status", null)
                        .json().path("connector").path("state").asText(), "RUNNING"::equals);
                // Answered when the worker made it, or 202 if that took longer than the request's wait.
                Probe.Answer resetAnswer = reset.join();
                assertTrue(resetAnswer.status() == 200 || resetAnswer.status() == 202, resetAnswer.body());
                assertTrue(call(app.url(), "GET", "/connectors", null).json().size() == 3);
            } finally {
                worker.close();
            }
        } finally {
            SharedKafka.deleteTopics(prefix);
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Whether the data plane's last reading of the connector, in the statuses store, includes its details. */
    private static boolean statusStoreHasDetails(SwitchboardApp app, String key) {
        ConnectorObservation observed = stored(app, StoreNames.STATUSES, key);
        return observed != null && observed.getDetailsObservedAt() != null;
    }

    /** A key's value in one of the replica's stores; null when absent or when the store cannot be read now. */
    private static <V> V stored(SwitchboardApp app, String store, String key) {
        try {
            return app.streams().store(StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.<String, V>keyValueStore()))
                    .get(key);
        } catch (InvalidStateStoreException notNow) {
            return null;
        }
    }
}
