package io.switchboard.pipelines;

import io.switchboard.core.Views.StatusView;
import io.switchboard.core.Views.TaskStatusView;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pipeline's state and status, derived from its two connectors' status and its snapshot's
 * progress each time it is read: {"state": {KIND: {...}}, "status": {KIND: {...}}}, single-key
 * maps as the pipeline API shows them. Its {@link #phase} is what the phase watcher records when it
 * changes ({@link PipelinePhaseWatcher}); a pure function of the view.
 */
public record PipelineStatus(Map<String, Object> state, Map<String, Object> status) {
    /**
     * The state variants the vendor's API has, and so every client generated from its document: a
     * pipeline's state is one of these, never another. What Switchboard knows beyond them (which part
     * failed, a stop under way, the tables left out) is said in a variant's own fields.
     */
    public static final List<String> STATES = List.of("start", "initialize", "snapshot", "realtime", "scheduled", "disabled",
            "complete", "shutdown");
    /** The vendor's status variants (failed and skipped with a reason, retry with an attempt and a reason). */
    public static final List<String> STATUSES = List.of("start", "complete", "failed", "skipped", "heartbeat", "retry");
    /** The phase of a pipeline one of whose parts failed, whatever its state. */
    public static final String FAILED = "failed";
    /** The phase of a pipeline being disabled: its state shutdown until the worker shows both parts stopped. */
    public static final String DISABLING = "disabling";
    /** The state of a pipeline that does not carry data now: being disabled, or a part failed. */
    static final String SHUTDOWN = "shutdown";

    /**
     * The pipeline's phase, as its history and lifecycle events record it: {@value #FAILED} when a
     * part failed, {@value #DISABLING} while it is being disabled, else its state's kind
     * (initialize, snapshot, realtime, scheduled, complete, start, disabled). How far a snapshot or
     * realtime has come, and retries, are not phases.
     */
    public String phase() {
        if (status.containsKey(FAILED)) {
            return FAILED;
        }
        String kind = state.keySet().iterator().next();
        return SHUTDOWN.equals(kind) ? DISABLING : kind;
    }

    /** The state and status a recorded phase is answered with, in the vendor's variants ({@code reason} for failed). */
    public static PipelineStatus ofPhase(String phase, Map<String, Object> fields, String reason) {
        return switch (phase) {
            case FAILED -> new PipelineStatus(Map.of(SHUTDOWN, fields), Map.of(FAILED, reason == null ? Map.of() : Map.of("reason", reason)));
            case DISABLING -> new PipelineStatus(Map.of(SHUTDOWN, with(fields, "sub_state", DISABLING)), Map.of("start", Map.of()));
            case "snapshot", "realtime" -> new PipelineStatus(Map.of(phase, fields), Map.of("heartbeat", Map.of()));
            case "disabled", "complete", "scheduled" -> new PipelineStatus(Map.of(phase, fields), Map.of("complete", Map.of()));
            default -> new PipelineStatus(Map.of(STATES.contains(phase) ? phase : "start", fields), Map.of("start", Map.of()));
        };
    }

    private static Map<String, Object> with(Map<String, Object> fields, String key, Object value) {
        Map<String, Object> out = new LinkedHashMap<>(fields);
        out.put(key, value);
        return out;
    }

    /** Why the pipeline failed (which part, in plain words), or null when it did not. */
    public String cause() {
        return status.get(FAILED) instanceof Map<?, ?> failed && failed.get("reason") != null ? failed.get("reason").toString() : null;
    }

    /**
     * The pipeline's state and status from its connectors':
     * <ul>
     *   <li>disabled, and no part runs (both stopped, or never started): state disabled, status complete;
     *       disabled while a part or a task of it still runs (a stop under way): state shutdown
     *       (sub_state disabling), status start;</li>
     *   <li>a part that failed (the connector or a task), or a source whose database refuses its stream
     *       (its publication gone, a table no longer readable: the source connector retries those while
     *       it reads RUNNING): state shutdown, status failed, with which part and why in plain words;</li>
     *   <li>the data plane retrying a part the worker refuses: status retry, with the attempt and why;</li>
     *   <li>a part no worker runs yet, or a source that has not said yet whether it snapshots:
     *       state initialize, status start;</li>
     *   <li>the source running and its snapshot under way (its notifications since the run
     *       started say so): state snapshot, with the table being copied, the rows and tables
     *       finished, the tables in all, and the rows the table's target holds, status heartbeat;</li>
     *   <li>both running: state realtime (named after the replication slot, with the bytes of WAL it
     *       is behind the source when the source database says, and the seconds the target is
     *       behind the source when the pipeline's heartbeat has reached it, and sub_state "no tables
     *       yet" while its publication holds none of the source's tables, and the tables it leaves
     *       out with the reason and the fix, see {@link TablesLeftOut}), status heartbeat; for a
     *       snapshot pipeline, state scheduled (complete without a schedule);</li>
     *   <li>otherwise (paused, restarting, on its way): state start, status start.</li>
     * </ul>
     * Whatever the state, the tables of the source it leaves out are listed in it (see {@link TablesLeftOut}).
     */
    public static PipelineStatus of(Pipelines.PipelineView view) {
        PipelineStatus status = withoutTablesLeftOut(view);
        TablesLeftOut.Listing leftOut = view.tablesLeftOut();
        if (leftOut == null || leftOut.total() == 0) {
            return status;
        }
        // Tables it does not replicate (whole), each with the reason and the fix; at most 100, and how many in all.
        Map.Entry<String, Object> state = status.state().entrySet().iterator().next();
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = new LinkedHashMap<>((Map<String, Object>) state.getValue());
        fields.put("tables_left_out", leftOut.tables().stream().map(TablesLeftOut.Table::json).toList());
        fields.put("tables_left_out_count", leftOut.total());
        return new PipelineStatus(Map.of(state.getKey(), fields), status.status());
    }

    private static PipelineStatus withoutTablesLeftOut(Pipelines.PipelineView view) {
        StatusView source = view.source();
        StatusView sink = view.sink();
        if (view.spec().disabled()) {
            // Disabled while no part runs: both stopped, or never started (created disabled, each part created
            // stopped). A stop under way, while a part or one of its tasks still runs: shutdown.
            return stillRunning(source) || stillRunning(sink)
                    ? ofPhase(DISABLING, Map.of(), null)
                    : new PipelineStatus(Map.of("disabled", Map.of()), Map.of("complete", Map.of()));
        }
        String failed = failure("source", source, view.oversizedTable(), PipelineCompiler.slotName(view.spec().id()));
        if (failed == null) {
            failed = failure("sink", sink, null, null);
        }
        if (failed == null && view.sourceProblem() != null) {
            // The source retries what the database refuses mid-stream and reads RUNNING meanwhile; the database's words say why.
            failed = "source: the database refused: " + view.sourceProblem();
        }
        if (failed != null) {
            // The state agrees with the status: never start (or realtime) beside failed; the vendor's failed is a status.
            return ofPhase(FAILED, Map.of(), failed);
        }
        Map<String, Object> state = state(source, sink, view);
        // A part with no status yet (null) is not retried: Map.entry would refuse it, hence the index.
        List<String> names = List.of("source", "sink");
        StatusView[] parts = {source, sink};
        for (int i = 0; i < parts.length; i++) {
            StatusView s = parts[i];
            if (s != null && s.reconcile() != null) {
                return new PipelineStatus(state, Map.of("retry", Map.of("attempt", s.reconcile().attempts(),
                        "reason", names.get(i) + ": " + FailureReasons.of(s.reconcile().lastError()))));
            }
        }
        if (state.containsKey("snapshot")) {
            return new PipelineStatus(state, Map.of("heartbeat", Map.of()));
        }
        if (view.spec().snapshotOnly() && state.containsKey("realtime")) {
            // A snapshot pipeline between (or during) its runs: the next one comes on its schedule, if it has one.
            return new PipelineStatus(Map.of(view.spec().schedule() == null ? "complete" : "scheduled", Map.of()), Map.of("heartbeat", Map.of()));
        }
        return new PipelineStatus(state, Map.of(state.containsKey("realtime") ? "heartbeat" : "start", Map.of()));
    }

    private static Map<String, Object> state(StatusView source, StatusView sink, Pipelines.PipelineView view) {
        if (source == null || sink == null || "UNASSIGNED".equals(source.state()) || "UNASSIGNED".equals(sink.state())) {
            return Map.of("initialize", Map.of());
        }
        SnapshotProgress snapshot = view.snapshot();
        if (snapshot != null && snapshot.awaited()) {
            // The source's task has not said yet whether it snapshots: it is still starting.
            return Map.of("initialize", Map.of("sub_state", "source starting"));
        }
        if (runningOrStarting(source) && snapshot != null && snapshot.copying()) {
            // As the source's notifications tell it: the table being copied, and the rows of those finished.
            Map<String, Object> copying = new LinkedHashMap<>();
            copying.put("name", snapshot.table() == null ? "" : snapshot.table());
            copying.put("rows_copied", snapshot.rowsCopied());
            copying.put("tables_copied", snapshot.tablesCopied());
            copying.put("tables", snapshot.tables());
            if (view.targetRows() != null) {
                // Grows as the sink writes the table: the count the target's statistics keep.
                copying.put("target_rows", view.targetRows());
            }
            return Map.of("snapshot", copying);
        }
        if (running(source) && running(sink)) {
            String slot = PipelineCompiler.slotName(view.spec().id());
            Map<String, Object> realtime = new LinkedHashMap<>();
            realtime.put("name", slot);
            if (view.lagBytes() != null) {
                // The slot's lag, when the source database said: WAL bytes the source connector has not confirmed yet.
                realtime.put("lag_bytes", view.lagBytes());
            }
            if (view.publishedTables() != null && view.publishedTables() == 0) {
                // Nothing to replicate yet: the tables are taken as they appear (PublicationTables), the heartbeat runs meanwhile.
                realtime.put("sub_state", "no tables yet");
            }
            if (view.lagMillis() != null) {
                // End to end, from the heartbeat that last reached the target; none with an administrator's publication.
                realtime.put("lag_seconds", view.lagMillis() / 1000.0);
            }
            return Map.of("realtime", realtime);
        }
        if (runningOrStarting(source) && runningOrStarting(sink)) {
            // A part runs but its tasks are not reported yet (their configs come a pass later): still starting.
            return Map.of("initialize", Map.of("sub_state", running(source) ? "sink starting" : "source starting"));
        }
        return Map.of("start", Map.of());
    }

    /** Running with every task it has reported running, or with none reported yet. */
    private static boolean runningOrStarting(StatusView s) {
        return "RUNNING".equals(s.state()) && s.tasks().stream().allMatch(t -> "RUNNING".equals(t.state()));
    }

    /**
     * Whether a part still carries data or may: its connector in any state but stopped, failed or not
     * assigned to a worker, or any of its tasks running. A part with no status yet runs nothing.
     */
    private static boolean stillRunning(StatusView s) {
        if (s == null) {
            return false;
        }
        boolean connectorIdle = "STOPPED".equals(s.state()) || "FAILED".equals(s.state()) || "UNASSIGNED".equals(s.state());
        return !connectorIdle || s.tasks().stream().anyMatch(t -> "RUNNING".equals(t.state()));
    }

    private static boolean running(StatusView s) {
        return "RUNNING".equals(s.state()) && !s.tasks().isEmpty() && s.tasks().stream().allMatch(t -> "RUNNING".equals(t.state()));
    }

    /** Which part failed and why; an event over the source's limit names its table when known, a lost slot its name. */
    private static String failure(String part, StatusView s, String oversizedTable, String slot) {
        if (s == null) {
            return null;
        }
        String trace = null;
        boolean failed = "FAILED".equals(s.state());
        if (failed) {
            trace = s.trace();
        }
        for (TaskStatusView task : s.tasks()) {
            if (!failed && "FAILED".equals(task.state())) {
                failed = true;
                trace = task.trace();
            }
        }
        if (!failed) {
            return null;
        }
        if ("source".equals(part) && OversizedEvents.in(trace)) {
            return part + ": " + OversizedEvents.reason(trace, oversizedTable);
        }
        if ("source".equals(part) && FailureReasons.saysSlotLost(trace)) {
            return part + ": " + FailureReasons.slotLost(slot);
        }
        return part + ": " + FailureReasons.of(trace);
    }
}
