package io.switchboard.metrics;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which lagging partitions a pass reads for the lag in seconds, and what a record's timestamp makes of its age. */
class SinkLagAgesTest {
    private static SinkLagAges.Lagging lagging(String topic, int partition, long committed, long behind) {
        return new SinkLagAges.Lagging(new TopicPartition(topic, partition), committed, behind);
    }

    @Test
    void eachSinksMostLaggingPartitionFirstAndTheFirstSinkMovesOnEachPass() {
        Map<String, List<SinkLagAges.Lagging>> bySink = Map.of(
                "a", List.of(lagging("ta", 0, 5, 1), lagging("ta", 1, 7, 100)),
                "b", List.of(lagging("tb", 0, 3, 10)),
                "c", List.of(lagging("tc", 0, 9, 2), lagging("tc", 1, 1, 3), lagging("tc", 2, 4, 1)));
        assertEquals(List.of(new TopicPartition("ta", 1), new TopicPartition("tb", 0), new TopicPartition("tc", 1)),
                List.copyOf(SinkLagAges.choose(bySink, 3, 0).keySet()));
        assertEquals(List.of(new TopicPartition("tb", 0), new TopicPartition("tc", 1), new TopicPartition("ta", 1)),
                List.copyOf(SinkLagAges.choose(bySink, 3, 1).keySet()));
        assertEquals(Map.of(new TopicPartition("ta", 1), 7L, new TopicPartition("tb", 0), 3L, new TopicPartition("tc", 1), 1L,
                new TopicPartition("ta", 0), 5L, new TopicPartition("tc", 0), 9L, new TopicPartition("tc", 2), 4L),
                SinkLagAges.choose(bySink, 100, 0), "every partition when the bound allows");
        assertEquals(Map.of(), SinkLagAges.choose(bySink, 0, 0));
        assertEquals(Map.of(), SinkLagAges.choose(Map.of(), 10, 7));
    }

    @Test
    void aPartitionTwoSinksLagOnIsReadAtTheFirstOnesOffset() {
        Map<String, List<SinkLagAges.Lagging>> bySink = Map.of("a", List.of(lagging("shared", 0, 5, 10)),
                "b", List.of(lagging("shared", 0, 8, 7)));
        assertEquals(Map.of(new TopicPartition("shared", 0), 5L), SinkLagAges.choose(bySink, 10, 0));
        assertEquals(Map.of(new TopicPartition("shared", 0), 8L), SinkLagAges.choose(bySink, 10, 1));
    }

    @Test
    void aRecordWithoutATimestampHasNoAgeAndOneFromTheFutureIsNew() {
        assertEquals(-1, SinkLagAges.age(-1, 1_000_000));
        assertEquals(400_000, SinkLagAges.age(600_000, 1_000_000));
        assertEquals(0, SinkLagAges.age(2_000_000, 1_000_000));
    }
}
