package io.switchboard.api;

import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.schemas.wire.AvroDeserializer;
import io.switchboard.schemas.wire.HttpSchemaRegistryClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The lifecycle topic as a reader sees it now: every committed event, read up to its end and no further. */
public final class LifecycleEvents {
    private static final Duration READ_FOR_AT_MOST = Duration.ofSeconds(30);

    private LifecycleEvents() {
    }

    /** @param client a client's settings, bootstrap servers and credentials (the event consumers' principal reads it) */
    public static List<LifecycleEvent> upToNow(Map<String, Object> client, String registryUrl, String topic) {
        AvroDeserializer<LifecycleEvent> values = new AvroDeserializer<>(HttpSchemaRegistryClient.anonymous(registryUrl), LifecycleEvent.class);
        Map<String, Object> config = new java.util.HashMap<>(client);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<LifecycleEvent> events = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // Read-committed: the end is the last stable offset, past every transaction decided by now.
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + READ_FOR_AT_MOST.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the lifecycle topic did not read to its end " + ends + " in " + READ_FOR_AT_MOST);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    events.add(values.deserialize(topic, record.value()));
                }
            }
        }
        return events;
    }
}
