package io.switchboard.bench;

import io.switchboard.kafka.EmbeddedKafka;
import io.switchboard.kafka.KafkaAcls;
import io.switchboard.kafka.KafkaIdentities;
import io.switchboard.kafkaio.KafkaClients;
import io.switchboard.kafkaio.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * What SASL/PLAIN and the authorizer on the embedded broker cost a client: the round trip of one
 * record produced with acks=all, sent one after the other, on a plain broker (PLAINTEXT, no
 * authorizer) and on the secured one Switchboard embeds by default (SASL/PLAIN on loopback,
 * StandardAuthorizer with its ACLs), as the worker's principal (the one the ACLs are checked for;
 * the control plane is a super user). Each run is a broker of its own, a warm-up, then the timed
 * sends. Prints one line per run: p50, p99 and the mean, in microseconds.
 *
 * <p>Usage: {@code SaslCostBenchmark [--sends 3000] [--runs 3] [--warmup 500]}
 */
public final class SaslCostBenchmark {
    public static void main(String[] args) throws Exception {
        int sends = 3000;
        int runs = 3;
        int warmup = 500;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--sends" -> sends = Integer.parseInt(args[i + 1]);
                case "--runs" -> runs = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown flag " + args[i]);
            }
        }
        for (int run = 1; run <= runs; run++) {
            for (boolean secured : new boolean[]{false, true}) {
                Path dir = Files.createTempDirectory("sasl-cost");
                EmbeddedKafka broker = new EmbeddedKafka(dir, 0);
                Map<String, String> client = Map.of();
                if (secured) {
                    KafkaIdentities identities = KafkaIdentities.loadOrCreate(dir);
                    broker.secured(identities, KafkaAcls.all(new Topics("switchboard")));
                    client = identities.clientSettings(KafkaIdentities.WORKER);
                }
                try (EmbeddedKafka started = broker.start();
                     KafkaProducer<String, String> producer = new KafkaClients(started.bootstrapServers(), client).producer(Map.of(
                             ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 0),
                             new StringSerializer(), new StringSerializer())) {
                    for (int i = 0; i < warmup; i++) {
                        producer.send(new ProducerRecord<>("sasl-cost", "k", "warm-up " + i)).get();
                    }
                    long[] micros = new long[sends];
                    for (int i = 0; i < sends; i++) {
                        long start = System.nanoTime();
                        producer.send(new ProducerRecord<>("sasl-cost", "k", "record " + i)).get();
                        micros[i] = (System.nanoTime() - start) / 1_000;
                    }
                    Arrays.sort(micros);
                    System.out.printf("run %d %-9s sends %d  p50 %d us  p99 %d us  mean %d us%n", run,
                            secured ? "SASL+ACLs" : "PLAINTEXT", sends, micros[sends / 2], micros[(int) (sends * 0.99)],
                            Arrays.stream(micros).sum() / sends);
                } finally {
                    deleteQuietly(dir);
                }
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception e) {
            // a temporary directory left behind
        }
    }
}
