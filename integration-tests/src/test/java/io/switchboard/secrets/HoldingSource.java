package io.switchboard.secrets;

import io.switchboard.testing.HalfFailingSource;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A test connector whose validation, once {@link #hold} is called, waits until {@link #release}
 * (20 s at most): a worker that takes its time to validate, during which a test does something else.
 * The embedded worker runs in the test's JVM and loads it from the classpath, so it sees the latches
 * the test sets.
 */
public class HoldingSource extends SourceConnector {
    private static volatile CountDownLatch entered = new CountDownLatch(0);
    private static volatile CountDownLatch released = new CountDownLatch(0);

    /** The next validations wait for {@link #release}. */
    static void hold() {
        entered = new CountDownLatch(1);
        released = new CountDownLatch(1);
    }

    /** Whether a validation began waiting within the time given. */
    static boolean awaitHeld(long seconds) throws InterruptedException {
        return entered.await(seconds, TimeUnit.SECONDS);
    }

    static void release() {
        released.countDown();
    }

    @Override
    public Config validate(Map<String, String> props) {
        entered.countDown();
        try {
            released.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
        return new ConfigDef();
    }

    @Override
    public String version() {
        return "1.0";
    }
}
