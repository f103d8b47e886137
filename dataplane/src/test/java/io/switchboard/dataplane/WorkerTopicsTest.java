package io.switchboard.dataplane;

import io.switchboard.kafkaio.TopicRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A cluster's topics read by one reader: each record goes to its topic's feed, and nowhere else. */
class WorkerTopicsTest {

    /** A feed that keeps the keys it is given, and answers each as a changed connector. */
    private static final class Kept extends WorkerTopicFeed {
        final List<String> keys = new ArrayList<>();
        final List<Set<String>> told = new ArrayList<>();

        Kept(WorkerTopics topics, String topic) {
            super("kept", topics, topic, "read_uncommitted");
            onChange(told::add);
        }

        @Override
        Set<String> read(Iterable<TopicRecord<String, byte[]>> records) {
            records.forEach(record -> keys.add(record.key()));
            return Set.of("changed");
        }
    }

    private static WorkerTopics topics() {
        // Never started: no broker is asked.
        return new WorkerTopics("c1", "localhost:1", Map.of());
    }

    private static TopicRecord<String, byte[]> record(String topic, String key) {
        return new TopicRecord<>(topic, 0, 0, -1, new RecordHeaders(), key, "{}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void eachRecordGoesToItsTopicsFeedInTheOrderRead() {
        WorkerTopics topics = topics();
        Kept status = new Kept(topics, "status");
        Kept config = new Kept(topics, "config");
        Kept offsets = new Kept(topics, "offsets");
        topics.read(List.of(record("status", "s1"), record("config", "c1"), record("status", "s2"),
                record("offsets", "o1"), record("other", "x"), record("config", "c2")));
        assertEquals(List.of("s1", "s2"), status.keys);
        assertEquals(List.of("c1", "c2"), config.keys);
        assertEquals(List.of("o1"), offsets.keys);
        topics.read(List.of(record("offsets", "o2")));
        assertEquals(List.of("s1", "s2"), status.keys, "a feed whose topic a batch has nothing of is not given it");
        assertEquals(List.of("o1", "o2"), offsets.keys);
    }

    @Test
    void untilTheReaderHasCaughtUpNoFeedAnswersAndNoListenerIsTold() {
        WorkerTopics topics = topics();
        Kept status = new Kept(topics, "status");
        WorkerStatusFeed statuses = new WorkerStatusFeed(topics, "status-2");
        topics.read(List.of(record("status", "s1"), record("status-2", "status-connector-c")));
        assertEquals(List.of(), status.told);
        assertFalse(status.caughtUp());
        assertFalse(statuses.caughtUp());
        assertEquals(java.util.Optional.empty(), statuses.statuses());
    }

    @Test
    void oneFeedATopicAndNoneAddedOnceStarted() {
        WorkerTopics topics = topics();
        new Kept(topics, "status");
        assertThrows(IllegalArgumentException.class, () -> new Kept(topics, "status"));
        topics.close();
        assertThrows(IllegalStateException.class, () -> new Kept(topics, "config"));
    }

    @Test
    void withNoFeedNothingIsRead() {
        try (WorkerTopics topics = topics()) {
            topics.start();
            assertFalse(topics.caughtUp());
        }
    }
}
