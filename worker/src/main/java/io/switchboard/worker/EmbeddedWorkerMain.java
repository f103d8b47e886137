package io.switchboard.worker;

import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.runtime.Connect;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The embedded Kafka Connect worker's process. Two ways to run it:
 * <ul>
 *   <li>{@code EmbeddedWorkerMain FILE}: started by the replica ({@code io.switchboard.dataplane.WorkerProcess}); reads its
 *   settings file and deletes it, so that no connector finds it on disk, and runs until its standard
 *   input ends (the replica stopped or died) or it is signalled.</li>
 *   <li>{@code EmbeddedWorkerMain --await DIR}: a container of its own beside the replica's, sharing
 *   DIR; waits for the replica to hand it its settings there, reads and deletes them, and runs until
 *   the replica's start id ({@value #START_FILE}) changes or goes (a new replica start, a stopped
 *   replica) or it is signalled, so that its container starts again with the replica's settings of
 *   the moment. While it runs, {@value #RUNNING_FILE} holds the start id it took; the file goes once
 *   Kafka Connect's stop has returned (or as the container starts again, running nothing), so that a
 *   stopping replica keeps its broker up until then.</li>
 * </ul>
 * Either way it masks in its log what its config providers resolve, runs the worker as
 * {@code connect-distributed.sh} does, and stops through Kafka Connect's own shutdown hook, bounded
 * by {@value #STOP_BOUND_MS} ms.
 */
public final class EmbeddedWorkerMain {
    /** How long the worker may take to stop once told to, before it is halted. */
    private static final long STOP_BOUND_MS = 40_000;
    private static final long POLL_MS = 500;
    /** The settings file, in the worker's directory. */
    public static final String SETTINGS_FILE = "worker.properties";
    /** Handed over ({@code --await}): the replica's start id, no secret; the worker stops when it changes or goes. */
    public static final String START_FILE = "replica.start";
    /**
     * Handed over ({@code --await}): the start id this worker took, written before it deletes its
     * settings and deleted once Kafka Connect's stop has returned; the replica's stop waits for it to go.
     */
    public static final String RUNNING_FILE = "worker.running";

    private EmbeddedWorkerMain() {
    }

    /** The worker's log configuration, on its class path. */
    static final String LOG_CONFIGURATION = "switchboard-worker-log4j2.xml";

    public static void main(String[] args) throws IOException, InterruptedException {
        // Before anything logs: the worker's own configuration, whatever else its class path holds.
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", LOG_CONFIGURATION);
        }
        boolean awaiting = args.length == 2 && "--await".equals(args[0]);
        if (!awaiting && args.length != 1) {
            System.err.println("Usage: EmbeddedWorkerMain SETTINGS-FILE | EmbeddedWorkerMain --await DIRECTORY");
            Exit.exit(2);
            return;
        }
        Path file = awaiting ? Path.of(args[1]).resolve(SETTINGS_FILE) : Path.of(args[0]);
        Path start = awaiting ? Path.of(args[1]).resolve(START_FILE) : null;
        byte[] read;
        byte[] startId = null;
        Path running = awaiting ? Path.of(args[1]).resolve(RUNNING_FILE) : null;
        StopReport stopReport = StopReport.of(() -> { });
        if (awaiting) {
            // A worker waiting for its settings runs nothing: a previous run's file (a crash, a kill) is stale.
            Files.deleteIfExists(running);
            System.err.println("INFO  [main] EmbeddedWorkerMain - waiting for the replica's settings in " + file);
            while ((read = readIfThere(file)) == null || (startId = readIfThere(start)) == null) {
                Thread.sleep(POLL_MS);
            }
            // Acknowledged before the settings go: a replica that stops from here on waits for this worker's stop.
            writeWhole(running, startId);
            stopReport = StopReport.install(() -> {
                deleteQuietly(running);
                System.err.println("INFO  [stop-report] EmbeddedWorkerMain - Kafka Connect stopped: " + RUNNING_FILE + " removed");
            });
            // Read once, then gone: no connector of this process finds them on disk. The replica may have
            // taken them back meanwhile (it stops): then the start id goes too, and the worker stops at once.
            Files.deleteIfExists(file);
        } else {
            read = Files.readAllBytes(file);
            // Read once, then gone: no connector of this process finds them on disk.
            Files.delete(file);
        }
        Properties properties = new Properties();
        properties.load(new StringReader(new String(read, StandardCharsets.UTF_8)));
        Map<String, String> settings = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> settings.put(name, properties.getProperty(name)));
        // Its plugins log in this process: what they quote of resolved secrets is masked.
        SecretLogRewrite.install();
        ExitBlame.install(file.toAbsolutePath().getParent());
        StopAtStart.apply(settings);
        byte[] thisStart = startId;
        Thread watch = new Thread(() -> {
            if (awaiting) {
                awaitChange(start, thisStart);
            } else {
                awaitEndOfInput();
            }
            stop();
        }, "replica-watch");
        watch.setDaemon(true);
        watch.start();
        Connect<?> connect = new ConnectDistributed().startConnect(settings);
        stopReport.started(connect::awaitStop);
        connect.awaitStop();
        stopReport.stopped();
    }

    /** {@code bytes} at {@code target}, whole or not at all, owner-only. */
    private static void writeWhole(Path target, byte[] bytes) throws IOException {
        Path partial = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".partial");
        Files.write(partial, bytes);
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            System.err.println("WARN  [stop-report] EmbeddedWorkerMain - cannot delete " + file + ": " + e.getMessage());
        }
    }

    private static byte[] readIfThere(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            return null;
        }
    }

    /** Returns when the replica closes the worker's standard input, or the pipe breaks with it. */
    private static void awaitEndOfInput() {
        try {
            while (System.in.read() >= 0) {
                // nothing is sent; the end of the stream is the message
            }
        } catch (IOException e) {
            // the pipe broke: the replica is gone
        }
    }

    /** Returns when the replica's start id changes (it started again) or goes (it stopped). */
    private static void awaitChange(Path file, byte[] startId) {
        while (Arrays.equals(startId, readIfThere(file))) {
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
        System.err.println("INFO  [replica-watch] EmbeddedWorkerMain - the replica started again or stopped: stopping");
    }

    /** A clean stop when the broker answers; bounded when it is gone with the replica. */
    private static void stop() {
        Thread bound = new Thread(() -> {
            try {
                Thread.sleep(STOP_BOUND_MS);
            } catch (InterruptedException e) {
                return;
            }
            Runtime.getRuntime().halt(1);
        }, "stop-bound");
        bound.setDaemon(true);
        bound.start();
        ExitBlame.stopping();
        Exit.exit(0);
    }
}
