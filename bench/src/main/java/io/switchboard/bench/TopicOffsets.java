package io.switchboard.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The records each topic holds, as the sum of its partitions' end offsets (so transaction markers
 * count: they take an offset each), and what a window added to each topic.
 */
final class TopicOffsets {
    private TopicOffsets() {
    }

    /** Every topic's end offsets summed over its partitions, Kafka's own topics included. */
    static Map<String, Long> endOffsets(Admin admin) throws Exception {
        Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(60, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get(60, TimeUnit.SECONDS).values().forEach(topic -> topic.partitions()
                .forEach(p -> wanted.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest())));
        Map<String, Long> sums = new TreeMap<>();
        admin.listOffsets(wanted).all().get(60, TimeUnit.SECONDS).forEach((tp, info) -> sums.merge(tp.topic(), info.offset(), Long::sum));
        return sums;
    }

    /** The records each topic gained between two readings (topics that gained none are left out). */
    static Map<String, Long> gained(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> out = new TreeMap<>();
        after.forEach((topic, end) -> {
            long added = end - before.getOrDefault(topic, 0L);
            if (added > 0) {
                out.put(topic, added);
            }
        });
        return out;
    }

    /**
     * What a window added, per topic and summed per owner ({@code owner} names each topic's owner,
     * e.g. "switchboard", "worker", "data", "kafka-internal"): {@code {"by_topic": ..., "by_owner": ...}}.
     */
    static Map<String, Object> summary(Map<String, Long> before, Map<String, Long> after, Function<String, String> owner) {
        Map<String, Long> byTopic = gained(before, after);
        Map<String, Long> byOwner = new TreeMap<>();
        byTopic.forEach((topic, added) -> byOwner.merge(owner.apply(topic), added, Long::sum));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("by_owner", byOwner);
        out.put("by_topic", byTopic);
        return out;
    }
}
