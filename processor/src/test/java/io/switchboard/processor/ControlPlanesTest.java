package io.switchboard.processor;

import io.switchboard.kafkaio.Topics;
import io.switchboard.rules.ConnectorPolicies;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The control plane the policies see names the changelog of every store, so a pattern is tried against each. */
class ControlPlanesTest {
    @Test
    void aPatternReachingAnyStoresChangelogIsRefused() {
        for (String store : StoreNames.ALL) {
            String changelog = Topics.DEFAULT.changelog(store);
            String regex = "switchboard-" + store.charAt(0) + "[a-z-]*-changelog";
            ConnectorPolicies.Refusal refusal = ConnectorPolicies.refusal(ControlPlanes.of(Topics.DEFAULT),
                    Map.of("connector.class", "FileStreamSink", "topics.regex", regex));
            assertNotNull(refusal, regex + " reaches " + changelog);
            assertEquals("topics.regex", refusal.key());
        }
    }
}
