package io.switchboard.api;

import io.switchboard.SecurityOptions;
import io.switchboard.testing.Await;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestUsers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A viewer, who sees a config's keys and not its values, does not read the values either where the
 * worker quotes them: a FileStreamSink that cannot open its file fails quoting the path, and the
 * viewer's status, task status, timeline and console pages show it hidden, while an editor's show it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ViewerTracesTest {
    private SwitchboardFixture fx;

    @BeforeAll
    void start() throws IOException {
        Map<String, String> grants = new LinkedHashMap<>();
        grants.put("vera", "viewer@default");
        grants.put("erin", "editor@default");
        Path users = TestUsers.write(Files.createTempDirectory("switchboard-viewer-traces"), grants);
        fx = new SwitchboardFixture(options -> options.withEmbeddedWorker(true)
                .withSecurity(SecurityOptions.NONE.withUsersFile(users)));
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    private Http.Response as(String user, String method, String path, String body) {
        return Http.call(fx.app.url(), method, path, body, Map.of("Authorization", TestUsers.basic(user)));
    }

    @Test
    void aViewerReadsNoConfigValueInATrace() throws Exception {
        String dir = "/nonexistent-dir/viewer-" + UUID.randomUUID();
        String topic = "viewer-topic-" + UUID.randomUUID();
        Http.Response created = as("erin", "POST", "/connectors", "{\"name\":\"quoting-sink\",\"config\":{"
                + "\"connector.class\":\"org.apache.kafka.connect.file.FileStreamSinkConnector\",\"topics\":\"" + topic + "\","
                + "\"file\":\"" + dir + "/out.txt\"}}");
        assertEquals(201, created.status(), created.body());
        String editors = Await.atMost(Duration.ofSeconds(90)).until("the task's trace in the status",
                () -> as("erin", "GET", "/connectors/quoting-sink/status", null).body(), body -> body.contains("Couldn't find or create file"));
        assertTrue(editors.contains(dir), "an editor reads the trace whole: " + editors);
        assertTrue(as("erin", "GET", "/connectors/quoting-sink/timeline", null).body().contains(dir));

        assertFalse(as("vera", "GET", "/connectors/quoting-sink/config", null).body().contains(dir), "the config view hides it");
        for (String path : List.of("/connectors/quoting-sink/status", "/connectors/quoting-sink/tasks/0/status",
                "/connectors/quoting-sink/timeline", "/connectors?expand=status",
                "/v1/kafka-connect/clusters/default/connectors/quoting-sink/status",
                "/console/clusters/default/connectors/quoting-sink", "/console/clusters/default/connectors/quoting-sink/status",
                "/console/clusters/default/connectors/quoting-sink/timeline")) {
            Http.Response viewers = as("vera", "GET", path, null);
            assertEquals(200, viewers.status(), path + ": " + viewers.body());
            assertFalse(viewers.body().contains(dir), path + " shows a viewer a config value: " + viewers.body());
            assertFalse(viewers.body().contains(topic), path + " shows a viewer a config value: " + viewers.body());
        }
        assertTrue(as("vera", "GET", "/connectors/quoting-sink/status", null).body().contains("Couldn't find or create file"),
                "the viewer still reads what went wrong");
        assertEquals(204, as("erin", "DELETE", "/connectors/quoting-sink", null).status());
    }
}
