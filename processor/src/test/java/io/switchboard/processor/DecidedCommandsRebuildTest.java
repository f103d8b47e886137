package io.switchboard.processor;

import io.switchboard.kafkaio.CommandRecords;
import io.switchboard.kafkaio.TopicRecord;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ChangeTargetState;
import io.switchboard.schemas.TargetState;
import io.switchboard.schemas.wire.AvroSerde;
import io.switchboard.schemas.wire.InMemorySchemaRegistryClient;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.errors.TaskCorruptedException;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The ids a partition admitted lately are kept in memory only, and rebuilt from the command topic
 * before a task decides its first record: a copy of a command decided before the task started (on
 * this replica before a restart, or on another before a rebalance) is refused as a replay, exactly as
 * it would have been by the task that decided it.
 */
class DecidedCommandsRebuildTest {
    private static final String KEY = "default/orders";
    private static final long T0 = 1_800_000_000_000L;
    private static final String TOPIC = TopologyFixture.TOPICS.commands();
    private final AvroSerde<ConnectorCommand> serde = new AvroSerde<>(new InMemorySchemaRegistryClient(), ConnectorCommand.class, false);

    /** A command record as a replica writes it, issued at {@code issuedAt}, as the topic holds it at {@code offset}. */
    private TopicRecord<byte[], byte[]> logged(String id, long issuedAt, long offset, long appendedAt) {
        ConnectorCommand command = ConnectorCommand.newBuilder().setCommandId(id).setCluster("default").setConnector("orders")
                .setPrincipal("alice").setRequestId("req-" + id).setIssuedAt(issuedAt).setAction(new ChangeTargetState(TargetState.PAUSED)).build();
        byte[] key = KEY.getBytes(StandardCharsets.UTF_8);
        byte[] value = serde.serializer().serialize(TOPIC, new RecordHeaders(), command);
        Headers headers = new RecordHeaders();
        CommandRecords.stampAndSign(TopologyFixture.SIGNATURES, TOPIC, key, value, headers, issuedAt);
        return new TopicRecord<>(TOPIC, 0, offset, appendedAt, headers, key, value);
    }

    /** A task's verifier over an empty in-memory store, reading the topic again from {@code log}. */
    private static final class Task {
        final MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        final CommandVerifier verifier;

        Task(AvroSerde<ConnectorCommand> serde, CommandLog log) {
            KeyValueStore<String, Long> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StoreNames.DECIDED_COMMANDS),
                    Serdes.String(), Serdes.Long()).withLoggingDisabled().build();
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
            verifier = new CommandVerifier(TopologyFixture.TOPICS, TopologyFixture.SIGNATURES, serde.deserializer(),
                    new CommandRefusals(), DecisionObserver.NONE, 1, log);
            verifier.init(context);
        }

        /** Where the record went: to the decider, or refused, with the reason. */
        String process(TopicRecord<byte[], byte[]> record) {
            context.resetForwards();
            context.setRecordMetadata(TOPIC, 0, record.offset());
            verifier.process(new Record<>(record.key(), record.value(), record.timestamp(), new RecordHeaders(record.headers().toArray())));
            var forwarded = context.forwarded();
            assertEquals(1, forwarded.size(), "one record forwarded");
            String child = forwarded.get(0).childName().orElseThrow();
            if (child.equals(CommandVerifier.REFUSED)) {
                return new String(forwarded.get(0).record().headers().lastHeader(CommandVerifier.REASON_HEADER).value(),
                        StandardCharsets.UTF_8);
            }
            return child;
        }
    }

    /** The log's records below {@code before} and appended since {@code since}, as Kafka would read them; each read counted. */
    private static CommandLog logOf(List<TopicRecord<byte[], byte[]>> records, List<long[]> reads) {
        return (partition, since, before, each) -> {
            reads.add(new long[] {partition, since, before});
            records.stream().filter(r -> r.offset() < before && r.timestamp() >= since).forEach(each);
        };
    }

    @Test
    void aCopyOfACommandDecidedBeforeTheTaskStartedIsRefusedAsAReplay() {
        TopicRecord<byte[], byte[]> pause = logged("pause-1", T0, 3, T0);
        // The copy, appended 30 s later at offset 10: fresh by its issue time, so only its id tells it apart.
        TopicRecord<byte[], byte[]> copy = new TopicRecord<>(TOPIC, 0, 10, T0 + 30_000, pause.headers(), pause.key(), pause.value());

        List<long[]> reads = new ArrayList<>();
        Task restarted = new Task(serde, logOf(List.of(pause), reads));
        assertEquals("replayed", restarted.process(copy));
        assertEquals(1, reads.size());
        assertEquals(10, reads.get(0)[2], "read up to the task's first record, not past it");
        assertEquals(CommandAdmission.rememberedSince(T0 + 30_000), reads.get(0)[1]);

        // What a task that did not read the topic again would have done: decided the copy.
        Task forgetful = new Task(serde, logOf(List.of(), new ArrayList<>()));
        assertEquals(CommandTopology.DECIDE, forgetful.process(copy));
    }

    @Test
    void theTopicIsReadOnceBeforeTheFirstRecordAndTheRecordsAfterAreDecidedAsEver() {
        List<long[]> reads = new ArrayList<>();
        Task task = new Task(serde, logOf(List.of(logged("pause-1", T0, 0, T0)), reads));
        assertEquals(CommandTopology.DECIDE, task.process(logged("pause-2", T0 + 1_000, 1, T0 + 1_000)));
        TopicRecord<byte[], byte[]> third = logged("pause-3", T0 + 2_000, 2, T0 + 2_000);
        assertEquals(CommandTopology.DECIDE, task.process(third));
        assertEquals("replayed", task.process(new TopicRecord<>(TOPIC, 0, 3, T0 + 3_000, third.headers(), third.key(), third.value())));
        assertEquals(1, reads.size(), "read once");
    }

    @Test
    void theReadStartsWhereACopyCouldStillBeTakenForFresh() {
        long late = T0 + CommandAdmission.LATE.toMillis() + CommandAdmission.MARGIN.toMillis() + CommandAdmission.EARLY.toMillis() + 1;
        List<long[]> reads = new ArrayList<>();
        Task task = new Task(serde, logOf(List.of(logged("pause-1", T0, 0, T0)), reads));
        // Its copy would be stale whatever the store held; the window is where the read starts.
        assertEquals(CommandTopology.DECIDE, task.process(logged("pause-2", late, 1, late)));
        assertEquals(T0 + 1, reads.get(0)[1]);
    }

    @Test
    void aReadThatFailsIsTriedAgainAtTheNextRecord() {
        List<TopicRecord<byte[], byte[]>> log = List.of(logged("pause-1", T0, 0, T0));
        int[] calls = {0};
        Task task = new Task(serde, (partition, since, before, each) -> {
            if (calls[0]++ == 0) {
                throw new IllegalStateException("the broker is away");
            }
            log.stream().filter(r -> r.offset() < before).forEach(each);
        });
        TopicRecord<byte[], byte[]> copy = new TopicRecord<>(TOPIC, 0, 5, T0 + 1_000, log.get(0).headers(), log.get(0).key(),
                log.get(0).value());
        assertThrows(TaskCorruptedException.class, () -> task.process(copy), "not a record to skip");
        assertEquals("replayed", task.process(copy));
        assertEquals(2, calls[0]);
    }
}
