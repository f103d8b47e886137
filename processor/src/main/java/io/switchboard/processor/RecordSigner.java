package io.switchboard.processor;

import io.switchboard.kafkaio.CommandRecords;
import io.switchboard.kafkaio.RecordSignatures;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import java.nio.charset.StandardCharsets;

/**
 * Signs what the processor writes to a topic that replicas or the data plane act on (decisions,
 * the policies and their versions): serialized here rather than by the sink (once, as the sink
 * would), stamped with the time it is written ({@link CommandRecords#ISSUED_HEADER}, by the stream
 * thread's clock) and signed with the replicas' record keys over the bytes that reach the topic and
 * every header ({@link RecordSignatures}), so a reader acts only on what a replica's processor wrote.
 */
final class RecordSigner<V> implements Processor<String, V, byte[], byte[]> {
    private final String topic;
    private final RecordSignatures signatures;
    private final Serializer<V> values;
    private final String sink;
    private ProcessorContext<byte[], byte[]> context;

    /** @param sink the sink node the signed records go to */
    RecordSigner(String topic, RecordSignatures signatures, Serializer<V> values, String sink) {
        this.topic = topic;
        this.signatures = signatures;
        this.values = values;
        this.sink = sink;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, V> record) {
        Headers headers = new RecordHeaders(record.headers().toArray());
        byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
        byte[] value = record.value() == null ? null : values.serialize(topic, headers, record.value());
        CommandRecords.stampAndSign(signatures, topic, key, value, headers, context.currentSystemTimeMs());
        context.forward(new Record<>(key, value, record.timestamp(), headers), sink);
    }
}
