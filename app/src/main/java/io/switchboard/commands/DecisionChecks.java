package io.switchboard.commands;

import io.switchboard.kafkaio.CommandRecords;
import io.switchboard.kafkaio.RecordRefusals;
import io.switchboard.kafkaio.RecordSignatures;
import io.switchboard.kafkaio.RecordSignatures.Verdict;
import io.switchboard.kafkaio.TopicRecord;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.SignedStates;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Deserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * Which records the decisions consumer acts on (answers a request with, tells the data plane of):
 * <ul>
 *   <li>a record of the decisions topic that a replica's processor signed ({@link RecordSignatures},
 *   the replicas' record keys), stamped when it was written ({@link CommandRecords#ISSUED_HEADER})
 *   no more than {@link #LATE} before and {@link #EARLY} after this replica's clock, and not read
 *   before (a copy of one, the same bytes and headers, is refused: the signatures of the last
 *   {@link #MAX_REMEMBERED} read within {@link #LATE} are remembered);</li>
 *   <li>a state of the connectors changelog that the processor signed for its key and partition
 *   ({@link SignedStates}), later than every state read before from that partition
 *   ({@link SignedStates.Order}): a copy of an earlier state written again is refused.</li>
 * </ul>
 * Anything else is counted and logged ({@link RecordRefusals}). On the consumer's thread only.
 */
public final class DecisionChecks {
    /** How long before this replica's clock a decision may have been written: as for a command. */
    static final Duration LATE = Duration.ofMinutes(2);
    /** How long after this replica's clock a decision may say it was written: the replicas' clocks' room. */
    static final Duration EARLY = Duration.ofMinutes(1);
    /** The most decisions' signatures remembered; past it, the oldest are forgotten first. */
    static final int MAX_REMEMBERED = 100_000;

    private final String decisions;
    private final RecordSignatures records;
    private final SignedStates states;
    private final RecordRefusals refusals;
    private final LongSupplier clock;
    private final SignedStates.Order order = new SignedStates.Order();
    /** The signatures of the decisions read, with their stamps, oldest first. */
    private final LinkedHashMap<String, Long> remembered = new LinkedHashMap<>();

    /**
     * @param decisions the decisions topic
     * @param records   the replicas' signatures of the decisions
     * @param states    the processor's signatures of the connectors store's states
     */
    public DecisionChecks(String decisions, RecordSignatures records, SignedStates states, RecordRefusals refusals) {
        this(decisions, records, states, refusals, System::currentTimeMillis);
    }

    DecisionChecks(String decisions, RecordSignatures records, SignedStates states, RecordRefusals refusals, LongSupplier clock) {
        this.decisions = decisions;
        this.records = records;
        this.states = states;
        this.refusals = refusals;
        this.clock = clock;
    }

    /** Whether the decision record is a replica's processor's, written lately, and not read before. */
    public boolean decision(TopicRecord<byte[], byte[]> record) {
        Verdict verdict = records.verify(decisions, record.key(), record.value(), record.headers());
        if (verdict != Verdict.SIGNED) {
            refusals.refused(RecordRefusals.DECISIONS, verdict, where(record));
            return false;
        }
        long now = clock.getAsLong();
        OptionalLong stamp = CommandRecords.issuedAt(record.headers());
        if (stamp.isEmpty() || stamp.getAsLong() < now - LATE.toMillis() || stamp.getAsLong() > now + EARLY.toMillis()) {
            refusals.refused(RecordRefusals.DECISIONS, RecordRefusals.STALE, where(record));
            return false;
        }
        forgetBefore(now - LATE.toMillis());
        Header signature = record.headers().lastHeader(RecordSignatures.HEADER);
        String id = new String(signature.value(), StandardCharsets.US_ASCII);
        if (remembered.containsKey(id)) {
            refusals.refused(RecordRefusals.DECISIONS, RecordRefusals.REPLAYED, where(record));
            return false;
        }
        remembered.put(id, stamp.getAsLong());
        if (remembered.size() > MAX_REMEMBERED) {
            Iterator<String> oldest = remembered.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        return true;
    }

    /**
     * The state a changelog record holds, when the processor signed it for the record's key and
     * partition and it comes after every state read from that partition; null for anything else.
     */
    public ConnectorState state(TopicRecord<byte[], byte[]> record, Deserializer<ConnectorState> values) {
        ConnectorState state = values.deserialize(record.topic(), record.headers(), record.value());
        if (state == null) {
            return null;
        }
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        Verdict verdict = states.verify(key, record.partition(), state);
        if (verdict != Verdict.SIGNED) {
            refusals.refused(RecordRefusals.CONNECTORS_CHANGELOG, verdict, where(record));
            return null;
        }
        if (!order.advances(record.partition(), state)) {
            refusals.refused(RecordRefusals.CONNECTORS_CHANGELOG, RecordRefusals.REPLAYED, where(record));
            return null;
        }
        return state;
    }

    /** Decisions stamped before {@code before} are refused as stale whatever is remembered: forgotten. */
    private void forgetBefore(long before) {
        Iterator<Map.Entry<String, Long>> oldest = remembered.entrySet().iterator();
        while (oldest.hasNext()) {
            if (oldest.next().getValue() >= before) {
                return;
            }
            oldest.remove();
        }
    }

    private static String where(TopicRecord<byte[], byte[]> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }
}
