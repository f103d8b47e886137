package io.switchboard.kafkaio;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

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
    private static final long FIRST_ATTEMPT_SECONDS = 5;
    /** How long the probe for a broker that asks for SASL waits for its answer. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Creates the missing topics, all in one request, and answers the Kafka cluster's id (which
     * Confluent's dialect names its cluster by), read with the brokers it counts. A Kafka that
     * refuses the client (its credentials, or its principal's ACLs) stops the start within seconds,
     * saying what it refused and naming {@link KafkaRefusals#CONTROL_PLANE_SETTINGS}.
     *
     * @param clients     how {@code admin} was made: a Kafka that does not answer is asked with them
     *                    whether it wants SASL credentials they do not give
     * @param withSchemas whether the embedded schema registry's topic is created too
     */
    public static String ensure(KafkaClients clients, Admin admin, Topics topics, int partitions, boolean withSchemas) {
        try {
            DescribeClusterResult cluster = cluster(admin, KAFKA_WAIT_SECONDS,
                    () -> KafkaRefusals.saslAsked(clients.settings(Map.of()), PROBE_TIMEOUT, KafkaRefusals.CONTROL_PLANE_SETTINGS));
            int brokers = cluster.nodes().get(ATTEMPT_SECONDS, TimeUnit.SECONDS).size();
            List<NewTopic> wanted = topics.toCreate(partitions, Topics.replication(brokers), withSchemas);
            // One request for every topic: on a restart each is answered "exists" at once.
            boolean commandsExisted = false;
            for (Map.Entry<String, KafkaFuture<Void>> created : admin.createTopics(wanted).values().entrySet()) {
                try {
                    created.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof TopicExistsException && created.getKey().equals(topics.commands())) {
                        commandsExisted = true;
                    }
                    if (e.getCause() instanceof TopicAuthorizationException refused && refused.unauthorizedTopics().isEmpty()) {
                        // The admin client's per-topic error names no topic: this one was refused.
                        throw new ExecutionException(new TopicAuthorizationException(refused.getMessage(), Set.of(created.getKey())));
                    }
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            if (commandsExisted) {
                // Made just now, it was made with them; made before (or by another replica a moment ago), it is checked.
                appendTimes(admin, topics.commands());
            }
            return cluster.clusterId().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        } catch (Refused e) {
            throw e;
        } catch (Exception e) {
            Optional<String> refused = KafkaRefusals.explain(e, KafkaRefusals.CONTROL_PLANE_SETTINGS);
            if (refused.isPresent()) {
                throw new Refused(refused.get(), e);
            }
            throw new IllegalStateException("Cannot create Switchboard's topics: " + e.getMessage(), e);
        }
    }

    /** Kafka refused the client at its door: the message says what, and the setting that fixes it, whole. */
    public static final class Refused extends IllegalStateException {
        Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The cluster as described once Kafka answers; waits up to {@code waitSeconds}, saying so. The
     * first attempt waits {@value #FIRST_ATTEMPT_SECONDS} s; whenever an attempt gets no answer, {@code
     * refusal} is asked whether the broker refuses the client without a word (a SASL listener closes
     * the connection of a client that offers no SASL): if it says so, the wait ends there.
     */
    static DescribeClusterResult cluster(Admin admin, long waitSeconds, Supplier<Optional<String>> refusal)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
        long attempt = FIRST_ATTEMPT_SECONDS;
        while (true) {
            DescribeClusterResult cluster = admin.describeCluster();
            try {
                cluster.nodes().get(attempt, TimeUnit.SECONDS);
                return cluster;
            } catch (TimeoutException e) {
                Optional<String> refused = refusal.get();
                if (refused.isPresent()) {
                    // The message is the whole story: the attempt's time-out says nothing more.
                    throw new Refused(refused.get(), null);
                }
                long left = TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new TimeoutException("Kafka did not answer within " + waitSeconds + " s");
                }
                log.warn("Kafka does not answer yet; waiting up to {} s more before giving up", left);
                attempt = ATTEMPT_SECONDS;
            }
        }
    }

    /**
     * Makes the command topic's timestamps the broker's append time ({@link Topics#COMMAND_TIMESTAMPS})
     * when it was made before they were: the processor bounds a command's signed issue time by the
     * time the broker appended it, which a writer of the topic cannot choose.
     */
    static void appendTimes(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = null;
        // A topic another replica made a moment ago may not be known to every broker yet: asked again, for 10 s at most.
        for (long giveUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); ; ) {
            try {
                config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
                break;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
                        || System.nanoTime() - giveUpAt >= 0) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
        ConfigEntry type = config == null ? null : config.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG);
        if (type != null && Topics.COMMAND_TIMESTAMPS.equals(type.value())) {
            return;
        }
        log.info("Setting {}={} on {}: commands are bounded by the time Kafka appended them", TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG,
                Topics.COMMAND_TIMESTAMPS, topic);
        admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                new ConfigEntry(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, Topics.COMMAND_TIMESTAMPS), AlterConfigOp.OpType.SET))))
                .all().get(30, TimeUnit.SECONDS);
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
