package io.switchboard.api;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A test connector whose task runs (producing nothing) until it is made to fail ({@link #failing}),
 * then fails at once: a failure made while a test watches. The embedded worker runs in a process of
 * its own, so the test says so through a file, {@value #FAIL_FILE} in the config: while it exists,
 * tasks fail. Its task's poll looks for it every 50 ms, a second at most, rather than sleeping.
 */
public class FailOnDemandSource extends SourceConnector {
    /** The config key naming the file whose presence makes the tasks fail. */
    public static final String FAIL_FILE = "fail.file";
    private Map<String, String> props;

    /** Makes the running tasks fail at once ({@code true}), or run on ({@code false}: tasks started from now run). */
    public static void failing(Path file, boolean now) {
        try {
            if (now) {
                Files.writeString(file, "fail");
            } else {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void start(Map<String, String> props) {
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return FailOnDemandTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return List.of(Map.of(FAIL_FILE, props.getOrDefault(FAIL_FILE, "")));
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

    public static class FailOnDemandTask extends SourceTask {
        private volatile boolean stopped;
        private Path file;

        @Override
        public String version() {
            return "1.0";
        }

        @Override
        public void start(Map<String, String> props) {
            file = Path.of(props.get(FAIL_FILE));
        }

        @Override
        public List<SourceRecord> poll() throws InterruptedException {
            for (int i = 0; i < 20 && !stopped; i++) {
                if (Files.exists(file)) {
                    throw new ConnectException("The source went away: made to fail by the test");
                }
                Thread.sleep(50);
            }
            return null;
        }

        @Override
        public void stop() {
            stopped = true;
        }
    }
}
