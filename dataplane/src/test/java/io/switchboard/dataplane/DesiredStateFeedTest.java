package io.switchboard.dataplane;

import io.switchboard.kafkaio.RecordSignatures;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.SignedStates;
import io.switchboard.schemas.TargetState;
import io.switchboard.schemas.wire.AvroSerde;
import io.switchboard.schemas.wire.InMemorySchemaRegistryClient;
import io.switchboard.kafkaio.TopicRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gate of the desired state read from the connectors changelog: the store answers until the
 * feed has caught up (else a full pass would delete connectors it has not read yet), and while this
 * replica does not hold the lease; once caught up, the feed answers what the changelog holds for its
 * cluster: updates replace, tombstones delete, other clusters' records are skipped unread.
 */
class DesiredStateFeedTest {
    private static final String CHANGELOG = "switchboard-connectors-changelog";

    /** A changelog source the test feeds by hand. */
    private static final class Records implements DesiredStateFeed.Source {
        final Function<Iterable<TopicRecord<String, byte[]>>, Set<String>> reader;
        volatile boolean caughtUp;
        volatile boolean started;
        volatile boolean closed;
        private long offset;

        Records(Function<Iterable<TopicRecord<String, byte[]>>, Set<String>> reader) {
            this.reader = reader;
        }

        /** The last state {@link #write} signed. */
        ConnectorState lastSigned;

        /** The state as the processor writes it: signed for its key and partition 0, its sequence the record's offset. */
        Set<String> write(String key, ConnectorState value) {
            if (value != null) {
                lastSigned = REPLICAS.sign(key, 0, offset, value);
            }
            return writeAsIs(key, value == null ? null : lastSigned);
        }

        /** The state as it is, signed or not. */
        Set<String> writeAsIs(String key, ConnectorState value) {
            return writeAsIs(key, 0, value);
        }

        /** The state as it is, in this partition. */
        Set<String> writeAsIs(String key, int partition, ConnectorState value) {
            return reader.apply(List.of(new TopicRecord<>(CHANGELOG, partition, offset++, -1, new RecordHeaders(), key,
                    value == null ? null : bytes(value))));
        }

        Set<String> writeRaw(String key, byte[] value) {
            return reader.apply(List.of(new TopicRecord<>(CHANGELOG, 0, offset++, -1, new RecordHeaders(), key, value)));
        }

        @Override
        public void start() {
            started = true;
        }

