package io.switchboard.dataplane;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The offsets topic read as Kafka Connect's offset store reads it, answered as its REST API answers. */
class WorkerOffsetsFeedTest {

    @Test
    void eachConnectorsPartitionsInOneOrderAsTheRestApiGivesThem() {
        WorkerOffsetsFeed feed = WorkerOffsetsFeed.detached();
        assertEquals("c", feed.read(WorkerOffsetsFeed.key("c", "{\"filename\":\"b\"}"), WorkerOffsetsFeed.value("{\"position\":2}")));
        assertEquals("c", feed.read(WorkerOffsetsFeed.key("c", "{\"filename\":\"a\"}"), WorkerOffsetsFeed.value("{\"position\":1}")));
        assertEquals(Optional.of("{\"offsets\":[{\"partition\":{\"filename\":\"a\"},\"offset\":{\"position\":1}},"
                + "{\"partition\":{\"filename\":\"b\"},\"offset\":{\"position\":2}}]}"), feed.offsets("c"));
        assertNull(feed.read(WorkerOffsetsFeed.key("c", "{\"filename\":\"a\"}"), WorkerOffsetsFeed.value("{\"position\":1}")),
                "the same offset again is no change");
        assertEquals(Optional.empty(), feed.offsets("sink"), "a connector with no record (a sink) is the worker's to answer");
    }

    @Test
    void aNullValueRemovesAPartitionAndAResetLeavesNone() {
        WorkerOffsetsFeed feed = WorkerOffsetsFeed.detached();
        String key = WorkerOffsetsFeed.key("c", "{\"filename\":\"a\"}");
        feed.read(key, WorkerOffsetsFeed.value("{\"position\":1}"));
        assertEquals("c", feed.read(key, null));
        assertEquals(Optional.of("{\"offsets\":[]}"), feed.offsets("c"));
        assertNull(feed.read(WorkerOffsetsFeed.key("never", "{\"filename\":\"a\"}"), null), "a tombstone of nothing read");
        assertEquals(Optional.empty(), feed.offsets("never"));
    }

    @Test
    void recordsOfAnotherShapeAreNotRead() {
        WorkerOffsetsFeed feed = WorkerOffsetsFeed.detached();
        byte[] offset = "{\"position\":1}".getBytes(StandardCharsets.UTF_8);
        for (String key : new String[]{"not json", "{\"a\":1}", "[\"c\"]", "[1,{}]", "[\"c\",\"text\"]", "[\"c\",{},3]"}) {
            assertNull(feed.read(key, offset), key);
        }
        assertNull(feed.read(WorkerOffsetsFeed.key("c", "{}"), "not json".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Optional.empty(), feed.offsets("c"));
    }

    @Test
    void pastItsBoundTheFeedGivesUpAndTheWorkerIsAsked() {
        WorkerOffsetsFeed feed = WorkerOffsetsFeed.detached();
        feed.read(WorkerOffsetsFeed.key("small", "{\"p\":0}"), WorkerOffsetsFeed.value("{\"o\":0}"));
        String big = "\"" + "x".repeat(WorkerOffsetsFeed.MAX_CHARS) + "\"";
        assertNull(feed.read(WorkerOffsetsFeed.key("big", "{\"p\":0}"), WorkerOffsetsFeed.value("{\"o\":" + big + "}")));
        assertEquals(false, feed.caughtUp());
        assertEquals(Optional.empty(), feed.offsets("small"));
    }
}
