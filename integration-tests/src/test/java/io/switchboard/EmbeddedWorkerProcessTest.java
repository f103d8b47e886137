package io.switchboard;

import io.switchboard.testing.Await;
import io.switchboard.worker.EmbeddedWorkerMain;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestReplicas;
import io.switchboard.testing.WorkerProcesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On the README's default (embedded broker, embedded worker), the worker that runs connectors is a
 * process of the replica's own making and nothing more: not the replica's JVM, none of its
 * environment (where the keyring may be), no control-plane class on its class path, its own working
 * directory, no settings left on disk;
 * started again when it dies, with the connectors it ran, but for one that made it exit twice
 * (quarantined: stopped); stopped with the replica. Found as a user
 * finds it, among the replica's child processes.
 */
class EmbeddedWorkerProcessTest {
    @TempDir
    Path dir;

    @Test
    void theWorkerIsAProcessOfItsOwnRestartedWhenItDiesAndStoppedWithTheReplica() throws Exception {
        Path data = dir.resolve("data");
        ProcessHandle worker;
        try (SwitchboardApp app = SwitchboardApp.start(TestReplicas.defaults().port(0).schemaRegistryPort(0).kafkaPort(0)
                .dataDir(data).build())) {
            TestReplicas.authorizeWorker(app, data);
            worker = WorkerProcesses.of(data).orElseThrow(() -> new AssertionError("no worker process of this replica"));
            assertNotEquals(ProcessHandle.current().pid(), worker.pid());
            Path proc = Path.of("/proc", Long.toString(worker.pid()));
            List<String> environment = Arrays.stream(new String(Files.readAllBytes(proc.resolve("environ")), StandardCharsets.UTF_8)
                    .split("\0")).filter(s -> !s.isEmpty()).map(s -> s.substring(0, s.indexOf('='))).toList();
            assertTrue(environment.stream().allMatch("PATH"::equals), "the worker inherits nothing but PATH: " + environment);
            assertEquals(data.resolve("worker").toAbsolutePath(), Files.readSymbolicLink(proc.resolve("cwd")));
            assertFalse(Files.exists(data.resolve("worker").resolve("worker.properties")), "the worker deleted its settings once read");
            String keyring = Files.readString(data.resolve("secrets.key")).strip();
            String commandLine = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
            assertFalse(commandLine.contains(keyring.substring(keyring.indexOf('=') + 1)), "the keyring is not on its command line");
            assertEquals(List.of(), controlPlaneClasses(commandLine), "the worker's class path holds no control-plane class");
            assertFalse(controlPlaneClasses("java\0-cp\0" + System.getProperty("java.class.path")).isEmpty(),
                    "the same check finds the control plane on the replica's own class path");

            Http.Response created = Http.call(app.url(), "POST", "/connectors", "{\"name\":\"survivor\",\"config\":{"
                    + "\"connector.class\":\"" + io.switchboard.testing.HalfFailingSource.class.getName() + "\",\"tasks.max\":\"1\"}}");
            assertEquals(201, created.status(), created.body());
            awaitRunning(app);

            worker.destroyForcibly();
            ProcessHandle killed = worker;
            ProcessHandle again = Await.atMost(Duration.ofSeconds(60)).poll(() -> WorkerProcesses.of(data).orElse(null),
                    next -> next != null && next.pid() != killed.pid() && next.isAlive());
            assertFalse(killed.isAlive());
            // Asked of the worker itself, whose REST address is the one before: not a status folded before the kill.
            String workerId = Http.get(app.url(), "/connectors/survivor/status").json().path("connector").path("worker_id").asText();
            Await.atMost(Duration.ofSeconds(90)).until("the restarted worker runs the connector again", () ->
                    again.isAlive() && Http.get("http://" + workerId, "/connectors/survivor/status").body().contains("\"RUNNING\""));
            worker = again;

            // A connector that makes the worker exit as it starts, again and again: quarantined at its second exit,
            // stopped before the worker's next start and by a decided stop, while the other connector runs on.
            Http.Response exiting = Http.call(app.url(), "POST", "/connectors", "{\"name\":\"exiter\",\"config\":{"
                    + "\"connector.class\":\"" + io.switchboard.testing.ExitingSource.class.getName() + "\",\"tasks.max\":\"1\"}}");
            assertEquals(201, exiting.status(), exiting.body());
            java.util.Set<Long> workers = new java.util.HashSet<>(List.of(worker.pid()));
            Await.atMost(Duration.ofSeconds(180)).until("the quarantine stopped the connector", () -> {
                WorkerProcesses.of(data).ifPresent(w -> workers.add(w.pid()));
                return Http.get(app.url(), "/connectors/exiter/history").body().contains(DataPlaneAssembly.QUARANTINE);
            });
            String history = Http.get(app.url(), "/connectors/exiter/history").body();
            assertTrue(history.contains("STOPPED"), history);
            ProcessHandle last = Await.atMost(Duration.ofSeconds(90)).poll(() -> {
                Optional<ProcessHandle> now = WorkerProcesses.of(data);
                now.ifPresent(w -> workers.add(w.pid()));
                return now.orElse(null);
            }, w -> w != null && w.isAlive() && stoppedOnTheWorker(app, "exiter"));
            workers.add(last.pid());
            Await.atMost(Duration.ofSeconds(90)).until("the other connector runs on the worker started after the quarantine", () ->
                    Http.get(app.url(), "/connectors/survivor/status").body().contains("\"RUNNING\""));
            for (int i = 0; i < 100; i++) {
                WorkerProcesses.of(data).ifPresent(w -> workers.add(w.pid()));
                Thread.sleep(200);
            }
            assertTrue(last.isAlive(), "the worker stays up");
            WorkerProcesses.of(data).ifPresent(w -> workers.add(w.pid()));
            // Two exits for the connector, then a worker that never started it again (three processes in all).
            assertEquals(3, workers.size(), "the worker exited twice for the connector, and not again: " + workers);
            worker = last;
        }
        assertTrue(worker.onExit().toCompletableFuture().isDone() || !worker.isAlive(), "the worker stopped with the replica");
        assertTrue(WorkerProcesses.of(data).isEmpty());
    }

