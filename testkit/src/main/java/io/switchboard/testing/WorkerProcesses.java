package io.switchboard.testing;

import io.switchboard.worker.EmbeddedWorkerMain;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** A replica's embedded worker as a user finds it: among this process's descendants, through {@code /proc}. */
public final class WorkerProcesses {
    private WorkerProcesses() {
    }

    /** The worker's JVM (behind the wall, a grandchild) running the worker's main in data directory {@code data}. */
    public static Optional<ProcessHandle> of(Path data) {
        String workerDir = data.resolve("worker").toAbsolutePath().toString();
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).filter(p -> {
            List<String> args = commandLine(p);
            return !args.isEmpty() && args.get(0).endsWith("/java") && args.contains(EmbeddedWorkerMain.class.getName())
                    && args.stream().anyMatch(a -> a.startsWith(workerDir));
        }).findFirst();
    }

    /** A process's command line, as {@code /proc/PID/cmdline} gives it; empty once it is gone. */
    public static List<String> commandLine(ProcessHandle process) {
        try {
            return Arrays.asList(new String(Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline")),
                    StandardCharsets.UTF_8).split("\0"));
        } catch (IOException e) {
            return List.of();
        }
    }
}
