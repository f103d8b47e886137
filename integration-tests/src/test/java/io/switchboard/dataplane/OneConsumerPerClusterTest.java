package io.switchboard.dataplane;

import io.switchboard.api.SharedKafka;
import io.switchboard.kafka.KafkaIdentities;
import io.switchboard.kafkaio.KafkaClients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Kafka Connect cluster's status, config and offsets topics read on a real broker by one consumer
 * (one fetch per broker for all of them), each record reaching its own topic's feed.
 */
class OneConsumerPerClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static String prefix;
    private static KafkaClients clients;
    private static Admin admin;
    private static KafkaProducer<String, String> producer;

    @BeforeAll
    static void broker() {
        prefix = SharedKafka.newPrefix();
        clients = SharedKafka.broker().clients(KafkaIdentities.CONTROL_PLANE);
        admin = clients.admin(Map.of());
        producer = clients.producer(Map.of("acks", "all"), new StringSerializer(), new StringSerializer());
    }

    @AfterAll
    static void stop() {
        producer.close();
        admin.close();
        SharedKafka.deleteTopics(prefix);
    }

    @Test
    void oneConsumerReadsTheClustersTopicsAndEachFeedGetsItsOwn() throws Exception {
        String status = topic("connect-status", 3);
        String config = topic("connect-configs", 1);
        String offsets = topic("connect-offsets", 2);
        write(status, "status-connector-before", "{\"state\":\"RUNNING\",\"worker_id\":\"w:8083\",\"generation\":1}");
        Set<String> consumersBefore = consumers();
        List<String> told = Collections.synchronizedList(new ArrayList<>());

        try (WorkerTopics topics = new WorkerTopics(prefix, SharedKafka.broker().bootstrapServers(), clients.common())) {
            WorkerStatusFeed statuses = new WorkerStatusFeed(topics, status);
            WorkerConfigFeed configs = new WorkerConfigFeed(topics, config);
            WorkerOffsetsFeed sources = new WorkerOffsetsFeed(topics, offsets);
            statuses.onChange(names -> told.add("status " + names));
            configs.onChange(names -> told.add("config " + names));
            sources.onChange(names -> told.add("offsets " + names));
            topics.start();
            await(() -> statuses.caughtUp() && configs.caughtUp() && sources.caughtUp(), "every feed caught up");
            assertEquals("RUNNING", statuses.status("before").orElseThrow().path("connector").path("state").asText(),
                    "what the topic held before");

            write(status, "status-connector-c", "{\"state\":\"PAUSED\",\"worker_id\":\"w:8083\",\"generation\":2}");
            write(config, "task-c-0", "{\"properties\":{\"topic\":\"lines\"}}");
            write(config, "commit-c", "{\"tasks\":1}");
            write(offsets, WorkerOffsetsFeed.key("c", "{\"filename\":\"f\"}"), "{\"position\":7}");
            await(() -> statuses.status("c").isPresent() && configs.taskConfigs("c").isPresent() && sources.offsets("c").isPresent(),
                    "each feed read its own topic's records");
            assertEquals("PAUSED", statuses.status("c").orElseThrow().path("connector").path("state").asText());
            assertEquals(List.of(Map.of("topic", "lines")), configs.taskConfigs("c").orElseThrow());
            assertEquals("{\"offsets\":[{\"partition\":{\"filename\":\"f\"},\"offset\":{\"position\":7}}]}", sources.offsets("c").orElseThrow());
            assertEquals(Set.of("before", "c"), statuses.statuses().orElseThrow().keySet(), "no feed is given another topic's records");
            assertEquals(Map.of(), configs.connectorConfigs().orElseThrow());
            assertTrue(sources.offsets("before").isEmpty());
            await(() -> told.size() >= 3, "each feed's listener told");
            assertEquals(List.of("config [c]", "offsets [c]", "status [c]"), told.stream().sorted().toList(),
                    "each listener told of its own topic's change, once");

            Set<String> started = consumers();
            started.removeAll(consumersBefore);
            assertEquals(Set.of("switchboard-worker-topics-" + prefix), started, "one consumer for the cluster's three topics");
            assertEquals(1, Thread.getAllStackTraces().keySet().stream()
                    .filter(thread -> thread.getName().equals("switchboard-worker-topics-" + prefix)).count(), "one thread");
        }
    }

    /** The client ids of the Kafka consumers open in this JVM. */
    private static Set<String> consumers() throws Exception {
        return ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName("kafka.consumer:type=app-info,id=*"), null)
                .stream().map(name -> name.getKeyProperty("id")).collect(Collectors.toCollection(HashSet::new));
    }

    private static String topic(String name, int partitions) throws Exception {
        String topic = prefix + "." + name;
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        return topic;
    }

    private static void write(String topic, String key, String value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting: " + what);
            Thread.sleep(20);
        }
    }
}
