package io.switchboard.console;

import io.switchboard.rules.RolloutDecider;
import io.switchboard.schemas.Rollout;
import io.switchboard.schemas.RolloutConnector;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A rollout's console page as a pure function of the rollout and the versions its workers report. */
class RolloutPageTest {

    private static Rollout rollout(String state, String reason, List<RolloutConnector> connectors) {
        return Rollout.newBuilder().setId("r-1").setPluginClass("com.example.VersionedSource").setVersion("2.0.0").setCanary(1)
                .setBatch(2).setWatchSeconds(30).setPrincipal("alice").setRequestId(null).setStartedAt(1_000).setState(state)
                .setReason(reason).setCurrentBatch(0).setBatchStartedAt(1_000).setWatchedFrom(null)
                .setFinishedAt(reason == null ? null : 41_000L).setConnectors(connectors).build();
    }

    @Test
    void aRolledBackRolloutShowsWhyAndEachConnectorsVersions() {
        String html = RolloutPage.body("default", rollout(RolloutDecider.ROLLED_BACK, "task 0 of connector a failed <script>",
                List.of(new RolloutConnector("a", "1.0.0", 0, true, true), new RolloutConnector("b", "1.0.0", 1, false, false),
                        new RolloutConnector("c", null, 1, false, false))), Map.of("a", "1.0.0", "b", "1.0.0"));
        assertTrue(html.contains("<h1>Rollout of com.example.VersionedSource to 2.0.0 <small>in default</small></h1>"), html);
        assertTrue(html.contains("State <strong class=\"rollout-state\">rolled_back</strong> · canary 1, batches of 2, each watched 30 s"),
                html);
        assertTrue(html.contains("<p class=\"outcome\" id=\"reason\">Stopped: task 0 of connector a failed &lt;script&gt;</p>"), html);
        assertTrue(html.contains("<tr data-connector=\"a\"><td><a href=\"/console/clusters/default/connectors/a\">a</a></td>"
                + "<td>canary</td><td>1.0.0</td><td>1.0.0</td><td>1.0.0</td><td>rolled back</td></tr>"), html);
        assertTrue(html.contains("<td>1</td><td>1.0.0</td><td>1.0.0</td><td>1.0.0</td><td>waits</td>"), html);
        assertTrue(html.contains("<td>1</td><td><span class=\"none\">none</span></td><td><span class=\"none\">none</span></td>"
                + "<td><span class=\"none\">not reported</span></td><td>waits</td>"), html);
        assertFalse(html.contains("<script>"), html);
        assertTrue(html.contains("Started by alice at 1970-01-01T00:00:01Z, ended at 1970-01-01T00:00:41Z · id r-1"), html);
    }

    @Test
    void aRolloutUnderWaySaysItsBatchAndTheVersionItsMovedConnectorsAsk() {
        String html = RolloutPage.body("east", rollout(RolloutDecider.WATCHING, null,
                List.of(new RolloutConnector("a", "1.0.0", 0, true, false))), Map.of("a", "2.0.0"));
        assertTrue(html.contains("<strong class=\"rollout-state\">watching</strong> · batch 0 (the canary) · canary 1"), html);
        assertTrue(html.contains("<td>canary</td><td>1.0.0</td><td>2.0.0</td><td>2.0.0</td><td>moved</td>"), html);
        assertFalse(html.contains("Stopped:"), html);
        assertTrue(RolloutPage.path("east", "r/1").equals("/console/clusters/east/rollouts/r%2F1"), RolloutPage.path("east", "r/1"));
    }
}
