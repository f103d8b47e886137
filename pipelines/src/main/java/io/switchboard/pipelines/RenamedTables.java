package io.switchboard.pipelines;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tables of a pipeline's own publication renamed while it runs. The publication holds each table by
 * its oid, so a renamed table stays in it under its new name; this keeps, per pipeline, the name each
 * published oid had at the previous look (every few seconds, {@link PipelineScheduler}) and answers
 * the oids whose name changed since, as new name to old name. Kept in memory on the replica that
 * looks: the first look after a start, or after the lease moved to this replica, only learns the
 * names, so a rename made between the previous leader's last look and this one's first is not seen.
 * Bounded: pipelines no longer there are forgotten, and a publication of more than
 * {@link #MAX_TABLES} tables is not watched. Used by one thread at a time.
 */
final class RenamedTables {
    static final int MAX_TABLES = 10_000;
    private final Map<String, Map<Long, String>> seen = new HashMap<>();
    /** Per pipeline, renames seen but not recorded yet (new name to old name): answered again until {@link #recorded}. */
    private final Map<String, Map<String, String>> pending = new HashMap<>();

    /** Forgets every pipeline but these. */
    synchronized void retain(Collection<String> pipelines) {
        seen.keySet().retainAll(pipelines);
        pending.keySet().retainAll(pipelines);
    }

    /** The tables of the publication renamed since the previous look, new name to old name (the first look: none). */
    synchronized Map<String, String> renamed(String pipeline, Connection c, String publication) throws SQLException {
        Map<Long, String> now = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT k.oid, format('%I.%I', n.nspname, k.relname) FROM pg_publication_rel r"
                + " JOIN pg_publication p ON p.oid = r.prpubid JOIN pg_class k ON k.oid = r.prrelid JOIN pg_namespace n ON n.oid = k.relnamespace"
                + " WHERE p.pubname = ? AND n.nspname <> '" + HeartbeatTable.SCHEMA + "' LIMIT " + (MAX_TABLES + 1))) {
            s.setString(1, publication);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    now.put(r.getLong(1), r.getString(2));
                }
            }
        }
        if (now.size() > MAX_TABLES) {
            seen.remove(pipeline);
            return Map.of();
        }
        Map<Long, String> before = seen.put(pipeline, now);
        Map<String, String> renamed = pending.computeIfAbsent(pipeline, p -> new LinkedHashMap<>());
        if (before != null) {
            now.forEach((oid, name) -> {
                String was = before.get(oid);
                if (was != null && !was.equals(name)) {
                    renamed.put(name, was);
                }
            });
        }
        // A table renamed again, or dropped, before it was recorded: only its present name is reported.
        renamed.keySet().retainAll(now.values());
        return Map.copyOf(renamed);
    }

    /** The rename of {@code table} is recorded: it is not answered again. */
    synchronized void recorded(String pipeline, String table) {
        Map<String, String> renamed = pending.get(pipeline);
        if (renamed != null) {
            renamed.remove(table);
        }
    }
}
