package io.switchboard.processor;

import io.switchboard.kafkaio.RecordRefusals;
import io.switchboard.kafkaio.RecordSignatures;
import io.switchboard.kafkaio.RecordSignatures.Verdict;
import io.switchboard.schemas.ConnectorPolicy;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.charset.StandardCharsets;

/**
 * Keeps a global store of policies as its topic says, as a replica's processor wrote it: each record
 * a replica signed ({@link RecordSignatures}) puts its value under its key, unless the store holds a
 * later version of that policy there already (a copy of an earlier record written again). A record
 * no replica signed, a tombstone among them (the processor writes none), changes nothing and is
 * counted and logged ({@link RecordRefusals}). Kafka Streams hands the records to it when it
 * restores the store too, so a restored store holds only what verifies.
 */
final class GlobalStoreUpdate implements Processor<byte[], byte[], Void, Void> {
    private final String storeName;
    private final String topic;
    private final String counted;
    private final RecordSignatures signatures;
    private final Deserializer<ConnectorPolicy> policies;
    private final RecordRefusals refusals;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, ConnectorPolicy> store;

    /** @param counted what its refusals are counted as, one of {@link RecordRefusals#TOPICS} */
    GlobalStoreUpdate(String storeName, String topic, String counted, RecordSignatures signatures,
                      Deserializer<ConnectorPolicy> policies, RecordRefusals refusals) {
        this.storeName = storeName;
        this.topic = topic;
        this.counted = counted;
        this.signatures = signatures;
        this.policies = policies;
        this.refusals = refusals;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        Verdict verdict = signatures.verify(topic, record.key(), record.value(), record.headers());
        if (verdict != Verdict.SIGNED || record.key() == null || record.value() == null) {
            refused(verdict == Verdict.SIGNED ? Verdict.BAD_SIGNATURE.reason() : verdict.reason());
            return;
        }
        String key = new String(record.key(), StandardCharsets.UTF_8);
        ConnectorPolicy policy = policies.deserialize(topic, record.headers(), record.value());
        ConnectorPolicy held = store.get(key);
        if (held != null && policy.getVersion() < held.getVersion()) {
            refused(RecordRefusals.REPLAYED);
            return;
        }
        store.put(key, policy);
    }

    private void refused(String reason) {
        refusals.refused(counted, reason, context.recordMetadata()
                .map(at -> at.topic() + "-" + at.partition() + "@" + at.offset()).orElse(topic));
    }
}
