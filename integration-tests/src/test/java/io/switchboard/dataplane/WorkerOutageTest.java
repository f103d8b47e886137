package io.switchboard.dataplane;

import io.switchboard.testing.TestReplicas;
import io.switchboard.SwitchboardApp;
import io.switchboard.kafka.EmbeddedKafka;
import io.switchboard.processor.StoreNames;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.testing.ApiContract;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.switchboard.dataplane.Probe.call;
import static io.switchboard.dataplane.Probe.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An external Connect cluster: its plugin validates configs, and while its worker is down the
 * control plane keeps accepting commands, which reach the worker once it is back.
 */
class WorkerOutageTest {




    @Test
    void commandsAreAcceptedWhileTheWorkerIsDownAndAppliedWhenItReturns() throws Exception {
        Path dir = Files.createTempDirectory("switchboard-outage");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("broker"), 0).start()) {
            EmbeddedConnectWorker worker = EmbeddedConnectWorker.start(kafka.bootstrapServers(), null, "outage-connect", port);
            try (SwitchboardApp app = SwitchboardApp.start(TestReplicas.defaults().withPort(0).withSchemaRegistryPort(0)
                    .withDataDir(dir.resolve("replica")).withBootstrapServers(kafka.bootstrapServers())
                    .withConnectClusters("default=" + worker.url()))) {
                ApiContract.watch(app.url());
                String config = "{\"connector.class\":\"FileStreamSource\",\"file\":\"/tmp/outage.txt\",\"topic\":\"outage\"}";

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

                worker = EmbeddedConnectWorker.start(kafka.bootstrapServers(), null, "outage-connect", port);
                String url = worker.url();
                eventually("during created on the returned worker", () -> call(url, "GET", "/connectors/during", null).status(),
                        s -> s == 200);
                eventually("before paused on the returned worker", () -> call(url, "GET", "/connectors/before/status", null)
                        .json().path("connector").path("state").asText(), "PAUSED"::equals);
                eventually("the pause observed", () -> call(app.url(), "GET", "/connectors/before/status", null)
                        .json().path("connector").path("state").asText(), "PAUSED"::equals);
                assertTrue(call(app.url(), "GET", "/connectors", null).json().size() == 2);
            } finally {
                worker.close();
            }
        }
    }

    /** Whether the data plane's last reading of the connector, in the statuses store, includes its details. */
    private static boolean statusStoreHasDetails(SwitchboardApp app, String key) {
        try {
            ConnectorObservation observed = app.streams().store(
                    StoreQueryParameters.fromNameAndType(StoreNames.STATUSES,
                            QueryableStoreTypes.<String, ConnectorObservation>keyValueStore()))
                    .get(key);
            return observed != null && observed.getDetailsObservedAt() != null;
        } catch (InvalidStateStoreException notNow) {
            return false;
        }
    }
}
