package io.switchboard.secrets;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A test connector with a PASSWORD setting, {@code echo.phrase}: each time its task starts it
 * writes the SHA-256 of the phrase it was given to {@code topic}, which proves the worker handed
 * it the real value without the value itself appearing anywhere. A phrase holding
 * {@value #FAIL} makes the task fail, quoting it.
 */
public class SecretEchoSource extends SourceConnector {
    /** A phrase holding this makes the task fail at start with the phrase in its message. */
    static final String FAIL = "fail:";
    static final ConfigDef CONFIG = new ConfigDef()
            .define("echo.phrase", ConfigDef.Type.PASSWORD, ConfigDef.Importance.HIGH, "The phrase whose digest is written")
            .define("topic", ConfigDef.Type.STRING, ConfigDef.Importance.HIGH, "Where the digest goes");
    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        this.props = props;
    }

    @Override
    public Class<? extends Task> taskClass() {
        return EchoTask.class;
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
        return CONFIG;
    }

    @Override
    public String version() {
        return "1.0";
    }

    public static String digest(String phrase) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(phrase.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static class EchoTask extends SourceTask {
        private String topic;
        private String digest;
        private final CountDownLatch stopped = new CountDownLatch(1);

        @Override
        public void start(Map<String, String> props) {
            topic = props.get("topic");
            String phrase = props.get("echo.phrase");
            if (phrase.contains(FAIL)) {
                // As a plugin that cannot sign in often does: the credential is in the message.
                throw new ConnectException("Cannot sign in with " + phrase);
            }
            // As a careless plugin does: the resolved credential in the worker's log.
            LoggerFactory.getLogger(SecretEchoSource.class).warn("Echo task signing in with {}", phrase);
            digest = digest(phrase);
        }

        @Override
        public List<SourceRecord> poll() throws InterruptedException {
            if (digest == null) {
                // Nothing more to send: waits to be stopped (a second at most, then polled again).
                stopped.await(1, TimeUnit.SECONDS);
                return List.of();
            }
            SourceRecord record = new SourceRecord(Map.of(), Map.of(), topic, Schema.STRING_SCHEMA, digest);
            digest = null;
            return List.of(record);
        }

        @Override
        public void stop() {
            stopped.countDown();
        }

        @Override
        public String version() {
            return "1.0";
        }
    }
}
