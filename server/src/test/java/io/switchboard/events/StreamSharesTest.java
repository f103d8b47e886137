package io.switchboard.events;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Event streams of a replica: no principal, nor the OIDC crowd, takes them from everyone else. */
class StreamSharesTest {
    private final StreamShares shares = new StreamShares(EventsResource.MAX_STREAMS, EventsResource.MAX_STREAMS_PER_PRINCIPAL);

    /** The review's case: four principals opening as many streams as they may leave room for a fifth. */
    @Test
    void fourPrincipalsDoNotTakeAReplicasStreams() {
        for (String principal : new String[] {"p1", "p2", "p3", "p4"}) {
            for (int i = 0; i < EventsResource.MAX_STREAMS; i++) {
                shares.admit(principal, false);
            }
        }
        assertNull(shares.admit("vera", false), "four principals took every stream of the replica");
    }

    @Test
    void theLastPlacesAreKeptForPrincipalsHoldingNone() {
        int per = EventsResource.MAX_STREAMS_PER_PRINCIPAL;
        int kept = EventsResource.MAX_STREAMS / 4;
        int greedy = (EventsResource.MAX_STREAMS - kept) / per;
        for (int p = 0; p < greedy; p++) {
            for (int i = 0; i < per; i++) {
                assertNull(shares.admit("greedy-" + p, false));
            }
        }
        // The kept places: one each for principals that hold none, none for one that streams already.
        assertNull(shares.admit("vera", false));
        assertEquals(StreamShares.Refusal.KEPT_FOR_OTHERS, shares.admit("vera", false), "a streaming principal took a kept place");
        for (int i = 1; i < kept; i++) {
            assertNull(shares.admit("newcomer-" + i, false));
        }
        assertEquals(StreamShares.Refusal.FULL, shares.admit("late", false));
        shares.leave("vera", false);
        assertNull(shares.admit("late", false));
    }

    @Test
    void oidcUsersShareHalf() {
        for (int i = 0; i < EventsResource.MAX_STREAMS; i++) {
            shares.admit("oidc-user-" + i, true);
        }
        assertEquals(StreamShares.Refusal.SHARED_POOL, shares.admit("oidc-user-x", true));
        assertNull(shares.admit("api-key-user", false), "OIDC users took the streams of the API keys' principals");
        shares.leave("oidc-user-0", true);
        assertNull(shares.admit("oidc-user-x", true));
    }

    @Test
    void withoutPrincipalsOnlyTheWholeBoundApplies() {
        for (int i = 0; i < EventsResource.MAX_STREAMS; i++) {
            assertNull(shares.admit(null, false));
        }
        assertEquals(StreamShares.Refusal.FULL, shares.admit(null, false));
    }
}
