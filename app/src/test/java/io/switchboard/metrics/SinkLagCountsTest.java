package io.switchboard.metrics;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A sink's lag in records, from what Kafka says, computed without Kafka. */
class SinkLagCountsTest {
    private static final TopicPartition P0 = new TopicPartition("orders", 0);
    private static final TopicPartition P1 = new TopicPartition("orders", 1);

    @Test
    void aSinkWithNoCommitsLagsByEveryRecordItsTopicsHold() {
        SinkLagCounts.Lag lag = SinkLagCounts.of(List.of(P0, P1), false, Map.of(), Map.of(P0, 0L, P1, 5L), Map.of(P0, 40L, P1, 15L));
        assertEquals(50, lag.records());
        assertEquals(List.of(new SinkLagAges.Lagging(P0, 0, 40), new SinkLagAges.Lagging(P1, 5, 10)), lag.lagging());
    }

    @Test
    void aPartitionNotCommittedOnCountsFromItsStart() {
        SinkLagCounts.Lag lag = SinkLagCounts.of(List.of(P0, P1), false, Map.of(P0, 40L), Map.of(P0, 0L, P1, 0L), Map.of(P0, 40L, P1, 50L));
        assertEquals(50, lag.records());
        assertEquals(List.of(new SinkLagAges.Lagging(P1, 0, 50)), lag.lagging());
    }

    @Test
    void aSinkThatStartsAtTheEndLagsByNothingUntilItCommits() {
        assertEquals(0, SinkLagCounts.of(List.of(P0), true, Map.of(), Map.of(P0, 0L), Map.of(P0, 40L)).records());
    }

    @Test
    void aCommitTheTopicNoLongerHoldsCountsFromWhereTheConsumerWouldReset() {
        assertEquals(30, SinkLagCounts.of(List.of(P0), false, Map.of(P0, 3L), Map.of(P0, 10L), Map.of(P0, 40L)).records());
        assertEquals(37, SinkLagCounts.of(List.of(P0), false, Map.of(P0, 3L), Map.of(P0, 0L), Map.of(P0, 40L)).records());
    }

    @Test
    void commitsOnTopicsNoLongerReadAreLeftOut() {
        TopicPartition old = new TopicPartition("old", 0);
        assertEquals(0, SinkLagCounts.of(List.of(P0), false, Map.of(P0, 40L, old, 0L), Map.of(P0, 0L, old, 0L),
                Map.of(P0, 40L, old, 1000L)).records());
    }

    @Test
    void aSubscriptionIsItsTopicsOrThoseItsPatternMatches() {
        SinkLagCounts.Subscription listed = SinkLagCounts.Subscription.of(Map.of("topics", " orders, payments ,"));
        assertEquals(Set.of("orders", "payments"), listed.topicsAmong(Set.of()));
        assertFalse(listed.needsTopicList());
        assertFalse(listed.fromLatest());
        SinkLagCounts.Subscription pattern = SinkLagCounts.Subscription.of(Map.of("topics.regex", "ord.*",
                "consumer.override.auto.offset.reset", "latest"));
        assertTrue(pattern.needsTopicList());
        assertTrue(pattern.fromLatest());
        assertEquals(Set.of("orders"), pattern.topicsAmong(Set.of("orders", "payments")));
    }
}
