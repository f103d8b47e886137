package io.switchboard.kafkaio;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates the topics Switchboard owns ({@link Topics#toCreate}) when they are missing, all in one
 * request; leaves existing ones as they are.
 */
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
     *
     * @param withSchemas whether the embedded schema registry's topic is created too
     */
    public static String ensure(Admin admin, Topics topics, int partitions, boolean withSchemas) {
        try {
            DescribeClusterResult cluster = cluster(admin, KAFKA_WAIT_SECONDS);
            int brokers = cluster.nodes().get(ATTEMPT_SECONDS, TimeUnit.SECONDS).size();
            List<NewTopic> wanted = topics.toCreate(partitions, Topics.replication(brokers), withSchemas);
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
