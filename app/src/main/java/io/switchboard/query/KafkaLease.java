package io.switchboard.query;

import java.util.concurrent.TimeUnit;

/**
 * Whether a replica may still answer as the owner of its partitions, from when it last reached
 * Kafka. The group hands a member's partitions to another only once the member's session has passed
 * without a word from it, so a replica that reached Kafka less than the lease ago
 * ({@link SessionTimers#leaseMs}, below the session by two heartbeat intervals) still owns what it
 * owned. A replica that was out of reach longer than that (cut off, or its process frozen) may have
 * been replaced: when it reaches Kafka again it waits {@link SessionTimers#settleMs}, long enough for
 * its own group member to hear that it was fenced and give the partitions up, before it answers as
 * their owner again. A reading's two times are each used the safe way round: the lease runs from
 * when the reading began (the broker answered after that), the settling from when its answer came
 * (Kafka may have been out of reach until then: a reading begun during a cut is answered once the
 * link is back, and settling from its start let a replica answer as owner a moment after the cut
 * healed, before its stream thread had heard it was fenced). Pure: times are {@link System#nanoTime} values given by the caller; safe for one
 * writer and many readers.
 */
final class KafkaLease {
    private final long lease;
    private final long settle;

    private volatile boolean reached;
    /** When the last reading that reached Kafka began. */
    private volatile long reachedAt;
    /** When the replica may answer again, after a lapse; before that, only a wait. */
    private volatile long answersFrom;

    KafkaLease(SessionTimers timers) {
        this.lease = TimeUnit.MILLISECONDS.toNanos(timers.leaseMs());
        this.settle = TimeUnit.MILLISECONDS.toNanos(timers.settleMs());
    }

    /** A reading begun at {@code startedAt} reached Kafka, and its answer came at {@code answeredAt}. */
    synchronized void reached(long startedAt, long answeredAt) {
        if (reached && startedAt - reachedAt > lease) {
            // Out of reach past the lease: another replica may own the partitions by now.
            answersFrom = answeredAt + settle;
        }
        if (!reached || startedAt - reachedAt > 0) {
            reachedAt = startedAt;
        }
        if (!reached) {
            answersFrom = startedAt;
        }
        reached = true;
    }

    /** Whether the owner may answer at {@code now}. */
    boolean valid(long now) {
        return reached && now - reachedAt < lease && now - answersFrom >= 0;
    }

    /** Whether the lease holds but is settling after a lapse; then it is valid from {@link #answersFrom()}. */
    boolean settling(long now) {
        return reached && now - reachedAt < lease && now - answersFrom < 0;
    }

    long answersFrom() {
        return answersFrom;
    }

    /** When the last reading that reached Kafka began; meaningful once one did. */
    long reachedAt() {
        return reachedAt;
    }
}
