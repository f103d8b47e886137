package io.switchboard.kafkaio;

import io.switchboard.kafka.KafkaIdentities;
import io.switchboard.api.SharedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one topic reader on a real broker: where it starts, when it is caught up, reading to the end,
 * a topic that does not exist yet, each failure policy, and its close.
 */
class TopicReaderTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static String prefix;
    private static KafkaClients clients;
    private static Admin admin;
    private static KafkaProducer<String, String> producer;
    private final List<TopicReader<?, ?>> readers = new ArrayList<>();
    private final List<String> seen = Collections.synchronizedList(new ArrayList<>());

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

    @AfterEach
    void closeReaders() {
        readers.forEach(TopicReader::close);
    }

    @Test
    void fromTheStartItCatchesUpWithWhatTheTopicHeldAndReadsOn() throws Exception {
        String topic = topic("start", 3);
        write(topic, "a", "b", "c");
        TopicReader<String, String> reader = started(reader(topic));
        await(reader::caughtUp, "caught up");
        assertEquals(List.of("a", "b", "c"), sorted(seen), "what the topic held when it started, once each");
        write(topic, "d", "e");
        assertTrue(reader.readToEnd(WAIT), "read to the end");
        assertEquals(List.of("a", "b", "c", "d", "e"), sorted(seen), "a read to the end has read what was written before it");
    }

    @Test
    void fromTheEndItSeesOnlyWhatIsWrittenOnceItIsPositioned() throws Exception {
        String topic = topic("end", 3);
        write(topic, "before-1", "before-2");
        TopicReader<String, String> reader = started(reader(topic).from(TopicReader.From.END));
        assertTrue(reader.awaitPositioned(WAIT), "positioned");
        assertTrue(reader.caughtUp(), "a reader from the end is caught up once positioned");
        write(topic, "after");
        assertTrue(reader.readToEnd(WAIT));
        assertEquals(List.of("after"), sorted(seen));
    }

    @Test
    void aTopicThatDoesNotExistYetIsWaitedFor() throws Exception {
        String topic = prefix + ".later";
        AtomicBoolean told = new AtomicBoolean();
        TopicReader<String, String> reader = started(reader(topic).onMissingTopic(() -> told.set(true)));
        await(told::get, "told the topic is missing");
        assertFalse(reader.caughtUp());
        topic("later", 1);
        write(topic, "x");
        await(reader::caughtUp, "caught up once the topic exists");
        assertTrue(reader.readToEnd(WAIT));
        assertEquals(List.of("x"), sorted(seen));
    }

    @Test
    void afterAFailureARestartingReaderReadsAgainFromTheStart() throws Exception {
        String topic = topic("restart", 1);
        write(topic, "a", "b");
        AtomicInteger failures = new AtomicInteger();
        AtomicBoolean failOnce = new AtomicBoolean(true);
        TopicReader<String, String> reader = started(reader(topic)
                .onRecords(records -> {
                    if (!records.isEmpty() && failOnce.getAndSet(false)) {
                        throw new IllegalStateException("the handler failed");
                    }
                    records.forEach(r -> seen.add(r.value()));
                })
                .onFailure(TopicReader.OnFailure.RESTART, Duration.ofMillis(100), e -> failures.incrementAndGet()));
        await(reader::caughtUp, "caught up again");
        assertEquals(1, failures.get());
        assertEquals(List.of("a", "b"), sorted(seen), "the batch that failed is read again, from the start");
    }

    @Test
    void aRetryingReaderReadsOnFromWhereItWas() throws Exception {
        String topic = topic("retry", 1);
        write(topic, "a");
        AtomicInteger failures = new AtomicInteger();
        AtomicBoolean failOnce = new AtomicBoolean(true);
        TopicReader<String, String> reader = started(reader(topic)
                .onRecords(records -> {
                    if (!records.isEmpty() && failOnce.getAndSet(false)) {
                        throw new IllegalStateException("the handler failed");
                    }
                    records.forEach(r -> seen.add(r.value()));
                })
                .onFailure(TopicReader.OnFailure.RETRY, Duration.ofMillis(100), e -> failures.incrementAndGet()));
        await(() -> failures.get() == 1, "failed once");
        write(topic, "b");
        assertTrue(reader.readToEnd(WAIT));
        assertEquals(List.of("b"), sorted(seen), "the batch that failed is not read again");
    }

    @Test
    void aStoppingReaderIsNoLongerCaughtUpAndReadsToTheEndNoMore() throws Exception {
        String topic = topic("stop", 1);
        TopicReader<String, String> reader = started(reader(topic)
                .onRecords(records -> {
                    if (!records.isEmpty()) {
                        throw new IllegalStateException("the handler failed");
                    }
                })
                .onFailure(TopicReader.OnFailure.STOP, Duration.ZERO, e -> { }));
        await(reader::caughtUp, "caught up with an empty topic");
        write(topic, "a");
        await(() -> !reader.caughtUp(), "stopped");
        assertFalse(reader.readToEnd(Duration.ofSeconds(1)));
    }

    @Test
    void closeEndsTheThreadAndEveryReadToTheEnd() throws Exception {
        String topic = topic("close", 1);
        TopicReader<String, String> reader = started(reader(topic));
        await(reader::caughtUp, "caught up");
        long started = System.nanoTime();
        reader.close();
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5), "closed promptly");
        assertFalse(reader.readToEnd(Duration.ofSeconds(1)));
        assertEquals(null, reader.client(), "its consumer is closed");
    }

    /**
     * An idle reader's consumer has a fetch held at the broker (for up to IDLE_FETCH_WAIT_MS); its
     * close does not wait for it, nor for the fetch sessions' goodbye queued behind it (with a wait
     * of 2 s it took 2 s, and a replica's stop took that for each of its readers).
     */
    @Test
    void anIdleReaderClosesWithoutWaitingOutTheFetchHeldAtTheBroker() throws Exception {
        String topic = topic("idle-close", 1);
        TopicReader<String, String> reader = started(reader(topic));
        await(reader::caughtUp, "caught up");
        Thread.sleep(500); // on purpose: idle, so that its fetch is being held at the broker
        long started = System.nanoTime();
        reader.close();
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(tookMs < 1_500, "closed in " + tookMs + " ms");
        assertEquals(null, reader.client(), "its consumer is closed");
    }

    /**
     * A read to the end asks for the end offsets on the consumer's connection, where they wait out
     * the fetch the broker holds for an idle reader: an idle reader answers within a second or two,
     * not after a held fetch of 5 s (with which a registry lookup of a missing schema took 10 s).
     */
    @Test
    void anIdleReaderReadsToTheEndPromptly() throws Exception {
        String topic = topic("idle-end", 1);
        write(topic, "a");
        TopicReader<String, String> reader = started(reader(topic));
        await(reader::caughtUp, "caught up");
        for (int i = 0; i < 3; i++) {
            Thread.sleep(300); // on purpose: idle, so that its fetch is being held at the broker
            long started = System.nanoTime();
            assertTrue(reader.readToEnd(WAIT), "read to the end");
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(tookMs < 2_500, "read to the end in " + tookMs + " ms");
        }
    }

    private TopicReaderBuilder<String, String> reader(String topic) {
        return TopicReader.of(clients, topic, new StringDeserializer(), new StringDeserializer())
                .settings(Map.of("client.id", "topic-reader-test-" + topic))
                .pollFor(Duration.ofMillis(100))
                .onRecords(records -> records.forEach(r -> seen.add(r.value())));
    }

    /** Builds and starts the reader, and closes it after the test. */
    private TopicReader<String, String> started(TopicReaderBuilder<String, String> builder) {
        TopicReader<String, String> reader = builder.build();
        readers.add(reader);
        return reader.start();
    }

    private String topic(String name, int partitions) throws Exception {
        String topic = prefix + "." + name;
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        return topic;
    }

    private static void write(String topic, String... values) throws Exception {
        for (String value : values) {
            producer.send(new ProducerRecord<>(topic, value, value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static List<String> sorted(List<String> values) {
        synchronized (values) {
            return values.stream().sorted().toList();
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting: " + what);
            Thread.sleep(20);
        }
    }
}
