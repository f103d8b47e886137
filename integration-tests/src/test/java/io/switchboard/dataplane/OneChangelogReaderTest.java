package io.switchboard.dataplane;

import io.switchboard.api.SharedKafka;
import io.switchboard.kafka.KafkaIdentities;
import io.switchboard.kafkaio.KafkaClients;
import io.switchboard.kafkaio.RecordSignatures;
import io.switchboard.rules.ConnectorKey;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.SignedStates;
import io.switchboard.schemas.TargetState;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.management.ObjectName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every cluster's desired state read from the connectors changelog by the replica's one reader: each
 * cluster's feed holds its own connectors, a feed that starts reading while another reads makes the
 * reader start again from the beginning without the other taking any record twice (no signed state
 * is taken for a copy, so the store is never asked), and a feed that stops leaves the other reading.
 */
class OneChangelogReaderTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static String prefix;
    private static String changelog;
    private static KafkaClients clients;
    private static Admin admin;
    private static KafkaProducer<String, byte[]> producer;
    private static SignedStates signed;
    private static long sequence;

    private final AtomicInteger storeAsked = new AtomicInteger();

    @BeforeAll
    static void broker() throws Exception {
        prefix = SharedKafka.newPrefix();
        clients = SharedKafka.broker().clients(KafkaIdentities.CONTROL_PLANE);
        admin = clients.admin(Map.of());
        producer = clients.producer(Map.of("acks", "all"), new StringSerializer(), new ByteArraySerializer());
        changelog = prefix + "-connectors-changelog";
        admin.createTopics(List.of(new NewTopic(changelog, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        signed = new SignedStates(RecordSignatures.derived(Map.of("k1", new byte[32]), io.switchboard.kafkaio.KeyPurpose.STATES), changelog);
    }

    @AfterAll
    static void stop() {
        producer.close();
        admin.close();
        SharedKafka.deleteTopics(prefix);
    }

    @Test
    void oneReaderForEveryClustersDesiredState() throws Exception {
        write("east", "a", 0);
        write("west", "b", 1);
        write("east", "c", 1);
        Deserializer<ConnectorState> values = (topic, data) -> {
            try {
                return ConnectorState.fromByteBuffer(ByteBuffer.wrap(data));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        try (DesiredStateChangelog reader = new DesiredStateChangelog(SharedKafka.broker().bootstrapServers(), clients.common(), changelog);
             DesiredStateFeed east = feed("east", reader, values);
             DesiredStateFeed west = feed("west", reader, values)) {
            east.active(true);
            await(() -> names(east), "a c", "east's connectors from the changelog");
            write("east", "d", 0);
            await(() -> names(east), "a c d", "east reads on");

            west.active(true);
            await(() -> names(west), "b", "west's connectors, read from the changelog's beginning");
            await(() -> names(east), "a c d", "east, read on with the reader started again");
            write("west", "e", 1);
            write("east", "f", 1);
            await(() -> names(west), "b e", "west reads on");
            await(() -> names(east), "a c d f", "east reads on");
            assertEquals(0, storeAsked.get(), "no record taken twice (a copy is checked with the store)");
            assertEquals(1, readers(), "one consumer of the changelog for both clusters");

            east.active(false);
            write("west", "g", 0);
            await(() -> names(west), "b e g", "west reads on when east stops");
            assertEquals(0, storeAsked.get());
        }
        assertEquals(0, readers(), "closed");
    }

    private DesiredStateFeed feed(String cluster, DesiredStateChangelog reader, Deserializer<ConnectorState> values) {
        // The store answers nothing: what a feed answers is the changelog's.
        return new DesiredStateFeed(cluster, reader, values, signed, List::of, name -> {
            storeAsked.incrementAndGet();
            return Optional.empty();
        });
    }

    private static String names(DesiredStateFeed feed) {
        return String.join(" ", feed.connectors().stream().map(ConnectorState::getName).toList());
    }

    /** The consumers of the changelog open in this JVM. */
    private static long readers() throws Exception {
        return ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName("kafka.consumer:type=app-info,id=*"), null)
                .stream().map(name -> name.getKeyProperty("id")).filter(id -> id.contains(changelog)).count();
    }

    /** A state as the processor stores it: signed for its key and partition, each with a later sequence. */
    private static void write(String cluster, String name, int partition) throws Exception {
        String key = ConnectorKey.clusterPrefix(cluster) + name;
        ConnectorState state = signed.sign(key, partition, ++sequence, ConnectorState.newBuilder().setCluster(cluster).setName(name)
                .setConfig(Map.of("connector.class", "FileStreamSource")).setTargetState(TargetState.RUNNING)
                .setVersion(1).setCreatedAt(1).setUpdatedAt(1).setLastCommandId("command-" + name).build());
        ByteBuffer bytes = state.toByteBuffer();
        byte[] value = new byte[bytes.remaining()];
        bytes.get(value);
        producer.send(new ProducerRecord<>(changelog, partition, key, value)).get(30, TimeUnit.SECONDS);
    }

    private static void await(Supplier<String> probe, String expected, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String last;
        while (!(last = probe.get()).equals(expected)) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting: " + what + " (last: " + last + ")");
            Thread.sleep(20);
        }
    }
}
