package io.switchboard.processor;

import io.switchboard.kafkaio.CommandRecords;
import io.switchboard.kafkaio.Topics;
import io.switchboard.kafkaio.RecordSignatures;
import io.switchboard.kafkaio.RecordSignatures.Verdict;
import io.switchboard.processor.CommandAdmission.Refusal;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.PolicyInForce;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.errors.TaskCorruptedException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The first step of every record of the command topic: only a command a replica signed
 * ({@link RecordSignatures}, over the record's bytes and headers as they are on the topic), in its
 * key's partition, fresh and not decided before ({@link CommandAdmission}) is read and handed to the
 * decider. Any other record is never decided: it goes, as it was, to the dead-letter topic with the
 * reason in {@value #REASON_HEADER}, and is counted and logged ({@link CommandRefusals}). Nothing else
 * happens: no store but the admitted ids is written, no decision or event is sent, so a request
 * waiting on such a command is not answered by it. The decider gets only the headers it reads and
 * the records it makes may carry: the W3C trace context ({@link #KEPT_HEADERS}), signed with the rest.
 */
final class CommandVerifier implements Processor<byte[], byte[], Object, Object> {
    static final String NAME = "verify";
    static final String REFUSED = "refused-commands-sink";
    /** The header of a refused record in the dead-letter topic that says why it was refused. */
    static final String REASON_HEADER = "switchboard.refused.reason";
    /** The headers of a command the decider reads (its span's parent) and the records made of it carry on. */
    static final Set<String> KEPT_HEADERS = Set.of("traceparent", "tracestate");
    /** How often the admitted ids past {@link CommandAdmission#forgetBefore} are forgotten. */
    static final Duration FORGET_EVERY = Duration.ofMinutes(1);

    private static final Logger LOG = LoggerFactory.getLogger(CommandVerifier.class);

    private final String topic;
    private final String deadLetters;
    private final RecordSignatures signatures;
    private final Deserializer<ConnectorCommand> commands;
    private final CommandRefusals refusals;
    private final DecisionObserver observer;
    private final int partitions;
    private final CommandLog log;
    private ProcessorContext<Object, Object> context;
    private DecidedCommands decided;
    /** Whether {@link #decided} holds what the partition admitted lately: rebuilt before the task's first record. */
    private boolean rebuilt;
    /** The latest append time of a command this task admitted; the admitted ids are forgotten by it. */
    private long latestAppendedAt = Long.MIN_VALUE;

    /**
     * @param partitions the command topic's partitions, by which a key names its partition
     * @param log        the command topic read again, from which the ids admitted lately are rebuilt
     */
    CommandVerifier(Topics topics, RecordSignatures signatures, Deserializer<ConnectorCommand> commands,
                    CommandRefusals refusals, DecisionObserver observer, int partitions, CommandLog log) {
        this.topic = topics.commands();
        this.deadLetters = topics.deadLetters();
        this.signatures = signatures;
        this.commands = commands;
        this.refusals = refusals;
        this.observer = observer;
        this.partitions = partitions;
        this.log = log;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.decided = new DecidedCommands(context.getStateStore(StoreNames.DECIDED_COMMANDS));
        this.latestAppendedAt = Long.MIN_VALUE;
        this.rebuilt = false;
        // Whenever it runs, the ids it forgets are of commands a copy of which is stale: the admission is the same.
        context.schedule(FORGET_EVERY, PunctuationType.WALL_CLOCK_TIME, now -> {
            if (latestAppendedAt != Long.MIN_VALUE) {
                decided.forgetBefore(CommandAdmission.forgetBefore(latestAppendedAt));
            }
        });
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        int partition = context.recordMetadata().map(at -> at.partition()).orElse(context.taskId().partition());
        if (!rebuilt) {
            rebuild(partition, context.recordMetadata().map(at -> at.offset()).orElse(0L), record.timestamp());
        }
        Verdict verdict = signatures.verify(topic, record.key(), record.value(), record.headers());
        if (verdict != Verdict.SIGNED) {
            refuse(record, Refusal.of(verdict));
            return;
        }
        // A signed record that is no command fails here, and goes to the dead-letter topic like any record that cannot be processed.
        ConnectorCommand command = commands.deserialize(topic, record.headers(), record.value());
        Optional<Refusal> refusal = admitted(partition, record.key(), command, record.headers(), record.timestamp());
        if (refusal.isPresent()) {
            refuse(record, refusal.get());
            return;
        }
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        context.forward(new Record<Object, Object>(key, command, record.timestamp(), kept(record.headers())), CommandTopology.DECIDE);
    }

    /**
     * The rule for a signed command ({@link CommandAdmission}): empty when it is admitted, and then its
     * id is remembered and its append time counted, else why not.
     */
    private Optional<Refusal> admitted(int partition, byte[] recordKey, ConnectorCommand command, Headers headers, long appendedAt) {
        // A policy's version in force goes to every partition; every other command to its key's.
        Optional<Integer> expected = command != null && command.getAction() instanceof PolicyInForce || recordKey == null
                ? Optional.empty() : Optional.of(CommandRecords.partition(recordKey, partitions));
        OptionalLong issuedAt = CommandRecords.issuedAt(headers);
        Optional<Refusal> refusal = CommandAdmission.placedAndFresh(partition, expected, issuedAt, appendedAt);
        if (refusal.isEmpty() && command != null) {
            String key = recordKey == null ? null : new String(recordKey, StandardCharsets.UTF_8);
            refusal = CommandAdmission.seen(decided.seenElseRemember(issuedAt.getAsLong(), key, command.getCommandId()));
        }
        if (refusal.isEmpty()) {
            latestAppendedAt = Math.max(latestAppendedAt, appendedAt);
        }
        return refusal;
    }

    /**
     * Remembers, before the task's first record (at {@code before}, appended at {@code appendedAt}),
     * the ids of the commands the partition admitted that a copy could still be taken for: the
     * command topic's committed records appended since {@link CommandAdmission#rememberedSince}, each
     * admitted or not by the same rule as when it was decided (no clock is read), in order. Every
     * record before {@code before} was decided already: Kafka Streams starts a task where it last
     * committed, and the decisions of those records were committed with that position. A read that
     * fails makes Kafka Streams close the task and start it again from there: no record is skipped.
     */
    private void rebuild(int partition, long before, long appendedAt) {
        long since = CommandAdmission.rememberedSince(appendedAt);
        int[] remembered = {0};
        long started = System.nanoTime();
        try {
            read(partition, since, before, remembered);
        } catch (RuntimeException e) {
            // Not the processing exception handler's to skip: the task starts again where it last committed.
            LOG.warn("Partition {} of {}: could not read the commands admitted since {} again; the task starts again: {}",
                    partition, topic, java.time.Instant.ofEpochMilli(since), e.toString());
            throw new TaskCorruptedException(Set.of(context.taskId()));
        }
        rebuilt = true;
        LOG.info("Partition {} of {}: {} commands admitted since {} remembered, read again before offset {} in {} ms",
                partition, topic, remembered[0], java.time.Instant.ofEpochMilli(since), before, (System.nanoTime() - started) / 1_000_000);
    }

    private void read(int partition, long since, long before, int[] remembered) {
        log.read(partition, since, before, logged -> {
            if (signatures.verify(topic, logged.key(), logged.value(), logged.headers()) != Verdict.SIGNED) {
                return;
            }
            ConnectorCommand command;
            try {
                command = commands.deserialize(topic, logged.headers(), logged.value());
            } catch (RuntimeException e) {
                return;
            }
            if (admitted(partition, logged.key(), command, logged.headers(), logged.timestamp()).isEmpty()) {
                remembered[0]++;
            }
        });
    }

    /** The trace context alone: any other header (a client's baggage, the signature, the issue time) stops here. */
    private static Headers kept(Headers headers) {
        Headers kept = new RecordHeaders();
        for (Header header : headers) {
            if (KEPT_HEADERS.contains(header.key())) {
                kept.add(header);
            }
        }
        return kept;
    }

    private void refuse(Record<byte[], byte[]> record, Refusal refusal) {
        Headers headers = new RecordHeaders(record.headers().toArray());
        headers.add(REASON_HEADER, refusal.reason().getBytes(StandardCharsets.UTF_8));
        context.forward(new Record<Object, Object>(record.key(), record.value(), record.timestamp(), headers), REFUSED);
        context.recordMetadata().ifPresentOrElse(at -> {
            refusals.refused(refusal, at.topic(), at.partition(), at.offset(), deadLetters);
            // Nothing to decide: the partition counts as processed past it.
            observer.processed(at.partition(), at.offset());
        }, () -> refusals.refused(refusal, topic, -1, -1, deadLetters));
    }
}
