package io.switchboard.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.switchboard.bench.CompareBenchmark.HIGH_CONCURRENCY;
import static io.switchboard.bench.CompareBenchmark.log;

/**
 * The floor of the comparison: the broker's own acks=all produce round trip (idempotent, no
 * linger, one record per send) at concurrency 1 and {@link CompareBenchmark#HIGH_CONCURRENCY}.
 * Measured once per target, when the target is up and idle; each target's ratios use its own
 * measurement, and the report also gives every measurement pooled.
 */
final class BrokerFloor {
    private final String bootstrap;
    private final List<Latencies> floorC1 = new ArrayList<>();
    private final List<Latencies> floorC16 = new ArrayList<>();

    BrokerFloor(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** Measures the floor at both concurrencies with this many sends each, keeps it, and returns its summary. */
    Map<String, Object> measure(int count) {
        Latencies f1 = floor(count, 1);
        Latencies f16 = floor(count, HIGH_CONCURRENCY);
        floorC1.add(f1);
        floorC16.add(f16);
        Map<String, Object> floor = new LinkedHashMap<>();
        floor.put("c1", f1.summary());
        floor.put("c16", f16.summary());
        return floor;
    }

    /** Every measurement so far, pooled. */
    Map<String, Object> pooled() {
        Map<String, Object> floor = new LinkedHashMap<>();
        floor.put("c1", Latencies.pooled(floorC1).summary());
        floor.put("c16", Latencies.pooled(floorC16).summary());
        return floor;
    }

    /**
     * The floor at one concurrency; a measurement the producer cannot finish (a send that times
     * out) is made again once on a fresh topic, and otherwise reported as no samples.
     */
    private Latencies floor(int count, int concurrency) {
        for (int attempt = 1; attempt <= 2; attempt++) {
            try {
                return produceRoundTrips(count, concurrency, attempt);
            } catch (Exception e) {
                log("floor at concurrency " + concurrency + " failed (attempt " + attempt + "): " + e);
            }
        }
        return new Latencies(new long[0]);
    }

    /** The broker's own round trip: acks=all, idempotent, no linger, one record per send. */
    private Latencies produceRoundTrips(int count, int concurrency, int attempt) throws Exception {
        String topic = "bench-floor-c" + concurrency + "-" + floorC1.size() + "-" + attempt;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 6, (short) 1))).all().get();
        }
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        byte[] value = new byte[200];
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            long[] samples = new long[count];
            // One record to each partition, one at a time, before any concurrent sends: a new topic's
            // partitions may not have their leader yet, and concurrent first sends then fail out of order.
            for (int partition = 0; partition < 6; partition++) {
                producer.send(new ProducerRecord<>(topic, partition, "first", value)).get();
            }
            TargetClient.runAll(200, concurrency, i -> sendOne(producer, topic, "warmup-" + i, value));
            TargetClient.runAll(count, concurrency, i -> samples[i] = sendOne(producer, topic, "key-" + i, value));
            return new Latencies(samples);
        }
    }

    private static long sendOne(KafkaProducer<String, byte[]> producer, String topic, String key, byte[] value) {
        long start = System.nanoTime();
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return (System.nanoTime() - start) / 1000;
    }
}
