package io.switchboard.core;

import io.switchboard.rules.HealthWindow;
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
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The overview's health of many connectors at once, from each one's create and stored timeline
 * alone, gives the window endpoint's figures (read from the history and the timeline's pages) for a
 * scripted week: a failure of a task, an auto-restart, its recovery, a failure again within the
 * flapping window (a flap), a repair, and a failure still on at the window's end.
 */
class ConnectorHealthFromIncidentsTest {
    private static final long HOUR = 3_600_000L;
    private static final long T0 = Instant.parse("2026-11-20T00:00:00Z").toEpochMilli();

    private static TimelineEntry status(long sequence, long at, String state, String task) {
        return TimelineEntry.newBuilder().setSequence(sequence).setKind("ConnectorStatusChanged").setOccurredAt(at).setVersion(1)
                .setState(state).setTasks(List.of(new TimelineTask(0, task, task.equals("FAILED") ? "boom" : null))).build();
    }

    private static TimelineEntry event(long sequence, long at, String kind) {
        return TimelineEntry.newBuilder().setSequence(sequence).setKind(kind).setOccurredAt(at).setVersion(1).setTasks(List.of()).build();
    }

    @Test
    void theFiguresOfManyAtOnceAreThoseOfTheWindowEndpoint() {
        List<TimelineEntry> entries = new ArrayList<>(List.of(
                status(1, T0 + 1_000, "RUNNING", "RUNNING"),
                status(2, T0 + 10 * HOUR, "RUNNING", "FAILED"),
                event(3, T0 + 10 * HOUR + 5_000, "AutoRestarted"),
                status(4, T0 + 10 * HOUR + 60_000, "RUNNING", "RUNNING"),
                status(5, T0 + 10 * HOUR + 20 * 60_000, "RUNNING", "FAILED"),
                event(6, T0 + 11 * HOUR, "ReconcileRequested"),
                status(7, T0 + 12 * HOUR, "RUNNING", "RUNNING"),
                event(8, T0 + 30 * HOUR, "DriftRepaired"),
                status(9, T0 + 100 * HOUR, "FAILED", "FAILED")));
        ConnectorTimeline timeline = ConnectorTimeline.newBuilder().setCluster("default").setConnector("c").setEntries(entries).build();
        ConnectorHistory history = ConnectorHistory.newBuilder().setCluster("default").setConnector("c").setEntries(List.of(
                HistoryEntry.newBuilder().setSequence(1).setKind("ConnectorCreated").setVersion(1).setOccurredAt(T0)
                        .setCommandId("a").setTargetState(TargetState.RUNNING).build())).build();
        Instant from = Instant.ofEpochMilli(T0 - 24 * HOUR);
        Instant to = Instant.ofEpochMilli(T0 + 120 * HOUR);
        Duration flap = Duration.ofHours(1);

        List<Views.TimelineEntryView> pages = TimelinePages.page(Optional.of(timeline), null, Views.MAX_TIMELINE_PAGE, t -> t).entries();
        HealthWindow endpoint = ConnectorHealth.answer("default", "c", history, pages, 0, from, to, flap).window();
        HealthWindow many = ConnectorHealth.fromIncidents(Instant.ofEpochMilli(T0), ConnectorHealth.events(timeline), from, to, flap);

        assertEquals(endpoint, many);
        assertEquals(3, many.failures());
        assertEquals(1, many.flaps());
        assertEquals(1, many.autoRestarts());
        assertEquals(1, many.repairs());
        assertEquals(1, many.driftRepairs());
        assertTrue(many.failingAtEnd());
        assertEquals(120 * HOUR, many.existedMs(), "it existed from its create on, not from before");
    }

    @Test
    void withoutAKnownCreateItExistsFromItsFirstReport() {
        ConnectorTimeline timeline = ConnectorTimeline.newBuilder().setCluster("default").setConnector("c")
                .setEntries(List.of(status(1, T0 + HOUR, "RUNNING", "RUNNING"))).build();
        HealthWindow window = ConnectorHealth.fromIncidents(null, ConnectorHealth.events(timeline), Instant.ofEpochMilli(T0),
                Instant.ofEpochMilli(T0 + 2 * HOUR), Duration.ofHours(1));
        assertEquals(HOUR, window.existedMs());
        assertEquals(1.0, window.availability());
    }
}
