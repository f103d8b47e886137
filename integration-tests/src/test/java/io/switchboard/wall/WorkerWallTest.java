package io.switchboard.wall;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.SecurityOptions;
import io.switchboard.SwitchboardApp;
import io.switchboard.SwitchboardOptions;
import io.switchboard.testing.Await;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestReplicas;
import io.switchboard.testing.WorkerProcesses;
import io.switchboard.testing.TestUsers;
import io.switchboard.worker.EmbeddedWorkerMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The wall around the embedded worker, whatever the policies say: on the default (embedded broker
 * and worker, a users file, FileStream connectors on), a connector that tries to read the
 * replica's keyring, Kafka identities, the worker's REST token, the users file and the replica's
 * {@code /proc/<pid>/environ} and {@code cmdline} reads none of them, nor the keyring through a link
 * put in the file connectors' directory, while it reads a file of the
 * directory it is given; the worker's class path holds none of the control plane's classes; and
 * the worker's REST API answers no-one without the replica's token.
 */
class WorkerWallTest {
    @TempDir
    Path dir;

    @Test
    void aConnectorReadsNothingOfTheReplicaAndTheWorkerAnswersOnlyItsReplica() throws Exception {
        Path data = dir.resolve("data");
        Path users = TestUsers.write(dir.resolve("etc"), Map.of("admin", "admin@*"));
        SwitchboardOptions options = TestReplicas.defaults().port(0).schemaRegistryPort(0).kafkaPort(0).dataDir(data)
                .security(SecurityOptions.NONE.withUsersFile(users)).build();
        Path control = Files.writeString(Files.createTempFile(TestReplicas.FILES, "wall-control", ".txt"), "mine");
        // A file of the connectors' directory swapped for a link to the keyring (after any check a create made).
        Path link = TestReplicas.FILES.resolve("wall-link-" + ProcessHandle.current().pid() + ".txt");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, data.resolve("secrets.key"));
        try (SwitchboardApp app = SwitchboardApp.start(options)) {
            assertTrue(app.workerIsolation(SwitchboardApp.DEFAULT_CLUSTER).orElseThrow().walled(),
                    "this host draws the wall: " + app.workerIsolation(SwitchboardApp.DEFAULT_CLUSTER));
            Http.authorizeByDefault(app.url(), TestUsers.basic("admin"));
            String replica = Long.toString(ProcessHandle.current().pid());
            List<String> secrets = List.of(data.resolve("secrets.key").toString(), data.resolve("kafka-identities.properties").toString(),
                    data.resolve("worker.token").toString(), users.toString(), "/proc/" + replica + "/environ", "/proc/" + replica + "/cmdline");
            for (String secret : secrets) {
                assertTrue(secret.startsWith("/proc") || Files.isRegularFile(Path.of(secret)), "the replica has " + secret);
            }
            List<String> tried = new ArrayList<>(secrets);
            tried.add(link.toString());
            tried.add(control.toString());
            Http.Response created = Http.call(app.url(), "POST", "/connectors", Http.json(Map.of("name", "wall-probe", "config", Map.of(
                    "connector.class", WallProbeSource.class.getName(), "tasks.max", "1", WallProbeSource.PATHS, String.join(",", tried)))));
            assertEquals(201, created.status(), created.body());
            String trace = Await.atMost(Duration.ofSeconds(120)).poll(() -> {
                JsonNode status = Http.get(app.url(), "/connectors/wall-probe/status").json();
                return status.path("tasks").path(0).path("trace").asText("");
            }, t -> t.contains("opened ["));
            assertTrue(trace.contains("opened [" + control + "] of "), "the connector read only the file it was given: " + trace);

            // The worker's process: its class path, as /proc shows it, holds no class of the control plane.
            ProcessHandle worker = WorkerProcesses.of(data).orElseThrow(() -> new AssertionError("no worker process"));
            List<String> commandLine = WorkerProcesses.commandLine(worker);
            String classPath = commandLine.get(commandLine.indexOf("-cp") + 1);
            for (String entry : classPath.split(":")) {
                for (String marker : List.of("io/switchboard/SwitchboardApp.class", "io/switchboard/secrets/Keyring.class",
                        "io/switchboard/secrets/SecretBox.class", "io/switchboard/rules/CommandDecider.class",
                        "io/switchboard/dataplane/WorkerProcess.class", "io/switchboard/kafkaio/Hmacs.class")) {
                    assertFalse(holds(Path.of(entry), marker), entry + " on the worker's class path holds " + marker);
                }
            }
            assertTrue(holds(Path.of(classPath.split(":")[0]), "io/switchboard/worker/EmbeddedWorkerMain.class")
                    || Arrays.stream(classPath.split(":")).anyMatch(e -> holds(Path.of(e), "io/switchboard/worker/EmbeddedWorkerMain.class")));

            // Loopback is no trust boundary: the worker answers no request without the replica's token.
            String workerUrl = app.connectClusters().get(SwitchboardApp.DEFAULT_CLUSTER);
            Http.Response anonymous = Http.call(workerUrl, "GET", "/connectors?expand=info", null);
            assertEquals(401, anonymous.status(), anonymous.body());
            assertEquals(401, Http.call(workerUrl, "POST", "/connectors", "{\"name\":\"direct\",\"config\":{\"connector.class\":"
                    + "\"FileStreamSource\",\"file\":\"" + data.resolve("secrets.key") + "\",\"topic\":\"direct\"}}").status());
            assertEquals(401, Http.call(workerUrl, "GET", "/connectors", null, Map.of("Authorization", "Bearer not-the-token")).status());
            TestReplicas.authorizeWorker(app, data);
            assertEquals(200, Http.call(workerUrl, "GET", "/connectors", null).status(), "the replica's token opens it");
        } finally {
            Files.deleteIfExists(control);
            Files.deleteIfExists(link);
        }
    }

    private static boolean holds(Path entry, String resource) {
        if (Files.isDirectory(entry)) {
            return Files.exists(entry.resolve(resource));
        }
        if (!Files.isRegularFile(entry)) {
            return false;
        }
        try (ZipFile jar = new ZipFile(entry.toFile())) {
            return jar.getEntry(resource) != null;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