        @Override
        public boolean readToEnd(Duration wait) {
            return caughtUp && !closed;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private final List<Records> sources = new ArrayList<>();
    private final AtomicInteger storeReads = new AtomicInteger();
    private final AtomicInteger deserialized = new AtomicInteger();
    /** What the store answers: the connectors the processor decided, whatever the feed has read. */
    private final Map<String, ConnectorState> store = new LinkedHashMap<>(Map.of("a", state("a", 1), "b", state("b", 1), "c", state("c", 1)));
    /** The replicas' signatures of the states their processors store. */
    private static final SignedStates REPLICAS = new SignedStates(RecordSignatures.derived(Map.of("k1", new byte[32]),
            io.switchboard.kafkaio.KeyPurpose.STATES), CHANGELOG);
    /** The store's serde, as the processor writes the changelog: Confluent's wire format, the schema in a registry. */
    private static final AvroSerde<ConnectorState> SERDE = new AvroSerde<>(new InMemorySchemaRegistryClient(), ConnectorState.class, false);
    private final Deserializer<ConnectorState> values = (topic, data) -> {
        deserialized.incrementAndGet();
        return SERDE.deserializer().deserialize(topic, data);
    };
    private final DesiredStateFeed feed = new DesiredStateFeed("default", values, REPLICAS, reader -> {
        Records records = new Records(reader);
        sources.add(records);
        return records;
    }, () -> {
        storeReads.incrementAndGet();
        return store.values().stream().sorted(java.util.Comparator.comparing(ConnectorState::getName)).toList();
    }, name -> {
        storeReads.incrementAndGet();
        return Optional.ofNullable(store.get(name));
    });

    private static ConnectorState state(String name, int version) {
        return ConnectorState.newBuilder().setCluster("default").setName(name)
                .setConfig(Map.of("connector.class", "FileStreamSource", "file", "/tmp/" + name + "-" + version))
                .setTargetState(TargetState.RUNNING).setVersion(version).setCreatedAt(1).setUpdatedAt(version)
                .setLastCommandId("command-" + name + "-" + version).build();
    }

    private static byte[] bytes(ConnectorState state) {
        return SERDE.serializer().serialize(CHANGELOG, state);
    }

    private static List<String> names(List<ConnectorState> states) {
        return states.stream().map(s -> s.getName() + "@" + s.getVersion()).toList();
    }

    @Test
    void theStoreAnswersUntilTheFeedHasCaughtUpThenTheChangelogAnswers() {
        // No lease: no reading, the store answers.
        assertEquals(List.of("a@1", "b@1", "c@1"), names(feed.connectors()));
        assertTrue(sources.isEmpty(), "no changelog is read without the lease");

        feed.active(true);
        Records changelog = sources.get(0);
        assertTrue(changelog.started);
        // Read so far: a only. Not caught up: a pass given this would delete b and c from the worker.
        assertEquals(Set.of("a"), changelog.write("default/a", state("a", 1)));
        assertEquals(List.of("a@1", "b@1", "c@1"), names(feed.connectors()), "before catching up the store answers");
        assertEquals(Optional.of(state("b", 1)), feed.connector("b"));

        assertEquals(Set.of("b"), changelog.write("default/b", state("b", 1)));
        assertEquals(Set.of("c"), changelog.write("default/c", state("c", 1)));
        int deserializedBefore = deserialized.get();
        assertEquals(Set.of(), changelog.write("prod/x", state("x", 1)), "another cluster's record changes nothing here");
        assertEquals(Set.of(), changelog.writeRaw("prod/y", new byte[] {0, 1, 2}), "nor one it could not even read");
        assertEquals(deserializedBefore, deserialized.get(), "other clusters' values are not deserialized");
        assertEquals(Set.of("a"), changelog.write("default/a", state("a", 2)));
        store.put("a", state("a", 2));
        // The processor deletes b from its store, and its changelog has the tombstone.
        store.remove("b");
        assertEquals(Set.of("b"), changelog.write("default/b", null));
        assertEquals(Set.of(), changelog.write("default/gone", null), "a tombstone of a connector never read changes nothing");
        changelog.caughtUp = true;
        int readsBefore = storeReads.get();

        assertEquals(List.of("a@2", "c@1"), names(feed.connectors()), "an update replaces, a tombstone deletes");
        assertEquals(Optional.empty(), feed.connector("b"));
        assertEquals(Optional.empty(), feed.connector("x"), "another cluster's connector is not this cluster's");
        assertEquals(2, feed.connector("a").orElseThrow().getVersion());
        assertEquals(readsBefore, storeReads.get(), "once caught up, the store is not asked");

        // A question the feed cannot answer in time (its read to the end did not finish): the store answers.
        changelog.caughtUp = false;
        assertEquals(List.of("a@2", "c@1"), names(feed.connectors()));
        changelog.caughtUp = true;

        // The lease lost: the reading stops, the store answers; taken again, the changelog is read from its beginning.
        feed.active(false);
        assertTrue(changelog.closed);
        assertFalse(feed.active());
        assertEquals(List.of("a@2", "c@1"), names(feed.connectors()));
        feed.active(true);
        Records again = sources.get(1);
        again.caughtUp = true;
        assertEquals(List.of(), names(feed.connectors()), "a new reading holds nothing of the last one");
        again.write("default/d", state("d", 1));
        assertEquals(List.of("d@1"), names(feed.connectors()));

        feed.close();
        assertTrue(again.closed);
        feed.active(true);
        assertEquals(2, sources.size(), "a closed feed reads nothing more");
    }

    @Test
    void aValueItCannotReadHandsTheQuestionsBackToTheStore() {
        feed.active(true);
        Records changelog = sources.get(0);
        changelog.write("default/a", state("a", 1));
        changelog.caughtUp = true;
        assertEquals(List.of("a@1"), names(feed.connectors()));
        // Skipping it could make a desired connector look like a stray: the store answers from now on.
        changelog.writeRaw("default/b", new byte[] {(byte) 0xff, 1});
        changelog.write("default/c", state("c", 1));
        assertEquals(List.of("a@1", "b@1", "c@1"), names(feed.connectors()));
        assertNull(feed.connector("zzz").orElse(null));
        feed.close();
    }

    /**
     * What someone else wrote to the changelog is not acted on: a state no replica's processor signed
     * (or signed for another key), and a delete of a connector the store still holds, are taken as the
     * store answers them.
     */
    @Test
    void aRecordNoProcessorWroteIsTakenAsTheStoreAnswersIt() {
        feed.active(true);
        Records changelog = sources.get(0);
        changelog.write("default/a", state("a", 1));
        ConnectorState first = changelog.lastSigned;
        changelog.write("default/b", state("b", 1));
        changelog.caughtUp = true;
        assertEquals(List.of("a@1", "b@1"), names(feed.connectors()));

        ConnectorState forged = ConnectorState.newBuilder(state("a", 9)).setConfig(Map.of("connector.class", "FileStreamSink",
                "file", "/etc/passwd")).build();
        changelog.writeAsIs("default/a", forged);
        assertEquals(state("a", 1), feed.connector("a").orElseThrow(), "unsigned: the store's a");
        changelog.writeAsIs("default/a", REPLICAS.sign("default/b", 0, 100, forged));
        assertEquals(state("a", 1), feed.connector("a").orElseThrow(), "signed for another key: the store's a");
        changelog.writeAsIs("default/a", 1, REPLICAS.sign("default/a", 0, 101, forged));
        assertEquals(state("a", 1), feed.connector("a").orElseThrow(), "signed for another partition: the store's a");
        SignedStates stranger = new SignedStates(RecordSignatures.derived(Map.of("k1", new byte[] {1}), io.switchboard.kafkaio.KeyPurpose.STATES), CHANGELOG);
        changelog.writeAsIs("default/a", stranger.sign("default/a", 0, 102, forged));
        assertEquals(state("a", 1), feed.connector("a").orElseThrow(), "signed with another key under a known id: the store's a");
        changelog.writeAsIs("default/x", forged);
        assertEquals(Optional.empty(), feed.connector("x"), "a connector the store does not hold is not made up");
        // A signed state of a, written again once a has moved on: the store's a.
        ConnectorState a2 = state("a", 2);
        store.put("a", a2);
        changelog.write("default/a", a2);
        ConnectorState signedA2 = changelog.lastSigned;
        changelog.writeAsIs("default/a", first);
        assertEquals(2, feed.connector("a").orElseThrow().getVersion(), "an older state copied again: the store's a");
        store.put("a", ConnectorState.newBuilder(a2).setConfig(Map.of("connector.class", "FileStreamSource", "file", "/tmp/a-3")).build());
        changelog.writeAsIs("default/a", signedA2);
        assertEquals("/tmp/a-3", feed.connector("a").orElseThrow().getConfig().get("file"), "the latest state copied again: the store's a");
        store.put("a", a2);
        changelog.write("default/a", a2);

        changelog.write("default/b", null);
        assertEquals(List.of("a@2", "b@1"), names(feed.connectors()), "a forged delete: the store still holds b");
        store.remove("b");
        changelog.write("default/b", null);
        assertEquals(List.of("a@2"), names(feed.connectors()), "deleted in the store: deleted here");

        // A state stored before states were signed is what the store holds: taken as such.
        store.put("c", state("c", 1));
        changelog.writeAsIs("default/c", state("c", 1));
        assertEquals(List.of("a@2", "c@1"), names(feed.connectors()));
        feed.close();
    }

    /**
     * A deleted connector's signed state, copied back into the changelog after its tombstone (whose
     * record carries nothing), is not taken as desired: it comes before what the partition holds since.
     */
    @Test
    void aDeletedConnectorsStateCopiedBackAfterItsTombstoneIsNotTaken() {
        feed.active(true);
        Records changelog = sources.get(0);
        changelog.write("default/a", state("a", 1));
        ConnectorState deleted = changelog.lastSigned;
        changelog.write("default/c", state("c", 1));
        changelog.caughtUp = true;
        store.remove("a");
        store.remove("b");
        changelog.write("default/a", null);
        assertEquals(List.of("c@1"), names(feed.connectors()));
        int readsBefore = storeReads.get();

        assertEquals(Set.of(), changelog.writeAsIs("default/a", deleted), "nothing changes");
        assertEquals(List.of("c@1"), names(feed.connectors()), "the copy is not desired: the store has no a");
        assertEquals(Optional.empty(), feed.connector("a"));
        assertEquals(readsBefore + 1, storeReads.get(), "the store was asked about it, once");

        // The connector made again is taken at once.
        store.put("a", state("a", 1));
        changelog.write("default/a", state("a", 1));
        assertEquals(List.of("a@1", "c@1"), names(feed.connectors()));
        assertEquals(readsBefore + 1, storeReads.get());
        feed.close();
    }
}
