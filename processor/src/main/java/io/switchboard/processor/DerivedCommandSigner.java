package io.switchboard.processor;

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
 * sink (once, as the sink would), so that the signature covers the bytes that reach the topic.
 * Deterministic, so a transaction replayed after an abort writes the same records.
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
        signatures.sign(topic, key, value, headers);
        context.forward(new Record<>(key, value, record.timestamp(), headers), sink);
    }

    /** Every partition of the topic, whatever the key: a policy's version reaches the decider of every partition. */
    static Optional<Set<Integer>> everyPartition(String topic, byte[] key, byte[] value, int partitions) {
        return Optional.of(IntStream.range(0, partitions).boxed().collect(Collectors.toSet()));
    }
}
