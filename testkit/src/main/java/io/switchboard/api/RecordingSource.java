package io.switchboard.api;

import io.switchboard.testing.HalfFailingSource;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A test connector that records every config its worker gives it to validate, so that a test can
 * tell what reached the worker. It declares {@code login.phrase} PASSWORD. A worker started in the
 * test's JVM loads it from the classpath (service loading), so the test reads what it recorded.
 */
public class RecordingSource extends SourceConnector {
    /** At most this many configs are kept, the oldest dropped first. */
    private static final int KEPT = 1000;
    private static final List<Map<String, String>> VALIDATED = new ArrayList<>();
    private static final ConfigDef CONFIG = new ConfigDef()
            .define("login.phrase", ConfigDef.Type.PASSWORD, null, ConfigDef.Importance.HIGH, "A credential")
            .define("topic", ConfigDef.Type.STRING, null, ConfigDef.Importance.HIGH, "Where records would go");

    /** Every config validated so far, oldest first. */
    static List<Map<String, String>> validated() {
        synchronized (VALIDATED) {
            return List.copyOf(VALIDATED);
        }
    }

    @Override
    public Config validate(Map<String, String> props) {
        synchronized (VALIDATED) {
            if (VALIDATED.size() >= KEPT) {
                VALIDATED.remove(0);
            }
            VALIDATED.add(new HashMap<>(props));
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
        return CONFIG;
    }

    @Override
    public String version() {
        return "1.0";
    }
}
