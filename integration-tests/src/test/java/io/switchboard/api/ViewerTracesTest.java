package io.switchboard.api;

import io.switchboard.testing.FailingSource;
import io.switchboard.testing.Await;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestUsers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
        fx = new SwitchboardFixture(options -> options.embeddedWorker(true)
                .flags("--users-file", users.toString()));
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
        String dir = io.switchboard.testing.TestReplicas.FILES + "/nonexistent-dir-viewer-" + UUID.randomUUID();
        String topic = "viewer-topic-" + UUID.randomUUID();
        Http.Response created = as("erin", "POST", "/connectors", "{\"name\":\"quoting-sink\",\"config\":{"
                + "\"connector.class\":\"org.apache.kafka.connect.file.FileStreamSinkConnector\",\"topics\":\"" + topic + "\","
                + "\"file\":\"" + dir + "/out.txt\"}}");
        assertEquals(201, created.status(), created.body());
        String editors = Await.atMost(Duration.ofSeconds(90)).until("the task's trace in the status",
                () -> as("erin", "GET", "/connectors/quoting-sink/status", null).body(), body -> body.contains("Couldn't find or create file"));
        assertTrue(editors.contains(dir), "an editor reads the trace whole: " + editors);
        // The timeline folds the failure from its event, which may come a moment after the status shows it.
        Await.atMost(Duration.ofSeconds(60)).until("the failure in the editor's timeline",
                () -> as("erin", "GET", "/connectors/quoting-sink/timeline", null).body(), body -> body.contains(dir));

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

    /**
     * The event stream shapes a worker's words as the status routes do: a connector that fails
     * quoting a config value shows the value in an editor's {@code /events}, and hidden in a viewer's,
     * who still reads what went wrong.
     */
    @Test
    void aViewersEventStreamShowsNoConfigValueInATrace() throws Exception {
        String quoted = "/quoted-" + UUID.randomUUID();
        Http.Response created = as("erin", "POST", "/connectors", "{\"name\":\"quoting-source\",\"config\":{"
                + "\"connector.class\":\"" + FailingSource.class.getName() + "\",\"" + FailingSource.QUOTED + "\":\"" + quoted + "\"}}");
        assertEquals(201, created.status(), created.body());
        String editors = events("erin", "quoting-source");
        assertTrue(editors.contains("fails as it starts with " + quoted), "an editor's stream carries the trace whole: " + editors);
        String viewers = events("vera", "quoting-source");
        assertTrue(viewers.contains("FailingSource fails as it starts"), "the viewer still reads what went wrong: " + viewers);
        assertFalse(viewers.contains(quoted), "/events shows a viewer a config value in a trace: " + viewers);
        assertEquals(204, as("erin", "DELETE", "/connectors/quoting-source", null).status());
    }

    /** A user's event stream of one connector from its start, read until its failure's trace is in or 90 s have passed. */
    private String events(String user, String connector) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(fx.app.url() + "/events?connector=" + connector + "&from=earliest"))
                .header("Authorization", TestUsers.basic(user)).GET().build();
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode(), user);
        StringBuilder seen = new StringBuilder();
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try (InputStream in = response.body()) {
            Future<?> reading = reader.submit(() -> {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    boolean failed = false;
                    String line;
                    while ((line = lines.readLine()) != null) {
                        synchronized (seen) {
                            seen.append(line).append('\n');
                        }
                        failed |= line.contains("FailingSource fails as it starts");
                        if (failed && line.isEmpty()) {
                            return null;
                        }
                    }
                }
                return null;
            });
            try {
                reading.get(90, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                reading.cancel(true);
            }
        } finally {
            reader.shutdownNow();
        }
        synchronized (seen) {
            return seen.toString();
        }
    }
}
