package io.switchboard.kafka;

import io.switchboard.processor.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Creates the topics Switchboard owns when they are missing; leaves existing ones as they are. */
public final class TopicSetup {
    private TopicSetup() {
    }

    public static void ensure(Admin admin, Topics topics, int partitions) {
        try {
            int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
            short replication = (short) Math.min(3, Math.max(1, brokers));
            Map<String, String> durable = Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(Math.min(2, replication)));
            List<NewTopic> wanted = List.of(
                    new NewTopic(topics.commands(), partitions, replication).configs(durable),
                    new NewTopic(topics.decisions(), partitions, replication)
                            .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(TimeUnit.HOURS.toMillis(1)))),
                    new NewTopic(topics.lifecycle(), partitions, replication).configs(durable),
                    new NewTopic(topics.observations(), partitions, replication).configs(durable),
                    new NewTopic(topics.deadLetters(), 1, replication),
                    new NewTopic(topics.reconcilerLeases(), 1, replication),
                    new NewTopic(topics.replicaKeys(), 1, replication).configs(Map.of(
                            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                            TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(Math.min(2, replication)))));
            for (NewTopic topic : wanted) {
                try {
                    admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot create Switchboard's topics: " + e.getMessage(), e);
        }
    }
}
