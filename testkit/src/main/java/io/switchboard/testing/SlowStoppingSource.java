package io.switchboard.testing;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A test connector that takes {@value #STOP_MS} ms to stop (a connector closing a connection of its
 * own), as the worker stops: whatever its worker does after it, Kafka must still be there for it.
 * Its one task produces nothing.
 */
public class SlowStoppingSource extends SourceConnector {
    /** How long its stop takes. */
    public static final long STOP_MS = 3_000;

    @Override
    public void start(Map<String, String> props) {
    }

    @Override
    public Class<? extends Task> taskClass() {
        return IdleTask.class;
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

    public static class IdleTask extends SourceTask {
        private final CountDownLatch stopped = new CountDownLatch(1);

        @Override
        public String version() {
            return "1.0";
        }

        @Override
        public void start(Map<String, String> props) {
        }

        @Override
        public List<SourceRecord> poll() throws InterruptedException {
            stopped.await(1, TimeUnit.SECONDS);
            return null;
        }

        @Override
        public void stop() {
            stopped.countDown();
        }
    }
}
