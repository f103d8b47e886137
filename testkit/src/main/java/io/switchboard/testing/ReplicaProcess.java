package io.switchboard.testing;

import io.switchboard.secrets.Keyring;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

/**
 * A Switchboard replica in a JVM of its own, started from the test's own class path with
 * {@code io.switchboard.Switchboard} and real flags. Its output goes to a log file beside its data.
 * It can be stopped gently (SIGTERM) or killed (SIGKILL); every replica still alive when the test
 * JVM exits is killed, so none outlives a failed test.
 */
public final class ReplicaProcess implements AutoCloseable {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "replica-process-reaper"));
    }

    private final String name;
    private final Path dataDir;
    private final Path log;
    private final int port;
    private final List<String> flags;
    private final Map<String, String> environment;
    private Process process;

    private ReplicaProcess(String name, Path dataDir, int port, List<String> flags, Map<String, String> environment) {
        this.name = name;
        this.dataDir = dataDir;
        this.log = dataDir.resolveSibling(name + ".log");
        this.port = port;
        this.flags = flags;
        this.environment = environment;
    }

    /**
     * The starting JVM's compiler options, passed on. The build runs its test JVMs with C1 only,
     * as their lives are too short for C2's compiling to pay back, and the replicas a test starts
     * live shorter still (the process suite takes about a fifth less CPU so, bench/RESULTS.md); a
     * benchmark, started without them, gets replicas compiled as the product runs.
     */
    private static List<String> compilerOptions() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(option -> option.startsWith("-XX:TieredStopAtLevel=") || option.startsWith("-XX:ReservedCodeCacheSize="))
                .toList();
    }

    /**
     * Starts a replica listening on a free loopback port, with its data under {@code dataDir}.
     * {@code flags} are further command-line flags ({@code --bootstrap-servers ...}).
     */
    public static ReplicaProcess start(String name, Path dataDir, String... flags) {
        return start(name, dataDir, Map.of(), flags);
    }

    /** As {@link #start(String, Path, String...)}, with these variables added to the replica's environment ({@code OTEL_*}). */
    public static ReplicaProcess start(String name, Path dataDir, Map<String, String> environment, String... flags) {
        ReplicaProcess replica = new ReplicaProcess(name, dataDir, freePort(), List.of(flags), Map.copyOf(environment));
        replica.launch();
        return replica;
    }

    private void launch() {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Replicas share one keyring, as they must (it opens sealed values and signs their requests to each other).
        Path keyring = dataDir.toAbsolutePath().getParent().resolve("shared-secrets.key");
        synchronized (ReplicaProcess.class) {
            Keyring.loadOrCreate(keyring);
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Three replicas, the broker and the test share two cores: keep each replica small.
        command.addAll(List.of("-Xmx384m", "-XX:+UseSerialGC"));
        command.addAll(compilerOptions());
        command.addAll(List.of(
                "-XX:+ExitOnOutOfMemoryError", "-cp", classPath(), "io.switchboard.Switchboard",
                "--port", String.valueOf(port), "--bind-host", "127.0.0.1",
                "--data-dir", dataDir.toString(), "--secrets-key-file", keyring.toString()));
        command.addAll(flags);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // The replica reads SWITCHBOARD_* variables as flags; the test's own environment must not leak in.
        builder.environment().keySet().removeIf(k -> k.startsWith("SWITCHBOARD_"));
        builder.environment().putAll(environment);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start replica " + name, e);
        }
        LIVE.add(process);
    }

    /**
     * The test's class path. Surefire runs tests with the real class path in {@code java.class.path};
     * when it runs them from a manifest-only jar, the class path is that jar's Class-Path.
     */
    private static String classPath() {
        String cp = System.getProperty("java.class.path");
        String[] entries = cp.split(File.pathSeparator);
        if (entries.length == 1 && entries[0].endsWith(".jar")) {
            try (JarFile jar = new JarFile(entries[0])) {
                String manifestPath = jar.getManifest() == null ? null
                        : jar.getManifest().getMainAttributes().getValue("Class-Path");
                if (manifestPath != null) {
                    List<String> files = new ArrayList<>();
                    for (String url : manifestPath.trim().split("\\s+")) {
                        files.add(Path.of(URI.create(url)).toString());
                    }
                    return String.join(File.pathSeparator, files);
                }
            } catch (IOException | IllegalArgumentException e) {
                return cp;
            }
        }
        return cp;
    }

    /** Waits until {@code GET /health} answers 200; fails with the end of the replica's log otherwise. */
    public ReplicaProcess awaitHealthy(Duration timeout) {
        int health = Await.atMost(timeout).poll(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("Replica " + name + " exited with " + process.exitValue() + ":\n" + logTail(60));
            }
            try {
                return Http.send(url(), "GET", "/health", null, Map.of()).status();
            } catch (IOException notListeningYet) {
                return -1; // starting
            }
        }, status -> status == 200);
        if (health != 200) {
            throw new AssertionError("Replica " + name + " was not healthy within " + timeout + ":\n" + logTail(60));
        }
        return this;
    }

    public String name() {
        return name;
    }

    public String url() {
        String url = "http://127.0.0.1:" + port;
        ApiContract.watch(url);
        return url;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** kill -9: the replica gets no chance to leave its group or flush anything. */
    public void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
    }

    /** A clean stop (SIGTERM, which runs the replica's shutdown hook), killed if it takes too long. */
    public void stop() {
        process.destroy();
        if (!awaitExit(Duration.ofSeconds(40))) {
            kill();
        }
    }

    /**
     * Sends SIGTERM and waits up to {@code timeout} for the replica to exit; answers how long it
     * took, or null if it was still running then (it is then killed).
     */
    public Duration terminate(Duration timeout) {
        long started = System.nanoTime();
        process.destroy();
        if (awaitExit(timeout)) {
            return Duration.ofNanos(System.nanoTime() - started);
        }
        kill();
        return null;
    }

    /** Everything the replica wrote. */
    public String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean awaitExit(Duration timeout) {
        try {
            boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (exited) {
                LIVE.remove(process);
            }
            return exited;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The last lines the replica wrote. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            kill();
        }
        LIVE.remove(process);
    }

    @Override
    public String toString() {
        return name + "@" + url();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
