package io.switchboard.dataplane;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The config topic read as Kafka Connect's config store reads it: a task's config counts once its
 * set is committed whole, a deleted connector takes its tasks along, and what is not a task config
 * changes nothing. Records are given by hand, in the order and format a worker writes them.
 */
class WorkerConfigFeedTest {
    private final WorkerConfigFeed feed = WorkerConfigFeed.detached();

    private String write(String key, String json) {
        return feed.read(key, json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void tasksCountOnceTheirSetIsCommitted() {
        assertNull(write("connector-c1", "{\"properties\":{\"connector.class\":\"FileStreamSource\",\"tasks.max\":\"2\"}}"));
        assertNull(write("target-state-c1", "{\"state\":\"STARTED\",\"state.v2\":\"STARTED\"}"));
        assertNull(write("task-c1-0", "{\"properties\":{\"task.class\":\"T\",\"file\":\"a\",\"batch.size\":2000}}"));
        assertEquals(Optional.empty(), feed.taskConfigs("c1"), "written, not committed yet");
        assertNull(write("task-c1-1", "{\"properties\":{\"task.class\":\"T\",\"file\":\"b\"}}"));
        assertEquals("c1", write("commit-c1", "{\"tasks\":2}"));
        assertEquals(Optional.of(List.of(Map.of("task.class", "T", "file", "a", "batch.size", "2000"),
                Map.of("task.class", "T", "file", "b"))), feed.taskConfigs("c1"), "every value as text, as the REST API gives it");

        // Reconfigured to one task: the old set stands until the new one is committed.
        assertNull(write("task-c1-0", "{\"properties\":{\"task.class\":\"T\",\"file\":\"c\"}}"));
        assertEquals(2, feed.taskConfigs("c1").orElseThrow().size());
        assertEquals("c1", write("commit-c1", "{\"tasks\":1}"));
        assertEquals(Optional.of(List.of(Map.of("task.class", "T", "file", "c"))), feed.taskConfigs("c1"));
        assertEquals("c1", write("commit-c1", "{\"tasks\":0}"), "a stop commits no tasks: a change");
        assertEquals(Optional.of(List.of()), feed.taskConfigs("c1"));
    }

    @Test
    void aSetNotWrittenWholeSinceTheLastCommitIsNotAnswered() {
        write("task-c2-0", "{\"properties\":{\"file\":\"a\"}}");
        write("task-c2-1", "{\"properties\":{\"file\":\"b\"}}");
        write("commit-c2", "{\"tasks\":2}");
        write("task-c2-1", "{\"properties\":{\"file\":\"b2\"}}");
        assertEquals("c2", write("commit-c2", "{\"tasks\":2}"), "task 0 not written again: inconsistent, as the worker's store says");
        assertEquals(Optional.empty(), feed.taskConfigs("c2"), "left to the worker's REST API");
    }

    @Test
    void aDeletedConnectorTakesItsTasksAlong() {
        write("task-c3-0", "{\"properties\":{\"file\":\"a\"}}");
        write("commit-c3", "{\"tasks\":1}");
        assertNull(write("connector-c3", "{\"properties\":{}}"), "a config change is not a task change");
        assertEquals("c3", write("connector-c3", null));
        assertEquals(Optional.empty(), feed.taskConfigs("c3"));
        assertNull(write("connector-c3", null), "gone already");
    }

    @Test
    void whatIsNotATaskConfigChangesNothing() {
        assertNull(write("session-key", "{\"key\":\"x\",\"algorithm\":\"HmacSHA256\",\"creation-timestamp\":1}"));
        assertNull(write("task-c4-x", "{\"properties\":{}}"));
        assertNull(write("task-c4-0", "not json"));
        assertNull(write("commit-c4", "{\"tasks\":\"two\"}"));
        assertNull(write(null, "{}"));
        assertEquals(Optional.empty(), feed.taskConfigs("c4"));
    }
}
