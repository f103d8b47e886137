package io.switchboard.secrets;

import io.switchboard.testing.HalfFailingSource;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A test connector whose validation, while {@link #hold} holds, waits until {@link #release}
 * (20 s at most): a worker that takes its time to validate, during which a test does something else.
 * The embedded worker runs in a process of its own, so the test and the plugin speak through files
 * in the directory the config names ({@value #DIR}): {@code hold}, which the test makes;
 * {@code entered}, which a validation makes as it begins to wait; {@code released}, which the test makes.
 */
public class HoldingSource extends SourceConnector {
    /** The config key naming the directory of the signal files. */
    public static final String DIR = "hold.dir";

    /** The next validations wait for {@link #release}. */
    static void hold(Path dir) {
        touch(dir.resolve("hold"));
    }

    /** Whether a validation began waiting within the time given. */
    static boolean awaitHeld(Path dir, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Files.exists(dir.resolve("entered"))) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    static void release(Path dir) {
        touch(dir.resolve("released"));
    }

    private static void touch(Path file) {
        try {
            Files.writeString(file, "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Config validate(Map<String, String> props) {
        String named = props.get(DIR);
        Path dir = named == null ? null : Path.of(named);
        if (dir != null && Files.exists(dir.resolve("hold"))) {
            touch(dir.resolve("entered"));
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!Files.exists(dir.resolve("released")) && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return super.validate(props);
    }

    @Override
    public void start(Map<String, String> props) {
    }

    @Override
    public Class<? extends Task> taskClass() {
        return HalfFailingSource.HalfFailingTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return List.of(Map.of("task.number", "0"));
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef();
    }

    @Override
    public String version() {
        return "1.0";
    }
}
