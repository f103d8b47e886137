package io.switchboard;

import io.switchboard.dataplane.WorkerProcess;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.runtime.Connect;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The embedded Kafka Connect worker's process ({@link WorkerProcess} starts it): reads its settings
 * file and deletes it, so that no connector finds it on disk, masks in its log what its config
 * providers resolve, and runs the worker as {@code connect-distributed.sh} does until its standard
 * input ends (the replica stopped or died) or it is signalled; either way Kafka Connect's own
 * shutdown hook stops the worker cleanly.
 */
public final class EmbeddedWorkerMain {
    /** How long the worker may take to stop once the replica is gone, before it is halted. */
    private static final long STOP_BOUND_MS = 40_000;

    private EmbeddedWorkerMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("Usage: EmbeddedWorkerMain SETTINGS-FILE");
            Exit.exit(2);
        }
        Path file = Path.of(args[0]);
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        }
        Files.delete(file);
        Map<String, String> settings = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> settings.put(name, properties.getProperty(name)));
        // Its plugins log in this process: what they quote of resolved secrets is masked.
        SecretLogRewrite.install();
        Thread parent = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is sent; the end of the stream is the message
                }
            } catch (IOException e) {
                // the pipe broke: the replica is gone
            }
            // A clean stop when the broker answers; bounded when it is gone with the replica.
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
            Exit.exit(0);
        }, "replica-watch");
        parent.setDaemon(true);
        parent.start();
        Connect<?> connect = new ConnectDistributed().startConnect(settings);
        connect.awaitStop();
    }
}
