package io.switchboard.api;

import io.switchboard.testing.TestReplicas;
import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.SwitchboardApp;
import io.switchboard.SwitchboardOptions;
import io.switchboard.api.SwitchboardFixture.Answer;
import io.switchboard.testing.ApiContract;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedded default (broker, registry, processor and API in one process, data in one directory)
 * stops and starts again on the same directory with its state intact.
 */
class RestartTest {

    @Test
    void stateSurvivesARestartOnTheSameDataDirectory() throws Exception {
        Path dir = Files.createTempDirectory("switchboard-restart");
        SwitchboardOptions options = TestReplicas.defaults()
                .port(0).kafkaPort(0).schemaRegistryPort(0).dataDir(dir).embeddedWorker(false).build();
        try {
            SwitchboardApp first = SwitchboardApp.start(options);
            ApiContract.watch(first.url());
            try {
                for (String name : new String[]{"one", "two", "three"}) {
                    Answer a = SwitchboardFixture.call(first.url(), "POST", "/connectors", ConnectApiTest.createBody(name));
                    assertEquals(201, a.status(), a.body());
                }
                assertEquals(202, SwitchboardFixture.call(first.url(), "PUT", "/connectors/two/pause", null).status());
                assertEquals(204, SwitchboardFixture.call(first.url(), "DELETE", "/connectors/three", null).status());
            } finally {
                first.close();
            }
            assertTrue(Files.exists(dir.resolve("kafka/meta.properties")), "the broker's data is under the data dir");

            SwitchboardApp second = SwitchboardApp.start(options);
            ApiContract.watch(second.url());
            try {
                Answer list = SwitchboardFixture.call(second.url(), "GET", "/connectors", null);
                assertEquals(200, list.status());
                assertEquals(2, list.json().size(), list.body());
                Answer two = SwitchboardFixture.call(second.url(), "GET", "/connectors/two", null);
                assertEquals(200, two.status());
                assertEquals("two-lines", two.json().get("config").get("topic").asText());
                assertEquals("PAUSED", lastTargetState(second, "two"), "the pause made before the restart is kept");
                assertEquals("RUNNING", lastTargetState(second, "one"));
                // Existing names still conflict after the restart.
                Answer again = SwitchboardFixture.call(second.url(), "POST", "/connectors", ConnectApiTest.createBody("one"));
                assertEquals(409, again.status());
                Answer fresh = SwitchboardFixture.call(second.url(), "POST", "/connectors", ConnectApiTest.createBody("three"));
                assertEquals(201, fresh.status(), "a deleted connector can be created again after a restart");
            } finally {
                second.close();
            }
        } finally {
            SwitchboardFixture.deleteQuietly(dir);
        }
    }

    /** The desired target state of a connector's latest version, as its history records it. */
    private static String lastTargetState(SwitchboardApp app, String name) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        Answer history;
        do {
            history = SwitchboardFixture.call(app.url(), "GET", "/connectors/" + name + "/history", null);
            if (history.status() == 200) {
                JsonNode versions = history.json().get("versions");
                return versions.get(versions.size() - 1).get("target_state").asText();
            }
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no history of " + name + ": " + history.body());
    }
}
