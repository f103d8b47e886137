package io.switchboard.processor;

import io.switchboard.processor.CommandAdmission.Refusal;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one rule of which signed commands are decided, without a topology. */
class CommandAdmissionTest {
    private static final long T = 1_800_000_000_000L;
    private static final long EARLY = CommandAdmission.EARLY.toMillis();
    private static final long LATE = CommandAdmission.LATE.toMillis();

    private static Optional<Refusal> judge(int partition, Integer expected, Long issued, long appended) {
        return CommandAdmission.placedAndFresh(partition, Optional.ofNullable(expected),
                issued == null ? OptionalLong.empty() : OptionalLong.of(issued), appended);
    }

    @Test
    void aCommandInItsKeysPartitionIssuedWithinTheWindowIsAdmitted() {
        assertTrue(judge(3, 3, T, T).isEmpty());
        assertTrue(judge(3, 3, T, T + LATE).isEmpty(), "reaching the topic as late as a producer may");
        assertTrue(judge(3, 3, T, T - EARLY).isEmpty(), "issued by a replica whose clock is ahead");
        assertTrue(judge(3, null, T, T).isEmpty(), "one for every partition, in any");
    }

    @Test
    void anotherPartitionOrATimeOutsideTheWindowIsRefused() {
        assertEquals(Optional.of(Refusal.WRONG_PARTITION), judge(2, 3, T, T));
        assertEquals(Optional.of(Refusal.STALE), judge(3, 3, T, T + LATE + 1));
        assertEquals(Optional.of(Refusal.STALE), judge(3, 3, T, T - EARLY - 1));
        assertEquals(Optional.of(Refusal.STALE), judge(3, 3, null, T), "no issue time");
    }

    @Test
    void anIdDecidedBeforeIsAReplayAndIsForgottenOnlyOnceACopyIsStale() {
        assertEquals(Optional.of(Refusal.REPLAYED), CommandAdmission.seen(true));
        assertTrue(CommandAdmission.seen(false).isEmpty());
        long latest = T + 10 * LATE;
        long cutoff = CommandAdmission.forgetBefore(latest);
        // Any command appended from now on is appended at `latest` or later: one issued before the cutoff is stale.
        assertEquals(Optional.of(Refusal.STALE), judge(0, 0, cutoff - 1, latest));
    }

    @Test
    void everyReasonIsALabelOfItsOwn() {
        assertEquals(java.util.List.of("unsigned", "unknown_key", "bad_signature", "wrong_partition", "stale", "replayed"),
                CommandAdmission.REASONS);
    }
}
