package io.switchboard.query;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KafkaLeaseTest {
    private static final long S = 1_000_000_000L;
    private final KafkaLease lease = new KafkaLease();

    @Test
    void theFirstReachAnswersAtOnceAndTheLeaseEndsTenSecondsAfterTheLastReach() {
        long t0 = 1_000 * S;
        assertFalse(lease.valid(t0), "never reached Kafka");
        lease.reached(t0);
        assertTrue(lease.valid(t0), "a replica just started has nothing to settle");
        for (long t = 2; t <= 60; t += 2) {
            lease.reached(t0 + t * S);
        }
        assertTrue(lease.valid(t0 + 69 * S), "renewed every 2 s, it holds");
        assertFalse(lease.valid(t0 + 70 * S), "ten seconds after the last reach (out of reach since): not the owner for sure");
    }

    @Test
    void afterALapseItAnswersOnlyOnceTheGroupHasHadTimeToFenceIt() {
        long t0 = 1_000 * S;
        lease.reached(t0);
        // Frozen (or cut off) for 50 s, past the group's session: reaching Kafka again is not enough.
        lease.reached(t0 + 50 * S);
        assertFalse(lease.valid(t0 + 50 * S), "its group member may not know yet that it was fenced");
        assertTrue(lease.settling(t0 + 51 * S));
        assertFalse(lease.valid(t0 + 50 * S + KafkaLease.SETTLE_MS * 1_000_000 - 1));
        assertTrue(lease.valid(t0 + 50 * S + KafkaLease.SETTLE_MS * 1_000_000));
    }

    @Test
    void aSlowReadingThatBeganBeforeANewerOneDoesNotMoveTheLeaseBack() {
        long t0 = 1_000 * S;
        lease.reached(t0);
        lease.reached(t0 + 8 * S);
        lease.reached(t0 + 5 * S);
        assertTrue(lease.valid(t0 + 17 * S), "held from the newest reach, 8 s in");
    }
}
