package io.switchboard.dataplane;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The embedded Kafka Connect worker as a process of its own, which the replica starts, watches,
 * starts again when it dies and stops with itself. A connector is code an editor chooses: in its
 * own process it shares neither the replica's memory (the keyring, the control plane's Kafka
 * credentials, the users) nor its environment ({@code SWITCHBOARD_SECRETS_KEY}); it runs in a
 * working directory of its own, given only its own settings, and opens sealed values through the
 * replica's loopback channel ({@code io.switchboard.secrets.WorkerSecretsChannel}).
 *
 * <p>The worker's settings go to {@code worker.properties} in its directory, owner-only, which the
 * worker reads and deletes as it starts; they are written again for each start. The worker reads
 * its standard input to its end and then stops, so that it stops with the replica however the
 * replica ends (a killed replica's pipe closes). Its output is logged here, line by line, under
 * this class's logger: each line at most {@value #MAX_LINE} characters, the worker's own log
 * levels kept.
 *
 * <p>Concurrency: one supervising thread waits for the process; when it exits while the replica
 * runs, it is started again after a pause that doubles from one second up to a minute, and goes
 * back to a second once a start has lasted {@link #STEADY}. The REST address stays the same across
 * starts, so the data plane just finds the worker answering again. A connector that made it exit
 * again and again is quarantined ({@link WorkerQuarantine}).
 */
public final class WorkerProcess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerProcess.class);
    /** The longest line of the worker's output logged; the rest of a longer line is left out. */
    static final int MAX_LINE = 8192;
    private static final int KEPT_LINES = 40;
    private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    private static final Duration LONGEST_PAUSE = Duration.ofMinutes(1);
    static final Duration STEADY = Duration.ofMinutes(5);
    /** The log pattern the worker's process writes, so that its lines read without a second timestamp. */
    public static final String LOG_PATTERN = "%-5level [%t] %c{1} - %msg%n";
    /** The settings file, in the worker's directory. */
    public static final String SETTINGS_FILE = io.switchboard.worker.EmbeddedWorkerMain.SETTINGS_FILE;
    /** Handed over: this replica start's id, which the worker's container stops on when it changes or goes. */
    public static final String START_FILE = io.switchboard.worker.EmbeddedWorkerMain.START_FILE;
    /** Handed over: how long the worker may not answer before its settings are handed over again. */
    static final Duration HANDOFF_AGAIN_AFTER = Duration.ofSeconds(20);

    /**
     * What to run: {@code command} is the java command line up to and including the main class,
     * which is given the settings file's path as its one argument. Without a command the worker is
     * another container's, which shares {@code directory} and runs the main class with
     * {@code --await DIRECTORY}: the settings are handed to it there and the file is kept (its
     * container may start again); the container stops when the file changes or goes, and its
     * restarts are its orchestrator's.
     */
    public record Launch(List<String> command, Path directory, Map<String, String> properties) {
        public Launch {
            command = List.copyOf(command);
            properties = Map.copyOf(properties);
        }
    }

    private final Launch launch;
    private final WorkerDirectory directory;
    private final String url;
    private final Deque<String> lastLines = new ArrayDeque<>();
    private final Object lock = new Object();
    private Process process;
    private OutputStream stdin;
    private volatile boolean closing;
    private Thread supervisor;
    private final String startId = java.util.UUID.randomUUID().toString();
    private final WorkerQuarantine quarantine = new WorkerQuarantine();

    private WorkerProcess(Launch launch) {
        this.launch = launch;
        this.directory = new WorkerDirectory(launch.directory());
        this.url = "http://127.0.0.1:" + port(launch.properties());
    }

    /**
     * Starts the worker and waits until it serves requests, at most {@code ready}; throws, with its
     * last lines, when it exits or does not answer by then (and then it is stopped).
     */
    public static WorkerProcess start(Launch launch, Duration ready) {
        WorkerProcess worker = new WorkerProcess(launch);
        try {
            worker.launch();
            worker.awaitReady(ready);
        } catch (RuntimeException e) {
            worker.close();
            throw e;
        }
        worker.supervisor = new Thread(worker.handedOff() ? worker::superviseHandoff : worker::supervise, "embedded-worker-supervisor");
        worker.supervisor.setDaemon(true);
        worker.supervisor.start();
        return worker;
    }

    /**
     * The java command that runs {@code mainClass} on the worker's class path ({@link WorkerClassPath}),
     * with {@code jvmOptions}, logging with the worker's own configuration.
     */
    public static List<String> javaCommand(List<String> jvmOptions, String mainClass) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-Dswitchboard.log.pattern=" + LOG_PATTERN);
        command.add("-cp");
        command.add(String.join(java.io.File.pathSeparator, WorkerClassPath.current().stream().map(Path::toString).toList()));
        command.add(mainClass);
        return command;
    }

    public String url() {
        return url;
    }

    /** The connectors quarantined for making the worker exit ({@link WorkerQuarantine}). */
    public WorkerQuarantine quarantine() {
        return quarantine;
    }

    /** The topic its connectors' and tasks' configs are written to ({@code config.storage.topic}). */
    public String configTopic() {
        return launch.properties().get("config.storage.topic");
    }

    /** The topic its source connectors' offsets are committed to ({@code offset.storage.topic}). */
    public String offsetsTopic() {
        return launch.properties().get("offset.storage.topic");
    }

    /** The topic its statuses are written to ({@code status.storage.topic}). */
    public String statusTopic() {
        return launch.properties().get("status.storage.topic");
    }

    private boolean handedOff() {
        return launch.command().isEmpty();
    }

    /**
     * Writes the settings file, owner-only, whole or not at all: a worker waiting for it never reads
     * half. Written under a random name that must not exist and is never followed if it is a link (the
     * directory may be shared with the worker's container), then moved into place. Handed over, the
     * {@value #START_FILE} file (no secret in it: this start's random id) is written first.
     */
    private Path writeSettings() throws IOException {
        directory.prepare();
        if (handedOff()) {
            directory.writeWhole(START_FILE, startId + "\n");
        }
        Properties properties = new Properties();
        properties.putAll(new TreeMap<>(launch.properties()));
        quarantine.nextStart().ifPresent(names -> properties.put(WorkerQuarantine.SETTING, names));
        java.io.StringWriter text = new java.io.StringWriter();
        properties.store(text, null);
        return directory.writeWhole(SETTINGS_FILE, text.toString());
    }

    /**
     * Handed over: the worker's container deletes the settings once read, so that no file read from a
     * connector there finds them; when it starts again (its own restart) it waits for them, so they
     * are written again once the worker has not answered for {@link #HANDOFF_AGAIN_AFTER}.
     */
    private void superviseHandoff() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long silentSince = System.nanoTime();
        while (!closing) {
            if (!pause(Duration.ofSeconds(2))) {
                return;
            }
            if (EmbeddedConnectWorker.servesRequests(client, url, launch.properties().get(io.switchboard.worker.RestToken.TOKEN_CONFIG))) {
                silentSince = System.nanoTime();
            } else if (System.nanoTime() - silentSince > HANDOFF_AGAIN_AFTER.toNanos()
                    && !Files.exists(launch.directory().resolve(SETTINGS_FILE)) && !closing) {
                quarantine.afterExit(launch.directory(), java.time.Instant.now());
                try {
                    writeSettings();
                    log.warn("The embedded worker's container has not answered for {} s: its settings are handed over again",
                            HANDOFF_AGAIN_AFTER.toSeconds());
                } catch (IOException e) {
                    log.warn("Cannot hand the embedded worker its settings again: {}", e.getMessage());
                }
                silentSince = System.nanoTime();
            }
        }
    }

    private void launch() {
        try {
            Path settings = writeSettings();
            if (handedOff()) {
                return;
            }
            List<String> command = new ArrayList<>(launch.command());
            command.add(settings.toString());
            ProcessBuilder builder = new ProcessBuilder(command).directory(launch.directory().toFile()).redirectErrorStream(true);
            // Nothing of the replica's environment (its keyring may be there): a path to find programs by, and no more.
            String path = System.getenv("PATH");
            builder.environment().clear();
            if (path != null) {
                builder.environment().put("PATH", path);
            }
            synchronized (lock) {
                Process started = builder.start();
                process = started;
                stdin = started.getOutputStream();
                Thread reader = new Thread(() -> relay(started), "embedded-worker-log");
                reader.setDaemon(true);
                reader.start();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the embedded Connect worker's process: " + e.getMessage(), e);
        }
    }

    /** The worker's output, line by line into this log at the worker's own levels. */
    private void relay(Process from) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(from.getInputStream(), StandardCharsets.UTF_8))) {
            String level = "INFO";
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = lines.read()) >= 0) {
                if (c != '\n') {
                    if (line.length() < MAX_LINE) {
                        line.append((char) c);
                    }
                    continue;
                }
                String text = line.toString();
                line.setLength(0);
                level = levelOf(text, level);
                synchronized (lastLines) {
                    if (lastLines.size() == KEPT_LINES) {
                        lastLines.removeFirst();
                    }
                    lastLines.addLast(text);
                }
                switch (level) {
                    case "ERROR", "FATAL" -> log.error("worker: {}", text);
                    case "WARN" -> log.warn("worker: {}", text);
                    default -> log.info("worker: {}", text);
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** A line's level when it starts with one; a stack trace's lines keep the level of the line above. */
    static String levelOf(String line, String previous) {
        int space = line.indexOf(' ');
        String first = space < 0 ? line : line.substring(0, space);
        return switch (first) {
            case "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL" -> first;
            default -> previous;
        };
    }

    private String lastLines() {
        synchronized (lastLines) {
            return String.join("\n", lastLines);
        }
    }

    private void awaitReady(Duration timeout) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        Process started;
        synchronized (lock) {
            started = process;
        }
        while (System.nanoTime() < deadline) {
            if (started != null && !started.isAlive()) {
                throw new IllegalStateException("The embedded Connect worker exited with " + started.exitValue()
                        + " before it served requests; its last lines:\n" + lastLines());
            }
            if (EmbeddedConnectWorker.servesRequests(client, url, launch.properties().get(io.switchboard.worker.RestToken.TOKEN_CONFIG))) {
                return;
            }
            pause(Duration.ofMillis(200));
        }
        if (handedOff()) {
            throw new IllegalStateException("No embedded Connect worker took its settings in " + launch.directory() + " and served requests at "
                    + url + " within " + timeout + ": is the worker's container running with --await " + launch.directory() + "?");
        }
        throw new IllegalStateException("The embedded Connect worker at " + url + " did not serve requests within " + timeout
                + "; its last lines:\n" + lastLines());
    }

    private void supervise() {
        Duration pause = FIRST_PAUSE;
        while (!closing) {
            Process watched;
            synchronized (lock) {
                watched = process;
            }
            long started = System.nanoTime();
            int code;
            try {
                code = watched.waitFor();
            } catch (InterruptedException e) {
                return;
            }
            if (closing) {
                return;
            }
            if (Duration.ofNanos(System.nanoTime() - started).compareTo(STEADY) >= 0) {
                pause = FIRST_PAUSE;
            }
            log.warn("The embedded Connect worker exited with {}; starting it again in {} ms", code, pause.toMillis());
            quarantine.afterExit(launch.directory(), java.time.Instant.now());
            if (!pause(pause)) {
                return;
            }
            pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
            try {
                synchronized (lock) {
                    if (closing) {
                        return;
                    }
                    launch();
                }
            } catch (RuntimeException e) {
                log.error("The embedded Connect worker could not be started again: {}", e.getMessage());
                pause(pause);
            }
        }
    }

    private static boolean pause(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Stops the worker: its standard input is closed, on which it stops as Kafka Connect does on
     * a signal (connectors and tasks stopped, offsets and statuses flushed), within 30 s; past that
     * it is terminated, then killed. Handed over, the settings and the start id are taken back, on
     * which the other container's worker stops; when it had taken this start's settings, this waits
     * for it to report its stop, at most {@link WorkerDirectory#HANDOFF_STOP_BOUND}, so that what the replica stops
     * next (its embedded broker among them) is still there while the worker flushes and leaves.
     */
    @Override
    public void close() {
        Process stopping;
        synchronized (lock) {
            closing = true;
            stopping = process;
            if (stdin != null) {
                try {
                    stdin.close();
                } catch (IOException e) {
                    // already gone
                }
            }
        }
        if (supervisor != null) {
            supervisor.interrupt();
        }
        if (stopping == null) {
            // Another container's worker stops when this start's id goes; its Kafka Connect still flushes
            // to Kafka (the embedded broker, maybe) as it stops: wait for that.
            directory.takeBack(SETTINGS_FILE, START_FILE);
            directory.awaitStop(startId, WorkerDirectory.HANDOFF_STOP_BOUND);
            return;
        }
        try {
            if (!stopping.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                log.warn("The embedded Connect worker did not stop within 30 s; terminating it");
                stopping.destroy();
                if (!stopping.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    stopping.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            stopping.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int port(Map<String, String> properties) {
        String listeners = properties.getOrDefault("listeners", "");
        int colon = listeners.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("The worker's listeners name no port: " + listeners);
        }
        return Integer.parseInt(listeners.substring(colon + 1).trim());
    }
}
