package io.switchboard.processor;

import io.switchboard.kafkaio.Topics;
import io.switchboard.kafkaio.RecordSignatures;
import io.switchboard.kafkaio.RecordSignatures.Verdict;
import io.switchboard.schemas.ConnectorCommand;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import java.nio.charset.StandardCharsets;

/**
 * The first step of every record of the command topic: only a command a replica signed
 * ({@link RecordSignatures}, over the record's bytes as they are on the topic) is read and handed to
 * the decider. Any other record (no signature, one by a key id this replica does not hold, one that
 * does not match) is never decided: it goes, as it was, to the dead-letter topic with the reason in
 * {@value #REASON_HEADER}, and is counted and logged ({@link CommandRefusals}). Nothing else happens:
 * no store is written, no decision or event is sent, so a request waiting on such a command is not
 * answered by it.
 */
final class CommandVerifier implements Processor<byte[], byte[], Object, Object> {
    static final String NAME = "verify";
    static final String REFUSED = "refused-commands-sink";
    /** The header of a refused record in the dead-letter topic that says why it was refused. */
    static final String REASON_HEADER = "switchboard.refused.reason";

    private final String topic;
    private final String deadLetters;
    private final RecordSignatures signatures;
    private final Deserializer<ConnectorCommand> commands;
    private final CommandRefusals refusals;
    private final DecisionObserver observer;
    private ProcessorContext<Object, Object> context;

    CommandVerifier(Topics topics, RecordSignatures signatures, Deserializer<ConnectorCommand> commands,
                    CommandRefusals refusals, DecisionObserver observer) {
        this.topic = topics.commands();
        this.deadLetters = topics.deadLetters();
        this.signatures = signatures;
        this.commands = commands;
        this.refusals = refusals;
        this.observer = observer;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        Verdict verdict = signatures.verify(topic, record.key(), record.value(), record.headers());
        if (verdict != Verdict.SIGNED) {
            refuse(record, verdict);
            return;
        }
        // What follows the decider sends on (decisions, events) carries no signature.
        Headers headers = new RecordHeaders(record.headers().toArray());
        headers.remove(RecordSignatures.HEADER);
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        // A signed record that is no command fails here, and goes to the dead-letter topic as before.
        ConnectorCommand command = commands.deserialize(topic, headers, record.value());
        context.forward(new Record<Object, Object>(key, command, record.timestamp(), headers), CommandTopology.DECIDE);
    }

    private void refuse(Record<byte[], byte[]> record, Verdict verdict) {
        Headers headers = new RecordHeaders(record.headers().toArray());
        headers.add(REASON_HEADER, verdict.reason().getBytes(StandardCharsets.UTF_8));
        context.forward(new Record<Object, Object>(record.key(), record.value(), record.timestamp(), headers), REFUSED);
        context.recordMetadata().ifPresentOrElse(at -> {
            refusals.refused(verdict, at.topic(), at.partition(), at.offset(), deadLetters);
            // Nothing to decide: the partition counts as processed past it.
            observer.processed(at.partition(), at.offset());
        }, () -> refusals.refused(verdict, topic, -1, -1, deadLetters));
    }
}
