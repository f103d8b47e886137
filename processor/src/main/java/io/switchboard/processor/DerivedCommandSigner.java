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

/**
 * Signs the commands the processor writes back to the command topic (a set change's per-connector
 * commands), as a replica's API signs the commands it sends: serialized here rather than by the
 * sink (once, as the sink would), so that the signature covers the bytes that reach the topic.
 * Deterministic, so a transaction replayed after an abort writes the same records.
 */
final class DerivedCommandSigner implements Processor<String, ConnectorCommand, byte[], byte[]> {
    static final String SINK = "derived-commands-sink";

    private final String topic;
    private final RecordSignatures signatures;
    private final Serializer<ConnectorCommand> commands;
    private ProcessorContext<byte[], byte[]> context;

    DerivedCommandSigner(Topics topics, RecordSignatures signatures, Serializer<ConnectorCommand> commands) {
        this.topic = topics.commands();
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
        context.forward(new Record<>(key, value, record.timestamp(), headers), SINK);
    }
}
