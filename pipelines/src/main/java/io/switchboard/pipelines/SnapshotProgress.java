package io.switchboard.pipelines;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Arrays;

/**
 * Where a pipeline's initial snapshot stands, folded from its source connector's Debezium
 * notifications (aggregate type "Initial Snapshot"): STARTED begins a snapshot again from nothing;
 * IN_PROGRESS names the table being copied and how many there are; TABLE_SCAN_COMPLETED adds the
 * table's rows; COMPLETED, SKIPPED and ABORTED end it. A pure function of the notifications, in
 * the order the source task sent them (its records' order on the one-partition topic).
 *
 * @param phase        the last notification's type
 * @param table        the table being copied, or null between tables
 * @param rowsCopied   rows of the tables finished so far
 * @param tablesCopied tables finished so far
 * @param tables       tables the snapshot copies, or 0 before the first is begun
 * @param at           when the source sent the last notification, in epoch milliseconds
 */
public record SnapshotProgress(String phase, String table, long rowsCopied, int tablesCopied, int tables, long at) {
    public static final String AGGREGATE_TYPE = "Initial Snapshot";

    /** The phase of a run whose source has sent no notification yet. */
    static final String AWAITED = "AWAITED";

    /** A run whose source runs and has not said yet whether it snapshots. */
    static SnapshotProgress awaited(long runStarted) {
        return new SnapshotProgress(AWAITED, null, 0, 0, 0, runStarted);
    }

    /** Whether the run's source has not said yet whether it takes a snapshot (it says so when its task starts). */
    public boolean awaited() {
        return phase.equals(AWAITED);
    }

    /** Whether the snapshot is under way: begun and neither finished, skipped nor given up. */
    public boolean copying() {
        return phase.equals("STARTED") || phase.equals("IN_PROGRESS") || phase.equals("TABLE_SCAN_COMPLETED");
    }

    /** Whether the snapshot copied every table. */
    public boolean completed() {
        return phase.equals("COMPLETED");
    }

    /**
     * The progress after one notification's payload ({@code {"type", "aggregate_type",
     * "additional_data", "timestamp"}}); the same progress for a notification of another kind.
     */
    public static SnapshotProgress after(SnapshotProgress before, JsonNode notification) {
        if (!AGGREGATE_TYPE.equals(notification.path("aggregate_type").asText())) {
            return before;
        }
        String type = notification.path("type").asText();
        JsonNode data = notification.path("additional_data");
        long at = notification.path("timestamp").asLong(0);
        SnapshotProgress last = before == null ? new SnapshotProgress("STARTED", null, 0, 0, 0, at) : before;
        if (heartbeat(data.path("current_collection_in_progress").asText("")) || heartbeat(data.path("scanned_collection").asText(""))) {
            // The pipeline's heartbeat table is Switchboard's, not data the user asked to copy (HeartbeatTable).
            return before;
        }
        int tables = data.hasNonNull("data_collections") ? count(data.path("data_collections").asText()) : last.tables();
        return switch (type) {
            case "STARTED" -> new SnapshotProgress(type, null, 0, 0, 0, at);
            case "IN_PROGRESS" -> new SnapshotProgress(type, data.path("current_collection_in_progress").asText(null),
                    last.rowsCopied(), last.tablesCopied(), tables, at);
            case "TABLE_SCAN_COMPLETED" -> new SnapshotProgress(type, null,
                    last.rowsCopied() + data.path("total_rows_scanned").asLong(0), last.tablesCopied() + 1, tables, at);
            case "COMPLETED", "SKIPPED", "ABORTED" -> new SnapshotProgress(type, null, last.rowsCopied(), last.tablesCopied(),
                    last.tables(), at);
            default -> before;
        };
    }

    /** The tables named, the pipelines' heartbeat tables left out: Debezium counts every table it captures. */
    private static int count(String list) {
        return list.isBlank() ? 0 : (int) Arrays.stream(list.split(",")).filter(table -> !heartbeat(table.trim())).count();
    }

    /** Whether a table as Debezium names it ({@code [database.]schema.table}) is a pipeline's heartbeat table. */
    private static boolean heartbeat(String table) {
        return table.matches("(.*\\.)?" + HeartbeatTable.SCHEMA + "\\.sb_heartbeat_[a-z0-9_]+");
    }
}
