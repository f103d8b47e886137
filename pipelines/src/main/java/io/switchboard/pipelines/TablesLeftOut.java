package io.switchboard.pipelines;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tables of a running pipeline's source that it leaves out of what it replicates, each with the
 * reason and what makes it replicate. Its own publication takes the tables that appear while it runs
 * ({@link PublicationTables}), but not
 * <ul>
 *   <li>a table without a primary key: the target writes rows by key;</li>
 *   <li>a table another role owns: only its owner may add it to a publication;</li>
 *   <li>a view or materialized view: it has no rows of its own to stream.</li>
 * </ul>
 * Those are read from the source's catalog as its role sees it ({@link #read}). A table renamed
 * while the pipeline runs stays in the publication (which holds it by oid) and streams on, but to a
 * target table of its new name holding only the changes since; the rows before stay under the old
 * name. That is seen by {@link RenamedTables} and recorded on the pipeline's source connector, whose
 * record the status reads ({@link #renamed}).
 */
final class TablesLeftOut {
    /** At most this many tables are listed in a status; the count says how many there are. */
    static final int MAX_LISTED = 100;
    static final String NO_KEY = "no primary key: the target writes rows by key";
    static final String NOT_OWNED = "owned by another role: only a table's owner may add it to the pipeline's publication";
    static final String VIEW = "a view has no rows of its own: it is not copied";
    static final String MATERIALIZED_VIEW = "a materialized view is not published by PostgreSQL: it is not copied";
    static final String RENAMED_FROM = "renamed from ";
    /** What a fix names the source's user as in texts a viewer may read, and in recorded events. */
    static final String SOURCE_USER = "<the pipeline's source user>";

    /** One table left out, as the status lists it. */
    record Table(String table, String reason, String fix) {
        Map<String, Object> json() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("table", table);
            json.put("reason", reason);
            json.put("fix", fix);
            return json;
        }
    }

    /** Up to {@link #MAX_LISTED} tables left out, and how many there are in all. */
    record Listing(List<Table> tables, long total) {
        static final Listing NONE = new Listing(List.of(), 0);

        /** This listing with the source's user named as {@code role} in its fixes (read with {@link #SOURCE_USER}). */
        Listing naming(String role) {
            return new Listing(tables.stream().map(t -> new Table(t.table(), t.reason(), t.fix().replace(SOURCE_USER, role))).toList(), total);
        }

        /** This listing with the tables of {@code more} first, still at most {@link #MAX_LISTED}. */
        Listing with(List<Table> more) {
            if (more.isEmpty()) {
                return this;
            }
            List<Table> all = new ArrayList<>(more);
            all.addAll(tables);
            return new Listing(List.copyOf(all.subList(0, Math.min(all.size(), MAX_LISTED))), total + more.size());
        }
    }

    private TablesLeftOut() {
    }

    /** The reason a table renamed from {@code from} gives. */
    static String renamedReason(String from) {
        return RENAMED_FROM + from + " while the pipeline ran: its rows so far stay in the target under the old name,"
                + " and the target's table of the new name holds only the changes since";
    }

    /** What makes the table replicate, for this reason; {@code role} names the source's user. */
    static String fix(String table, String reason, String role) {
        if (reason.equals(NO_KEY)) {
            return "ALTER TABLE " + table + " ADD PRIMARY KEY (<columns>)";
        }
        if (reason.equals(NOT_OWNED)) {
            return "ALTER TABLE " + table + " OWNER TO " + role + ", or have an administrator make a publication of the tables"
                    + " and name it in publication_name";
        }
        if (reason.equals(VIEW) || reason.equals(MATERIALIZED_VIEW)) {
            return "create the view in the target from the tables copied there";
        }
        return "ReIntialize the pipeline: it copies the table whole under its new name";
    }

    /** The tables recorded as renamed on the pipeline's source connector (table to reason), fixes naming no user. */
    static List<Table> renamed(Map<String, String> recorded) {
        List<Table> renamed = new ArrayList<>();
        recorded.forEach((table, reason) -> {
            if (reason.startsWith(RENAMED_FROM) && renamed.size() < MAX_LISTED) {
                renamed.add(new Table(table, reason, fix(table, reason, SOURCE_USER)));
            }
        });
        return renamed;
    }

    /**
     * The tables the pipeline's own publication leaves out, first by name, as the source's role sees
     * the catalog: tables (not partitions; a partitioned table is published as its root) missing from
     * the publication for want of a primary key or of ownership, and every view and materialized
     * view; neither the catalogs, the pipeline's heartbeat schema nor an extension's objects. Before
     * the publication is made, those it will leave out. Fixes name the user as {@code role}.
     */
    static Listing read(Connection c, String publication, String role) throws SQLException {
        List<Table> tables = new ArrayList<>();
        long total = 0;
        try (PreparedStatement s = c.prepareStatement("SELECT format('%I.%I', n.nspname, c.relname), c.relkind,"
                + " EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary), pg_has_role(c.relowner, 'USAGE'),"
                + " count(*) OVER ()"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_publication p ON p.pubname = ?"
                + " WHERE n.nspname NOT IN ('information_schema', '" + HeartbeatTable.SCHEMA + "') AND n.nspname NOT LIKE 'pg\\_%'"
                + " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')"
                + " AND (c.relkind IN ('v', 'm') OR (c.relkind IN ('r', 'p') AND NOT c.relispartition"
                + " AND NOT EXISTS (SELECT 1 FROM pg_publication_rel r WHERE r.prpubid = p.oid AND r.prrelid = c.oid)))"
                + " AND NOT (c.relkind IN ('r', 'p') AND pg_has_role(c.relowner, 'USAGE')"
                + " AND EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary))"
                + " ORDER BY 1 LIMIT " + MAX_LISTED)) {
            s.setString(1, publication);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    String table = r.getString(1);
                    String kind = r.getString(2);
                    String reason = "v".equals(kind) ? VIEW : "m".equals(kind) ? MATERIALIZED_VIEW : !r.getBoolean(3) ? NO_KEY : NOT_OWNED;
                    tables.add(new Table(table, reason, fix(table, reason, role)));
                    total = r.getLong(5);
                }
            }
        }
        return new Listing(List.copyOf(tables), total);
    }
}
