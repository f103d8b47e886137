package io.switchboard.processor;

import io.switchboard.kafkaio.RecordRefusals;
import io.switchboard.kafkaio.RecordSignatures;
import io.switchboard.kafkaio.RecordSignatures.Verdict;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import java.nio.charset.StandardCharsets;

/**
 * The first step of every record of a topic the processor acts on but does not write (the data
 * plane's observations): only a record a replica signed ({@link RecordSignatures}, over its bytes and
 * headers as they are on the topic) is read and handed on, without its headers; any other is counted
 * and logged ({@link RecordRefusals}) and does nothing else.
 */
final class RecordVerifier<V> implements Processor<byte[], byte[], String, V> {
    private final String topic;
    private final String counted;
    private final RecordSignatures signatures;
    private final Deserializer<V> values;
    private final RecordRefusals refusals;
    private final String child;
    private ProcessorContext<String, V> context;

    /**
     * @param counted what its refusals are counted as, one of {@link RecordRefusals#TOPICS}
     * @param child   the node the records that verify go to
     */
    RecordVerifier(String topic, String counted, RecordSignatures signatures, Deserializer<V> values, RecordRefusals refusals,
                   String child) {
        this.topic = topic;
        this.counted = counted;
        this.signatures = signatures;
        this.values = values;
        this.refusals = refusals;
        this.child = child;
    }

    @Override
    public void init(ProcessorContext<String, V> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        Verdict verdict = signatures.verify(topic, record.key(), record.value(), record.headers());
        if (verdict != Verdict.SIGNED) {
            refusals.refused(counted, verdict, context.recordMetadata()
                    .map(at -> at.topic() + "-" + at.partition() + "@" + at.offset()).orElse(topic));
            return;
        }
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        V value = record.value() == null ? null : values.deserialize(topic, record.headers(), record.value());
        context.forward(new Record<>(key, value, record.timestamp(), new RecordHeaders()), child);
    }
}
