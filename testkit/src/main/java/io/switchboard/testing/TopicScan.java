package io.switchboard.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * What a broker holds, read as an attacker with access to its topics would: every key, value and
 * header of every record, aborted transactions' records included. {@code client} is a client's
 * settings, bootstrap servers and credentials ({@link SecuredKafka#client}).
 */
public final class TopicScan {
    private TopicScan() {
    }

    /** Every record's bytes, as text (ISO-8859-1, so that any byte reads), by topic, internal topics included. */
    public static Map<String, List<String>> everyTopic(Map<String, Object> client) {
        Map<String, List<String>> byTopic = new TreeMap<>();
        Set<String> topics = topics(client);
        topics.forEach(topic -> byTopic.put(topic, new ArrayList<>()));
        forEachPart(client, topics, (topic, bytes) -> byTopic.get(topic).add(new String(bytes, StandardCharsets.ISO_8859_1)));
        return byTopic;
    }

    /** The topic's records as one text, a line per key, value and header. */
    public static String text(Map<String, Object> client, String topic) {
        return String.join("\n", texts(client, topic));
    }

    private static List<String> texts(Map<String, Object> client, String topic) {
        List<String> out = new ArrayList<>();
        readAll(client, topic).forEach(bytes -> out.add(new String(bytes, StandardCharsets.ISO_8859_1)));
        return out;
    }

    /** Keys, values and header values of every record now in the topic, read_uncommitted so aborted ones count too. */
    public static List<byte[]> readAll(Map<String, Object> client, String topic) {
        List<byte[]> out = new ArrayList<>();
        forEachPart(client, Set.of(topic), (t, bytes) -> out.add(bytes));
        return out;
    }

    /**
     * Gives each key, value and header value of every record of every topic, one at a time and
     * keeping none (a long run's topics need not fit in memory); answers how many records each
     * topic holds.
     */
    public static Map<String, Integer> scanEveryTopic(Map<String, Object> client, BiConsumer<String, byte[]> part) {
        return forEachPart(client, topics(client), part);
    }

    /** The names of every topic on the broker, internal ones included. */
    private static Set<String> topics(Map<String, Object> client) {
        try (Admin admin = Admin.create(client)) {
            return admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("Could not list the broker's topics", e);
        }
    }

    /** A client's settings with one more. */
    static Map<String, Object> with(Map<String, Object> client, String key, Object value) {
        Map<String, Object> all = new java.util.HashMap<>(client);
        all.put(key, value);
        return all;
    }

    /**
     * Each key, value and header value of every record now in the topics, with its topic, read by one
     * consumer assigned every partition of them; answers the number of records of each topic.
     */
    private static Map<String, Integer> forEachPart(Map<String, Object> client, Set<String> topics, BiConsumer<String, byte[]> part) {
        Map<String, Integer> records = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(with(client,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                records.put(topic, 0);
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            // Given up after 30 s without a record, however long the topics take to read.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    String topic = r.topic();
                    records.merge(topic, 1, Integer::sum);
                    if (r.key() != null) {
                        part.accept(topic, r.key());
                    }
                    if (r.value() != null) {
                        part.accept(topic, r.value());
                    }
                    r.headers().forEach(h -> part.accept(topic, h.value() == null ? new byte[0] : h.value()));
                }
            }
        }
        return records;
    }
}
