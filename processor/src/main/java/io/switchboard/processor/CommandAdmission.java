package io.switchboard.processor;

import io.switchboard.kafkaio.RecordSignatures.Verdict;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Whether a record of the command topic is decided: the one rule, a pure function of what the record
 * says and where it is. A command is decided only when a replica signed it whole (its bytes and every
 * header: {@link Verdict}), it is in the partition its key names (so a copy placed in another
 * partition is not decided against that partition's empty state), it was issued within
 * {@link #EARLY}/{@link #LATE} of the time Kafka appended it (a copy appended later than that, say
 * after its connector was made again, is stale), and its id was not decided already in this partition
 * (a copy appended within that window). Commands whose id is remembered are kept for as long as a
 * copy could still be taken as fresh ({@link #forgetBefore}). The record's append time is the broker's
 * (the command topic's timestamps are {@code LogAppendTime}), and the issue time is signed, so neither
 * is the writer's choice; no clock is read, so a command decided again after an aborted transaction is
 * admitted or refused the same way.
 */
public final class CommandAdmission {
    /** How far a command's issue time may be after Kafka appended it: the issuing replica's clock ahead of the broker's. */
    static final Duration EARLY = Duration.ofMinutes(1);
    /**
     * How long after its issue time a command may reach the topic: a producer gives up a send after 30 s
     * at most (10 s blocked, 20 s delivering), and the replicas' clocks may lag the broker's.
     */
    static final Duration LATE = Duration.ofMinutes(2);
    /**
     * How much longer than {@link #LATE} a decided command's id is remembered: the broker's clock may
     * step back a little (another broker leads the partition), and a copy appended then must still be
     * told apart.
     */
    static final Duration MARGIN = Duration.ofMinutes(5);

    /** Why a record of the command topic is not decided; {@link #reason()} is a bounded label. */
    enum Refusal {
        UNSIGNED("unsigned"),
        UNKNOWN_KEY("unknown_key"),
        BAD_SIGNATURE("bad_signature"),
        /** In another partition than the one its key names. */
        WRONG_PARTITION("wrong_partition"),
        /** Without an issue time, or issued outside the window around its append time. */
        STALE("stale"),
        /** Its command id was already decided in this partition. */
        REPLAYED("replayed");

        private final String reason;

        Refusal(String reason) {
            this.reason = reason;
        }

        String reason() {
            return reason;
        }

        static Refusal of(Verdict verdict) {
            return switch (verdict) {
                case UNSIGNED -> UNSIGNED;
                case UNKNOWN_KEY -> UNKNOWN_KEY;
                case BAD_SIGNATURE -> BAD_SIGNATURE;
                case SIGNED -> throw new IllegalArgumentException("A signed record is not refused for its signature");
            };
        }
    }

    /** Every reason a record is refused for, in order. */
    static final List<String> REASONS = Stream.of(Refusal.values()).map(Refusal::reason).toList();

    private CommandAdmission() {
    }

    /**
     * Whether a command issued at {@code issuedAt} (the issuing replica's clock) and appended by Kafka
     * at {@code appendedAt} (the broker's) is within the window: the rule the processor decides by,
     * which a replica also applies to its own send once Kafka says when it appended it, so that a
     * replica whose clock is off says so at once rather than waiting for a decision that never comes.
     */
    public static boolean appendedInTime(long issuedAt, long appendedAt) {
        return appendedAt >= issuedAt - EARLY.toMillis() && appendedAt <= issuedAt + LATE.toMillis();
    }

    /**
     * @param partition         the partition the record is in
     * @param expectedPartition the partition its key names, or empty for a command every partition gets
     * @param issuedAt          its signed issue time, when it has one
     * @param appendedAt        when Kafka appended it (the record's timestamp)
     * @return why it is refused, or empty when it may be decided, once its id is looked up ({@link #seen})
     */
    static Optional<Refusal> placedAndFresh(int partition, Optional<Integer> expectedPartition, OptionalLong issuedAt,
                                            long appendedAt) {
        if (expectedPartition.isPresent() && expectedPartition.get() != partition) {
            return Optional.of(Refusal.WRONG_PARTITION);
        }
        if (issuedAt.isEmpty()) {
            return Optional.of(Refusal.STALE);
        }
        if (!appendedInTime(issuedAt.getAsLong(), appendedAt)) {
            return Optional.of(Refusal.STALE);
        }
        return Optional.empty();
    }

    /** A fresh command whose id this partition decided already is a copy: refused. */
    static Optional<Refusal> seen(boolean decidedBefore) {
        return decidedBefore ? Optional.of(Refusal.REPLAYED) : Optional.empty();
    }

    /**
     * The issue time before which remembered ids may be forgotten once Kafka appended a command of the
     * partition at {@code latestAppendedAt}: a later copy of such a command is stale whatever its id.
     */
    static long forgetBefore(long latestAppendedAt) {
        return latestAppendedAt - LATE.toMillis() - MARGIN.toMillis();
    }

    /**
     * The append time from which the commands of a partition are read again to rebuild the ids it
     * remembers, before a command appended at {@code appendedAt} is decided: every id not forgotten by
     * then ({@link #forgetBefore}) is of a command issued since, appended at most {@link #EARLY} before
     * its issue time.
     */
    static long rememberedSince(long appendedAt) {
        return forgetBefore(appendedAt) - EARLY.toMillis();
    }
}