    /**
     * The chart's way: the worker is another container's, sharing a directory with the replica's.
     * It waits there for the replica's settings, deletes them once read (a connector there finds
     * none), runs the connectors, and stops when the replica stops, cleanly and before the replica's
     * stop goes on to its broker; the replica starts no process of its own.
     */
    @Test
    void aWorkerInAnotherContainerTakesTheSettingsHandedToItAndStopsWhenTheyGo() throws Exception {
        Path data = dir.resolve("data");
        Path handoff = dir.resolve("handoff");
        java.util.List<String> command = new java.util.ArrayList<>(io.switchboard.dataplane.WorkerProcess.javaCommand(
                List.of("-Xmx512m"), EmbeddedWorkerMain.class.getName()));
        command.addAll(List.of("--await", handoff.toString()));
        ProcessBuilder container = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("worker-container.log").toFile());
        container.environment().clear();
        Process worker = container.start();
        try {
            try (SwitchboardApp app = SwitchboardApp.start(TestReplicas.defaults().port(0).schemaRegistryPort(0).kafkaPort(0)
                    .dataDir(data).workerHandoffDir(handoff).build())) {
                assertTrue(WorkerProcesses.of(data).isEmpty(), "the replica started no worker of its own");
                Http.Response created = Http.call(app.url(), "POST", "/connectors", "{\"name\":\"survivor\",\"config\":{"
                        + "\"connector.class\":\"" + io.switchboard.testing.HalfFailingSource.class.getName() + "\",\"tasks.max\":\"1\"}}");
                assertEquals(201, created.status(), created.body());
                awaitRunning(app);
                // A connector slow to stop: its worker's stop outlasts the replica's later stages unless it waits for it.
                Http.Response slow = Http.call(app.url(), "POST", "/connectors", "{\"name\":\"slow\",\"config\":{"
                        + "\"connector.class\":\"" + io.switchboard.testing.SlowStoppingSource.class.getName() + "\",\"tasks.max\":\"1\"}}");
                assertEquals(201, slow.status(), slow.body());
                Await.atMost(Duration.ofSeconds(90)).until("the slow connector runs", () ->
                        Http.get(app.url(), "/connectors/slow/status").body().contains("\"state\":\"RUNNING\""));
                assertTrue(worker.isAlive());
                assertFalse(Files.exists(handoff.resolve("worker.properties")), "the worker deleted its settings once read");
                String start = Files.readString(handoff.resolve("replica.start"));
                assertTrue(start.strip().matches("[0-9a-f-]{36}"), "the start's id, and no secret: " + start);
                assertEquals(start, Files.readString(handoff.resolve(EmbeddedWorkerMain.RUNNING_FILE)), "the worker acknowledged this start");
            }
            // The replica's stop waited for the worker's (its broker still up meanwhile): the worker reported it
            // stopped, and its JVM ends promptly and cleanly, not on its stop's bound (40 s, exit 1).
            assertFalse(Files.exists(handoff.resolve(EmbeddedWorkerMain.RUNNING_FILE)),
                    "the worker had stopped when the replica's stop returned: " + Files.readString(dir.resolve("worker-container.log")));
            assertTrue(worker.waitFor(15, java.util.concurrent.TimeUnit.SECONDS),
                    "the worker stops once the replica took its settings back: " + Files.readString(dir.resolve("worker-container.log")));
            assertEquals(0, worker.exitValue(), "a clean stop: " + Files.readString(dir.resolve("worker-container.log")));
        } finally {
            worker.destroyForcibly();
        }
    }

    /** Whether the worker itself (not a status folded before) shows the connector STOPPED; false while it does not answer. */
    private static boolean stoppedOnTheWorker(SwitchboardApp app, String connector) {
        try {
            Http.Response status = Http.get(app.connectClusters().get(SwitchboardApp.DEFAULT_CLUSTER), "/connectors/" + connector + "/status");
            return status.status() == 200 && status.json().path("connector").path("state").asText().equals("STOPPED");
        } catch (java.io.UncheckedIOException e) {
            return false;
        }
    }

    /** A class of each control-plane module, as a class file's name: none may be on the worker's class path. */
    private static final List<String> CONTROL_PLANE = java.util.stream.Stream.of(SwitchboardApp.class,
                    io.switchboard.processor.CommandTopology.class, io.switchboard.core.ConnectorCore.class,
                    io.switchboard.dataplane.WorkerProcess.class, io.switchboard.kafkaio.Topics.class, io.switchboard.rules.ControlPlane.class,
                    io.switchboard.secrets.Keyring.class, io.switchboard.schemas.wire.HttpSchemaRegistryClient.class,
                    io.switchboard.registry.EmbeddedSchemaRegistry.class, io.switchboard.pipelines.Pipelines.class,
                    io.switchboard.http.HttpServer.class)
            .map(type -> type.getName().replace('.', '/') + ".class").toList();

    /** The control plane's classes found on the class path a command line gives {@code -cp} (a missing entry holds none). */
    static List<String> controlPlaneClasses(String commandLine) throws Exception {
        List<String> args = Arrays.asList(commandLine.split("\0"));
        int at = args.indexOf("-cp");
        assertTrue(at >= 0 && at + 1 < args.size(), "a class path is given: " + args);
        List<String> found = new java.util.ArrayList<>();
        for (String entry : args.get(at + 1).split(java.io.File.pathSeparator)) {
            Path path = Path.of(entry);
            if (Files.isDirectory(path)) {
                CONTROL_PLANE.stream().filter(name -> Files.exists(path.resolve(name))).forEach(name -> found.add(entry + " holds " + name));
            } else if (Files.isRegularFile(path)) {
                try (java.util.jar.JarFile jar = new java.util.jar.JarFile(path.toFile())) {
                    CONTROL_PLANE.stream().filter(name -> jar.getEntry(name) != null).forEach(name -> found.add(entry + " holds " + name));
                }
            }
        }
        return found;
    }

    private static void awaitRunning(SwitchboardApp app) {
        Await.atMost(Duration.ofSeconds(90)).until("the connector runs", () ->
                Http.get(app.url(), "/connectors/survivor/status").body().contains("\"state\":\"RUNNING\""));
    }
}
