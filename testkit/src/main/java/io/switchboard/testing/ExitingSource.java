package io.switchboard.testing;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

import java.util.List;
import java.util.Map;

/**
 * A test connector that takes its worker down: as it starts (or its task, {@value #EXIT_IN}), it asks
 * the JVM to exit, as a plugin that meets an error it deems fatal may do. Every start of it ends the
 * worker's process.
 */
public class ExitingSource extends SourceConnector {
    /** Where it exits: "connector" (its start, the default) or "task" (its task's start). */
    public static final String EXIT_IN = "exit.in";
    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        this.props = props;
        if (!"task".equals(props.get(EXIT_IN))) {
            System.exit(3);
        }
    }

    @Override
    public Class<? extends Task> taskClass() {
        return ExitingTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return List.of(props);
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef().define(EXIT_IN, ConfigDef.Type.STRING, "connector", ConfigDef.Importance.LOW, "connector or task");
    }

    @Override
    public String version() {
        return "1.0";
    }

    public static class ExitingTask extends SourceTask {
        @Override
        public String version() {
            return "1.0";
        }

        @Override
        public void start(Map<String, String> props) {
            System.exit(3);
        }

        @Override
        public List<SourceRecord> poll() {
            return null;
        }

        @Override
        public void stop() {
        }
    }
}
