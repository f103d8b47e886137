package io.switchboard.dataplane;

import io.switchboard.kafka.KafkaIdentities;
import io.switchboard.testing.SecuredKafka;
import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testing.Await;
import org.apache.kafka.clients.admin.Admin;
import io.switchboard.kafkaio.TopicRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Status records read as Kafka Connect's own status store reads them. */
class WorkerStatusFeedTest {

    private static byte[] status(String state, int generation) {
        return ("{\"state\":\"" + state + "\",\"trace\":null,\"worker_id\":\"10.0.0.1:8083\",\"generation\":" + generation + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aConnectorAndItsTasksReadAsTheWorkersRestApiShowsThem() {
        WorkerStatusFeed feed = WorkerStatusFeed.detached();
        assertTrue(feed.read("status-connector-my-source", status("RUNNING", 3)));
        assertTrue(feed.read("status-task-my-source-1", status("FAILED", 3)));
        assertTrue(feed.read("status-task-my-source-0", status("RUNNING", 3)));

        JsonNode shown = feed.status("my-source").orElseThrow();
        assertEquals("my-source", shown.path("name").asText());
        assertEquals("RUNNING", shown.path("connector").path("state").asText());
        assertEquals("10.0.0.1:8083", shown.path("connector").path("worker_id").asText());
        assertFalse(shown.path("connector").has("generation"), shown.toString());
        assertEquals(2, shown.path("tasks").size());
        assertEquals(0, shown.path("tasks").get(0).path("id").asInt(), "tasks in id order");
        assertEquals("FAILED", shown.path("tasks").get(1).path("state").asText());
        assertFalse(shown.path("tasks").get(1).has("generation"));
    }

    /** The names the feed tells the watcher about: a task's record names its connector. */
    @Test
    void eachStatusRecordNamesItsConnector() {
        assertEquals("my-source", WorkerStatusFeed.connectorOf("status-connector-my-source"));
        assertEquals("my-source", WorkerStatusFeed.connectorOf("status-task-my-source-12"));
        assertEquals(null, WorkerStatusFeed.connectorOf("status-topic-lines:connector-c"));
        assertEquals(null, WorkerStatusFeed.connectorOf("status-connector-"));
        assertEquals(null, WorkerStatusFeed.connectorOf("status-task-0"));
        assertEquals(null, WorkerStatusFeed.connectorOf(null));
    }

    /** A batch names the connectors whose statuses it changed, once each, and only those. */
    @Test
    void aBatchNamesTheConnectorsItChanged() {
        WorkerStatusFeed feed = WorkerStatusFeed.detached();
        feed.read("status-connector-same", status("RUNNING", 1));
        List<TopicRecord<String, byte[]>> batch = List.of(
                record("status-connector-a", status("PAUSED", 1)),
                record("status-task-a-0", status("PAUSED", 1)),
                record("status-task-b-3", status("RUNNING", 1)),
                record("status-topic-lines:connector-c", "{\"topic\":{}}".getBytes(StandardCharsets.UTF_8)),
                record("status-task-gone-0", null));
        assertEquals(Set.of("a", "b"), feed.read(batch));
        assertEquals(Set.of(), feed.read(List.of()));
    }

    private static TopicRecord<String, byte[]> record(String key, byte[] value) {
        return new TopicRecord<>("connect-status", 0, 0, -1, new RecordHeaders(), key, value);
    }

    @Test
    void nullValuesRemoveStatusesAndAConnectorsRemovalRemovesItsTasks() {
        WorkerStatusFeed feed = WorkerStatusFeed.detached();
        feed.read("status-connector-c", status("RUNNING", 1));
        feed.read("status-task-c-0", status("RUNNING", 1));
        feed.read("status-task-c-1", status("RUNNING", 1));
        assertTrue(feed.read("status-task-c-1", null));
        assertEquals(1, feed.status("c").orElseThrow().path("tasks").size());
        assertTrue(feed.read("status-connector-c", null));
        assertTrue(feed.status("c").isEmpty());
        // Re-created under the same name: none of the old tasks comes back.
        feed.read("status-connector-c", status("RUNNING", 2));
        assertEquals(0, feed.status("c").orElseThrow().path("tasks").size());
    }

    @Test
    void aStaleUnassignedDoesNotHideARunningTask() {
        WorkerStatusFeed feed = WorkerStatusFeed.detached();
        feed.read("status-connector-c", status("RUNNING", 5));
        feed.read("status-task-c-0", status("RUNNING", 5));
        assertFalse(feed.read("status-task-c-0", status("UNASSIGNED", 4)));
        assertFalse(feed.read("status-task-c-0", status("UNASSIGNED", 5)));
        assertEquals("RUNNING", feed.status("c").orElseThrow().path("tasks").get(0).path("state").asText());
        assertTrue(feed.read("status-task-c-0", status("UNASSIGNED", 6)));
        assertEquals("UNASSIGNED", feed.status("c").orElseThrow().path("tasks").get(0).path("state").asText());
    }

    /**
     * A worker refuses to start when its status topic exists but is not compacted: the feed, which
     * may start before the workers have made the topic, must wait for it, never make it (as a
     * consumer would through a broker that creates topics on first use).
     */
    @Test
    void waitingForTheTopicNeverMakesIt() throws Exception {
        Path dir = Files.createTempDirectory("status-feed");
        try (SecuredKafka kafka = SecuredKafka.start(dir);
             WorkerTopics topics = new WorkerTopics("status-topic-check", kafka.bootstrapServers(), kafka.clients(KafkaIdentities.CONTROL_PLANE).common());
             Admin admin = Admin.create(kafka.client(KafkaIdentities.CONTROL_PLANE))) {
            WorkerStatusFeed feed = new WorkerStatusFeed(topics, "not-made-yet");
            topics.start();
            Await.holds("the feed waiting for the topic without making it", Duration.ofSeconds(3),
                    () -> !feed.caughtUp() && !admin.listTopics().names().get().contains("not-made-yet"));
        }
    }

    @Test
    void pastItsBoundTheFeedGivesUpAndTheRestApiIsReadInstead() {
        WorkerStatusFeed feed = WorkerStatusFeed.detached();
        feed.read("status-connector-c", status("RUNNING", 1));
        for (int id = 0; id < WorkerStatusFeed.MAX_TASKS; id++) {
            assertTrue(feed.read("status-task-c-" + id, status("RUNNING", 1)));
        }
        assertTrue(feed.caughtUp());
        assertFalse(feed.read("status-task-c-" + WorkerStatusFeed.MAX_TASKS, status("RUNNING", 1)));
        assertFalse(feed.caughtUp());
        assertTrue(feed.status("c").isEmpty());
    }

    @Test
    void recordsThatAreNotStatusesChangeNothing() {
        WorkerStatusFeed feed = WorkerStatusFeed.detached();
        assertFalse(feed.read("status-topic-lines:connector-c", "{\"topic\":{}}".getBytes(StandardCharsets.UTF_8)));
        assertFalse(feed.read("status-connector-", status("RUNNING", 1)));
        assertFalse(feed.read("status-task-c-x", status("RUNNING", 1)));
        assertFalse(feed.read("status-task-", status("RUNNING", 1)));
        assertFalse(feed.read("status-connector-c", "not json".getBytes(StandardCharsets.UTF_8)));
        assertFalse(feed.read(null, status("RUNNING", 1)));
        assertTrue(feed.statuses().orElseThrow().isEmpty());
    }
}
