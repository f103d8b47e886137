package io.switchboard.testing;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A test connector the worker refuses while {@link #refusing} is set (its validation reports an
 * error), and takes once it is cleared: a refusal that goes away with nothing changed in
 * Switchboard, as when a database the connector checks comes back. The embedded worker runs in the
 * test's JVM and loads it from the classpath, so it sees the flag the test sets.
 */
public class RefusingSource extends SourceConnector {
    public static volatile boolean refusing = true;

    @Override
    public Config validate(Map<String, String> props) {
        Config config = super.validate(props);
        if (refusing) {
            ConfigValue gate = new ConfigValue("gate");
            gate.addErrorMessage("The source is unreachable: connection refused");
            List<ConfigValue> values = new ArrayList<>(config.configValues());
            values.add(gate);
            return new Config(values);
        }
        return config;
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
