package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.SwitchboardApp;
import io.switchboard.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * KIP-891 through Switchboard, on the embedded worker with a test plugin in two versions on its
 * plugin path (each in a directory of its own, so in a class loader of its own): a connector pinned
 * to a version runs it, its status shows the version as the worker reports it, a patch moves it to
 * the other version, the plugin inventory names who runs and requires what, and a version the
 * worker does not have is refused in each dialect's words, naming the installed ones, with nothing
 * written.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PluginVersionsFlowTest {
    private static final String CLASS = "com.example.versioned.VersionedSource";
    private static final Await WAIT = Await.atMost(Duration.ofSeconds(90));
    private Path plugins;
    private SwitchboardFixture fx;

    @BeforeAll
    void start() throws IOException {
        plugins = Files.createTempDirectory("switchboard-versioned-plugins");
        for (String version : List.of("1.0.0", "2.0.0")) {
            versionedPlugin(plugins.resolve("versioned-" + version), version);
        }
        fx = new SwitchboardFixture(options -> options.embeddedWorker(true).flags("--plugin-path", plugins.toString()));
    }

    @AfterAll
    void stop() {
        if (fx != null) {
            fx.close();
        }
        SwitchboardFixture.deleteQuietly(plugins);
    }

    @Test
    void aPinnedVersionRunsShowsInStatusAndTheInventoryAndMovesWithAPatch() {
        JsonNode listed = fx.call("GET", "/connector-plugins", null).json();
        List<String> versions = new ArrayList<>();
        listed.forEach(p -> {
            if (p.path("class").asText().equals(CLASS)) {
                versions.add(p.path("version").asText());
            }
        });
        assertEquals(List.of("1.0.0", "2.0.0"), versions.stream().sorted().toList(), listed.toString());

        create("pinned-old", "\"connector.plugin.version\": \"1.0.0\"");
        create("latest", "\"connector.plugin.version\": \"latest\"");
        runs("pinned-old", "1.0.0");
        runs("latest", "2.0.0");

        // The other test's connectors may be there too: only this test's are looked at.
        JsonNode inventory = WAIT.until("both connectors in the inventory", () -> fx.call("GET", "/plugins", null).json(),
                json -> running(json, "1.0.0").contains("pinned-old") && running(json, "2.0.0").contains("latest"));
        String shown = plugin(inventory).toString();
        assertEquals("default", inventory.path("cluster").asText());
        assertEquals(List.of("1.0.0", "2.0.0"), names(plugin(inventory).path("versions").findValues("version")), shown);
        assertTrue(version(inventory, "1.0.0").path("installed").asBoolean() && version(inventory, "2.0.0").path("installed").asBoolean(),
                shown);
        assertTrue(names(version(inventory, "1.0.0").path("pinned")).contains("pinned-old"), shown);
        assertTrue(!running(inventory, "2.0.0").contains("pinned-old") && !running(inventory, "1.0.0").contains("latest"), shown);
        assertTrue(names(version(inventory, "2.0.0").path("pinned")).contains("latest"), shown);
        assertEquals(0, inventory.path("not_installed").size(), inventory.path("not_installed").toString());
        assertEquals(inventory, fx.call("GET", "/clusters/default/plugins", null).json());

        // A patch to the other version: the worker runs it, and the history keeps both.
        SwitchboardFixture.Answer patched = fx.call("PATCH", "/connectors/pinned-old/config", "{\"connector.plugin.version\": \"2.0.0\"}");
        assertEquals(200, patched.status(), patched.body());
        runs("pinned-old", "2.0.0");
        String history = fx.call("GET", "/connectors/pinned-old/history", null).body();
        assertTrue(history.contains("\"connector.plugin.version\":\"1.0.0\"") && history.contains("\"connector.plugin.version\":\"2.0.0\""),
                history);
    }

    @Test
    void aVersionTheWorkersDoNotHaveIsRefusedNamingTheirsAndNothingIsWritten() {
        SwitchboardFixture.Answer connect = fx.call("POST", "/connectors", "{\"name\": \"too-new\", \"config\": {\"connector.class\": \""
                + CLASS + "\", \"connector.plugin.version\": \"9.9.9\"}}");
        assertEquals(400, connect.status(), connect.body());
        assertEquals(400, connect.json().path("error_code").asInt(), connect.body());
        String message = connect.json().path("message").asText();
        assertTrue(message.contains("Invalid value 9.9.9 for configuration connector.plugin.version")
                && message.contains("the cluster's workers have " + CLASS + " in versions 1.0.0, 2.0.0"), message);
        // A range none of them is in, through Redpanda's API: its error shape, the same words.
        SwitchboardFixture.Answer redpanda = fx.call("POST", "/v1/kafka-connect/clusters/default/connectors", "{\"name\": \"too-new\", "
                + "\"config\": {\"connector.class\": \"" + CLASS + "\", \"connector.plugin.version\": \"[3.0,)\"}}");
        assertEquals(400, redpanda.status(), redpanda.body());
        assertTrue(redpanda.body().contains("INVALID_ARGUMENT") && redpanda.body().contains("in versions 1.0.0, 2.0.0"), redpanda.body());
        // Confluent's: its error shape, the same words.
        String kafkaCluster = fx.call("GET", "/", null).json().path("kafka_cluster_id").asText();
        SwitchboardFixture.Answer confluent = fx.call("POST", "/connect/v1/environments/env-default/clusters/" + kafkaCluster
                + "/connectors", "{\"name\": \"too-new\", \"config\": {\"connector.class\": \"" + CLASS + "\", "
                + "\"connector.plugin.version\": \"1.5\"}}");
        assertEquals(400, confluent.status(), confluent.body());
        assertTrue(confluent.json().path("error").path("message").asText().contains("connector.plugin.version: Invalid value 1.5 "
                + "for configuration connector.plugin.version: no such version is installed; the cluster's workers have " + CLASS
                + " in versions 1.0.0, 2.0.0"), confluent.body());
        // A put of an existing connector's config too: nothing changes.
        create("kept", "\"connector.plugin.version\": \"1.0.0\"");
        SwitchboardFixture.Answer put = fx.call("PUT", "/connectors/kept/config", "{\"connector.class\": \"" + CLASS + "\", "
                + "\"value.converter\": \"org.apache.kafka.connect.json.JsonConverter\", \"value.converter.plugin.version\": \"0.1\"}");
        assertEquals(400, put.status(), put.body());
        assertTrue(put.json().path("message").asText().contains("value.converter.plugin.version"), put.body());

        assertEquals(404, fx.call("GET", "/connectors/too-new", null).status());
        assertEquals(1, fx.call("GET", "/connectors/kept/history", null).json().path("versions").size(),
                fx.call("GET", "/connectors/kept/history", null).body());
        assertEquals(204, fx.call("DELETE", "/connectors/kept", null).status());
    }

    private void create(String name, String more) {
        SwitchboardFixture.Answer created = fx.call("POST", "/connectors", "{\"name\": \"" + name + "\", \"config\": {"
                + "\"connector.class\": \"" + CLASS + "\", \"tasks.max\": \"1\", " + more + "}}");
        assertEquals(201, created.status(), created.body());
    }

    /**
     * Waits until the connector and its task run {@code version} by Switchboard's status, and checks
     * that status shows the versions as the worker's own does.
     */
    private void runs(String name, String version) {
        JsonNode status = WAIT.until(name + " running " + version, () -> fx.call("GET", "/connectors/" + name + "/status", null).json(),
                s -> s.path("connector").path("version").asText().equals(version) && s.path("tasks").size() == 1
                        && s.path("tasks").path(0).path("version").asText().equals(version)
                        && s.path("tasks").path(0).path("state").asText().equals("RUNNING"));
        String worker = fx.app.connectClusters().get(SwitchboardApp.DEFAULT_CLUSTER);
        JsonNode own = SwitchboardFixture.call(worker, "GET", "/connectors/" + name + "/status", null).json();
        assertEquals(own.path("connector").path("version"), status.path("connector").path("version"), own.toString());
        assertEquals(own.path("tasks").path(0).path("version"), status.path("tasks").path(0).path("version"), own.toString());
    }

    private static JsonNode plugin(JsonNode inventory) {
        for (JsonNode plugin : inventory.path("plugins")) {
            if (plugin.path("class").asText().equals(CLASS)) {
                return plugin;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static JsonNode version(JsonNode inventory, String version) {
        for (JsonNode v : plugin(inventory).path("versions")) {
            if (v.path("version").asText().equals(version)) {
                return v;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static List<String> running(JsonNode inventory, String version) {
        return names(version(inventory, version).path("running"));
    }

    private static List<String> names(Iterable<JsonNode> array) {
        List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(n.asText()));
        return names;
    }

    private static void versionedPlugin(Path dir, String version) throws IOException {
        io.switchboard.testing.VersionedPlugins.build(dir, version, 0);
    }
}
