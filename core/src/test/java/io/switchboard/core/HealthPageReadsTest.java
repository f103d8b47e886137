package io.switchboard.core;

import io.switchboard.rules.ConnectorKey;
import io.switchboard.schemas.AvroTrust;
import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.ConnectorTimeline;
import io.switchboard.schemas.HistoryEntry;
import io.switchboard.schemas.TargetState;
import io.switchboard.schemas.TimelineEntry;
import io.switchboard.schemas.TimelineTask;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a page of connectors' health costs the stores: one history read per connector and their
 * timelines at once (one gathering past a few, one read each below), never a page of a timeline at
 * a time nor an existence read per page; and the figures are those of one connector's own window.
 */
class HealthPageReadsTest {
    private static final long T0 = Instant.parse("2026-11-20T00:00:00Z").toEpochMilli();
    private static final Instant FROM = Instant.ofEpochMilli(T0 - 3_600_000L);
    private static final Instant TO = Instant.ofEpochMilli(T0 + 48 * 3_600_000L);

    @Test
    void aPageOfHealthCostsAboutOneReadPerConnector() throws Exception {
        AvroTrust.install();
        UnitCore core = new UnitCore();
        Scope scope = new Scope(ClusterDirectory.DEFAULT_CLUSTER);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String name = "c" + (1000 + i);
            names.add(name);
            core.service.create(scope, name, java.util.Map.of("connector.class", "org.example.Sink", "topics", "t"), null,
                    new RequestContext("r-" + i, "alice")).get(5, java.util.concurrent.TimeUnit.SECONDS);
            // A long timeline: more entries than one page of the timeline endpoint holds.
            List<TimelineEntry> entries = new ArrayList<>();
            for (int e = 1; e <= Views.MAX_TIMELINE_PAGE + 20; e++) {
                entries.add(TimelineEntry.newBuilder().setSequence(e).setKind("ConnectorStatusChanged").setOccurredAt(T0 + e * 60_000L)
                        .setVersion(1).setState(e % 2 == 0 ? "FAILED" : "RUNNING")
                        .setTasks(List.of(new TimelineTask(0, "RUNNING", "trace " + e))).build());
            }
            core.kafka.recorded(new ConnectorKey(scope.cluster(), name),
                    ConnectorHistory.newBuilder().setCluster(scope.cluster()).setConnector(name).setEntries(List.of(
                            HistoryEntry.newBuilder().setSequence(1).setKind("ConnectorCreated").setVersion(1).setOccurredAt(T0)
                                    .setCommandId("a").setTargetState(TargetState.RUNNING).build())).build(),
                    ConnectorTimeline.newBuilder().setCluster(scope.cluster()).setConnector(name).setEntries(entries).build());
        }
        long before = core.kafka.reads.get();
        List<ConnectorHealth.Answer> page = ConnectorHealth.of(core.service, scope, names, FROM, TO, Duration.ofMinutes(5));
        long reads = core.kafka.reads.get() - before;
        assertEquals(100, page.size());
        assertTrue(reads <= names.size() + 1, "a page of " + names.size() + " connectors' health read the stores " + reads
                + " times; at most one per connector and one gathering");

        before = core.kafka.reads.get();
        ConnectorHealth.Answer one = ConnectorHealth.of(core.service, scope, names.get(7), FROM, TO, Duration.ofMinutes(5));
        assertTrue(core.kafka.reads.get() - before <= 2, "one connector's health: its history and its timeline, read once each, not "
                + (core.kafka.reads.get() - before));
        assertEquals(one.window(), page.get(7).window(), "the page's figures are the connector's own");
        assertTrue(one.window().failures() > 0, "the whole timeline was counted, past one page: " + one.window());
    }
}
