package io.switchboard.testing;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.file.FileStreamSourceTask;
import org.apache.kafka.connect.source.SourceConnector;

import java.util.List;
import java.util.Map;

/**
 * A test connector that fails as it starts, so that the worker reports it FAILED; given
 * {@value #QUOTED}, its message quotes that value, as a plugin quotes the config it could not use.
 */
public class FailingSource extends SourceConnector {
    /** A config key whose value the failure's message quotes. */
    public static final String QUOTED = "failing.quoted";

    @Override
    public void start(Map<String, String> props) {
        String quoted = props.get(QUOTED);
        throw new IllegalStateException("FailingSource fails as it starts" + (quoted == null ? "" : " with " + quoted));
    }

    @Override
    public Class<? extends Task> taskClass() {
        return FileStreamSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return List.of();
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
