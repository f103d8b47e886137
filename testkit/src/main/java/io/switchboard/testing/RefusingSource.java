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
 * A test connector the worker refuses while the file its config names in {@value #GATE_FILE} exists
 * (its validation reports an error), and takes once the file is gone: a refusal that goes away with
 * nothing changed in Switchboard, as when a database the connector checks comes back. The embedded
 * worker runs in a process of its own, so the test speaks to it through that file ({@link #refusing}).
 */
public class RefusingSource extends SourceConnector {
    /** The config key naming the file whose presence makes the worker refuse the connector. */
    public static final String GATE_FILE = "gate.file";

    /** Makes the connectors whose {@value #GATE_FILE} is {@code gate} refused ({@code true}) or taken. */
    public static void refusing(java.nio.file.Path gate, boolean refused) {
        try {
            if (refused) {
                java.nio.file.Files.writeString(gate, "closed");
            } else {
                java.nio.file.Files.deleteIfExists(gate);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public Config validate(Map<String, String> props) {
        Config config = super.validate(props);
        String gate = props.get(GATE_FILE);
        if (gate != null && java.nio.file.Files.exists(java.nio.file.Path.of(gate))) {
            ConfigValue closed = new ConfigValue("gate");
            closed.addErrorMessage("The source is unreachable: connection refused");
            List<ConfigValue> values = new ArrayList<>(config.configValues());
            values.add(closed);
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
