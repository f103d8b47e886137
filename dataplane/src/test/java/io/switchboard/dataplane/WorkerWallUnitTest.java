package io.switchboard.dataplane;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the wall binds, and what it refuses to bind; the wall itself is WorkerWallTest's, on a real replica. */
class WorkerWallUnitTest {
    @TempDir
    Path dir;

    @Test
    void theDataDirectoryIsHiddenWhereABoundPathHoldsItAndNothingIsBoundFromInsideIt() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path users = Files.writeString(dir.resolve("users"), "");
        Path worker = data.resolve("worker");
        Path files = Files.createDirectories(dir.resolve("files"));
        List<String> wrapped = new WorkerWall(worker, List.of(), List.of(dir), List.of(data, users, Path.of("/nowhere/users")))
                .wrap(List.of("java"));
        List<String> binds = wrapped.subList(wrapped.indexOf(worker.toString()) + 1, wrapped.indexOf("--"));
        assertEquals(List.of("w", dir.toString(), "h", data.toString(), "h", users.toString(), "w", worker.toString()), binds,
                "hidden inside what is bound, then the worker's own directory bound again");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new WorkerWall(worker, List.of(Files.createDirectories(data.resolve("plugins"))), List.of(files), List.of(data)));
        assertTrue(refused.getMessage().contains(data.toString()), refused.getMessage());
    }

    @Test
    void theCommandRunsInNamespacesWithWhatItIsGivenBound() throws Exception {
        Path worker = dir.resolve("data").resolve("worker");
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path jar = Files.writeString(plugins.resolve("x.jar"), "");
        Path files = Files.createDirectories(dir.resolve("files"));
        List<String> wrapped = new WorkerWall(worker, List.of(plugins, jar, Path.of("/usr/lib")), List.of(files), List.of())
                .wrap(List.of("java", "-version"));
        assertEquals(List.of("unshare", "--user", "--map-root-user", "--mount", "--pid", "--ipc", "--uts", "--fork", "--kill-child"),
                wrapped.subList(0, 9));
        int end = wrapped.indexOf("--");
        List<String> binds = wrapped.subList(wrapped.indexOf(worker.toString()) + 1, end);
        assertEquals(List.of("r", plugins.toString(), "w", files.toString(), "w", worker.toString()), binds,
                "the jar comes with its directory, /usr with the system");
        assertEquals(List.of("java", "-version"), wrapped.subList(end + 1, wrapped.size()));
    }

    @Test
    void theWorkersClassPathIsItsJarBesideTheReplicasOrTheModulesWithoutTheControlPlane() throws Exception {
        Path target = Files.createDirectories(dir.resolve("app/target"));
        Path replica = Files.writeString(target.resolve("switchboard.jar"), "");
        assertThrows(IllegalStateException.class, () -> WorkerClassPath.of(replica.toString()), "no worker jar beside it");
        Path workerJar = Files.writeString(target.resolve(WorkerClassPath.WORKER_JAR), "");
        assertEquals(List.of(workerJar), WorkerClassPath.of(replica.toString()));

        String modules = String.join(":", dir.resolve("core/target/classes").toString(), dir.resolve("worker/target/classes").toString(),
                "/m2/org/apache/kafka/connect-runtime/4.3.1/connect-runtime-4.3.1.jar", "/m2/io/switchboard/switchboard-secrets-0.1.0.jar",
                "/m2/io/switchboard/switchboard-worker-0.1.0.jar", dir.resolve("integration-tests/target/test-classes").toString());
        List<String> kept = WorkerClassPath.of(modules).stream().map(Path::toString).toList();
        assertEquals(List.of(dir.resolve("worker/target/classes").toString(), "/m2/org/apache/kafka/connect-runtime/4.3.1/connect-runtime-4.3.1.jar",
                "/m2/io/switchboard/switchboard-worker-0.1.0.jar", dir.resolve("integration-tests/target/test-classes").toString()), kept);
        assertFalse(kept.stream().anyMatch(e -> e.contains("core") || e.contains("secrets")));
        assertEquals(List.of(Path.of("/home/u/.m2/repository"), Path.of("/opt/x.jar")), WorkerClassPath.toBind(List.of(
                Path.of("/home/u/.m2/repository/a/b/1/b-1.jar"), Path.of("/home/u/.m2/repository/c/d/2/d-2.jar"), Path.of("/opt/x.jar"))));
    }
}
