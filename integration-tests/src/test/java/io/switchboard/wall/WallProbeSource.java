package io.switchboard.wall;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A test connector that does what a hostile plugin would: its task tries to read each file of
 * {@value #PATHS} (comma-separated) and reports, as the reason it fails, which it could read:
 * {@code opened [A, B] of [A, B, C]}. What the worker's process can reach is what this reads.
 */
public class WallProbeSource extends SourceConnector {
    public static final String PATHS = "wall.paths";
    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        this.props = props;
    }

    @Override
    public Class<? extends Task> taskClass() {
        return ProbeTask.class;
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
        return new ConfigDef().define(PATHS, ConfigDef.Type.STRING, "", ConfigDef.Importance.HIGH, "the files to try");
    }

    @Override
    public String version() {
        return "1.0";
    }

    public static class ProbeTask extends SourceTask {
        @Override
        public String version() {
            return "1.0";
        }

        @Override
        public void start(Map<String, String> props) {
            List<String> tried = List.of(props.getOrDefault(PATHS, "").split(","));
            List<String> opened = new ArrayList<>();
            for (String path : tried) {
                try {
                    Files.readAllBytes(Path.of(path));
                    opened.add(path);
                } catch (Exception | Error e) {
                    // not reachable from here
                }
            }
            throw new ConnectException("opened " + opened + " of " + tried);
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
