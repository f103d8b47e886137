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
 * A test connector whose task runs (producing nothing) until it is made to fail ({@link #failing(boolean)}),
 * then fails at once: a failure made while a test watches. The embedded worker runs in the test's JVM
 * and loads it from the classpath, so it sees what the test sets. Its task's poll waits for that (or for
 * the task to be stopped), a second at most, rather than sleeping.
 */
public class FailOnDemandSource extends SourceConnector {
    /** Guards {@link #failing}; told whenever it changes or a task stops. */
    private static final Object CHANGED = new Object();
    private static boolean failing;

    /** Makes the running tasks fail at once ({@code true}), or run on ({@code false}: tasks started from now run). */
    public static void failing(boolean now) {
        synchronized (CHANGED) {
            failing = now;
            CHANGED.notifyAll();
        }
    }

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
        private boolean stopped;

        @Override
        public String version() {
            return "1.0";
        }

        @Override
        public void start(Map<String, String> props) {
        }

        @Override
        public List<SourceRecord> poll() throws InterruptedException {
            synchronized (CHANGED) {
                if (!failing && !stopped) {
                    CHANGED.wait(1_000);
                }
                if (failing) {
                    throw new ConnectException("The source went away: made to fail by the test");
                }
            }
            return null;
        }

        @Override
        public void stop() {
            synchronized (CHANGED) {
                stopped = true;
                CHANGED.notifyAll();
            }
        }
    }
}
