package io.switchboard.commands;

import io.switchboard.api.SharedKafka;
import io.switchboard.kafka.KafkaIdentities;
import io.switchboard.kafkaio.KafkaClients;
import io.switchboard.kafkaio.TopicSetup;
import io.switchboard.kafkaio.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import io.switchboard.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The command topic's timestamps are the broker's, which the processor bounds a command's signed
 * issue time by: a command topic made before they were is given them when a replica starts.
 */
class CommandTopicTimesTest {
    private final String prefix = SharedKafka.newPrefix();
    private final String bootstrap = SharedKafka.broker().bootstrapServers();
    private static final Map<String, String> SETTINGS = SharedKafka.broker().clients(KafkaIdentities.CONTROL_PLANE).common();

    @AfterEach
    void deleteTopics() {
        SharedKafka.deleteTopics(prefix);
    }

    @Test
    void aCommandTopicMadeBeforeTakesTheBrokersAppendTime() throws Exception {
        Topics topics = new Topics(prefix);
        try (Admin admin = Admin.create(SharedKafka.broker().client(KafkaIdentities.CONTROL_PLANE))) {
            admin.createTopics(List.of(new NewTopic(topics.commands(), 2, (short) 1))).all().get();
            // Made on the controller; the broker that answers may learn of it a moment later, and until then
            // says it has no such topic: that answer alone is asked again.
            String made = Await.atMost(Duration.ofSeconds(30)).until("the broker to know the topic just made",
                    () -> timestampsOnceKnown(admin, topics.commands()), type -> true);
            assertEquals("CreateTime", made, "as a topic is made by default");

            TopicSetup.ensure(new KafkaClients(bootstrap, SETTINGS), admin, topics, 2, false);
            // Set on the controller; the brokers take it a moment later.
            Await.atMost(Duration.ofSeconds(30)).until("the command topic's timestamps are the broker's",
                    () -> Topics.COMMAND_TIMESTAMPS.equals(timestamps(admin, topics.commands())));
        }
    }

    /** The topic's timestamp type; an exception while the broker does not know the topic yet, an error for any other failure. */
    private static String timestampsOnceKnown(Admin admin, String topic) {
        try {
            return timestamps(admin, topic);
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof ExecutionException failed && failed.getCause() instanceof UnknownTopicOrPartitionException) {
                throw e;
            }
            throw new AssertionError("describing " + topic + " failed", e);
        }
    }

    private static String timestamps(Admin admin, String topic) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            return admin.describeConfigs(List.of(resource)).all().get().get(resource).get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG).value();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
