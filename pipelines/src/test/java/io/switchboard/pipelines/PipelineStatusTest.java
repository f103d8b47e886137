package io.switchboard.pipelines;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.core.Views.StatusView;
import io.switchboard.core.Views.TaskStatusView;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A pipeline's phase, as the phase watcher records it, from the status its connectors and snapshot give. */
class PipelineStatusTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static PipelineSpec spec(boolean disabled) throws Exception {
        String connection = "{\"host\": \"db\", \"port\": 5432, \"user\": \"u\", \"password\": \"p\", \"database\": \"%s\"}";
        return PipelineSpec.parse("p1", JSON.readTree("{\"disabled\": " + disabled + ", \"source\": {\"postgres\": {\"connection\": "
                + connection.formatted("crm") + ", \"replication_type\": {\"logical_replication\": {}}}}, \"sink\": {\"postgres\": "
                + "{\"connection\": " + connection.formatted("lake") + "}}}"), null);
    }

    private static StatusView status(String state, String taskState, String trace) {
        return new StatusView("c", state, "w", null, null, List.of(new TaskStatusView(0, taskState, "w", trace, null)),
                "source", null, null, null, Instant.EPOCH);
    }

    private static PipelineStatus of(PipelineSpec spec, StatusView source, StatusView sink, SnapshotProgress snapshot) {
        return PipelineStatus.of(new Pipelines.PipelineView(spec, "run", Instant.EPOCH, source, sink, null, null, snapshot, null, null, null, null, null));
    }

    @Test
    void thePhaseIsTheStateOrFailedWithItsCause() throws Exception {
        PipelineSpec enabled = spec(false);
        StatusView running = status("RUNNING", "RUNNING", null);
        assertEquals("initialize", of(enabled, null, running, null).phase());
        assertEquals("initialize", of(enabled, running, running, SnapshotProgress.awaited(0)).phase());
        SnapshotProgress copying = SnapshotProgress.after(null, JSON.readTree("{\"id\": \"n\", \"aggregate_type\": \"Initial Snapshot\","
                + " \"type\": \"STARTED\", \"additional_data\": {}, \"timestamp\": 1}"));
        assertEquals("snapshot", of(enabled, running, running, copying).phase());
        assertEquals("realtime", of(enabled, running, running, null).phase());
        assertNull(of(enabled, running, running, null).cause());
        assertEquals("start", of(enabled, status("PAUSED", "PAUSED", null), running, null).phase());

        PipelineStatus failed = of(enabled, running, status("RUNNING", "FAILED", "org.postgresql.util.PSQLException: boom"), null);
        assertEquals(PipelineStatus.FAILED, failed.phase());
        assertEquals(java.util.Set.of("shutdown"), failed.state().keySet(), "never start beside failed: " + failed.state());
        assertTrue(failed.cause().startsWith("sink: "), failed.cause());

        PipelineSpec disabled = spec(true);
        assertEquals("disabling", of(disabled, running, status("STOPPED", "RUNNING", null), null).phase());
        StatusView stopped = new StatusView("c", "STOPPED", "w", null, null, List.of(), "source", null, null, null, Instant.EPOCH);
        assertEquals("disabled", of(disabled, stopped, stopped, null).phase());
        assertFalse(of(disabled, stopped, stopped, null).status().containsKey(PipelineStatus.FAILED));
    }

    /** The vendor's disabled is a pipeline that does not run, whether it stopped or never started; shutdown is a stop under way. */
    @Test
    void aDisabledPipelineThatNeverRanIsDisabledAndAStopUnderWayIsShutdown() throws Exception {
        PipelineSpec disabled = spec(true);
        PipelineStatus neverRan = of(disabled, null, null, null);
        assertEquals(Map.of("disabled", Map.of()), neverRan.state());
        assertEquals(Map.of("complete", Map.of()), neverRan.status());
        StatusView unassigned = new StatusView("c", "UNASSIGNED", null, null, null, List.of(), "source", null, null, null, Instant.EPOCH);
        StatusView stopped = new StatusView("c", "STOPPED", "w", null, null, List.of(), "source", null, null, null, Instant.EPOCH);
        assertEquals("disabled", of(disabled, unassigned, stopped, null).phase());
        assertEquals("disabled", of(disabled, stopped, null, null).phase());
        PipelineStatus stopping = of(disabled, status("RUNNING", "RUNNING", null), stopped, null);
        assertEquals(Map.of("shutdown", Map.of("sub_state", "disabling")), stopping.state());
        assertEquals("disabling", of(disabled, status("PAUSED", "PAUSED", null), stopped, null).phase());
        assertEquals("disabling", of(disabled, stopped, status("STOPPED", "RUNNING", null), null).phase());
    }

    @Test
    void realtimeListsTheTablesLeftOutWithReasonAndFixAtMostAHundredAndHowManyInAll() throws Exception {
        PipelineSpec enabled = spec(false);
        StatusView running = status("RUNNING", "RUNNING", null);
        List<TablesLeftOut.Table> many = new java.util.ArrayList<>();
        for (int i = 0; i < TablesLeftOut.MAX_LISTED; i++) {
            many.add(new TablesLeftOut.Table("public.t" + i, TablesLeftOut.NO_KEY, TablesLeftOut.fix("public.t" + i, TablesLeftOut.NO_KEY, "u")));
        }
        TablesLeftOut.Listing listing = new TablesLeftOut.Listing(List.copyOf(many), 250)
                .with(TablesLeftOut.renamed(Map.of("public.orders_now", TablesLeftOut.renamedReason("public.orders"), "public.x", "other")));
        PipelineStatus status = PipelineStatus.of(new Pipelines.PipelineView(enabled, "run", Instant.EPOCH, running, running, null, null,
                null, null, null, null, null, listing));
        Map<?, ?> realtime = (Map<?, ?>) status.state().get("realtime");
        List<?> listed = (List<?>) realtime.get("tables_left_out");
        assertEquals(TablesLeftOut.MAX_LISTED, listed.size());
        assertEquals(251L, realtime.get("tables_left_out_count"));
        assertEquals(Map.of("table", "public.orders_now", "reason", TablesLeftOut.renamedReason("public.orders"),
                "fix", "ReIntialize the pipeline: it copies the table whole under its new name"), listed.get(0));
        assertEquals(Map.of("table", "public.t0", "reason", "no primary key: the target writes rows by key",
                "fix", "ALTER TABLE public.t0 ADD PRIMARY KEY (<columns>)"), listed.get(1));
        assertEquals("realtime", status.phase(), "a table left out is no phase");
        assertFalse(((Map<?, ?>) of(enabled, running, running, null).state().get("realtime")).containsKey("tables_left_out"));
    }

    @Test
    void aPartRunningWhoseTasksAreNotReportedYetIsStillStartingNotStarted() throws Exception {
        PipelineSpec enabled = spec(false);
        StatusView running = status("RUNNING", "RUNNING", null);
        StatusView noTasksYet = new StatusView("c", "RUNNING", "w", null, null, List.of(), "source", null, null, null, Instant.EPOCH);
        PipelineStatus starting = of(enabled, noTasksYet, running, null);
        assertEquals("initialize", starting.phase());
        assertEquals(Map.of("sub_state", "source starting"), starting.state().get("initialize"));
        assertEquals(Map.of("sub_state", "sink starting"), of(enabled, running, noTasksYet, null).state().get("initialize"));
        SnapshotProgress copying = SnapshotProgress.after(null, JSON.readTree("{\"id\": \"n\", \"aggregate_type\": \"Initial Snapshot\","
                + " \"type\": \"STARTED\", \"additional_data\": {}, \"timestamp\": 1}"));
        assertEquals("snapshot", of(enabled, noTasksYet, noTasksYet, copying).phase(), "the source's notifications say it copies");
    }

    @Test
    void anEventOverTheLimitNamesItsTableAndTheLimitAndALostSlotSaysRowsMayBeMissing() throws Exception {
        PipelineSpec enabled = spec(false);
        StatusView running = status("RUNNING", "RUNNING", null);
        String tooLarge = "org.apache.kafka.connect.errors.ConnectException: Unrecoverable exception from producer send callback\n"
                + "Caused by: org.apache.kafka.common.errors.RecordTooLargeException: The message is 17826110 bytes when serialized which is"
                + " larger than 16777216, which is the value of the max.request.size configuration.";
        PipelineStatus failed = PipelineStatus.of(new Pipelines.PipelineView(enabled, "run", Instant.EPOCH, status("RUNNING", "FAILED", tooLarge),
                running, null, null, null, null, null, null, "public.doc", null));
        assertEquals(PipelineStatus.FAILED, failed.phase());
        assertTrue(failed.cause().startsWith("source: a change event of table public.doc is 17826110 bytes, over the 16777216 bytes (16 MiB)"),
                failed.cause());
        PipelineStatus unknown = of(enabled, status("RUNNING", "FAILED", tooLarge), running, null);
        assertTrue(unknown.cause().startsWith("source: a change event is 17826110 bytes"), unknown.cause());

        PipelineStatus lost = of(enabled, status("RUNNING", "FAILED", "io.debezium.DebeziumException: The connector is trying to read change"
                + " stream starting at PostgresOffsetContext [lsn=0/1A2B], but this is no longer available on the server. Reconfigure"
                + " the connector to use a snapshot mode when needed."), running, null);
        assertTrue(lost.cause().startsWith("source: replication slot sb_p1 was lost") && lost.cause().contains("rows may be missing"),
                lost.cause());
    }
}
