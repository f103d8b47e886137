package io.switchboard.processor;

import io.switchboard.kafkaio.CommandRecords;
import io.switchboard.kafkaio.Topics;
import io.switchboard.kafkaio.RecordSignatures;
import io.switchboard.schemas.ConnectorCommand;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Signs the commands the processor writes back to the command topic (a set change's per-connector
 * commands, a policy's version in force), as a replica's API signs the commands it sends: serialized here rather than by the
 * sink (once, as the sink would), so that the signature covers the bytes that reach the topic, and
 * stamped with the time they are issued ({@link CommandRecords}): now, by the stream thread's clock,
 * since they are written now, however long ago the command they follow from was issued (a backlog
 * decided after a stop). The stamp is the one thing that differs when a transaction is replayed after
 * an abort: what the aborted one wrote was never read, and the commands' ids and contents are the same.
 * A keyed command goes to its key's partition ({@link #keyed}), as the API's do.
 */
final class DerivedCommandSigner implements Processor<String, ConnectorCommand, byte[], byte[]> {
    static final String SINK = "derived-commands-sink";
    /** The sink of the policies' versions in force: to every partition of the command topic. */
    static final String EVERY_PARTITION_SINK = "policy-in-force-sink";

    private final String topic;
    private final RecordSignatures signatures;
    private final Serializer<ConnectorCommand> commands;
    private final String sink;
    private ProcessorContext<byte[], byte[]> context;

    /** @param sink the sink node the signed records go to */
    DerivedCommandSigner(Topics topics, RecordSignatures signatures, Serializer<ConnectorCommand> commands, String sink) {
        this.topic = topics.commands();
        this.sink = sink;
        this.signatures = signatures;
        this.commands = commands;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, ConnectorCommand> record) {
        Headers headers = new RecordHeaders();
        byte[] key = record.key().getBytes(StandardCharsets.UTF_8);
        byte[] value = commands.serialize(topic, headers, record.value());
        long now = context.currentSystemTimeMs();
        CommandRecords.stampAndSign(signatures, topic, key, value, headers, now);
        context.forward(new Record<>(key, value, now, headers), sink);
    }

    /** Its key's partition ({@link CommandRecords#partition}), whatever partitioner the processor's producer is given. */
    static Optional<Set<Integer>> keyed(String topic, byte[] key, byte[] value, int partitions) {
        return Optional.of(Set.of(CommandRecords.partition(key, partitions)));
    }

    /** Every partition of the topic, whatever the key: a policy's version reaches the decider of every partition. */
    static Optional<Set<Integer>> everyPartition(String topic, byte[] key, byte[] value, int partitions) {
        return Optional.of(IntStream.range(0, partitions).boxed().collect(Collectors.toSet()));
    }
}
