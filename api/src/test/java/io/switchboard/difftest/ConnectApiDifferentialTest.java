package io.switchboard.difftest;

import io.switchboard.SwitchboardApp;
import io.switchboard.SwitchboardOptions;
import io.switchboard.kafka.EmbeddedKafka;
import io.switchboard.dataplane.EmbeddedConnectWorker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.switchboard.difftest.Step.call;
import static io.switchboard.difftest.Step.get;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same HTTP scenarios against a real Kafka Connect 4.3.1 worker and against Switchboard, on one
 * broker: same status codes, same JSON shapes, same error messages. Differences Switchboard makes on
 * purpose are marked on their step, with the reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectApiDifferentialTest {
    private static final String SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector";

    private Path dir;
    private EmbeddedKafka kafka;
    private EmbeddedConnectWorker worker;
    private SwitchboardApp switchboard;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("switchboard-difftest");
        kafka = new EmbeddedKafka(dir.resolve("broker"), 0).start();
        worker = EmbeddedConnectWorker.start(kafka.bootstrapServers());
        switchboard = SwitchboardApp.start(SwitchboardOptions.defaults().withPort(0).withSchemaRegistryPort(0)
                .withDataDir(dir.resolve("replica")).withBootstrapServers(kafka.bootstrapServers()).withEmbeddedWorker(false));
    }

    @AfterAll
    void stop() {
        if (switchboard != null) {
            switchboard.close();
        }
        if (worker != null) {
            worker.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static String config(String name) {
        return "{\"connector.class\":\"" + SOURCE + "\",\"file\":\"/tmp/" + name + ".txt\",\"topic\":\"" + name + "\"}";
    }

    private static String create(String name) {
        return "{\"name\":\"" + name + "\",\"config\":" + config(name) + "}";
    }

    private void assertSame(Step... steps) {
        Differ differ = new Differ(worker.url(), switchboard.url());
        differ.run(steps);
        System.out.println(differ.transcript());
        assertTrue(differ.mismatches().isEmpty(), () -> differ.mismatches().size() + " difference(s):\n"
                + String.join("\n", differ.mismatches()));
    }

    @Test
    void rootAndHealth() {
        assertSame(
                get("/").ignoring("$.commit", "$.kafka_cluster_id", "$.version"),
                get("/health").values());
    }

    @Test
    void connectorLifecycle() {
        assertSame(
                get("/connectors").asSet(),
                call("POST", "/connectors", create("diff-a")).values(),
                call("POST", "/connectors", create("diff-a")),
                call("POST", "/connectors", "{\"name\":\"diff-b\",\"config\":" + config("diff-b") + ",\"initial_state\":\"PAUSED\"}").values(),
                call("POST", "/connectors", "{\"name\":\"diff-c\",\"config\":" + config("diff-c") + ",\"initial_state\":\"stopped\"}").values(),
                get("/connectors").asSet(),
                get("/connectors/diff-a").ignoring("$.tasks"),
                get("/connectors/diff-a/config").values(),
                get("/connectors?expand=info").ignoring("$.*.info.tasks"),
                // No data plane yet: no worker runs the connector, so no worker id, tasks or plugin version.
                get("/connectors?expand=status").ignoring("$.*.status.connector.worker_id", "$.*.status.tasks", "$.*.status.connector.version"),
                get("/connectors?expand=status&expand=info").ignoring("$.*.info.tasks", "$.*.status.connector.worker_id", "$.*.status.tasks",
                        "$.*.status.connector.version"),
                call("PUT", "/connectors/diff-d/config", config("diff-d")).values(),
                call("PUT", "/connectors/diff-d/config", config("diff-d").replace("/tmp/diff-d.txt", "/tmp/other.txt")).ignoring("$.tasks"),
                call("PATCH", "/connectors/diff-d/config", "{\"tasks.max\":\"1\",\"file\":null}").ignoring("$.tasks"),
                get("/connectors/diff-d/config").values(),
                call("PUT", "/connectors/diff-a/pause", null).values(),
                call("PUT", "/connectors/diff-a/resume", null).values(),
                call("PUT", "/connectors/diff-a/stop", null).values(),
                call("DELETE", "/connectors/diff-a", null).values(),
                call("DELETE", "/connectors/diff-b", null).values(),
                call("DELETE", "/connectors/diff-c", null).values(),
                call("DELETE", "/connectors/diff-d", null).values(),
                get("/connectors").asSet());
    }

    @Test
    void unknownConnectors() {
        assertSame(
                get("/connectors/ghost"),
                get("/connectors/ghost/config"),
                call("DELETE", "/connectors/ghost", null),
                call("PATCH", "/connectors/ghost/config", "{\"topic\":\"x\"}"),
                call("PUT", "/connectors/ghost/pause", null),
                call("PUT", "/connectors/ghost/resume", null),
                call("PUT", "/connectors/ghost/stop", null));
    }

    @Test
    void badInput() {
        assertSame(
                call("POST", "/connectors", "{\"config\":" + config("x") + "}"),
                call("POST", "/connectors", "{\"name\":\"\",\"config\":" + config("x") + "}"),
                call("POST", "/connectors", "{\"name\":\"bad\\u0007name\",\"config\":" + config("x") + "}"),
                call("POST", "/connectors", "{\"name\":\"named\",\"config\":" + config("x").replace("{", "{\"name\":\"other\",") + "}"),
                call("POST", "/connectors", "{\"name\":\"nulls\",\"config\":" + config("x").replace("{", "{\"tasks.max\":null,") + "}")
                        .messageDiffers("Kafka Connect also lists the connector config definition's own complaint about the key; "
                        + "Switchboard reports the null value without consulting the plugin's definitions"),
                call("POST", "/connectors", "{\"name\":\"noclass\",\"config\":{\"topic\":\"t\"}}"),
                call("POST", "/connectors", "{\"name\":\"noconfig\"}").kafkaConnectFailsHere("a create without a config: NullPointerException"),
                call("POST", "/connectors", "{\"name\":\"x\",\"config\":\"text\"}").kafkaConnectFailsHere("a config that is not an object: Jackson error as a 500"),
                call("POST", "/connectors", "{not json").kafkaConnectFailsHere("malformed JSON: Jackson error as a 500"),
                call("POST", "/connectors", "").kafkaConnectFailsHere("no body: NullPointerException"),
                call("POST", "/connectors", "{\"name\":5,\"config\":" + config("five") + "}"),
                call("DELETE", "/connectors/five", null),
                call("PUT", "/connectors/mismatch/config", config("x").replace("{", "{\"name\":\"other\",")),
                call("PUT", "/connectors/nullput/config", config("x").replace("{", "{\"tasks.max\":null,"))
                        .messageDiffers("Kafka Connect also lists the connector config definition's own complaint about the key; "
                        + "Switchboard reports the null value without consulting the plugin's definitions"),
                call("PUT", "/connectors/arr/config", "{\"a\":[1]}").kafkaConnectFailsHere("an array as a config value: Jackson error as a 500"),
                get("/no/such/route"),
                call("DELETE", "/connectors", null),
                call("POST", "/connectors/x/config", "{}"));
    }
}
