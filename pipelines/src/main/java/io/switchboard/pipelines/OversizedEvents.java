package io.switchboard.pipelines;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A change event over {@link PipelineCompiler#MAX_EVENT_BYTES}: the source's producer refuses it
 * ({@code RecordTooLargeException}, whose words name neither the table nor the pipeline), the source
 * task fails, and the change stays first in the replication slot, so every restart meets it again.
 * The pipeline's reason names the limit and the table: the one being copied when the snapshot was
 * under way, else the table of the largest change the slot holds next, which the source's role reads
 * with {@code pg_logical_slot_peek_binary_changes} (the slot is free once the task has failed;
 * nothing is consumed). A peek is made once per position of the slot and kept.
 */
final class OversizedEvents {
    /** How many changes a peek reads at most; the refused one is among the first. */
    static final int PEEKED = 2_000;
    private static final int KEPT = 1_000;
    private static final Pattern SIZE = Pattern.compile("The message is (\\d+) bytes");
    private static final Logger log = LoggerFactory.getLogger(OversizedEvents.class);
    /** Peeks made, by slot and its confirmed position: a failed pipeline's slot does not move. */
    private static final Map<String, String> peeked = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > KEPT;
        }
    };

    private OversizedEvents() {
    }

    /** Whether a part's trace says the producer refused an event over its limit. */
    static boolean in(String trace) {
        return trace != null && (trace.contains("RecordTooLargeException") || trace.contains("max.request.size"));
    }

    /** The pipeline's reason: the event's size as the producer said it, the limit, the table when known, and what to do. */
    static String reason(String trace, String table) {
        Matcher size = SIZE.matcher(trace == null ? "" : trace);
        String bytes = size.find() ? size.group(1) + " bytes" : "larger";
        return "a change event" + (table == null ? "" : " of table " + table) + " is " + bytes + ", over the "
                + PipelineCompiler.MAX_EVENT_BYTES + " bytes (" + PipelineCompiler.MAX_EVENT_BYTES / (1024 * 1024)
                + " MiB) a pipeline carries in one event (the producer's max.request.size); the other tables wait behind it."
                + " The change stays in the replication slot: make the row smaller, or leave the table out, then delete the pipeline"
                + " and create it again (a new snapshot)";
    }

    /**
     * The table of the largest change among the next {@value #PEEKED} the slot holds ("schema.table"),
     * null when none can be read (the slot still in use, or gone).
     */
    static String tableInSlot(PostgresConnection source, String slot, String publication) {
        try (Connection c = source.connect(5)) {
            String at;
            try (PreparedStatement s = c.prepareStatement("SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = ? AND NOT active")) {
                s.setString(1, slot);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return null;
                    }
                    at = source.host() + ":" + source.port() + "/" + source.database() + "/" + slot + "@" + r.getString(1);
                }
            }
            synchronized (peeked) {
                if (peeked.containsKey(at)) {
                    return peeked.get(at);
                }
            }
            String table = null;
            // pgoutput's insert ('I', 73) and update ('U', 85) messages: the relation's oid in bytes 1 to 4.
            try (PreparedStatement s = c.prepareStatement("SELECT (SELECT format('%I.%I', n.nspname, k.relname) FROM pg_class k"
                    + " JOIN pg_namespace n ON n.oid = k.relnamespace WHERE k.oid = (((get_byte(data, 1)::bigint << 24) | (get_byte(data, 2) << 16)"
                    + " | (get_byte(data, 3) << 8) | get_byte(data, 4))::oid)) FROM pg_logical_slot_peek_binary_changes(?, NULL, " + PEEKED
                    + ", 'proto_version', '1', 'publication_names', ?) WHERE get_byte(data, 0) IN (73, 85) ORDER BY length(data) DESC LIMIT 1")) {
                s.setString(1, slot);
                s.setString(2, publication);
                try (ResultSet r = s.executeQuery()) {
                    table = r.next() ? r.getString(1) : null;
                }
            }
            synchronized (peeked) {
                peeked.put(at, table);
            }
            return table;
        } catch (SQLException e) {
            log.debug("Cannot peek at replication slot {}: {}", slot, e.getMessage());
            return null;
        }
    }
}
