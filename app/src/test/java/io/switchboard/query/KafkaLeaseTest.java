package io.switchboard.query;

import io.switchboard.kafkaio.Topics;
import io.switchboard.processor.StreamsSettings;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lease under the processor's session (10 s, a heartbeat every 2 s): it holds 6 s from the last reach, and settles 4 s after a lapse. */
class KafkaLeaseTest {
    private static final long S = 1_000_000_000L;
    private static final SessionTimers TIMERS = new SessionTimers(10_000, 2_000);
    private final KafkaLease lease = new KafkaLease(TIMERS);

    @Test
    void theFirstReachAnswersAtOnceAndTheLeaseEndsSixSecondsAfterTheLastReach() {
        long t0 = 1_000 * S;
        assertFalse(lease.valid(t0), "never reached Kafka");
        lease.reached(t0, t0);
        assertTrue(lease.valid(t0), "a replica just started has nothing to settle");
        for (long t = 2; t <= 60; t += 2) {
            lease.reached(t0 + t * S, t0 + t * S);
        }
        assertTrue(lease.valid(t0 + 65 * S), "renewed every 2 s, it holds");
        assertFalse(lease.valid(t0 + 66 * S), "six seconds after the last reach (out of reach since): not the owner for sure");
    }

    @Test
    void theLeaseEndsBeforeTheGroupCanHaveGivenThePartitionsAway() {
        // The member's last heartbeat may precede the last reach by a heartbeat interval; the group
        // drops it a session after that heartbeat.
        long earliestDrop = TIMERS.sessionMs() - TIMERS.heartbeatMs();
        assertTrue(TIMERS.leaseMs() < earliestDrop, "lease " + TIMERS.leaseMs() + " ms, earliest drop " + earliestDrop + " ms");
        assertTrue(TIMERS.pauseMs() < earliestDrop, "pause " + TIMERS.pauseMs() + " ms, earliest drop " + earliestDrop + " ms");
        assertTrue(TIMERS.settleMs() > TIMERS.heartbeatMs(), "a heartbeat must have been answered before the lease holds again");
        SessionTimers kafkaDefaults = SessionTimers.kafkaDefaults();
        assertTrue(kafkaDefaults.leaseMs() < kafkaDefaults.sessionMs() - kafkaDefaults.heartbeatMs());
    }

    @Test
    void theTimersAreTheProcessorsOwnSession() {
        assertEquals(TIMERS, SessionTimers.of(StreamsSettings.of(new Topics("timers"), "127.0.0.1:9092", Path.of("state"),
                "127.0.0.1:8083", 1)), "the processor's Kafka Streams settings give its consumer another session");
    }

    @Test
    void afterALapseItAnswersOnlyOnceTheGroupHasHadTimeToFenceIt() {
        long t0 = 1_000 * S;
        lease.reached(t0, t0);
        // Frozen (or cut off) for 20 s, past the group's session: reaching Kafka again is not enough.
        lease.reached(t0 + 20 * S, t0 + 20 * S);
        assertFalse(lease.valid(t0 + 20 * S), "its group member may not know yet that it was fenced");
        assertTrue(lease.settling(t0 + 21 * S));
        assertFalse(lease.valid(t0 + 20 * S + TIMERS.settleMs() * 1_000_000 - 1));
        assertTrue(lease.valid(t0 + 20 * S + TIMERS.settleMs() * 1_000_000));
    }

    @Test
    void aSlowReadingThatBeganBeforeANewerOneDoesNotMoveTheLeaseBack() {
        long t0 = 1_000 * S;
        lease.reached(t0, t0);
        lease.reached(t0 + 4 * S, t0 + 4 * S);
        lease.reached(t0 + 2 * S, t0 + 2 * S);
        assertTrue(lease.valid(t0 + 9 * S), "held from the newest reach, 4 s in");
    }

    @Test
    void aReadingBegunDuringALapseSettlesFromWhenItWasAnswered() {
        long t0 = 1_000 * S;
        lease.reached(t0, t0);
        // Cut off from 2 s to 52 s: the renewal begun at 48 s is answered at 52 s, when the link is back.
        long healed = t0 + 52 * S;
        lease.reached(t0 + 48 * S, healed);
        assertFalse(lease.valid(healed + S), "a second after the link came back its member may not have heard it was fenced");
        assertTrue(lease.settling(healed + S));
        assertFalse(lease.valid(healed + TIMERS.settleMs() * 1_000_000 - 1));
        lease.reached(healed + 2 * S, healed + 2 * S);
        assertTrue(lease.valid(healed + TIMERS.settleMs() * 1_000_000), "settled, and renewed since");
    }
}
