package io.switchboard.testing;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A test connector whose task 1 fails as it starts while the others run (and produce nothing): DEGRADED. */
public class HalfFailingSource extends SourceConnector {

    @Override
    public void start(Map<String, String> props) {
    }

    @Override
    public Class<? extends Task> taskClass() {
        return HalfFailingTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>();
        for (int i = 0; i < maxTasks; i++) {
            configs.add(Map.of("task.number", String.valueOf(i)));
        }
        return configs;
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

    public static class HalfFailingTask extends SourceTask {
        private final CountDownLatch stopped = new CountDownLatch(1);

        @Override
        public String version() {
            return "1.0";
        }

        @Override
        public void start(Map<String, String> props) {
            if ("1".equals(props.get("task.number"))) {
                throw new IllegalStateException("Task 1 cannot reach its source: connection refused");
            }
        }

        @Override
        public List<SourceRecord> poll() throws InterruptedException {
            // Nothing to send: waits to be stopped (a second at most, then polled again).
            stopped.await(1, TimeUnit.SECONDS);
            return null;
        }

        @Override
        public void stop() {
            stopped.countDown();
        }
    }
}
