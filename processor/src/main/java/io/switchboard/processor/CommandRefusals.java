package io.switchboard.processor;

import io.switchboard.processor.CommandAdmission.Refusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The records of the command topic the processor refused undecided ({@link CommandAdmission}: no
 * replica signed them, or they are copies: in another partition, stale, or already decided), counted
 * by reason ({@link #REASONS}, a bounded set) for the metrics, and told in the log at most once per
 * {@link #LOG_EVERY}, with how many were refused since the last line and where the latest one is,
 * never what it holds. Shared by every stream thread of a replica.
 */
public final class CommandRefusals {
    private static final Logger log = LoggerFactory.getLogger(CommandRefusals.class);
    static final Duration LOG_EVERY = Duration.ofSeconds(10);
    /**
     * Every reason a record is refused for: {@code unsigned}, {@code unknown_key}, {@code bad_signature},
     * {@code wrong_partition}, {@code stale}, {@code replayed}.
     */
    public static final List<String> REASONS = CommandAdmission.REASONS;

    private final Map<Refusal, AtomicLong> counts = new EnumMap<>(Refusal.class);
    private final AtomicLong unlogged = new AtomicLong();
    private final AtomicLong nextLogAt = new AtomicLong(System.nanoTime());

    public CommandRefusals() {
        for (Refusal refusal : Refusal.values()) {
            counts.put(refusal, new AtomicLong());
        }
    }

    /** How many records were refused for this reason (one of {@link #REASONS}) since the replica started. */
    public long count(String reason) {
        return counts.entrySet().stream().filter(e -> e.getKey().reason().equals(reason))
                .mapToLong(e -> e.getValue().get()).sum();
    }

    /** Counts a refused record, and logs (at most once per {@link #LOG_EVERY}) where it is. */
    void refused(Refusal refusal, String topic, int partition, long offset, String deadLetters) {
        counts.get(refusal).incrementAndGet();
        long since = unlogged.incrementAndGet();
        long now = System.nanoTime();
        long due = nextLogAt.get();
        if (now - due >= 0 && nextLogAt.compareAndSet(due, now + LOG_EVERY.toNanos())) {
            since = unlogged.getAndSet(0);
            log.warn("Refused {} record(s) of {} that no replica signed or that copy a command (in another partition, stale or"
                    + " decided already), since the last such line; none was decided. The latest: partition {}, offset {}, {}."
                    + " They are in {}", since, topic, partition, offset, refusal.reason(), deadLetters);
        }
    }
}
