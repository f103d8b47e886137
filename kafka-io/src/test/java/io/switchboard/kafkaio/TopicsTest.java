package io.switchboard.kafkaio;

import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The topics a replica creates, their names and settings exactly as data directories were made with
 * them before they were gathered here (from the application's topic setup, the secret store and the
 * schema registry): a replica started on old data finds each as it expects, and the ACLs grant by
 * these names. The command topic's timestamps became the broker's append time later; a replica sets them
 * on a command topic made before ({@code TopicSetup}).
 */
class TopicsTest {
    private static final Topics TOPICS = new Topics("sb");

    @Test
    void everyTopicIsCreatedWithTheSettingsItAlwaysHad() {
        Map<String, String> created = describe(TOPICS.toCreate(6, (short) 3, true));
        assertEquals(new TreeMap<>(Map.ofEntries(
                // Its timestamps are the broker's: a command's signed issue time is bounded by when it was appended.
                Map.entry("sb.commands", "6x3 {message.timestamp.type=LogAppendTime, min.insync.replicas=2}"),
                Map.entry("sb.decisions", "6x3 {retention.ms=3600000}"),
                Map.entry("sb.lifecycle", "6x3 {min.insync.replicas=2}"),
                Map.entry("sb.observations", "6x3 {min.insync.replicas=2}"),
                // Made before Kafka Streams would make it: replicas read it from its end before any command is sent.
                Map.entry("sb-connectors-changelog", "6x3 {cleanup.policy=compact, min.insync.replicas=2}"),
                Map.entry("sb.commands.dlq", "1x3 {}"),
                Map.entry("sb-pipeline-notifications", "1x3 {retention.ms=604800000}"),
                Map.entry("sb.reconciler-leases", "1x3 {}"),
                Map.entry("sb.policies", "1x3 {cleanup.policy=compact, min.insync.replicas=2}"),
                Map.entry("sb.policy-versions", "1x3 {cleanup.policy=compact, min.insync.replicas=2}"),
                Map.entry("sb.replica-keys", "1x3 {cleanup.policy=compact, min.insync.replicas=2}"),
                Map.entry("sb.secrets", "1x3 {cleanup.policy=compact, min.insync.replicas=2}"),
                Map.entry("sb._schemas", "1x3 {cleanup.policy=compact}"))), created);
    }

    @Test
    void onOneBrokerEveryTopicHasOneCopyAndWaitsForOne() {
        Map<String, String> created = describe(TOPICS.toCreate(2, Topics.replication(1), false));
        assertEquals("2x1 {message.timestamp.type=LogAppendTime, min.insync.replicas=1}", created.get("sb.commands"));
        assertEquals("1x1 {cleanup.policy=compact, min.insync.replicas=1}", created.get("sb.secrets"));
        assertEquals(false, created.containsKey("sb._schemas"), "the schema registry's topic only with the embedded registry");
        assertEquals((short) 3, Topics.replication(5), "three copies at most");
    }

    @Test
    void theLifecycleTopicMayBeNamedOutrightAndEveryNameIsOwned() {
        Topics named = new Topics("sb", "events.connectors");
        assertEquals("events.connectors", named.lifecycle());
        assertEquals(true, named.owned().containsAll(describe(named.toCreate(1, (short) 1, true)).keySet()),
                "no connector may name a topic the control plane creates");
        assertEquals(Set.of("sb", "sb-connect"), named.groups());
        assertEquals("sb-connectors-changelog", named.changelog("connectors"));
    }

    private static Map<String, String> describe(java.util.List<NewTopic> topics) {
        return topics.stream().collect(Collectors.toMap(NewTopic::name,
                t -> t.numPartitions() + "x" + t.replicationFactor() + " " + new TreeMap<>(t.configs() == null ? Map.of() : t.configs()),
                (a, b) -> a, TreeMap::new));
    }
}
