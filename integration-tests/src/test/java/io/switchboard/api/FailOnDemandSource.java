package io.switchboard.api;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

import java.util.List;
import java.util.Map;

/**
 * A test connector whose task runs (producing nothing) until {@link #failing} is set, then fails at
 * its next poll: a failure made while a test watches. The embedded worker runs in the test's JVM
 * and loads it from the classpath, so it sees the flag the test sets.
 */
public class FailOnDemandSource extends SourceConnector {
    public static volatile boolean failing;

    @Override
    public void start(Map<String, String> props) {
    }

    @Override
    public Class<? extends Task> taskClass() {
        return FailOnDemandTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return List.of(Map.of());
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
        @Override
        public String version() {
            return "1.0";
        }

        @Override
        public void start(Map<String, String> props) {
        }

        @Override
        public List<SourceRecord> poll() throws InterruptedException {
            Thread.sleep(100);
            if (failing) {
                throw new ConnectException("The source went away: made to fail by the test");
            }
            return null;
        }

        @Override
        public void stop() {
        }
    }
}
