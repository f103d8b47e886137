package io.switchboard.kafka;

import io.switchboard.processor.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Creates the topics Switchboard owns when they are missing; leaves existing ones as they are. */
public final class TopicSetup {
    private static final Logger log = LoggerFactory.getLogger(TopicSetup.class);
    private TopicSetup() {
    }

    /**
     * How long a replica waits for Kafka to answer at start: replicas started together with the one
     * whose embedded Kafka they use (as docs/operations.md does) start before it answers.
     */
    static final long KAFKA_WAIT_SECONDS = 300;
    private static final long ATTEMPT_SECONDS = 15;

    /**
     * Creates the missing topics, all in one request, and answers the Kafka cluster's id (which
     * Confluent's dialect names its cluster by), read with the brokers it counts.
     */
    public static String ensure(Admin admin, Topics topics, int partitions) {
        try {
            DescribeClusterResult cluster = cluster(admin, KAFKA_WAIT_SECONDS);
            int brokers = cluster.nodes().get(ATTEMPT_SECONDS, TimeUnit.SECONDS).size();
            short replication = (short) Math.min(3, Math.max(1, brokers));
            Map<String, String> durable = Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(Math.min(2, replication)));
            List<NewTopic> wanted = List.of(
                    new NewTopic(topics.commands(), partitions, replication).configs(durable),
                    new NewTopic(topics.decisions(), partitions, replication)
                            .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(TimeUnit.HOURS.toMillis(1)))),
                    new NewTopic(topics.lifecycle(), partitions, replication).configs(durable),
                    new NewTopic(topics.observations(), partitions, replication).configs(durable),
                    new NewTopic(topics.deadLetters(), 1, replication),
                    new NewTopic(topics.pipelineNotifications(), 1, replication)
                            .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(TimeUnit.DAYS.toMillis(7)))),
                    new NewTopic(topics.reconcilerLeases(), 1, replication),
                    new NewTopic(topics.policies(), 1, replication).configs(Map.of(
                            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                            TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(Math.min(2, replication)))),
                    new NewTopic(topics.policyVersions(), 1, replication).configs(Map.of(
                            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                            TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(Math.min(2, replication)))),
                    new NewTopic(topics.replicaKeys(), 1, replication).configs(Map.of(
                            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                            TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(Math.min(2, replication)))));
            // One request for every topic: on a restart each is answered "exists" at once.
            for (KafkaFuture<Void> created : admin.createTopics(wanted).values().values()) {
                try {
                    created.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            return cluster.clusterId().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot create Switchboard's topics: " + e.getMessage(), e);
        }
    }

    /** The cluster as described once Kafka answers; waits up to {@code waitSeconds}, saying so. */
    static DescribeClusterResult cluster(Admin admin, long waitSeconds) throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
        while (true) {
            DescribeClusterResult cluster = admin.describeCluster();
            try {
                cluster.nodes().get(ATTEMPT_SECONDS, TimeUnit.SECONDS);
                return cluster;
            } catch (TimeoutException e) {
                long left = TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new TimeoutException("Kafka did not answer within " + waitSeconds + " s");
                }
                log.warn("Kafka does not answer yet; waiting up to {} s more before giving up", left);
            }
        }
    }

    /** The stores have one partition per partition of the command topic. */
    public static int partitionCount(Admin admin, String topic) {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic).partitions().size();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot describe " + topic + ": " + e.getMessage(), e);
        }
    }
}
