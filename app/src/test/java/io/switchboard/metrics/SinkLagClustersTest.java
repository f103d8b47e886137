package io.switchboard.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Whose sinks' lag is read on Switchboard's Kafka, where the groups are {@code connect-<name>}
 * whatever the cluster: only the clusters whose workers' groups are there, and never a name two of
 * them share, so that no cluster's viewers are shown another cluster's figure under its own name.
 */
class SinkLagClustersTest {

    @Test
    void aClusterWhoseGroupsAreElsewhereIsNotShownTheGroupOfItsSinksName() {
        // A's workers are on Switchboard's Kafka; B's are on a Kafka of their own, with a sink named as A's.
        Map<String, List<String>> sinks = Map.of("a", List.of("drain", "orders"), "b", List.of("drain", "payments"));
        assertEquals(Map.of("a", List.of("drain", "orders")), SinkLags.readable(sinks, Set.of("a")));
    }

    @Test
    void aNameTwoClustersOnThisKafkaShareIsReadForNeither() {
        Map<String, List<String>> sinks = Map.of("a", List.of("drain", "orders"), "b", List.of("drain", "payments"));
        assertEquals(Map.of("a", List.of("orders"), "b", List.of("payments")), SinkLags.readable(sinks, Set.of("a", "b")));
        assertEquals(Map.of(), SinkLags.readable(Map.of("a", List.of("x"), "b", List.of("x")), Set.of("a", "b")));
        assertEquals(Map.of(), SinkLags.readable(sinks, Set.of()));
    }
}
