package io.switchboard.kafkaio;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The records of the control plane's own topics (other than commands) that a reader did not act on:
 * no replica signed them ({@link RecordSignatures}), or they copy an earlier record. Counted by topic
 * and reason, both from bounded lists ({@link #TOPICS}, {@link #REASONS}), for the metrics; told in
 * the log at most once per {@link #LOG_EVERY}, with how many since the last line and where the latest
 * one is, never what it holds. Shared by every reader of a replica, safe for any number of threads.
 */
public final class RecordRefusals {
    private static final Logger log = LoggerFactory.getLogger(RecordRefusals.class);
    static final Duration LOG_EVERY = Duration.ofSeconds(10);
    /** What the records are, by the topic they were read from. */
    public static final String DECISIONS = "decisions";
    public static final String OBSERVATIONS = "observations";
    public static final String POLICIES = "policies";
    public static final String POLICY_VERSIONS = "policy-versions";
    public static final String CONNECTORS_CHANGELOG = "connectors-changelog";
    public static final List<String> TOPICS = List.of(DECISIONS, OBSERVATIONS, POLICIES, POLICY_VERSIONS, CONNECTORS_CHANGELOG);
    /** A signed record older than one read before it, or one read already. */
    public static final String REPLAYED = "replayed";
    /** A signed record stamped too long before (or after) it was read. */
    public static final String STALE = "stale";
    public static final List<String> REASONS = List.of(RecordSignatures.Verdict.UNSIGNED.reason(),
            RecordSignatures.Verdict.UNKNOWN_KEY.reason(), RecordSignatures.Verdict.BAD_SIGNATURE.reason(), STALE, REPLAYED);

    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final AtomicLong unlogged = new AtomicLong();
    private final AtomicLong nextLogAt = new AtomicLong(System.nanoTime());

    public RecordRefusals() {
        for (String topic : TOPICS) {
            for (String reason : REASONS) {
                counts.put(topic + " " + reason, new AtomicLong());
            }
        }
    }

    /** How many records of this topic (one of {@link #TOPICS}) were refused for this reason since the replica started. */
    public long count(String topic, String reason) {
        AtomicLong count = counts.get(topic + " " + reason);
        return count == null ? 0 : count.get();
    }

    /** Counts a record refused for what its signature says of it. */
    public void refused(String topic, RecordSignatures.Verdict verdict, String where) {
        refused(topic, verdict.reason(), where);
    }

    /**
     * Counts a refused record, and logs (at most once per {@link #LOG_EVERY}) where it is.
     *
     * @param topic  one of {@link #TOPICS}
     * @param reason one of {@link #REASONS}
     * @param where  the record's topic, partition and offset, as {@code topic-partition@offset}
     */
    public void refused(String topic, String reason, String where) {
        AtomicLong count = counts.get(topic + " " + reason);
        if (count == null) {
            throw new IllegalArgumentException("Not a topic and reason counted: " + topic + ", " + reason);
        }
        count.incrementAndGet();
        unlogged.incrementAndGet();
        long now = System.nanoTime();
        long due = nextLogAt.get();
        if (now - due >= 0 && nextLogAt.compareAndSet(due, now + LOG_EVERY.toNanos())) {
            log.warn("Ignored {} record(s) of the control plane's topics that no replica signed or that copy an earlier one, since"
                    + " the last such line; none was acted on. The latest: {} ({})", unlogged.getAndSet(0), where, reason);
        }
    }
}
