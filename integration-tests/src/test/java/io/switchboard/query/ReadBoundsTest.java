package io.switchboard.query;

import io.switchboard.core.ReadConsistency;
import io.switchboard.core.ServiceException;
import io.switchboard.core.StoreUnavailableException;
import io.switchboard.rules.ConnectorKey;
import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.wire.AvroSerde;
import io.switchboard.schemas.wire.InMemorySchemaRegistryClient;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Requests that wait hold something while they wait; how many may wait at once is bounded. */
class ReadBoundsTest {
    private static final ConnectorKey KEY = new ConnectorKey("default", "c");

    @Test
    void readsPastTheBoundOfWaitingReadsAreRefusedAtOnce() throws Exception {
        // A processor that never started: no copy of any partition can answer, so every read waits.
        try (KafkaStreams streams = unstarted()) {
            InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
            Duration readWait = Duration.ofSeconds(8);
            ConnectorQueries queries = new ConnectorQueries(streams,
                    new ReplicaRouter(streams, new HostInfo("127.0.0.1", 1)),
                    new RemoteStores(Duration.ofSeconds(1), RemoteStores.Signing.NONE, Optional.empty()),
                    new AvroSerde<>(registry, ConnectorState.class, false),
                    new AvroSerde<>(registry, ConnectorObservation.class, false),
                    new AvroSerde<>(registry, ConnectorHistory.class, false), 6, readWait, 2,
                    SessionTimers.kafkaDefaults());
            List<CompletableFuture<?>> waiting = new ArrayList<>();
            waiting.add(CompletableFuture.runAsync(() -> queries.connector(KEY, ReadConsistency.LINEARIZABLE)));
            waiting.add(CompletableFuture.runAsync(() -> queries.connectors("default", ReadConsistency.LINEARIZABLE)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (queries.waitingReads() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(2, queries.waitingReads());

            long started = System.nanoTime();
            StoreUnavailableException refused = assertThrows(StoreUnavailableException.class,
                    () -> queries.status(KEY, ReadConsistency.LINEARIZABLE));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertTrue(took.compareTo(readWait.dividedBy(2)) < 0, "refused after " + took + ", not at once");
            assertTrue(refused.getMessage().contains("2 reads are already waiting"), refused.getMessage());

            // The waiting ones end with the wait, and free their places.
            for (CompletableFuture<?> read : waiting) {
                assertThrows(Exception.class, () -> read.get(30, TimeUnit.SECONDS));
            }
            assertEquals(0, queries.waitingReads());
        }
    }

    @Test
    void oneThreadServesEveryWaitingOffsetsRequestAndMoreAreRefused() {
        List<ConnectorKey> asked = new CopyOnWriteArrayList<>();
        ObservationWatcher watcher = new ObservationWatcher(key -> {
            asked.add(key);
            return Optional.empty();
        }, Duration.ofSeconds(30), Duration.ofMillis(50), 40);
        try {
            List<CompletableFuture<Optional<Object>>> answers = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                watcher.requireRoom();
                answers.add(watcher.await(new ConnectorKey("default", "c" + i), observed -> null));
            }
            ServiceException.Unavailable refused = assertThrows(ServiceException.Unavailable.class, watcher::requireRoom);
            assertTrue(refused.retryAfterSeconds() > 0);
            assertEquals(40, watcher.waiting());
            long watchers = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("observation-watcher") && t.isAlive()).count();
            assertEquals(1, watchers, "threads polling for observations");

            watcher.close();
            answers.forEach(answer -> assertEquals(Optional.empty(), answer.join()));
            assertEquals(0, watcher.waiting());
        } finally {
            watcher.close();
        }
    }

    private static KafkaStreams unstarted() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("unused");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "read-bounds-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/read-bounds-test-" + System.nanoTime());
        return new KafkaStreams(builder.build(), props);
    }
}
