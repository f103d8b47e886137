package io.switchboard.testing;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;

import java.util.List;
import java.util.Map;

/**
 * A test connector that takes {@value #STOP_MS} ms to stop (a connector closing a connection of its
 * own), as the worker stops: whatever its worker does after it, Kafka must still be there for it.
 * Its one task produces nothing ({@link HalfFailingSource.HalfFailingTask}, which fails only as task 1).
 */
public class SlowStoppingSource extends SourceConnector {
    /** How long its stop takes. */
    public static final long STOP_MS = 3_000;

    @Override
    public void start(Map<String, String> props) {
    }

    @Override
    public Class<? extends Task> taskClass() {
        return HalfFailingSource.HalfFailingTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return List.of(Map.of());
    }

    @Override
    public void stop() {
        try {
            Thread.sleep(STOP_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
