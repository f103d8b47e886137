package io.switchboard.registry;

import io.switchboard.kafkaio.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Makes sure the registry's topic exists, as {@link Topics#schemaLog} sets it up: one partition,
 * compacted, replicated up to three times. A replica creates it with its other topics, in one
 * request; a registry started on its own creates it here.
 */
final class RegistryTopic {
    private static final Logger log = LoggerFactory.getLogger(RegistryTopic.class);

    private RegistryTopic() {
    }

    static void ensure(Admin admin, String topic, Duration timeout) {
        try {
            TopicDescription existing = describe(admin, topic, timeout);
            if (existing == null) {
                create(admin, topic, timeout);
                awaitLeader(admin, topic, timeout);
                return;
            }
            if (existing.partitions().stream().anyMatch(partition -> partition.leader() == null)) {
                // Made a moment ago, with the replica's other topics: served once it has a leader.
                awaitLeader(admin, topic, timeout);
            }
            if (existing.partitions().size() != 1) {
                throw new IllegalStateException("Schema topic " + topic + " has " + existing.partitions().size()
                        + " partitions; the registry needs exactly one to keep its log in order");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while preparing schema topic " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            String why = e instanceof TimeoutException
                    ? "Kafka did not answer within " + timeout.toSeconds() + " s (is it reachable, and are the --kafka-property settings right?)"
                    : String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
            throw new IllegalStateException("Cannot prepare schema topic " + topic + ": " + why, e);
        }
    }

    private static TopicDescription describe(Admin admin, String topic, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return null;
            }
            throw e;
        }
    }

    /**
     * Waits (bounded) until the broker serves the topic just created: read sooner, while the broker
     * is still busy creating other topics, Kafka's admin client logs each refused look-up as an error.
     */
    private static void awaitLeader(Admin admin, String topic, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            TopicDescription created = describe(admin, topic, timeout);
            if (created != null && !created.partitions().isEmpty() && created.partitions().get(0).leader() != null) {
                return;
            }
            Thread.sleep(50);
        }
    }

    private static void create(Admin admin, String topic, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        int brokers = admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
        short replication = Topics.replication(brokers);
        NewTopic newTopic = Topics.schemaLog(topic, replication);
        try {
            admin.createTopics(List.of(newTopic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            log.info("Created schema topic {} (compacted, replication factor {})", topic, replication);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }
}
