package io.switchboard.kafkaio;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** What every reader's consumer is, and which readers let the broker hold an idle fetch longer. */
class ReaderConsumerSettingsTest {

    @Test
    void anUncommittedReaderWaitsLongerACommittedOneKeepsKafkasWait() {
        Map<String, Object> uncommitted = ReaderConsumerSettings.of(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"));
        assertEquals(ReaderConsumerSettings.IDLE_FETCH_WAIT_MS, uncommitted.get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG));
        assertEquals(ReaderConsumerSettings.IDLE_FETCH_WAIT_MS, ReaderConsumerSettings.of(Map.of()).get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG),
                "Kafka's default isolation reads uncommitted");
        Map<String, Object> committed = ReaderConsumerSettings.of(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        assertNull(committed.get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), "Kafka's 500 ms");
        assertEquals(100, ReaderConsumerSettings.of(Map.of(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100)).get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG),
                "a reader's own wait stands");
    }

    @Test
    void noReaderCommitsJoinsAGroupOrMakesATopic() {
        Map<String, Object> settings = ReaderConsumerSettings.of(Map.of(ConsumerConfig.GROUP_ID_CONFIG, "g",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, true));
        assertNull(settings.get(ConsumerConfig.GROUP_ID_CONFIG));
        assertEquals(false, settings.get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG));
        assertFalse((Boolean) settings.get(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG));
    }
}
